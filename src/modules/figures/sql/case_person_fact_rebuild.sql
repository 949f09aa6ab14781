-- case_person_fact_rebuild: after a TRUNCATE of a table the facts come from, case_person_fact is rebuilt whole
-- (case_figure_total follows through its triggers).
-- Owned by figures; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.case_person_fact_rebuild()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
      BEGIN
        DELETE FROM case_person_fact;
        INSERT INTO case_person_fact SELECT * FROM case_person_facts_of(ARRAY(SELECT id FROM case_record));
        RETURN NULL;
      END $function$;

CREATE TRIGGER case_person_fact_truncate AFTER TRUNCATE ON public.case_record
  FOR EACH STATEMENT
  EXECUTE FUNCTION case_person_fact_rebuild();

CREATE TRIGGER case_person_fact_truncate AFTER TRUNCATE ON public.case_subject
  FOR EACH STATEMENT
  EXECUTE FUNCTION case_person_fact_rebuild();

CREATE TRIGGER case_person_fact_truncate AFTER TRUNCATE ON public.case_subject_outcome
  FOR EACH STATEMENT
  EXECUTE FUNCTION case_person_fact_rebuild();
