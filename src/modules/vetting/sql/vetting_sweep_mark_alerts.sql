-- vetting_sweep_mark_alerts: marks a person for the next incremental sweep (vetting_sweep_dirty) when one of
-- their sweep alerts (renewal_due, overdue, below_required) is raised, resolved or changed by anything but
-- the sweep itself (which sets lantern.vetting_sweep).
-- Owned by vetting; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.vetting_sweep_mark_alerts()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  IF current_setting('lantern.vetting_sweep', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO vetting_sweep_dirty (workforce_member_id) SELECT DISTINCT workforce_member_id FROM new_rows
     WHERE kind IN ('renewal_due', 'overdue', 'below_required');
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO vetting_sweep_dirty (workforce_member_id)
    SELECT unnest(ARRAY[n.workforce_member_id, o.workforce_member_id]) FROM new_rows n JOIN old_rows o ON o.id = n.id
     WHERE (n.kind IN ('renewal_due', 'overdue', 'below_required') OR o.kind IN ('renewal_due', 'overdue', 'below_required'))
       AND (n.status, n.kind, n.clearance_id, n.workforce_member_id)
           IS DISTINCT FROM (o.status, o.kind, o.clearance_id, o.workforce_member_id);
  ELSE
    INSERT INTO vetting_sweep_dirty (workforce_member_id) SELECT DISTINCT workforce_member_id FROM old_rows
     WHERE kind IN ('renewal_due', 'overdue', 'below_required');
  END IF;
  RETURN NULL;
END $function$;

CREATE TRIGGER vetting_sweep_mark_delete AFTER DELETE ON public.vetting_alert
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_sweep_mark_alerts();

CREATE TRIGGER vetting_sweep_mark_insert AFTER INSERT ON public.vetting_alert
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_sweep_mark_alerts();

CREATE TRIGGER vetting_sweep_mark_update AFTER UPDATE ON public.vetting_alert
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_sweep_mark_alerts();
