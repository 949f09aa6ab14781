import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 25: the intelligence figure (GET /figures/intelligence) reads a read model kept exact in the change's
 * own transaction, as the cases figure reads `case_figure_total`:
 *
 * - `intelligence_figure_facts_of(...)`: the one derivation. For a report's columns it yields the rows it
 *   counts in: one per counting basis (`recorded`: the financial year received; `finalised`: the year of its
 *   decision, decided reports only) and per category filter it matches (NULL: every category; its primary
 *   and each secondary category), with its days to decision: whole days between the London dates of receipt
 *   and decision (decided reports only).
 * - `intelligence_figure_total`: the figure's counts per basis, financial year and category filter.
 * - `intelligence_decision_days`: per basis, year and category filter, how many decided reports took each
 *   whole number of days: the median and 90th percentile (`percentile_cont`) are computed from its cumulative
 *   counts exactly as over the reports themselves.
 *
 * Statement-level triggers with transition tables on intelligence_report add what a statement inserted and
 * take off what it deleted (an update: its old rows off, its new rows on, only for rows whose counted columns
 * changed), grouped and added in one upsert per table, in a fixed order (totals, then days; rows in key
 * order), so that concurrent writers lock the rows they share in the same order. `intelligence_figure_refill()`
 * recomputes both from every report through the same derivation: the backfill below, TRUNCATE, and a bulk load
 * made with the triggers disabled (bench/seed.ts).
 *
 * The measures are the figure's (src/modules/figures/intelligence-figures.repository.ts, INTELLIGENCE_MEASURES): a
 * change to one is a migration replacing `intelligence_figure_apply` and refilling the tables.
 * test/intelligence-capacity-facts.e2e-spec.ts checks the figure read from them against its SQL over the base
 * tables.
 *
 * Privileges: the trigger functions are SECURITY DEFINER (the owner's rights, `search_path` pinned); the
 * application role may read both tables, not write them.
 */
export class IntelligenceFigureFacts1795660000000 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "intelligence_figure_total" (
      "basis" text NOT NULL,
      "fy" integer NOT NULL,
      "category" "public"."corruption_category",
      ${MEASURES.map(([key]) => `"${key}" integer NOT NULL`).join(',\n      ')},
      CONSTRAINT "ck_intelligence_figure_total_basis" CHECK (basis IN ('recorded', 'finalised')))`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_intelligence_figure_total" ON "intelligence_figure_total" ("basis", "fy", "category") NULLS NOT DISTINCT`,
    );
    await q.query(`CREATE TABLE "intelligence_decision_days" (
      "basis" text NOT NULL,
      "fy" integer NOT NULL,
      "category" "public"."corruption_category",
      "days" integer NOT NULL,
      "n" integer NOT NULL,
      CONSTRAINT "ck_intelligence_decision_days_basis" CHECK (basis IN ('recorded', 'finalised')))`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_intelligence_decision_days" ON "intelligence_decision_days" ("basis", "fy", "category", "days") NULLS NOT DISTINCT`,
    );

    // The derivation: the (basis, year, category filter) rows a report counts in, with its days to decision.
    await q.query(`CREATE FUNCTION intelligence_figure_facts_of(
        p_received_at timestamptz, p_reviewed_at timestamptz, p_decision intelligence_decision,
        p_primary_category corruption_category, p_secondary_categories corruption_category[])
      RETURNS TABLE (basis text, fy integer, category corruption_category, days integer)
      LANGUAGE sql IMMUTABLE AS $$
      SELECT b.basis, b.fy, k.category,
             CASE WHEN p_decision IS NOT NULL AND p_reviewed_at IS NOT NULL
                  THEN (p_reviewed_at AT TIME ZONE 'Europe/London')::date - (p_received_at AT TIME ZONE 'Europe/London')::date
             END
        FROM (SELECT 'recorded'::text, case_financial_year(p_received_at)
              UNION ALL
              SELECT 'finalised', case_financial_year(p_reviewed_at)
               WHERE p_decision IS NOT NULL AND p_reviewed_at IS NOT NULL) b(basis, fy)
       CROSS JOIN (SELECT NULL::corruption_category
                   UNION SELECT p_primary_category
                   UNION SELECT unnest(p_secondary_categories)) k(category)
    $$`);

    await q.query(`CREATE FUNCTION intelligence_figure_apply() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          ${apply('SELECT 1 AS sign, n.* FROM new_rows n')}
        ELSIF TG_OP = 'UPDATE' THEN
          ${apply(CHANGED)}
        ELSE
          ${apply('SELECT -1 AS sign, o.* FROM old_rows o')}
        END IF;
        RETURN NULL;
      END $$`);
    // The model recomputed from every report: the backfill below, TRUNCATE (no transition table) and a bulk
    // load with the triggers set aside (the bench's seed) call it.
    await q.query(`CREATE FUNCTION intelligence_figure_refill() RETURNS void
      LANGUAGE plpgsql SET search_path = public AS $$
      BEGIN
        LOCK TABLE intelligence_figure_total, intelligence_decision_days IN EXCLUSIVE MODE;
        DELETE FROM intelligence_figure_total;
        DELETE FROM intelligence_decision_days;
        ${apply('SELECT 1 AS sign, r.* FROM intelligence_report r')}
      END $$`);
    await q.query(`CREATE FUNCTION intelligence_figure_rebuild() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        PERFORM intelligence_figure_refill();
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER intelligence_figure_insert AFTER INSERT ON intelligence_report
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION intelligence_figure_apply()`);
    await q.query(`CREATE TRIGGER intelligence_figure_update AFTER UPDATE ON intelligence_report
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION intelligence_figure_apply()`);
    await q.query(`CREATE TRIGGER intelligence_figure_delete AFTER DELETE ON intelligence_report
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION intelligence_figure_apply()`);
    await q.query(`CREATE TRIGGER intelligence_figure_truncate AFTER TRUNCATE ON intelligence_report
      FOR EACH STATEMENT EXECUTE FUNCTION intelligence_figure_rebuild()`);

    // --- The backfill: the same derivation over every report ---
    await q.query(`SELECT intelligence_figure_refill()`);
    await q.query(`ANALYZE intelligence_figure_total`);
    await q.query(`ANALYZE intelligence_decision_days`);

    await q.query(`REVOKE ALL ON intelligence_figure_total, intelligence_decision_days FROM lantern_app`);
    await q.query(`GRANT SELECT ON intelligence_figure_total, intelligence_decision_days TO lantern_app`);
    await q.query(`REVOKE ALL ON FUNCTION intelligence_figure_refill() FROM PUBLIC, lantern_app`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const event of ['insert', 'update', 'delete', 'truncate']) {
      await q.query(`DROP TRIGGER intelligence_figure_${event} ON intelligence_report`);
    }
    await q.query(`DROP FUNCTION intelligence_figure_rebuild()`);
    await q.query(`DROP FUNCTION intelligence_figure_refill()`);
    await q.query(`DROP FUNCTION intelligence_figure_apply()`);
    await q.query(
      `DROP FUNCTION intelligence_figure_facts_of(timestamptz, timestamptz, intelligence_decision, corruption_category, corruption_category[])`,
    );
    await q.query(`DROP TABLE "intelligence_decision_days"`);
    await q.query(`DROP TABLE "intelligence_figure_total"`);
  }
}

const CATEGORIES = [
  'abuse_of_position_sexual',
  'infiltration',
  'disclosure_of_information',
  'perverting_justice',
  'sexual_misconduct',
  'drugs',
  'theft_fraud',
  'misuse_of_systems',
  'abuse_of_authority',
  'inappropriate_association',
  'vulnerability',
  'assisting_offenders',
  'other',
];
const SOURCE_TYPES = [
  'colleague',
  'member_of_public',
  'anonymous',
  'partner_agency',
  'ict_monitoring',
  'covert_source',
  'other_force',
  'complaint',
  'self_declaration',
  'iopc',
  'other',
];
const DECISIONS = ['no_further_action', 'development', 'referred_to_case', 'disseminated'];

/** The figure's counts as of this migration, [column, condition on a report `x`] (INTELLIGENCE_MEASURES). */
const MEASURES: [key: string, condition: string][] = [
  ['received', 'TRUE'],
  ...CATEGORIES.map((c): [string, string] => [`category_${c}`, `x.primary_category = '${c}'`]),
  ...SOURCE_TYPES.map((s): [string, string] => [`source_${s}`, `x.source_type = '${s}'`]),
  ['graded_3x5x2', `x.grading_scheme = '3x5x2'`],
  ['graded_5x5x5', `x.grading_scheme = '5x5x5'`],
  ...DECISIONS.map((d): [string, string] => [d, `x.decision = '${d}'`]),
  ['open', 'x.decision IS NULL'],
];

/** The report columns the figure counts: an update touching none of them changes nothing in it. */
const COUNTED = [
  'received_at',
  'reviewed_at',
  'decision',
  'primary_category',
  'secondary_categories',
  'source_type',
  'grading_scheme',
];
const counted = (a: string): string => COUNTED.map((c) => `${a}.${c}`).join(', ');
const CHANGED = `SELECT 1 AS sign, n.* FROM new_rows n JOIN old_rows o ON o.id = n.id
                     WHERE (${counted('n')}) IS DISTINCT FROM (${counted('o')})
                    UNION ALL
                    SELECT -1, o.* FROM old_rows o JOIN new_rows n ON n.id = o.id
                     WHERE (${counted('n')}) IS DISTINCT FROM (${counted('o')})`;

/**
 * The two upserts adding the signed rows of `source` (a sign, then intelligence_report's columns) through the
 * derivation: the totals, then the days to decision.
 */
function apply(source: string): string {
  const facts = `(SELECT r.sign, f.basis, f.fy, f.category, f.days, r.primary_category, r.source_type,
                   r.grading_scheme, r.decision
              FROM (${source}) r
             CROSS JOIN LATERAL intelligence_figure_facts_of(r.received_at, r.reviewed_at, r.decision,
                   r.primary_category, r.secondary_categories) f)`;
  const signed = (m: string): string =>
    m === 'TRUE' ? 'sum(x.sign)::int' : `COALESCE(sum(x.sign) FILTER (WHERE ${m}), 0)::int`;
  return `INSERT INTO intelligence_figure_total AS t (basis, fy, category, ${MEASURES.map(([k]) => `"${k}"`).join(', ')})
          SELECT x.basis, x.fy, x.category,
                 ${MEASURES.map(([, m]) => signed(m)).join(',\n                 ')}
            FROM ${facts} x
           GROUP BY x.basis, x.fy, x.category
           ORDER BY x.basis, x.fy, x.category NULLS FIRST
          ON CONFLICT (basis, fy, category) DO UPDATE SET
                 ${MEASURES.map(([k]) => `"${k}" = t."${k}" + excluded."${k}"`).join(',\n                 ')};
          INSERT INTO intelligence_decision_days AS t (basis, fy, category, days, n)
          SELECT x.basis, x.fy, x.category, x.days, sum(x.sign)::int
            FROM ${facts} x
           WHERE x.days IS NOT NULL
           GROUP BY x.basis, x.fy, x.category, x.days
           ORDER BY x.basis, x.fy, x.category NULLS FIRST, x.days
          ON CONFLICT (basis, fy, category, days) DO UPDATE SET n = t.n + excluded.n;`;
}
