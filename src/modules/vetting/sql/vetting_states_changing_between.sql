-- vetting_states_changing_between: the people whose vetting state, or whose sweep alerts, can differ between
-- two dates: every comparison vetting_states_at makes with its date is "x <= date" for one of the dates below
-- (a leave or a supersession after the date is its negation), and so is the sweep's "review_by <= today", so
-- a person's outcome can differ only if such an x lies in (least, greatest]. The incremental sweep looks at
-- these people besides those the triggers marked. Checked against vetting_states_at on generated data:
-- test/vetting-states-agree.e2e-spec.ts.
-- Owned by vetting; the migrated database's definition, as PostgreSQL prints it
-- (test/database-definitions.e2e-spec.ts). To change it: edit it here, then `npm run db:definitions --
-- <MigrationName>` (docs/architecture.md).

CREATE OR REPLACE FUNCTION public.vetting_states_changing_between(p_a date, p_b date)
 RETURNS TABLE(workforce_member_id uuid)
 LANGUAGE sql
 STABLE
AS $function$
SELECT m.id FROM workforce_member m
 WHERE (m.start_date > LEAST(p_a, p_b) AND m.start_date <= GREATEST(p_a, p_b))
    OR (m.leave_date > LEAST(p_a, p_b) AND m.leave_date <= GREATEST(p_a, p_b))
UNION
SELECT c.workforce_member_id FROM vetting_clearance c
 WHERE c.granted_on > LEAST(p_a, p_b) AND c.granted_on <= GREATEST(p_a, p_b)
UNION
SELECT c.workforce_member_id FROM vetting_clearance c
 WHERE c.superseded_on > LEAST(p_a, p_b) AND c.superseded_on <= GREATEST(p_a, p_b)
UNION
SELECT c.workforce_member_id FROM vetting_clearance c
 WHERE c.withdrawn_on > LEAST(p_a, p_b) AND c.withdrawn_on <= GREATEST(p_a, p_b)
UNION
SELECT c.workforce_member_id FROM vetting_clearance c
 WHERE c.expires_on > LEAST(p_a, p_b) AND c.expires_on <= GREATEST(p_a, p_b)
UNION
-- expiry minus the level's warning window: the expiry index over the widest window, then each level's own
SELECT c.workforce_member_id FROM vetting_clearance c JOIN vetting_level_rule r ON r.level = c.level
 WHERE c.expires_on > LEAST(p_a, p_b) + (SELECT min(warning_days) FROM vetting_level_rule)
   AND c.expires_on <= GREATEST(p_a, p_b) + (SELECT max(warning_days) FROM vetting_level_rule)
   AND c.expires_on > LEAST(p_a, p_b) + r.warning_days AND c.expires_on <= GREATEST(p_a, p_b) + r.warning_days
UNION
-- an alert resolved by hand while its cause remained, whose review date passed
SELECT a.workforce_member_id FROM vetting_alert a
 WHERE a.review_by > LEAST(p_a, p_b) AND a.review_by <= GREATEST(p_a, p_b)
$function$;
