-- case_person_fact_refresh: brings the case_person_fact rows of the given cases to case_person_facts_of's, after
-- locking the cases (as referral_fact_refresh). For the short lists the API's changes make (a generic plan),
-- incrementally: the derivation is computed once and compared with the stored rows by key (case, member,
-- basis); rows that differ are updated in place, and only when keys appear or go are rows inserted or deleted,
-- so that a one-outcome change is one UPDATE of that person's rows and one pass of case_figure_total_apply
-- (a statement the change does not need is not run: each would fire case_figure_total's statement trigger).
-- For long lists (bulk changes, dynamic statements) the rows are replaced whole. Called by the SECURITY
-- DEFINER triggers only.
-- Owned by figures; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.case_person_fact_refresh(p_case_ids uuid[])
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'public'
 SET plan_cache_mode TO 'force_generic_plan'
AS $function$
DECLARE
  fresh case_person_fact[];
  gone integer;
  changed integer;
  added integer;
BEGIN
  IF p_case_ids IS NULL OR cardinality(p_case_ids) = 0 THEN
    RETURN;
  ELSIF cardinality(p_case_ids) <= 100 THEN
    PERFORM 1 FROM case_record WHERE id = ANY (p_case_ids) ORDER BY id FOR NO KEY UPDATE;
    fresh := ARRAY(SELECT f FROM case_person_facts_of(p_case_ids) f);
    SELECT count(*) FILTER (WHERE n.case_id IS NULL),
           count(*) FILTER (WHERE f.case_id IS NOT NULL AND n.case_id IS NOT NULL
                              AND NOT (f OPERATOR(pg_catalog.*=) n)),
           count(*) FILTER (WHERE f.case_id IS NULL)
      INTO gone, changed, added
      FROM (SELECT * FROM case_person_fact WHERE case_id = ANY (p_case_ids)) f
      FULL JOIN unnest(fresh) n
        ON n.case_id = f.case_id AND n.workforce_member_id = f.workforce_member_id AND n.basis = f.basis;
    IF gone > 0 THEN
      DELETE FROM case_person_fact f
       WHERE f.case_id = ANY (p_case_ids)
         AND NOT EXISTS (SELECT 1 FROM unnest(fresh) n
                          WHERE n.case_id = f.case_id AND n.workforce_member_id = f.workforce_member_id
                            AND n.basis = f.basis);
    END IF;
    IF changed > 0 THEN
      UPDATE case_person_fact f
         SET fy = n.fy, member_type = n.member_type, primary_category = n.primary_category,
             categories = n.categories, finalised_at = n.finalised_at, misconduct_finding = n.misconduct_finding,
             proceedings = n.proceedings, proceedings_result = n.proceedings_result,
             assessed_severity = n.assessed_severity, misconduct_outcome = n.misconduct_outcome,
             would_have_been_dismissed = n.would_have_been_dismissed, left_service = n.left_service,
             barred_list_on = n.barred_list_on, advisory_list_on = n.advisory_list_on,
             allegation_result = n.allegation_result, criminal_outcome = n.criminal_outcome
        FROM unnest(fresh) n
       WHERE f.case_id = ANY (p_case_ids)
         AND n.case_id = f.case_id AND n.workforce_member_id = f.workforce_member_id AND n.basis = f.basis
         AND NOT (f OPERATOR(pg_catalog.*=) n);
    END IF;
    IF added > 0 THEN
      INSERT INTO case_person_fact
      SELECT n.* FROM unnest(fresh) n
       WHERE NOT EXISTS (SELECT 1 FROM case_person_fact f
                          WHERE f.case_id = n.case_id AND f.workforce_member_id = n.workforce_member_id
                            AND f.basis = n.basis);
    END IF;
  ELSE
    EXECUTE 'SELECT 1 FROM case_record WHERE id = ANY ($1) ORDER BY id FOR NO KEY UPDATE' USING p_case_ids;
    EXECUTE 'DELETE FROM case_person_fact WHERE case_id = ANY ($1)' USING p_case_ids;
    EXECUTE 'INSERT INTO case_person_fact SELECT * FROM case_person_facts_of($1)' USING p_case_ids;
  END IF;
END $function$;
