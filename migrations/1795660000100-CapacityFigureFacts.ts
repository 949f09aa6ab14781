import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 25: the capacity figure (GET /figures/capacity) reads a read model kept exact in the change's own
 * transaction. The figure is the queue at the end of given UK days (each month end of the range, and today):
 * an item is open at the end of day D when it was received (recorded) on or before D and not closed (decided,
 * development apart; finalised) on or before D, all in UK dates. What is open at the end of a day is fixed by
 * the items' dates alone, not by "today" (which only chooses the days shown), so triggers keep the model, as
 * for the other year figures, rather than the worker's month-end snapshots: a back-dated change is in the
 * model when its transaction commits, for every month end it touches.
 *
 * - `capacity_intelligence_facts_of(...)` / `capacity_case_facts_of(...)`: the one derivation of each side.
 *   For an item's columns: the category filters it matches (NULL: every category; its primary and each
 *   secondary category), with the UK date it was received (recorded) and the UK date it was closed (NULL
 *   while it is open).
 * - `capacity_intelligence_count`: reports counted per category filter, date received and date closed.
 * - `capacity_case_count`: cases counted per category filter, date recorded, date finalised and investigator
 *   (as assigned now: the figure counts distinct investigators and unassigned cases).
 *
 * From these, for a day D: open = the counts received ≤ D and not closed ≤ D; the oldest = D less the earliest
 * date received among them; past target = those received ≤ D − target (intelligence) or recorded 12 months or
 * more before D (cases: recorded date + 12 months ≤ D, as `case_record.pcc_report_due`). Statement-level
 * triggers with transition tables on intelligence_report and case_record add what a statement inserted and
 * take off what it deleted (an update: only rows whose counted columns changed), grouped, in key order, one
 * upsert each. `capacity_figure_refill()` recomputes both from every item: the backfill below, TRUNCATE, and
 * a bulk load with the triggers disabled (bench/seed.ts).
 *
 * test/intelligence-capacity-facts.e2e-spec.ts checks the figure read from them against its SQL over the base
 * tables. The trigger functions are SECURITY DEFINER (owner's rights, `search_path` pinned); the application
 * role may read both tables, not write them.
 */
export class CapacityFigureFacts1795660000100 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "capacity_intelligence_count" (
      "category" "public"."corruption_category",
      "received_on" date NOT NULL,
      "closed_on" date,
      "n" integer NOT NULL)`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_capacity_intelligence_count" ON "capacity_intelligence_count" ("category", "received_on", "closed_on") NULLS NOT DISTINCT`,
    );
    // The figure reads what was still open after a date: closed after it, or not closed.
    await q.query(
      `CREATE INDEX "ix_capacity_intelligence_count_closed" ON "capacity_intelligence_count" ("category", "closed_on") INCLUDE ("received_on", "n")`,
    );
    await q.query(`CREATE TABLE "capacity_case_count" (
      "category" "public"."corruption_category",
      "recorded_on" date NOT NULL,
      "finalised_on" date,
      "investigator_id" uuid,
      "n" integer NOT NULL)`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_capacity_case_count" ON "capacity_case_count" ("category", "recorded_on", "finalised_on", "investigator_id") NULLS NOT DISTINCT`,
    );
    await q.query(
      `CREATE INDEX "ix_capacity_case_count_finalised" ON "capacity_case_count" ("category", "finalised_on") INCLUDE ("recorded_on", "investigator_id", "n")`,
    );

    await q.query(`CREATE FUNCTION capacity_intelligence_facts_of(
        p_received_at timestamptz, p_reviewed_at timestamptz, p_decision intelligence_decision,
        p_primary_category corruption_category, p_secondary_categories corruption_category[])
      RETURNS TABLE (category corruption_category, received_on date, closed_on date)
      LANGUAGE sql IMMUTABLE AS $$
      SELECT k.category, (p_received_at AT TIME ZONE 'Europe/London')::date,
             CASE WHEN p_decision IS NOT NULL AND p_decision <> 'development'
                  THEN (p_reviewed_at AT TIME ZONE 'Europe/London')::date END
        FROM (SELECT NULL::corruption_category
              UNION SELECT p_primary_category
              UNION SELECT unnest(p_secondary_categories)) k(category)
    $$`);
    await q.query(`CREATE FUNCTION capacity_case_facts_of(
        p_recorded_at timestamptz, p_finalised_at timestamptz,
        p_primary_category corruption_category, p_categories corruption_category[])
      RETURNS TABLE (category corruption_category, recorded_on date, finalised_on date)
      LANGUAGE sql IMMUTABLE AS $$
      SELECT k.category, (p_recorded_at AT TIME ZONE 'Europe/London')::date,
             (p_finalised_at AT TIME ZONE 'Europe/London')::date
        FROM (SELECT NULL::corruption_category
              UNION SELECT p_primary_category
              UNION SELECT unnest(p_categories)) k(category)
    $$`);

    const definer = `LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp`;
    await q.query(`CREATE FUNCTION capacity_intelligence_apply() RETURNS trigger ${definer} AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          ${applyIntelligence('SELECT 1 AS sign, n.* FROM new_rows n')}
        ELSIF TG_OP = 'UPDATE' THEN
          ${applyIntelligence(changed(INTELLIGENCE_COUNTED))}
        ELSE
          ${applyIntelligence('SELECT -1 AS sign, o.* FROM old_rows o')}
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE FUNCTION capacity_case_apply() RETURNS trigger ${definer} AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          ${applyCases('SELECT 1 AS sign, n.* FROM new_rows n')}
        ELSIF TG_OP = 'UPDATE' THEN
          ${applyCases(changed(CASE_COUNTED))}
        ELSE
          ${applyCases('SELECT -1 AS sign, o.* FROM old_rows o')}
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE FUNCTION capacity_figure_refill() RETURNS void
      LANGUAGE plpgsql SET search_path = public AS $$
      BEGIN
        LOCK TABLE capacity_intelligence_count, capacity_case_count IN EXCLUSIVE MODE;
        DELETE FROM capacity_intelligence_count;
        DELETE FROM capacity_case_count;
        ${applyIntelligence('SELECT 1 AS sign, r.* FROM intelligence_report r')}
        ${applyCases('SELECT 1 AS sign, r.* FROM case_record r')}
      END $$`);
    await q.query(`CREATE FUNCTION capacity_figure_rebuild() RETURNS trigger ${definer} AS $$
      BEGIN
        PERFORM capacity_figure_refill();
        RETURN NULL;
      END $$`);

    for (const [table, fn] of TRIGGERS) {
      await q.query(`CREATE TRIGGER capacity_figure_insert AFTER INSERT ON ${table}
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
      await q.query(`CREATE TRIGGER capacity_figure_update AFTER UPDATE ON ${table}
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
      await q.query(`CREATE TRIGGER capacity_figure_delete AFTER DELETE ON ${table}
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
      await q.query(`CREATE TRIGGER capacity_figure_truncate AFTER TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION capacity_figure_rebuild()`);
    }

    await q.query(`SELECT capacity_figure_refill()`);
    await q.query(`ANALYZE capacity_intelligence_count`);
    await q.query(`ANALYZE capacity_case_count`);

    await q.query(`REVOKE ALL ON capacity_intelligence_count, capacity_case_count FROM lantern_app`);
    await q.query(`GRANT SELECT ON capacity_intelligence_count, capacity_case_count TO lantern_app`);
    await q.query(`REVOKE ALL ON FUNCTION capacity_figure_refill() FROM PUBLIC, lantern_app`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const [table] of TRIGGERS) {
      for (const event of ['insert', 'update', 'delete', 'truncate']) {
        await q.query(`DROP TRIGGER capacity_figure_${event} ON ${table}`);
      }
    }
    await q.query(`DROP FUNCTION capacity_figure_rebuild()`);
    await q.query(`DROP FUNCTION capacity_figure_refill()`);
    await q.query(`DROP FUNCTION capacity_case_apply()`);
    await q.query(`DROP FUNCTION capacity_intelligence_apply()`);
    await q.query(
      `DROP FUNCTION capacity_case_facts_of(timestamptz, timestamptz, corruption_category, corruption_category[])`,
    );
    await q.query(
      `DROP FUNCTION capacity_intelligence_facts_of(timestamptz, timestamptz, intelligence_decision, corruption_category, corruption_category[])`,
    );
    await q.query(`DROP TABLE "capacity_case_count"`);
    await q.query(`DROP TABLE "capacity_intelligence_count"`);
  }
}

const TRIGGERS: [table: string, fn: string][] = [
  ['intelligence_report', 'capacity_intelligence_apply'],
  ['case_record', 'capacity_case_apply'],
];

/** The columns each side counts: an update touching none of them changes nothing in the model. */
const INTELLIGENCE_COUNTED = [
  'received_at',
  'reviewed_at',
  'decision',
  'primary_category',
  'secondary_categories',
];
const CASE_COUNTED = ['recorded_at', 'finalised_at', 'primary_category', 'categories', 'investigator_id'];

/** An update's rows whose counted columns changed: the new ones counted +1, the old ones −1. */
function changed(columns: string[]): string {
  const of = (a: string): string => columns.map((c) => `${a}.${c}`).join(', ');
  return `SELECT 1 AS sign, n.* FROM new_rows n JOIN old_rows o ON o.id = n.id
                     WHERE (${of('n')}) IS DISTINCT FROM (${of('o')})
                    UNION ALL
                    SELECT -1, o.* FROM old_rows o JOIN new_rows n ON n.id = o.id
                     WHERE (${of('n')}) IS DISTINCT FROM (${of('o')})`;
}

/** The upsert adding the signed reports of `source` (a sign, then intelligence_report's columns). */
function applyIntelligence(source: string): string {
  return `INSERT INTO capacity_intelligence_count AS t (category, received_on, closed_on, n)
          SELECT f.category, f.received_on, f.closed_on, sum(r.sign)::int
            FROM (${source}) r
           CROSS JOIN LATERAL capacity_intelligence_facts_of(r.received_at, r.reviewed_at, r.decision,
                 r.primary_category, r.secondary_categories) f
           GROUP BY f.category, f.received_on, f.closed_on
           ORDER BY f.category NULLS FIRST, f.received_on, f.closed_on NULLS FIRST
          ON CONFLICT (category, received_on, closed_on) DO UPDATE SET n = t.n + excluded.n;`;
}

/** The upsert adding the signed cases of `source` (a sign, then case_record's columns). */
function applyCases(source: string): string {
  return `INSERT INTO capacity_case_count AS t (category, recorded_on, finalised_on, investigator_id, n)
          SELECT f.category, f.recorded_on, f.finalised_on, r.investigator_id, sum(r.sign)::int
            FROM (${source}) r
           CROSS JOIN LATERAL capacity_case_facts_of(r.recorded_at, r.finalised_at, r.primary_category,
                 r.categories) f
           GROUP BY f.category, f.recorded_on, f.finalised_on, r.investigator_id
           ORDER BY f.category NULLS FIRST, f.recorded_on, f.finalised_on NULLS FIRST, r.investigator_id NULLS FIRST
          ON CONFLICT (category, recorded_on, finalised_on, investigator_id) DO UPDATE SET n = t.n + excluded.n;`;
}
