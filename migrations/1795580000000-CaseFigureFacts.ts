import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 25: the people-in-cases figure (GET /figures/cases) reads a read model kept exact in the change's own
 * transaction, as the referrals figure reads `referral_fact`:
 *
 * - `case_person_fact`: one narrow row per person counted and counting basis: `recorded` (every subject of a
 *   case, in the year the case was recorded, with their confirmed outcome if any) and `finalised` (every
 *   outcome finalised, in the year it was finalised). Each row holds the year, the member type the figure
 *   counts (the outcome's, else the member's current one), the case's categories, and the outcome fields the
 *   measures test (the assessed severity already resolved: the outcome's, else the case's). One derivation,
 *   `case_person_facts_of(case ids)`, fills it here and recomputes it: statement-level triggers with transition
 *   tables on case_record, case_subject, case_subject_outcome and workforce_member (member type) collect the
 *   affected cases of the whole statement and call `case_person_fact_refresh(case ids)` (lock the cases,
 *   delete their facts, insert them anew), set-based, as `referral_fact_refresh` does.
 * - `case_figure_total`: the figure's counts summed per basis, financial year, member type and category (one
 *   row with category NULL for every category, one per category a person's case has, primary or not: the
 *   figure's category filter), kept by statement triggers on case_person_fact itself: the rows a statement
 *   inserted count +1, those it deleted −1, grouped and added in one upsert (in a fixed order, so concurrent
 *   writers lock the rows they share in the same order). The figure reads a few dozen rows of it instead of
 *   joining cases, subjects and outcomes over the decade; the department filter (the member's current
 *   department) and the caller's own cases are read from case_person_fact at request time.
 *
 * The measures here are the figure's (src/modules/figures/year-figures.repository.ts, CASE_MEASURES): a
 * change to one is a migration replacing `case_figure_total_apply` and refilling the table.
 * test/case-figure-facts.e2e-spec.ts checks both tables against the figure's SQL over the base tables.
 *
 * Privileges: the trigger functions are SECURITY DEFINER (the owner's rights, `search_path` pinned); the
 * application role may read both tables, not write them or call the refresh.
 */
export class CaseFigureFacts1795580000000 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "case_person_fact" (
      "case_id" uuid NOT NULL,
      "workforce_member_id" uuid NOT NULL,
      "basis" text NOT NULL,
      "fy" integer NOT NULL,
      "member_type" "public"."member_type" NOT NULL,
      "primary_category" "public"."corruption_category" NOT NULL,
      "categories" "public"."corruption_category" array NOT NULL,
      "finalised_at" TIMESTAMP WITH TIME ZONE,
      "misconduct_finding" "public"."misconduct_finding",
      "proceedings" "public"."misconduct_proceedings",
      "proceedings_result" "public"."proceedings_result",
      "assessed_severity" "public"."case_severity",
      "misconduct_outcome" "public"."misconduct_outcome",
      "would_have_been_dismissed" boolean,
      "left_service" "public"."left_service",
      "barred_list_on" date,
      "advisory_list_on" date,
      "allegation_result" "public"."allegation_result",
      "criminal_outcome" "public"."criminal_outcome",
      CONSTRAINT "ck_case_person_fact_basis" CHECK (basis IN ('recorded', 'finalised')))`);

    await q.query(`CREATE TABLE "case_figure_total" (
      "basis" text NOT NULL,
      "fy" integer NOT NULL,
      "member_type" "public"."member_type" NOT NULL,
      "category" "public"."corruption_category",
      ${MEASURES.map(([key]) => `"${key}" integer NOT NULL`).join(',\n      ')})`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_case_figure_total" ON "case_figure_total" ("basis", "fy", "member_type", "category") NULLS NOT DISTINCT`,
    );

    // The derivation, for a set of cases: their people on each basis (the figure's two sources).
    await q.query(`CREATE FUNCTION case_person_facts_of(p_case_ids uuid[]) RETURNS SETOF case_person_fact
      LANGUAGE sql STABLE AS $$
      SELECT cs.case_id, cs.workforce_member_id, 'recorded', c.recorded_financial_year,
             COALESCE(o.member_type, w.member_type), c.primary_category, c.categories, o.finalised_at,
             o.misconduct_finding, o.proceedings, o.proceedings_result, COALESCE(o.severity, c.severity),
             o.misconduct_outcome, o.would_have_been_dismissed, o.left_service, o.barred_list_on,
             o.advisory_list_on, o.allegation_result, o.criminal_outcome
        FROM case_subject cs
        JOIN case_record c ON c.id = cs.case_id
        JOIN workforce_member w ON w.id = cs.workforce_member_id
        LEFT JOIN case_subject_outcome o
          ON o.case_id = cs.case_id AND o.workforce_member_id = cs.workforce_member_id AND o.confirmed_at IS NOT NULL
       WHERE cs.case_id = ANY (p_case_ids)
      UNION ALL
      SELECT o.case_id, o.workforce_member_id, 'finalised', o.finalised_financial_year,
             o.member_type, c.primary_category, c.categories, o.finalised_at,
             o.misconduct_finding, o.proceedings, o.proceedings_result, COALESCE(o.severity, c.severity),
             o.misconduct_outcome, o.would_have_been_dismissed, o.left_service, o.barred_list_on,
             o.advisory_list_on, o.allegation_result, o.criminal_outcome
        FROM case_subject_outcome o
        JOIN case_record c ON c.id = o.case_id
       WHERE o.case_id = ANY (p_case_ids) AND o.finalised_financial_year IS NOT NULL
    $$`);

    // As referral_fact_refresh: one refresh of a case at a time; a generic plan for the API's few cases, a
    // statement planned for the actual set for bulk changes.
    await q.query(`CREATE FUNCTION case_person_fact_refresh(p_case_ids uuid[]) RETURNS void
      LANGUAGE plpgsql SET search_path = public SET plan_cache_mode = force_generic_plan AS $$
      BEGIN
        IF p_case_ids IS NULL OR cardinality(p_case_ids) = 0 THEN
          RETURN;
        ELSIF cardinality(p_case_ids) <= 100 THEN
          PERFORM 1 FROM case_record WHERE id = ANY (p_case_ids) ORDER BY id FOR NO KEY UPDATE;
          DELETE FROM case_person_fact WHERE case_id = ANY (p_case_ids);
          INSERT INTO case_person_fact SELECT * FROM case_person_facts_of(p_case_ids);
        ELSE
          EXECUTE 'SELECT 1 FROM case_record WHERE id = ANY ($1) ORDER BY id FOR NO KEY UPDATE' USING p_case_ids;
          EXECUTE 'DELETE FROM case_person_fact WHERE case_id = ANY ($1)' USING p_case_ids;
          EXECUTE 'INSERT INTO case_person_fact SELECT * FROM case_person_facts_of($1)' USING p_case_ids;
        END IF;
      END $$`);

    // --- The totals: the facts' own statement triggers add what a statement inserted and take off what it deleted.
    const signed = (m: string): string =>
      m === 'TRUE' ? 'sum(x.sign)::int' : `COALESCE(sum(x.sign) FILTER (WHERE ${m}), 0)::int`;
    const delta = (source: string): string => `
          INSERT INTO case_figure_total AS t (basis, fy, member_type, category, ${MEASURES.map(([k]) => `"${k}"`).join(', ')})
          SELECT x.basis, x.fy, x.member_type, k.category,
                 ${MEASURES.map(([, m]) => signed(m)).join(',\n                 ')}
            FROM (${source}) x
           CROSS JOIN LATERAL (SELECT NULL::corruption_category
                               UNION SELECT x.primary_category UNION SELECT unnest(x.categories)) k(category)
           GROUP BY x.basis, x.fy, x.member_type, k.category
           ORDER BY x.basis, x.fy, x.member_type, k.category NULLS FIRST
          ON CONFLICT (basis, fy, member_type, category) DO UPDATE SET
                 ${MEASURES.map(([k]) => `"${k}" = t."${k}" + excluded."${k}"`).join(',\n                 ')}`;
    await q.query(`CREATE FUNCTION case_figure_total_apply() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          ${delta('SELECT 1 AS sign, n.* FROM new_rows n')};
        ELSIF TG_OP = 'UPDATE' THEN
          ${delta('SELECT 1 AS sign, n.* FROM new_rows n UNION ALL SELECT -1, o.* FROM old_rows o')};
        ELSE
          ${delta('SELECT -1 AS sign, o.* FROM old_rows o')};
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER case_figure_total_insert AFTER INSERT ON case_person_fact
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION case_figure_total_apply()`);
    await q.query(`CREATE TRIGGER case_figure_total_update AFTER UPDATE ON case_person_fact
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION case_figure_total_apply()`);
    await q.query(`CREATE TRIGGER case_figure_total_delete AFTER DELETE ON case_person_fact
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION case_figure_total_apply()`);

    // --- The base tables' triggers: set-based, once per statement ---
    const definer = `LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp`;
    await q.query(`CREATE FUNCTION case_person_fact_on_case() RETURNS trigger ${definer} AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM case_person_fact_refresh(ARRAY(
            SELECT n.id FROM new_rows n WHERE EXISTS (SELECT 1 FROM case_subject s WHERE s.case_id = n.id)));
        ELSIF TG_OP = 'UPDATE' THEN
          PERFORM case_person_fact_refresh(ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
             WHERE (n.primary_category, n.categories, n.severity, n.recorded_financial_year)
                   IS DISTINCT FROM (o.primary_category, o.categories, o.severity, o.recorded_financial_year)));
        ELSE
          PERFORM case_person_fact_refresh(ARRAY(SELECT id FROM old_rows));
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE FUNCTION case_person_fact_on_subject() RETURNS trigger ${definer} AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM case_person_fact_refresh(ARRAY(SELECT DISTINCT case_id FROM new_rows));
        ELSIF TG_OP = 'UPDATE' THEN
          PERFORM case_person_fact_refresh(ARRAY(SELECT case_id FROM new_rows UNION SELECT case_id FROM old_rows));
        ELSE
          PERFORM case_person_fact_refresh(ARRAY(SELECT DISTINCT case_id FROM old_rows));
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE FUNCTION case_person_fact_on_outcome() RETURNS trigger ${definer} AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM case_person_fact_refresh(ARRAY(SELECT DISTINCT case_id FROM new_rows));
        ELSIF TG_OP = 'UPDATE' THEN
          PERFORM case_person_fact_refresh(ARRAY(
            SELECT unnest(ARRAY[n.case_id, o.case_id]) FROM new_rows n JOIN old_rows o ON o.id = n.id
             WHERE (${OUTCOME_COLUMNS.map((c) => `n.${c}`).join(', ')}) IS DISTINCT FROM (${OUTCOME_COLUMNS.map((c) => `o.${c}`).join(', ')})
            UNION SELECT case_id FROM new_rows WHERE id NOT IN (SELECT id FROM old_rows)
            UNION SELECT case_id FROM old_rows WHERE id NOT IN (SELECT id FROM new_rows)));
        ELSE
          PERFORM case_person_fact_refresh(ARRAY(SELECT DISTINCT case_id FROM old_rows));
        END IF;
        RETURN NULL;
      END $$`);
    // A member's type counts for their people without a confirmed outcome (recorded basis).
    await q.query(`CREATE FUNCTION case_person_fact_on_member() RETURNS trigger ${definer} AS $$
      BEGIN
        PERFORM case_person_fact_refresh(ARRAY(
          SELECT DISTINCT s.case_id FROM new_rows n JOIN old_rows o ON o.id = n.id
            JOIN case_subject s ON s.workforce_member_id = n.id
           WHERE n.member_type IS DISTINCT FROM o.member_type));
        RETURN NULL;
      END $$`);
    // TRUNCATE has no transition table: recompute everything (the totals follow the facts' own triggers).
    await q.query(`CREATE FUNCTION case_person_fact_rebuild() RETURNS trigger ${definer} AS $$
      BEGIN
        DELETE FROM case_person_fact;
        INSERT INTO case_person_fact SELECT * FROM case_person_facts_of(ARRAY(SELECT id FROM case_record));
        RETURN NULL;
      END $$`);

    for (const [table, fn] of TRIGGERS) {
      await q.query(`CREATE TRIGGER case_person_fact_insert AFTER INSERT ON ${table}
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
      await q.query(`CREATE TRIGGER case_person_fact_update AFTER UPDATE ON ${table}
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
      await q.query(`CREATE TRIGGER case_person_fact_delete AFTER DELETE ON ${table}
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
      await q.query(`CREATE TRIGGER case_person_fact_truncate AFTER TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION case_person_fact_rebuild()`);
    }
    await q.query(`CREATE TRIGGER case_person_fact_update AFTER UPDATE ON workforce_member
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION case_person_fact_on_member()`);

    // --- The facts (and through them the totals) of today's data, then the indexes ---
    await q.query(
      `INSERT INTO case_person_fact SELECT * FROM case_person_facts_of(ARRAY(SELECT id FROM case_record))`,
    );
    // The refresh finds a case's rows; the caller's own cases are found by member.
    await q.query(`CREATE INDEX "ix_case_person_fact_case" ON "case_person_fact" ("case_id")`);
    await q.query(`CREATE INDEX "ix_case_person_fact_member" ON "case_person_fact" ("workforce_member_id")`);
    // The department filter reads the facts of a basis and range of years.
    await q.query(`CREATE INDEX "ix_case_person_fact_basis_fy" ON "case_person_fact" ("basis", "fy")`);
    await q.query(`ANALYZE case_person_fact`);
    await q.query(`ANALYZE case_figure_total`);

    await q.query(`REVOKE ALL ON case_person_fact, case_figure_total FROM lantern_app`);
    await q.query(`GRANT SELECT ON case_person_fact, case_figure_total TO lantern_app`);
    await q.query(`REVOKE ALL ON FUNCTION case_person_fact_refresh(uuid[]) FROM PUBLIC, lantern_app`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER case_person_fact_update ON workforce_member`);
    for (const [table] of TRIGGERS) {
      for (const event of ['insert', 'update', 'delete', 'truncate']) {
        await q.query(`DROP TRIGGER case_person_fact_${event} ON ${table}`);
      }
    }
    await q.query(`DROP FUNCTION case_person_fact_rebuild()`);
    await q.query(`DROP FUNCTION case_person_fact_on_member()`);
    await q.query(`DROP FUNCTION case_person_fact_on_outcome()`);
    await q.query(`DROP FUNCTION case_person_fact_on_subject()`);
    await q.query(`DROP FUNCTION case_person_fact_on_case()`);
    await q.query(`DROP TABLE "case_person_fact"`);
    await q.query(`DROP FUNCTION case_figure_total_apply()`);
    await q.query(`DROP FUNCTION case_person_fact_refresh(uuid[])`);
    await q.query(`DROP TABLE "case_figure_total"`);
  }
}

const TRIGGERS: [table: string, fn: string][] = [
  ['case_record', 'case_person_fact_on_case'],
  ['case_subject', 'case_person_fact_on_subject'],
  ['case_subject_outcome', 'case_person_fact_on_outcome'],
];

/** The outcome's columns the facts read. */
const OUTCOME_COLUMNS = [
  'case_id',
  'workforce_member_id',
  'member_type',
  'confirmed_at',
  'finalised_at',
  'finalised_financial_year',
  'misconduct_finding',
  'proceedings',
  'proceedings_result',
  'severity',
  'misconduct_outcome',
  'would_have_been_dismissed',
  'left_service',
  'barred_list_on',
  'advisory_list_on',
  'allegation_result',
  'criminal_outcome',
];

const MISCONDUCT_OUTCOMES = [
  'no_further_action',
  'management_advice',
  'reflective_practice',
  'written_warning',
  'final_written_warning',
  'reduction_in_rank',
  'dismissal_with_notice',
  'dismissal_without_notice',
];
const ALLEGATIONS = ['substantiated', 'unsubstantiated', 'unfounded', 'malicious_or_vexatious'];
const CRIMINAL_OUTCOMES = ['no_further_action', 'charged', 'convicted', 'acquitted', 'caution', 'ongoing'];

/** The figure's measures as of this migration, [column, condition on a fact row `x`] (CASE_MEASURES). */
const MEASURES: [key: string, condition: string][] = [
  ['people', 'TRUE'],
  ['pending', 'x.finalised_at IS NULL'],
  ['finalised', 'x.finalised_at IS NOT NULL'],
  ['no_case_to_answer', `x.misconduct_finding = 'no_case_to_answer'`],
  ['case_to_answer', `x.misconduct_finding = 'case_to_answer'`],
  ['meetings', `x.proceedings = 'misconduct_meeting'`],
  ['meetings_proven', `x.proceedings = 'misconduct_meeting' AND x.proceedings_result = 'proven'`],
  ['hearings', `x.proceedings = 'misconduct_hearing'`],
  ['hearings_proven', `x.proceedings = 'misconduct_hearing' AND x.proceedings_result = 'proven'`],
  [
    'hearings_gross_misconduct_proven',
    `x.proceedings = 'misconduct_hearing' AND x.proceedings_result = 'proven' AND x.assessed_severity = 'gross_misconduct'`,
  ],
  ['accelerated_hearings', `x.proceedings = 'accelerated_hearing'`],
  [
    'accelerated_hearings_proven',
    `x.proceedings = 'accelerated_hearing' AND x.proceedings_result = 'proven'`,
  ],
  ['proven', `x.proceedings_result = 'proven'`],
  ['not_proven', `x.proceedings_result = 'not_proven'`],
  ...MISCONDUCT_OUTCOMES.map((m): [string, string] => [`outcome_${m}`, `x.misconduct_outcome = '${m}'`]),
  ['would_have_been_dismissed', 'x.would_have_been_dismissed'],
  ['left_service', 'x.left_service IS NOT NULL'],
  ['barred_list', 'x.barred_list_on IS NOT NULL'],
  ['advisory_list', 'x.advisory_list_on IS NOT NULL'],
  ...ALLEGATIONS.map((a): [string, string] => [`allegation_${a}`, `x.allegation_result = '${a}'`]),
  ['allegation_pending', 'x.allegation_result IS NULL'],
  ...CRIMINAL_OUTCOMES.map((c): [string, string] => [`criminal_${c}`, `x.criminal_outcome = '${c}'`]),
];
