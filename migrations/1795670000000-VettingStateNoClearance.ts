import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One word for one state (issue 27): the vetting state `none` (no clearance in force, and the post requires no
 * level) is `no_clearance`, the word the figures and the compliance snapshots already used. The state is
 * computed, never stored (no column holds a vetting_state), so renaming the enum value changes no row; the
 * two functions that write it as a literal are replaced in the same transaction, with the text of
 * src/modules/vetting/sql/vetting_states_at.sql and vetting_compliance_counts.sql (as
 * `npm run db:definitions` writes them: the files are the current text, this is history).
 */
export class VettingStateNoClearance1795670000000 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TYPE "public"."vetting_state" RENAME VALUE 'none' TO 'no_clearance'`);
    await q.query(`CREATE OR REPLACE FUNCTION public.vetting_states_at(p_on date)
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
$function$`);
    await q.query(`CREATE OR REPLACE FUNCTION public.vetting_compliance_counts(p_on date)
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
$function$`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TYPE "public"."vetting_state" RENAME VALUE 'no_clearance' TO 'none'`);
    await q.query(`CREATE OR REPLACE FUNCTION public.vetting_states_at(p_on date)
 RETURNS TABLE(workforce_member_id uuid, is_current boolean, department_id uuid, post_id uuid, member_type member_type, required_level vetting_level, state vetting_state, clearance_id uuid, clearance_level vetting_level, expires_on date)
 LANGUAGE sql
 STABLE
AS $function$
SELECT m.id,
       (m.start_date IS NULL OR m.start_date <= p_on) AND (m.leave_date IS NULL OR m.leave_date > p_on),
       m.department_id, m.post_id, m.member_type, p.required_level,
       CASE
         WHEN m.leave_date <= p_on THEN 'left'
         WHEN b.id IS NULL THEN CASE WHEN p.required_level IS NULL THEN 'none' ELSE 'below_required' END
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
$function$`);
    await q.query(`CREATE OR REPLACE FUNCTION public.vetting_compliance_counts(p_on date)
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
       count(*) FILTER (WHERE s.state = 'none')::int
  FROM vetting_states_at(p_on) s
 WHERE s.is_current
 GROUP BY s.department_id, s.member_type
$function$`);
  }
}
