-- vetting_sweep_mark_members: marks for the next incremental sweep new members and members whose post, start
-- date or leave date changed.
-- Owned by vetting; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.vetting_sweep_mark_members()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO vetting_sweep_dirty (workforce_member_id) SELECT id FROM new_rows;
  ELSE
    INSERT INTO vetting_sweep_dirty (workforce_member_id)
    SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
     WHERE (n.post_id, n.start_date, n.leave_date) IS DISTINCT FROM (o.post_id, o.start_date, o.leave_date);
  END IF;
  RETURN NULL;
END $function$;

CREATE TRIGGER vetting_sweep_mark_insert AFTER INSERT ON public.workforce_member
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_sweep_mark_members();

CREATE TRIGGER vetting_sweep_mark_update AFTER UPDATE ON public.workforce_member
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_sweep_mark_members();
