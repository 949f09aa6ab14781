import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cases and intelligence, linked both ways with foreign keys: a case's linked reports, and a report's (and its
 * review's) referral to a case. References written before cases existed cannot name a case: they are cleared
 * (the report keeps its referred_to_case decision and state).
 */
export class CasesIntelligenceLinks1795530001000 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE intelligence_report r SET referred_case_id = NULL
        WHERE referred_case_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM case_record c WHERE c.id = r.referred_case_id)`,
    );
    await q.query(
      `UPDATE intelligence_review r SET case_id = NULL
        WHERE case_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM case_record c WHERE c.id = r.case_id)`,
    );
    await q.query(
      `ALTER TABLE "case_intelligence" ADD CONSTRAINT "fk_case_intelligence_report" FOREIGN KEY ("report_id") REFERENCES "intelligence_report"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "intelligence_report" ADD CONSTRAINT "fk_intelligence_report_referred_case" FOREIGN KEY ("referred_case_id") REFERENCES "case_record"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "intelligence_review" ADD CONSTRAINT "fk_intelligence_review_case" FOREIGN KEY ("case_id") REFERENCES "case_record"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    // Reports referred to a case, for the case side's "which reports led here" and the figures.
    await q.query(
      `CREATE INDEX "ix_intelligence_report_referred_case" ON "intelligence_report" ("referred_case_id") WHERE referred_case_id IS NOT NULL`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."ix_intelligence_report_referred_case"`);
    await q.query(`ALTER TABLE "intelligence_review" DROP CONSTRAINT "fk_intelligence_review_case"`);
    await q.query(`ALTER TABLE "intelligence_report" DROP CONSTRAINT "fk_intelligence_report_referred_case"`);
    await q.query(`ALTER TABLE "case_intelligence" DROP CONSTRAINT "fk_case_intelligence_report"`);
  }
}
