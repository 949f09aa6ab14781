import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the vetting sweep needs to re-evaluate only the people whose state may have changed since the last
 * completed sweep (the states are still computed in one place, vetting_states_at):
 * - vetting_sweep_dirty: people whose inputs changed (clearances; post, start or leave date; their post's
 *   required level; an alert of a sweep kind raised, resolved or removed by anyone but the sweep), written by
 *   statement-level triggers in the same transaction as the change, consumed by the next sweep;
 * - vetting_sweep_state: the date of the last completed sweep, and whether the next one must re-evaluate
 *   everyone (none completed yet, or the rules changed: row triggers on the two rules tables);
 * - vetting_states_changing_between(a, b): the people for whom one of the dates vetting_states_at compares
 *   its date with falls between a and b (start, leave, grant, supersession, withdrawal, expiry, expiry minus
 *   the level's warning window), so whose state on b may differ from their state on a; with an index on
 *   each of those dates;
 * - a covering index for vetting_states_at's choice of each person's clearance (index-only, no sort).
 */
export class IncrementalVettingSweep1795541000000 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "vetting_sweep_dirty" ("id" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "workforce_member_id" uuid NOT NULL)`,
    );
    await q.query(`CREATE TABLE "vetting_sweep_state" (
      "id" boolean PRIMARY KEY DEFAULT true CHECK (id),
      "swept_on" date,
      "swept_at" TIMESTAMP WITH TIME ZONE,
      "full_needed" boolean NOT NULL DEFAULT true)`);
    await q.query(`INSERT INTO vetting_sweep_state DEFAULT VALUES`);

    // --- Marks: set-based, once per statement ---
    await q.query(`CREATE FUNCTION vetting_sweep_mark_clearances() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO vetting_sweep_dirty (workforce_member_id) SELECT DISTINCT workforce_member_id FROM new_rows;
        ELSIF TG_OP = 'UPDATE' THEN
          INSERT INTO vetting_sweep_dirty (workforce_member_id)
          SELECT workforce_member_id FROM new_rows UNION SELECT workforce_member_id FROM old_rows;
        ELSE
          INSERT INTO vetting_sweep_dirty (workforce_member_id) SELECT DISTINCT workforce_member_id FROM old_rows;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER vetting_sweep_mark_insert AFTER INSERT ON vetting_clearance
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vetting_sweep_mark_clearances()`);
    await q.query(`CREATE TRIGGER vetting_sweep_mark_update AFTER UPDATE ON vetting_clearance
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vetting_sweep_mark_clearances()`);
    await q.query(`CREATE TRIGGER vetting_sweep_mark_delete AFTER DELETE ON vetting_clearance
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION vetting_sweep_mark_clearances()`);

    await q.query(`CREATE FUNCTION vetting_sweep_mark_members() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO vetting_sweep_dirty (workforce_member_id) SELECT id FROM new_rows;
        ELSE
          INSERT INTO vetting_sweep_dirty (workforce_member_id)
          SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
           WHERE (n.post_id, n.start_date, n.leave_date) IS DISTINCT FROM (o.post_id, o.start_date, o.leave_date);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER vetting_sweep_mark_insert AFTER INSERT ON workforce_member
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vetting_sweep_mark_members()`);
    await q.query(`CREATE TRIGGER vetting_sweep_mark_update AFTER UPDATE ON workforce_member
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vetting_sweep_mark_members()`);

    await q.query(`CREATE FUNCTION vetting_sweep_mark_posts() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO vetting_sweep_dirty (workforce_member_id)
        SELECT m.id FROM new_rows n JOIN old_rows o ON o.id = n.id JOIN workforce_member m ON m.post_id = n.id
         WHERE n.required_level IS DISTINCT FROM o.required_level;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER vetting_sweep_mark_update AFTER UPDATE ON post
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vetting_sweep_mark_posts()`);

    // An alert of a sweep kind changed by anyone but the sweep itself (a person check as of another date, a
    // below_required resolved by hand, a row removed): the next sweep looks at that person again, as a sweep
    // over everyone would. The sweep's own changes are its result: it says so with lantern.vetting_sweep.
    await q.query(`CREATE FUNCTION vetting_sweep_mark_alerts() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF current_setting('lantern.vetting_sweep', true) = 'on' THEN
          RETURN NULL;
        END IF;
        IF TG_OP = 'INSERT' THEN
          INSERT INTO vetting_sweep_dirty (workforce_member_id) SELECT DISTINCT workforce_member_id FROM new_rows
           WHERE kind IN ('renewal_due', 'overdue', 'below_required');
        ELSIF TG_OP = 'UPDATE' THEN
          INSERT INTO vetting_sweep_dirty (workforce_member_id)
          SELECT unnest(ARRAY[n.workforce_member_id, o.workforce_member_id]) FROM new_rows n JOIN old_rows o ON o.id = n.id
           WHERE (n.kind IN ('renewal_due', 'overdue', 'below_required') OR o.kind IN ('renewal_due', 'overdue', 'below_required'))
             AND (n.status, n.kind, n.clearance_id, n.workforce_member_id)
                 IS DISTINCT FROM (o.status, o.kind, o.clearance_id, o.workforce_member_id);
        ELSE
          INSERT INTO vetting_sweep_dirty (workforce_member_id) SELECT DISTINCT workforce_member_id FROM old_rows
           WHERE kind IN ('renewal_due', 'overdue', 'below_required');
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER vetting_sweep_mark_insert AFTER INSERT ON vetting_alert
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vetting_sweep_mark_alerts()`);
    await q.query(`CREATE TRIGGER vetting_sweep_mark_update AFTER UPDATE ON vetting_alert
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vetting_sweep_mark_alerts()`);
    await q.query(`CREATE TRIGGER vetting_sweep_mark_delete AFTER DELETE ON vetting_alert
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION vetting_sweep_mark_alerts()`);

    // A rule that changes (a renewal period, a warning window, what satisfies what): everyone, next sweep.
    await q.query(`CREATE FUNCTION vetting_sweep_rules_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE vetting_sweep_state SET full_needed = true WHERE NOT full_needed;
        RETURN NULL;
      END $$`);
    for (const table of ['vetting_level_rule', 'vetting_level_satisfies']) {
      await q.query(`CREATE TRIGGER vetting_sweep_rules_changed AFTER INSERT OR UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION vetting_sweep_rules_changed()`);
      await q.query(`CREATE TRIGGER vetting_sweep_rules_truncated AFTER TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION vetting_sweep_rules_changed()`);
    }

    // --- The state computation: each person's best clearance from the index alone ---
    // vetting_states_at picks, per person, the first clearance by (expires_on DESC, id) that is in force and
    // meets the post's level: with this order and the columns it filters on included, that is an index-only
    // scan that stops at the first match, instead of ten heap fetches and a sort per person. It replaces
    // (workforce_member_id, expires_on), which it serves as well.
    await q.query(`DROP INDEX "public"."ix_vetting_clearance_member_expiry"`);
    await q.query(
      `CREATE INDEX "ix_vetting_clearance_member_state" ON "vetting_clearance" ("workforce_member_id", "expires_on" DESC, "id") INCLUDE ("level", "granted_on", "superseded_on", "withdrawn_on")`,
    );

    // --- Date thresholds ---
    await q.query(`CREATE INDEX "ix_vetting_clearance_granted_on" ON "vetting_clearance" ("granted_on") `);
    await q.query(`CREATE INDEX "ix_vetting_clearance_expires_on" ON "vetting_clearance" ("expires_on") `);
    await q.query(
      `CREATE INDEX "ix_vetting_clearance_superseded_on" ON "vetting_clearance" ("superseded_on") WHERE superseded_on IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX "ix_vetting_clearance_withdrawn_on" ON "vetting_clearance" ("withdrawn_on") WHERE withdrawn_on IS NOT NULL`,
    );
    await q.query(`CREATE INDEX "ix_workforce_member_start_date" ON "workforce_member" ("start_date") `);
    await q.query(
      `CREATE INDEX "ix_workforce_member_leave_date" ON "workforce_member" ("leave_date") WHERE leave_date IS NOT NULL`,
    );
    // Every comparison vetting_states_at makes with its date is "x <= date" for one of these x (a leave or a
    // supersession "after the date" is its negation), so a state can differ between a and b only for a
    // person with such an x in (least(a, b), greatest(a, b)] (test/vetting-states-agree.e2e-spec.ts checks it).
    await q.query(`CREATE FUNCTION vetting_states_changing_between(p_a date, p_b date)
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
         AND c.expires_on > LEAST(p_a, p_b) + r.warning_days AND c.expires_on <= GREATEST(p_a, p_b) + r.warning_days
    $$`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION vetting_states_changing_between(date, date)`);
    await q.query(`DROP INDEX "public"."ix_vetting_clearance_member_state"`);
    await q.query(
      `CREATE INDEX "ix_vetting_clearance_member_expiry" ON "vetting_clearance"  ("workforce_member_id", "expires_on") `,
    );
    await q.query(`DROP INDEX "public"."ix_workforce_member_leave_date"`);
    await q.query(`DROP INDEX "public"."ix_workforce_member_start_date"`);
    await q.query(`DROP INDEX "public"."ix_vetting_clearance_withdrawn_on"`);
    await q.query(`DROP INDEX "public"."ix_vetting_clearance_superseded_on"`);
    await q.query(`DROP INDEX "public"."ix_vetting_clearance_expires_on"`);
    await q.query(`DROP INDEX "public"."ix_vetting_clearance_granted_on"`);
    for (const table of ['vetting_level_rule', 'vetting_level_satisfies']) {
      await q.query(`DROP TRIGGER vetting_sweep_rules_truncated ON ${table}`);
      await q.query(`DROP TRIGGER vetting_sweep_rules_changed ON ${table}`);
    }
    await q.query(`DROP FUNCTION vetting_sweep_rules_changed()`);
    for (const table of ['vetting_alert', 'vetting_clearance']) {
      await q.query(`DROP TRIGGER vetting_sweep_mark_delete ON ${table}`);
    }
    for (const table of ['vetting_alert', 'vetting_clearance', 'workforce_member', 'post']) {
      await q.query(`DROP TRIGGER vetting_sweep_mark_update ON ${table}`);
    }
    for (const table of ['vetting_alert', 'vetting_clearance', 'workforce_member']) {
      await q.query(`DROP TRIGGER vetting_sweep_mark_insert ON ${table}`);
    }
    await q.query(`DROP FUNCTION vetting_sweep_mark_alerts()`);
    await q.query(`DROP FUNCTION vetting_sweep_mark_posts()`);
    await q.query(`DROP FUNCTION vetting_sweep_mark_members()`);
    await q.query(`DROP FUNCTION vetting_sweep_mark_clearances()`);
    await q.query(`DROP TABLE "vetting_sweep_state"`);
    await q.query(`DROP TABLE "vetting_sweep_dirty"`);
  }
}
