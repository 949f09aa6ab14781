import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 26: a supervisor sends an intelligence assessment back to its analyst with a reason. The assessment
 * version stays (every version is kept); it is marked sent back (`sent_back_at/by`, `send_back_reason`, all or
 * none), and the analyst's next submission is a new version.
 */
export class AssessmentSendBack1795610000001 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "intelligence_assessment" ADD "sent_back_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "intelligence_assessment" ADD "sent_back_by" uuid`);
    await q.query(`ALTER TABLE "intelligence_assessment" ADD "send_back_reason" text`);
    await q.query(
      `ALTER TABLE "intelligence_assessment" ADD CONSTRAINT "fk_intelligence_assessment_sent_back_by" FOREIGN KEY ("sent_back_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "intelligence_assessment" ADD CONSTRAINT "ck_intelligence_assessment_sent_back" CHECK (
         (sent_back_at IS NULL AND sent_back_by IS NULL AND send_back_reason IS NULL)
         OR (sent_back_at IS NOT NULL AND sent_back_by IS NOT NULL AND char_length(send_back_reason) BETWEEN 1 AND 10000))`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "intelligence_assessment" DROP CONSTRAINT "ck_intelligence_assessment_sent_back"`,
    );
    await q.query(
      `ALTER TABLE "intelligence_assessment" DROP CONSTRAINT "fk_intelligence_assessment_sent_back_by"`,
    );
    await q.query(`ALTER TABLE "intelligence_assessment" DROP COLUMN "send_back_reason"`);
    await q.query(`ALTER TABLE "intelligence_assessment" DROP COLUMN "sent_back_by"`);
    await q.query(`ALTER TABLE "intelligence_assessment" DROP COLUMN "sent_back_at"`);
  }
}
