import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Vetting compliance by month end as stored snapshots (issue 25), computed once per date by the worker rather
 * than re-derived from the clearance history on every request:
 * - `vetting_compliance_month`: the dates (month ends, and today) whose snapshot is computed, and when.
 * - `vetting_compliance_snapshot`: per date, department and member type, the current workforce's count in
 *   each vetting state (vetting_states_at: the one definition). A date's rows go with its month row.
 * A change to what states depend on deletes the month rows of the dates it touches, in its own transaction
 * (vetting_compliance_invalidate, migration 1795590000200): a snapshot that exists is always the base
 * tables' answer; the worker computes the missing dates again within seconds.
 */
export class VettingComplianceSnapshots1795590000100 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "vetting_compliance_month" (
      "as_of" date NOT NULL,
      "computed_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "pk_vetting_compliance_month" PRIMARY KEY ("as_of"))`);
    await q.query(`CREATE TABLE "vetting_compliance_snapshot" (
      "as_of" date NOT NULL,
      "department_id" uuid,
      "member_type" "public"."member_type" NOT NULL,
      "workforce" integer NOT NULL,
      "up_to_date" integer NOT NULL,
      "renewal_due" integer NOT NULL,
      "overdue" integer NOT NULL,
      "below_required" integer NOT NULL,
      "no_clearance" integer NOT NULL,
      CONSTRAINT "fk_vetting_compliance_snapshot_month" FOREIGN KEY ("as_of")
        REFERENCES "vetting_compliance_month"("as_of") ON DELETE CASCADE ON UPDATE NO ACTION)`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_vetting_compliance_snapshot" ON "vetting_compliance_snapshot" ("as_of", "department_id", "member_type") NULLS NOT DISTINCT`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "vetting_compliance_snapshot"`);
    await q.query(`DROP TABLE "vetting_compliance_month"`);
  }
}
