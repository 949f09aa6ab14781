-- case_subject_outcome_derive: an outcome's recorded and finalised financial years.
-- Owned by cases; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.case_subject_outcome_derive()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  NEW.recorded_financial_year := case_financial_year(NEW.recorded_at);
  NEW.finalised_financial_year := case_financial_year(NEW.finalised_at);
  RETURN NEW;
END $function$;

CREATE TRIGGER case_subject_outcome_derive BEFORE INSERT OR UPDATE ON public.case_subject_outcome
  FOR EACH ROW
  EXECUTE FUNCTION case_subject_outcome_derive();
