-- audit_event_append_only: the audit trail is append-only: an UPDATE, DELETE or TRUNCATE of audit_event is
-- refused whoever runs it (the application's role has no such grant either; the trigger stops the owner too).
-- Owned by audit; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.audit_event_append_only()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $function$;

CREATE TRIGGER audit_event_no_change BEFORE DELETE OR UPDATE ON public.audit_event
  FOR EACH ROW
  EXECUTE FUNCTION audit_event_append_only();

CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON public.audit_event
  FOR EACH STATEMENT
  EXECUTE FUNCTION audit_event_append_only();
