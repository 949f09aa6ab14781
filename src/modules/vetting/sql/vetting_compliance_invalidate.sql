-- vetting_compliance_invalidate: a change to what vetting states depend on (clearances, members, posts'
-- required levels, the level rules) discards, in the change's own transaction, the compliance snapshots of
-- every date it can touch: a clearance counts from its grant date, a member from their start date (a leave
-- date alone from the earlier leave date), a post's level or a rule (warning window, which level satisfies which) for every date; a statement that changed no row, none. The worker computes the
-- discarded dates again (VettingSnapshotsService); until then the figure computes them from the base tables.
-- The shared advisory lock orders it with the worker's computation (which holds it exclusively), so a
-- snapshot computed before this change committed is discarded, never kept.
-- Owned by vetting; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.vetting_compliance_invalidate()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
DECLARE
  v_from date;
BEGIN
  IF TG_TABLE_NAME = 'vetting_clearance' THEN
    IF TG_OP = 'INSERT' THEN
      SELECT min(granted_on) INTO v_from FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
      SELECT min(granted_on) INTO v_from FROM old_rows;
    ELSE
      SELECT min(LEAST(o.granted_on, n.granted_on)) INTO v_from
        FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE (n.workforce_member_id, n.level, n.granted_on, n.expires_on, n.superseded_on, n.withdrawn_on)
             IS DISTINCT FROM (o.workforce_member_id, o.level, o.granted_on, o.expires_on, o.superseded_on, o.withdrawn_on);
    END IF;
  ELSIF TG_TABLE_NAME = 'workforce_member' THEN
    IF TG_OP = 'INSERT' THEN
      SELECT min(COALESCE(start_date, '-infinity'::date)) INTO v_from FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
      SELECT min(COALESCE(start_date, '-infinity'::date)) INTO v_from FROM old_rows;
    ELSE
      SELECT min(CASE
                   WHEN (n.post_id, n.department_id, n.member_type, n.start_date)
                        IS DISTINCT FROM (o.post_id, o.department_id, o.member_type, o.start_date)
                   THEN LEAST(COALESCE(o.start_date, '-infinity'::date), COALESCE(n.start_date, '-infinity'::date))
                   ELSE LEAST(o.leave_date, n.leave_date)
                 END) INTO v_from
        FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE (n.post_id, n.department_id, n.member_type, n.start_date, n.leave_date)
             IS DISTINCT FROM (o.post_id, o.department_id, o.member_type, o.start_date, o.leave_date);
    END IF;
  ELSIF TG_TABLE_NAME = 'post' THEN
    SELECT '-infinity'::date INTO v_from
      FROM new_rows n JOIN old_rows o ON o.id = n.id
     WHERE n.required_level IS DISTINCT FROM o.required_level
     LIMIT 1;
  ELSIF TG_OP = 'TRUNCATE' THEN
    v_from := '-infinity'::date;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT '-infinity'::date INTO v_from FROM old_rows LIMIT 1;
  ELSE
    SELECT '-infinity'::date INTO v_from FROM new_rows LIMIT 1;
  END IF;
  IF v_from IS NOT NULL THEN
    PERFORM pg_advisory_xact_lock_shared(1447121998);
    DELETE FROM vetting_compliance_month WHERE as_of >= v_from;
  END IF;
  RETURN NULL;
END $function$;

CREATE TRIGGER vetting_compliance_invalidate_insert AFTER INSERT ON public.vetting_clearance
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_compliance_invalidate();

CREATE TRIGGER vetting_compliance_invalidate_update AFTER UPDATE ON public.vetting_clearance
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_compliance_invalidate();

CREATE TRIGGER vetting_compliance_invalidate_delete AFTER DELETE ON public.vetting_clearance
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_compliance_invalidate();

CREATE TRIGGER vetting_compliance_invalidate_insert AFTER INSERT ON public.workforce_member
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_compliance_invalidate();

CREATE TRIGGER vetting_compliance_invalidate_update AFTER UPDATE ON public.workforce_member
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_compliance_invalidate();

CREATE TRIGGER vetting_compliance_invalidate_delete AFTER DELETE ON public.workforce_member
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_compliance_invalidate();

CREATE TRIGGER vetting_compliance_invalidate_update AFTER UPDATE ON public.post
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_compliance_invalidate();

CREATE TRIGGER vetting_compliance_invalidate_insert AFTER INSERT ON public.vetting_level_rule
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_compliance_invalidate();

CREATE TRIGGER vetting_compliance_invalidate_update AFTER UPDATE ON public.vetting_level_rule
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_compliance_invalidate();

CREATE TRIGGER vetting_compliance_invalidate_delete AFTER DELETE ON public.vetting_level_rule
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_compliance_invalidate();

CREATE TRIGGER vetting_compliance_invalidate_truncate AFTER TRUNCATE ON public.vetting_level_rule
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_compliance_invalidate();

CREATE TRIGGER vetting_compliance_invalidate_insert AFTER INSERT ON public.vetting_level_satisfies
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_compliance_invalidate();

CREATE TRIGGER vetting_compliance_invalidate_update AFTER UPDATE ON public.vetting_level_satisfies
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_compliance_invalidate();

CREATE TRIGGER vetting_compliance_invalidate_delete AFTER DELETE ON public.vetting_level_satisfies
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_compliance_invalidate();

CREATE TRIGGER vetting_compliance_invalidate_truncate AFTER TRUNCATE ON public.vetting_level_satisfies
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_compliance_invalidate();
