import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A resolved alert is history: when its cause returns, a new alert is raised (issue 28).
 * - `uq_vetting_alert_clearance_kind` covered resolved alerts too, so a renewal_due or overdue alert, once
 *   resolved (by the sweep when a post change removed its cause, or by hand), was never raised again for that
 *   clearance. It becomes `uq_vetting_alert_open_clearance_kind`, over alerts not resolved only, as
 *   `uq_vetting_alert_open_below_required` already was; a plain index keeps the lookups by clearance.
 * - `review_by`: an alert resolved by hand while its cause remains carries the date by which it is reviewed;
 *   until then the sweep does not raise it again, from then on it does if the cause is still there.
 * - `vetting_states_changing_between` (current definition: migration 1795541000000) also returns the people
 *   with such a review date in (a, b], so the incremental sweep looks at them on the day it passes.
 */
export class AlertsComeBack1795562800000 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "vetting_alert" ADD "review_by" date`);
    await q.query(
      `ALTER TABLE "vetting_alert" ADD CONSTRAINT "ck_vetting_alert_review_by" CHECK (review_by IS NULL OR status = 'resolved')`,
    );
    await q.query(`DROP INDEX "public"."uq_vetting_alert_clearance_kind"`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_vetting_alert_open_clearance_kind" ON "vetting_alert" ("clearance_id", "kind") WHERE clearance_id IS NOT NULL AND status <> 'resolved'`,
    );
    await q.query(
      `CREATE INDEX "ix_vetting_alert_clearance" ON "vetting_alert" ("clearance_id", "kind") WHERE clearance_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX "ix_vetting_alert_review_by" ON "vetting_alert" ("review_by") WHERE review_by IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX "ix_vetting_alert_member_review_by" ON "vetting_alert" ("workforce_member_id", "kind", "review_by") WHERE review_by IS NOT NULL`,
    );
    await q.query(CHANGING_BETWEEN(true));
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(CHANGING_BETWEEN(false));
    await q.query(`DROP INDEX "public"."ix_vetting_alert_member_review_by"`);
    await q.query(`DROP INDEX "public"."ix_vetting_alert_review_by"`);
    await q.query(`DROP INDEX "public"."ix_vetting_alert_clearance"`);
    await q.query(`DROP INDEX "public"."uq_vetting_alert_open_clearance_kind"`);
    // (Fails if a clearance has had the same kind of alert twice since: history the old rule cannot hold.)
    await q.query(
      `CREATE UNIQUE INDEX "uq_vetting_alert_clearance_kind" ON "vetting_alert" ("clearance_id", "kind") WHERE clearance_id IS NOT NULL`,
    );
    await q.query(`ALTER TABLE "vetting_alert" DROP CONSTRAINT "ck_vetting_alert_review_by"`);
    await q.query(`ALTER TABLE "vetting_alert" DROP COLUMN "review_by"`);
  }
}

/**
 * Every comparison vetting_states_at makes with its date is "x <= date" for one of these x (a leave or a
 * supersession "after the date" is its negation), and so is the sweep's "review_by <= today", so a person's
 * alerts can differ between a and b only for a person with such an x in (least(a, b), greatest(a, b)].
 * test/vetting-states-agree.e2e-spec.ts checks it against vetting_states_at and the sweep.
 */
const CHANGING_BETWEEN = (withReviews: boolean): string => `
  CREATE OR REPLACE FUNCTION vetting_states_changing_between(p_a date, p_b date)
    RETURNS TABLE (workforce_member_id uuid) LANGUAGE sql STABLE AS $$
    SELECT m.id FROM workforce_member m
     WHERE (m.start_date > LEAST(p_a, p_b) AND m.start_date <= GREATEST(p_a, p_b))
        OR (m.leave_date > LEAST(p_a, p_b) AND m.leave_date <= GREATEST(p_a, p_b))
    UNION
    SELECT c.workforce_member_id FROM vetting_clearance c
     WHERE c.granted_on > LEAST(p_a, p_b) AND c.granted_on <= GREATEST(p_a, p_b)
    UNION
    SELECT c.workforce_member_id FROM vetting_clearance c
     WHERE c.superseded_on > LEAST(p_a, p_b) AND c.superseded_on <= GREATEST(p_a, p_b)
    UNION
    SELECT c.workforce_member_id FROM vetting_clearance c
     WHERE c.withdrawn_on > LEAST(p_a, p_b) AND c.withdrawn_on <= GREATEST(p_a, p_b)
    UNION
    SELECT c.workforce_member_id FROM vetting_clearance c
     WHERE c.expires_on > LEAST(p_a, p_b) AND c.expires_on <= GREATEST(p_a, p_b)
    UNION
    -- expiry minus the level's warning window: the expiry index over the widest window, then each level's own
    SELECT c.workforce_member_id FROM vetting_clearance c JOIN vetting_level_rule r ON r.level = c.level
     WHERE c.expires_on > LEAST(p_a, p_b) + (SELECT min(warning_days) FROM vetting_level_rule)
       AND c.expires_on <= GREATEST(p_a, p_b) + (SELECT max(warning_days) FROM vetting_level_rule)
       AND c.expires_on > LEAST(p_a, p_b) + r.warning_days AND c.expires_on <= GREATEST(p_a, p_b) + r.warning_days${
         withReviews
           ? `
    UNION
    -- an alert resolved by hand while its cause remained, whose review date passed
    SELECT a.workforce_member_id FROM vetting_alert a
     WHERE a.review_by > LEAST(p_a, p_b) AND a.review_by <= GREATEST(p_a, p_b)`
           : ''
       }
  $$`;
