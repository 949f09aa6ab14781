import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `referral_fact`: what the IOPC referrals figure (GET /figures/referrals) counts, one narrow row per referral
 * and case subject (and one row, with no subject, for a referral whose case has none), kept exact in the
 * database so that the figure reads this table alone instead of joining referrals, cases, subjects and
 * outcomes and grouping per referral on every request.
 *
 * Each row holds: the case (one referral per case), the subject, the year referred and the year the case was
 * finalised, the referral's basis and IOPC decision, whether the case is open, the referral's allegation
 * result already resolved (the best established across all its subjects once the case is finalised —
 * substantiated first, then unsubstantiated, unfounded, malicious or vexatious — else `pending`; the same on
 * each of the referral's rows), `counts_referral` on exactly one row per referral (the one that counts it),
 * the person's misconduct and criminal buckets, and the case's primary category and categories (the
 * figure's category filter). The subject filters (department, member type) and the conflict-of-interest
 * exclusion stay joins at read time: they depend on the workforce record and on the caller.
 *
 * One derivation, `referral_facts_of(case ids)`, fills the table here and recomputes it: statement-level
 * triggers with transition tables on iopc_referral, case_record (only when case type, categories or
 * finalisation change), case_subject and case_subject_outcome (only when what the buckets read changes)
 * collect the affected cases of the whole statement and call `referral_fact_refresh(case ids)`: delete those
 * cases' facts and insert them anew from the derivation, set-based, so a bulk insert costs one pass.
 *
 * Concurrency: the refresh first locks the affected cases' case_record rows (FOR NO KEY UPDATE, which
 * foreign-key checks do not wait for), then derives in a new statement, so two transactions changing the
 * same case (two subjects' outcomes at once, a subject added while the referral is recorded) refresh one
 * after the other, the second seeing the first's committed change. That needs a fresh snapshot per
 * statement: READ COMMITTED, which every application connection sets (as the audit chain assumes too).
 *
 * Privileges: the trigger functions are SECURITY DEFINER (the owner's rights, `search_path` pinned), so the
 * application role keeps only SELECT on the table and cannot write facts itself; it may not call the refresh.
 */
export class ReferralFacts1795545000000 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "referral_fact" (
      "case_id" uuid NOT NULL,
      "workforce_member_id" uuid,
      "referred_financial_year" integer NOT NULL,
      "finalised_financial_year" integer,
      "basis" "public"."referral_basis" NOT NULL,
      "decision" "public"."iopc_decision",
      "open" boolean NOT NULL,
      "allegation" text NOT NULL,
      "counts_referral" boolean NOT NULL,
      "misconduct" text,
      "criminal" text,
      "primary_category" "public"."corruption_category" NOT NULL,
      "categories" "public"."corruption_category" array NOT NULL)`);

    // The derivation, for a set of cases: the facts of those of them that have a referral. Keep the buckets in
    // step with the figure's columns (src/modules/figures/year-figures.repository.ts).
    await q.query(`CREATE FUNCTION referral_facts_of(p_case_ids uuid[]) RETURNS SETOF referral_fact
      LANGUAGE sql STABLE AS $$
      SELECT x.case_id, x.workforce_member_id, x.referred_financial_year, x.finalised_financial_year,
             x.basis, x.decision, x.open,
             CASE WHEN x.open THEN 'pending'
                  ELSE CASE min(x.allegation_rank) OVER (PARTITION BY x.case_id)
                         WHEN 1 THEN 'substantiated' WHEN 2 THEN 'unsubstantiated' WHEN 3 THEN 'unfounded'
                         WHEN 4 THEN 'malicious_or_vexatious' ELSE 'pending' END
             END,
             row_number() OVER (PARTITION BY x.case_id ORDER BY x.workforce_member_id NULLS FIRST) = 1,
             x.misconduct, x.criminal, x.primary_category, x.categories
        FROM (
          SELECT ref.case_id, cs.workforce_member_id, ref.referred_financial_year, c.finalised_financial_year,
                 ref.basis, ref.decision, c.finalised_at IS NULL AS open,
                 CASE o.allegation_result WHEN 'substantiated' THEN 1 WHEN 'unsubstantiated' THEN 2
                      WHEN 'unfounded' THEN 3 WHEN 'malicious_or_vexatious' THEN 4 END AS allegation_rank,
                 CASE WHEN cs.workforce_member_id IS NULL THEN NULL
                      WHEN c.case_type = 'criminal' THEN 'not_applicable'
                      WHEN o.misconduct_finding IS NULL THEN 'pending'
                      WHEN o.misconduct_finding = 'no_case_to_answer' THEN 'no_case_to_answer'
                      WHEN o.proceedings_result IS NULL THEN 'pending'
                      WHEN o.proceedings_result = 'not_proven' THEN 'not_proven'
                      WHEN o.misconduct_outcome IS NOT NULL THEN o.misconduct_outcome::text
                      WHEN o.would_have_been_dismissed THEN 'would_have_been_dismissed'
                      ELSE 'pending' END AS misconduct,
                 CASE WHEN cs.workforce_member_id IS NULL THEN NULL
                      WHEN c.case_type = 'misconduct' THEN 'not_applicable'
                      WHEN o.criminal_outcome IS NULL OR o.criminal_outcome = 'ongoing' THEN 'pending'
                      ELSE o.criminal_outcome::text END AS criminal,
                 c.primary_category, c.categories
            FROM iopc_referral ref
            JOIN case_record c ON c.id = ref.case_id
            LEFT JOIN case_subject cs ON cs.case_id = c.id
            LEFT JOIN case_subject_outcome o
              ON o.case_id = cs.case_id AND o.workforce_member_id = cs.workforce_member_id
           WHERE ref.case_id = ANY (p_case_ids)
        ) x
    $$`);

    // Recompute the facts of these cases. First one refresh of a case at a time (the lock); the statements after
    // it see what the previous one committed. A few cases (a write through the API): statements with a generic
    // plan kept for the session (index lookups; planning the derivation on each write would triple its cost).
    // Many (a bulk statement): EXECUTE, planned for the actual set (hash joins over thousands of cases).
    await q.query(`CREATE FUNCTION referral_fact_refresh(p_case_ids uuid[]) RETURNS void
      LANGUAGE plpgsql SET search_path = public SET plan_cache_mode = force_generic_plan AS $$
      BEGIN
        IF p_case_ids IS NULL OR cardinality(p_case_ids) = 0 THEN
          RETURN;
        ELSIF cardinality(p_case_ids) <= 100 THEN
          PERFORM 1 FROM case_record WHERE id = ANY (p_case_ids) ORDER BY id FOR NO KEY UPDATE;
          DELETE FROM referral_fact WHERE case_id = ANY (p_case_ids);
          INSERT INTO referral_fact SELECT * FROM referral_facts_of(p_case_ids);
        ELSE
          EXECUTE 'SELECT 1 FROM case_record WHERE id = ANY ($1) ORDER BY id FOR NO KEY UPDATE' USING p_case_ids;
          EXECUTE 'DELETE FROM referral_fact WHERE case_id = ANY ($1)' USING p_case_ids;
          EXECUTE 'INSERT INTO referral_fact SELECT * FROM referral_facts_of($1)' USING p_case_ids;
        END IF;
      END $$`);

    // --- The triggers: set-based, once per statement ---
    const definer = `LANGUAGE plpgsql SECURITY DEFINER SET search_path = public`;
    // Rows keyed by id that carry a case_id: the cases of inserted and deleted rows, and of updated rows where
    // one of `columns` (case_id among them) changed, old and new case alike.
    const onKeyedRows = (
      name: string,
      columns: string[],
    ): string => `CREATE FUNCTION ${name}() RETURNS trigger ${definer} AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM referral_fact_refresh(ARRAY(SELECT DISTINCT case_id FROM new_rows));
        ELSIF TG_OP = 'UPDATE' THEN
          PERFORM referral_fact_refresh(ARRAY(
            SELECT unnest(ARRAY[n.case_id, o.case_id]) FROM new_rows n JOIN old_rows o ON o.id = n.id
             WHERE (${columns.map((c) => `n.${c}`).join(', ')}) IS DISTINCT FROM (${columns.map((c) => `o.${c}`).join(', ')})
            UNION SELECT case_id FROM new_rows WHERE id NOT IN (SELECT id FROM old_rows)
            UNION SELECT case_id FROM old_rows WHERE id NOT IN (SELECT id FROM new_rows)));
        ELSE
          PERFORM referral_fact_refresh(ARRAY(SELECT DISTINCT case_id FROM old_rows));
        END IF;
        RETURN NULL;
      END $$`;
    await q.query(
      onKeyedRows('referral_fact_on_referral', ['case_id', 'referred_financial_year', 'basis', 'decision']),
    );

    // Cases: facts read the type (buckets), the categories and the finalisation; a new case has facts only
    // when its referral came in the same statement (no one else can see it yet).
    await q.query(`CREATE FUNCTION referral_fact_on_case() RETURNS trigger ${definer} AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM referral_fact_refresh(ARRAY(
            SELECT n.id FROM new_rows n WHERE EXISTS (SELECT 1 FROM iopc_referral r WHERE r.case_id = n.id)));
        ELSIF TG_OP = 'UPDATE' THEN
          PERFORM referral_fact_refresh(ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
             WHERE (n.case_type, n.primary_category, n.categories, n.finalised_at, n.finalised_financial_year)
                   IS DISTINCT FROM (o.case_type, o.primary_category, o.categories, o.finalised_at, o.finalised_financial_year)));
        ELSE
          PERFORM referral_fact_refresh(ARRAY(SELECT id FROM old_rows));
        END IF;
        RETURN NULL;
      END $$`);

    await q.query(`CREATE FUNCTION referral_fact_on_subject() RETURNS trigger ${definer} AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM referral_fact_refresh(ARRAY(SELECT DISTINCT case_id FROM new_rows));
        ELSIF TG_OP = 'UPDATE' THEN
          PERFORM referral_fact_refresh(ARRAY(SELECT case_id FROM new_rows UNION SELECT case_id FROM old_rows));
        ELSE
          PERFORM referral_fact_refresh(ARRAY(SELECT DISTINCT case_id FROM old_rows));
        END IF;
        RETURN NULL;
      END $$`);

    await q.query(
      onKeyedRows('referral_fact_on_outcome', [
        'case_id',
        'workforce_member_id',
        'allegation_result',
        'misconduct_finding',
        'proceedings_result',
        'misconduct_outcome',
        'would_have_been_dismissed',
        'criminal_outcome',
      ]),
    );

    // TRUNCATE has no transition table: recompute everything (the truncated table is locked exclusively).
    await q.query(`CREATE FUNCTION referral_fact_rebuild() RETURNS trigger ${definer} AS $$
      BEGIN
        DELETE FROM referral_fact;
        INSERT INTO referral_fact SELECT * FROM referral_facts_of(ARRAY(SELECT case_id FROM iopc_referral));
        RETURN NULL;
      END $$`);

    for (const [table, fn] of TRIGGERS) {
      await q.query(`CREATE TRIGGER referral_fact_insert AFTER INSERT ON ${table}
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
      await q.query(`CREATE TRIGGER referral_fact_update AFTER UPDATE ON ${table}
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
      await q.query(`CREATE TRIGGER referral_fact_delete AFTER DELETE ON ${table}
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
      await q.query(`CREATE TRIGGER referral_fact_truncate AFTER TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION referral_fact_rebuild()`);
    }

    // --- The facts of today's data, then the indexes ---
    await q.query(
      `INSERT INTO referral_fact SELECT * FROM referral_facts_of(ARRAY(SELECT case_id FROM iopc_referral))`,
    );
    // One row per referral and subject; the refresh finds a case's rows by it.
    await q.query(
      `CREATE UNIQUE INDEX "uq_referral_fact_case_subject" ON "referral_fact" ("case_id", "workforce_member_id") NULLS NOT DISTINCT`,
    );
    // The year filters of the two bases.
    await q.query(
      `CREATE INDEX "ix_referral_fact_referred_fy" ON "referral_fact" ("referred_financial_year")`,
    );
    await q.query(
      `CREATE INDEX "ix_referral_fact_finalised_fy" ON "referral_fact" ("finalised_financial_year") WHERE finalised_financial_year IS NOT NULL`,
    );
    // The category filter (primary category or any of the categories): a bitmap OR of the two instead of an
    // array test on every row (the APSP figure over ten years: 9 ms instead of 24 ms at bench scale).
    await q.query(`CREATE INDEX "ix_referral_fact_primary_category" ON "referral_fact" ("primary_category")`);
    await q.query(`CREATE INDEX "ix_referral_fact_categories" ON "referral_fact" USING gin ("categories")`);
    await q.query(`ANALYZE referral_fact`);

    // The application reads the facts; only the triggers (as the owner) write them.
    await q.query(`REVOKE ALL ON referral_fact FROM lantern_app`);
    await q.query(`GRANT SELECT ON referral_fact TO lantern_app`);
    await q.query(`REVOKE ALL ON FUNCTION referral_fact_refresh(uuid[]) FROM PUBLIC, lantern_app`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const [table] of TRIGGERS) {
      for (const event of ['insert', 'update', 'delete', 'truncate']) {
        await q.query(`DROP TRIGGER referral_fact_${event} ON ${table}`);
      }
    }
    await q.query(`DROP FUNCTION referral_fact_rebuild()`);
    await q.query(`DROP FUNCTION referral_fact_on_outcome()`);
    await q.query(`DROP FUNCTION referral_fact_on_subject()`);
    await q.query(`DROP FUNCTION referral_fact_on_case()`);
    await q.query(`DROP FUNCTION referral_fact_on_referral()`);
    await q.query(`DROP FUNCTION referral_fact_refresh(uuid[])`);
    await q.query(`DROP FUNCTION referral_facts_of(uuid[])`);
    await q.query(`DROP TABLE "referral_fact"`);
  }
}

const TRIGGERS: [table: string, fn: string][] = [
  ['iopc_referral', 'referral_fact_on_referral'],
  ['case_record', 'referral_fact_on_case'],
  ['case_subject', 'referral_fact_on_subject'],
  ['case_subject_outcome', 'referral_fact_on_outcome'],
];
