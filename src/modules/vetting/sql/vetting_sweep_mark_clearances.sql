-- vetting_sweep_mark_clearances: marks for the next incremental sweep the holders of clearances inserted,
-- changed or deleted.
-- Owned by vetting; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.vetting_sweep_mark_clearances()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO vetting_sweep_dirty (workforce_member_id) SELECT DISTINCT workforce_member_id FROM new_rows;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO vetting_sweep_dirty (workforce_member_id)
    SELECT workforce_member_id FROM new_rows UNION SELECT workforce_member_id FROM old_rows;
  ELSE
    INSERT INTO vetting_sweep_dirty (workforce_member_id) SELECT DISTINCT workforce_member_id FROM old_rows;
  END IF;
  RETURN NULL;
END $function$;

CREATE TRIGGER vetting_sweep_mark_delete AFTER DELETE ON public.vetting_clearance
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_sweep_mark_clearances();

CREATE TRIGGER vetting_sweep_mark_insert AFTER INSERT ON public.vetting_clearance
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_sweep_mark_clearances();

CREATE TRIGGER vetting_sweep_mark_update AFTER UPDATE ON public.vetting_clearance
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_sweep_mark_clearances();
