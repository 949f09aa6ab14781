-- audit_subjects_flush: merges the pending list of the GIN index of audit rows by subject
-- (ix_audit_event_subjects), run by the worker's job audit-subjects-flush outside the chain's lock. SECURITY
-- DEFINER: the application's role does not own the index.
-- Owned by audit; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.audit_subjects_flush()
 RETURNS bigint
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
SELECT gin_clean_pending_list('ix_audit_event_subjects'::regclass)
$function$;
