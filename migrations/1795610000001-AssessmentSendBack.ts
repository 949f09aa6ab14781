import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 26: a supervisor sends an intelligence assessment back to its analyst with a reason. Assessment versions
 * are never changed (UPDATE is revoked from the app), so a send-back is a row of its own, one per assessment
 * version at most, append-only like the assessments and reviews; the analyst's next submission is a new version.
 */
export class AssessmentSendBack1795610000001 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "intelligence_send_back" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "report_id" uuid NOT NULL, "assessment_id" uuid NOT NULL, "reason" text NOT NULL, "sent_back_by" uuid NOT NULL, "sent_back_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_intelligence_send_back_reason" CHECK (char_length(reason) BETWEEN 1 AND 10000), CONSTRAINT "pk_intelligence_send_back" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "uq_intelligence_send_back_assessment" ON "intelligence_send_back" ("assessment_id")`,
    );
    await q.query(
      `CREATE INDEX "ix_intelligence_send_back_report" ON "intelligence_send_back" ("report_id")`,
    );
    await q.query(
      `ALTER TABLE "intelligence_send_back" ADD CONSTRAINT "fk_intelligence_send_back_report" FOREIGN KEY ("report_id") REFERENCES "intelligence_report"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "intelligence_send_back" ADD CONSTRAINT "fk_intelligence_send_back_assessment" FOREIGN KEY ("assessment_id") REFERENCES "intelligence_assessment"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "intelligence_send_back" ADD CONSTRAINT "fk_intelligence_send_back_by" FOREIGN KEY ("sent_back_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    // A record of what was decided, as the assessments and reviews: never changed or removed by the app.
    await q.query(`REVOKE UPDATE, DELETE ON intelligence_send_back FROM lantern_app`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "intelligence_send_back"`);
  }
}
