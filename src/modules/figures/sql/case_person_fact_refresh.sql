-- case_person_fact_refresh: replaces the case_person_fact rows of the given cases with case_person_facts_of output,
-- after locking the cases (as referral_fact_refresh). Called by the SECURITY DEFINER triggers only.
-- Owned by figures; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.case_person_fact_refresh(p_case_ids uuid[])
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'public'
 SET plan_cache_mode TO 'force_generic_plan'
AS $function$
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
      END $function$;
