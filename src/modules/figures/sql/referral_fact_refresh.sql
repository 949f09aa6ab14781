-- referral_fact_refresh: brings the referral_fact rows of the given cases to referral_facts_of's, after locking
-- the cases (two transactions changing one case refresh one after the other). For the short lists the API's
-- changes make (a generic plan), incrementally: the derivation is computed once, and only the rows that differ
-- from it are deleted and only the missing ones inserted (a one-outcome change rewrites one row, not the case's);
-- for long ones (bulk changes, dynamic statements) the rows are replaced whole. Called by the SECURITY DEFINER
-- triggers only: the application's role may read referral_fact, not write it or call this.
-- Owned by figures; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.referral_fact_refresh(p_case_ids uuid[])
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'public'
 SET plan_cache_mode TO 'force_generic_plan'
AS $function$
DECLARE
  fresh referral_fact[];
BEGIN
  IF p_case_ids IS NULL OR cardinality(p_case_ids) = 0 THEN
    RETURN;
  ELSIF cardinality(p_case_ids) <= 100 THEN
    PERFORM 1 FROM case_record WHERE id = ANY (p_case_ids) ORDER BY id FOR NO KEY UPDATE;
    fresh := ARRAY(SELECT f FROM referral_facts_of(p_case_ids) f);
    DELETE FROM referral_fact f
     WHERE f.case_id = ANY (p_case_ids)
       AND NOT EXISTS (SELECT 1 FROM unnest(fresh) n WHERE n OPERATOR(pg_catalog.*=) f);
    INSERT INTO referral_fact
    SELECT n.* FROM unnest(fresh) n
     WHERE NOT EXISTS (SELECT 1 FROM referral_fact f
                        WHERE f.case_id = n.case_id AND f OPERATOR(pg_catalog.*=) n);
  ELSE
    EXECUTE 'SELECT 1 FROM case_record WHERE id = ANY ($1) ORDER BY id FOR NO KEY UPDATE' USING p_case_ids;
    EXECUTE 'DELETE FROM referral_fact WHERE case_id = ANY ($1)' USING p_case_ids;
    EXECUTE 'INSERT INTO referral_fact SELECT * FROM referral_facts_of($1)' USING p_case_ids;
  END IF;
END $function$;
