-- referral_fact_rebuild: after a TRUNCATE of a table the referral facts come from, referral_fact is rebuilt
-- whole.
-- Owned by figures; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.referral_fact_rebuild()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
BEGIN
  DELETE FROM referral_fact;
  INSERT INTO referral_fact SELECT * FROM referral_facts_of(ARRAY(SELECT case_id FROM iopc_referral));
  RETURN NULL;
END $function$;

CREATE TRIGGER referral_fact_truncate AFTER TRUNCATE ON public.case_record
  FOR EACH STATEMENT
  EXECUTE FUNCTION referral_fact_rebuild();

CREATE TRIGGER referral_fact_truncate AFTER TRUNCATE ON public.case_subject
  FOR EACH STATEMENT
  EXECUTE FUNCTION referral_fact_rebuild();

CREATE TRIGGER referral_fact_truncate AFTER TRUNCATE ON public.case_subject_outcome
  FOR EACH STATEMENT
  EXECUTE FUNCTION referral_fact_rebuild();

CREATE TRIGGER referral_fact_truncate AFTER TRUNCATE ON public.iopc_referral
  FOR EACH STATEMENT
  EXECUTE FUNCTION referral_fact_rebuild();
