-- vetting_compliance_counts: on a date, per department and member type, the workforce in service and how
-- many are in each vetting state (vetting_states_at: the one definition). The one derivation of the
-- compliance snapshots (the worker stores it per month end and today: vetting_compliance_snapshot) and of the
-- figure for a date with no snapshot. JIT off: compiling the plan costs far more than running it.
-- Owned by vetting; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.vetting_compliance_counts(p_on date)
 RETURNS TABLE(department_id uuid, member_type member_type, workforce integer, up_to_date integer, renewal_due integer, overdue integer, below_required integer, no_clearance integer)
 LANGUAGE sql
 STABLE
 SET jit TO 'off'
AS $function$
SELECT s.department_id, s.member_type, count(*)::int,
       count(*) FILTER (WHERE s.state = 'up_to_date')::int,
       count(*) FILTER (WHERE s.state = 'renewal_due')::int,
       count(*) FILTER (WHERE s.state = 'overdue')::int,
       count(*) FILTER (WHERE s.state = 'below_required')::int,
       count(*) FILTER (WHERE s.state = 'no_clearance')::int
  FROM vetting_states_at(p_on) s
 WHERE s.is_current
 GROUP BY s.department_id, s.member_type
$function$;
