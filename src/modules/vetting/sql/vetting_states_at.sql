-- vetting_states_at: every member's vetting state on a date (left, none, below_required, renewal_due, overdue,
-- up_to_date), whether they are serving then, and the clearance the state rests on: the one place states are
-- computed (the sweep, compliance, a member's page, the figures, the month-end snapshots). A leaver is `left`
-- from their leaving date on (and not current: out of every compliance count from that day). Changing what a state depends on? Then
-- vetting_states_changing_between must follow: test/vetting-states-agree.e2e-spec.ts checks on generated
-- clearances and dates that it finds everyone whose state differs between two dates, and that the incremental
-- sweep ends where a sweep over everyone would.
-- Owned by vetting; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.vetting_states_at(p_on date)
 RETURNS TABLE(workforce_member_id uuid, is_current boolean, department_id uuid, post_id uuid, member_type member_type, required_level vetting_level, state vetting_state, clearance_id uuid, clearance_level vetting_level, expires_on date)
 LANGUAGE sql
 STABLE
AS $function$
SELECT m.id,
       (m.start_date IS NULL OR m.start_date <= p_on) AND (m.leave_date IS NULL OR m.leave_date > p_on),
       m.department_id, m.post_id, m.member_type, p.required_level,
       CASE
         WHEN m.leave_date <= p_on THEN 'left'
         WHEN b.id IS NULL THEN CASE WHEN p.required_level IS NULL THEN 'no_clearance' ELSE 'below_required' END
         WHEN b.expires_on <= p_on THEN 'overdue'
         WHEN b.expires_on - b.warning_days <= p_on THEN 'renewal_due'
         ELSE 'up_to_date'
       END::vetting_state,
       b.id, b.level, b.expires_on
FROM workforce_member m
LEFT JOIN post p ON p.id = m.post_id
LEFT JOIN LATERAL (
  SELECT c.id, c.level, c.expires_on, r.warning_days
  FROM vetting_clearance c
  JOIN vetting_level_rule r ON r.level = c.level
  WHERE c.workforce_member_id = m.id
    AND c.granted_on <= p_on
    AND (c.superseded_on IS NULL OR c.superseded_on > p_on)
    AND (c.withdrawn_on IS NULL OR c.withdrawn_on > p_on)
    AND (p.required_level IS NULL OR EXISTS (
          SELECT 1 FROM vetting_level_satisfies s WHERE s.held = c.level AND s.required = p.required_level))
  ORDER BY c.expires_on DESC, c.id
  LIMIT 1
) b ON TRUE
$function$;
