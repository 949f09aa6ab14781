-- audit_event_seal: the application inserts its audit rows into audit_event_pending (unlogged, rows live only
-- inside their transaction); this deferred constraint trigger moves each into audit_event when the
-- transaction commits, so the chain's lock is held only during the commit. A rolled-back change leaves no
-- row.
-- Owned by audit; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.audit_event_seal()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
BEGIN
  INSERT INTO audit_event (user_id, roles, action, resource_type, resource_id, subject_ids, outcome,
                           request_id, client_address, details)
  VALUES (NEW.user_id, NEW.roles, NEW.action, NEW.resource_type, NEW.resource_id, NEW.subject_ids,
          NEW.outcome, NEW.request_id, NEW.client_address, NEW.details);
  DELETE FROM audit_event_pending WHERE id = NEW.id;
  RETURN NULL;
END $function$;

CREATE CONSTRAINT TRIGGER audit_event_seal AFTER INSERT ON public.audit_event_pending
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW
  EXECUTE FUNCTION audit_event_seal();
