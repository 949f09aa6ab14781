-- case_record_derive: a case's derived columns: its recorded and finalised financial years, the next update
-- due (28 days after the last update, or the recording, on the London calendar) and the PCC report due (12
-- months after recording).
-- Owned by cases; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.case_record_derive()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  NEW.recorded_financial_year := case_financial_year(NEW.recorded_at);
  NEW.finalised_financial_year := case_financial_year(NEW.finalised_at);
  NEW.next_update_due := (COALESCE(NEW.last_update_at, NEW.recorded_at) AT TIME ZONE 'Europe/London')::date + 28;
  NEW.pcc_report_due := ((NEW.recorded_at AT TIME ZONE 'Europe/London')::date + interval '12 months')::date;
  RETURN NEW;
END $function$;

CREATE TRIGGER case_record_derive BEFORE INSERT OR UPDATE ON public.case_record
  FOR EACH ROW
  EXECUTE FUNCTION case_record_derive();
