-- audit_event_digest: a row's hash: sha256 of the previous row's hash and the row's fields as JSON text.
-- Every stored hash was computed with this text: a change that alters its output makes audit_verify report
-- every older row as altered.
-- Owned by audit; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.audit_event_digest(e audit_event)
 RETURNS bytea
 LANGUAGE sql
 IMMUTABLE
AS $function$
SELECT sha256(e.prev_hash || convert_to(left(jsonb_build_array(
  e.seq, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), e.user_id, e.roles,
  e.action, e.resource_type, e.resource_id)::text, -1)
|| ', ' || COALESCE(replace(array_to_json(e.subject_ids)::text, '","', '", "'), 'null') || ', '
|| substr(jsonb_build_array(e.outcome, e.request_id, e.client_address, e.details)::text, 2), 'UTF8'))
$function$;
