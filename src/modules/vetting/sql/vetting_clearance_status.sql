-- vetting_clearance_status: a clearance's status on a date, from its dates: withdrawn, superseded, expired or
-- active.
-- Owned by vetting; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.vetting_clearance_status(p_expires_on date, p_superseded_on date, p_withdrawn_on date, p_on date)
 RETURNS vetting_clearance_status
 LANGUAGE sql
 IMMUTABLE
AS $function$
SELECT CASE
  WHEN p_withdrawn_on IS NOT NULL AND p_withdrawn_on <= p_on THEN 'withdrawn'
  WHEN p_superseded_on IS NOT NULL AND p_superseded_on <= p_on THEN 'superseded'
  WHEN p_expires_on <= p_on THEN 'expired'
  ELSE 'active' END::vetting_clearance_status
$function$;
