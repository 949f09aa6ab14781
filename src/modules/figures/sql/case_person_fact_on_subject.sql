-- case_person_fact_on_subject: statement triggers on case_subject: refresh the facts of the cases whose
-- subjects changed.
-- Owned by figures; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.case_person_fact_on_subject()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM case_person_fact_refresh(ARRAY(SELECT DISTINCT case_id FROM new_rows));
        ELSIF TG_OP = 'UPDATE' THEN
          PERFORM case_person_fact_refresh(ARRAY(SELECT case_id FROM new_rows UNION SELECT case_id FROM old_rows));
        ELSE
          PERFORM case_person_fact_refresh(ARRAY(SELECT DISTINCT case_id FROM old_rows));
        END IF;
        RETURN NULL;
      END $function$;

CREATE TRIGGER case_person_fact_delete AFTER DELETE ON public.case_subject
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION case_person_fact_on_subject();

CREATE TRIGGER case_person_fact_insert AFTER INSERT ON public.case_subject
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION case_person_fact_on_subject();

CREATE TRIGGER case_person_fact_update AFTER UPDATE ON public.case_subject
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION case_person_fact_on_subject();
