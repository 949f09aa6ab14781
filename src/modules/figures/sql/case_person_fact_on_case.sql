-- case_person_fact_on_case: statement triggers on case_record: refresh the facts of cases inserted with
-- subjects, deleted, or whose categories, severity or recorded year changed.
-- Owned by figures; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.case_person_fact_on_case()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
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
      END $function$;

CREATE TRIGGER case_person_fact_delete AFTER DELETE ON public.case_record
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION case_person_fact_on_case();

CREATE TRIGGER case_person_fact_insert AFTER INSERT ON public.case_record
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION case_person_fact_on_case();

CREATE TRIGGER case_person_fact_update AFTER UPDATE ON public.case_record
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION case_person_fact_on_case();
