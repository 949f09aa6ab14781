import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Applies the database definitions of src/modules/vetting/sql/vetting_states_at.sql, src/modules/vetting/sql/vetting_compliance_counts.sql, src/modules/vetting/sql/vetting_compliance_invalidate.sql
 * as they were when this migration was written (`npm run db:definitions`): the files are the current text,
 * this is history. vetting_states_at: a leaver is `left` from
 * their leaving date (issue 26), not `below_required`. vetting_compliance_counts: the one derivation of the
 * compliance snapshots (issue 25). vetting_compliance_invalidate: a change to what states depend on discards,
 * in its own transaction, the snapshots of the dates it can touch.
 */
export class VettingComplianceSnapshotDefinitions1795590000200 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
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
    await q.query(`CREATE OR REPLACE FUNCTION public.vetting_compliance_invalidate()
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
END $function$`);
    await q.query(`CREATE TRIGGER vetting_compliance_invalidate_insert AFTER INSERT ON public.vetting_clearance
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_compliance_invalidate()`);
    await q.query(`CREATE TRIGGER vetting_compliance_invalidate_update AFTER UPDATE ON public.vetting_clearance
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_compliance_invalidate()`);
    await q.query(`CREATE TRIGGER vetting_compliance_invalidate_delete AFTER DELETE ON public.vetting_clearance
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_compliance_invalidate()`);
    await q.query(`CREATE TRIGGER vetting_compliance_invalidate_insert AFTER INSERT ON public.workforce_member
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_compliance_invalidate()`);
    await q.query(`CREATE TRIGGER vetting_compliance_invalidate_update AFTER UPDATE ON public.workforce_member
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_compliance_invalidate()`);
    await q.query(`CREATE TRIGGER vetting_compliance_invalidate_delete AFTER DELETE ON public.workforce_member
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_compliance_invalidate()`);
    await q.query(`CREATE TRIGGER vetting_compliance_invalidate_update AFTER UPDATE ON public.post
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_compliance_invalidate()`);
    await q.query(`CREATE TRIGGER vetting_compliance_invalidate_insert AFTER INSERT ON public.vetting_level_rule
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_compliance_invalidate()`);
    await q.query(`CREATE TRIGGER vetting_compliance_invalidate_update AFTER UPDATE ON public.vetting_level_rule
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_compliance_invalidate()`);
    await q.query(`CREATE TRIGGER vetting_compliance_invalidate_delete AFTER DELETE ON public.vetting_level_rule
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_compliance_invalidate()`);
    await q.query(`CREATE TRIGGER vetting_compliance_invalidate_truncate AFTER TRUNCATE ON public.vetting_level_rule
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_compliance_invalidate()`);
    await q.query(`CREATE TRIGGER vetting_compliance_invalidate_insert AFTER INSERT ON public.vetting_level_satisfies
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_compliance_invalidate()`);
    await q.query(`CREATE TRIGGER vetting_compliance_invalidate_update AFTER UPDATE ON public.vetting_level_satisfies
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_compliance_invalidate()`);
    await q.query(`CREATE TRIGGER vetting_compliance_invalidate_delete AFTER DELETE ON public.vetting_level_satisfies
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_compliance_invalidate()`);
    await q.query(`CREATE TRIGGER vetting_compliance_invalidate_truncate AFTER TRUNCATE ON public.vetting_level_satisfies
  FOR EACH STATEMENT
  EXECUTE FUNCTION vetting_compliance_invalidate()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER vetting_compliance_invalidate_insert ON public.vetting_clearance`);
    await q.query(`DROP TRIGGER vetting_compliance_invalidate_update ON public.vetting_clearance`);
    await q.query(`DROP TRIGGER vetting_compliance_invalidate_delete ON public.vetting_clearance`);
    await q.query(`DROP TRIGGER vetting_compliance_invalidate_insert ON public.workforce_member`);
    await q.query(`DROP TRIGGER vetting_compliance_invalidate_update ON public.workforce_member`);
    await q.query(`DROP TRIGGER vetting_compliance_invalidate_delete ON public.workforce_member`);
    await q.query(`DROP TRIGGER vetting_compliance_invalidate_update ON public.post`);
    await q.query(`DROP TRIGGER vetting_compliance_invalidate_insert ON public.vetting_level_rule`);
    await q.query(`DROP TRIGGER vetting_compliance_invalidate_update ON public.vetting_level_rule`);
    await q.query(`DROP TRIGGER vetting_compliance_invalidate_delete ON public.vetting_level_rule`);
    await q.query(`DROP TRIGGER vetting_compliance_invalidate_truncate ON public.vetting_level_rule`);
    await q.query(`DROP TRIGGER vetting_compliance_invalidate_insert ON public.vetting_level_satisfies`);
    await q.query(`DROP TRIGGER vetting_compliance_invalidate_update ON public.vetting_level_satisfies`);
    await q.query(`DROP TRIGGER vetting_compliance_invalidate_delete ON public.vetting_level_satisfies`);
    await q.query(`DROP TRIGGER vetting_compliance_invalidate_truncate ON public.vetting_level_satisfies`);
    await q.query(`DROP FUNCTION public.vetting_compliance_counts(p_on date)`);
    await q.query(`DROP FUNCTION public.vetting_compliance_invalidate()`);
    await q.query(`CREATE OR REPLACE FUNCTION public.vetting_states_at(p_on date)
 RETURNS TABLE(workforce_member_id uuid, is_current boolean, department_id uuid, post_id uuid, member_type member_type, required_level vetting_level, state vetting_state, clearance_id uuid, clearance_level vetting_level, expires_on date)
 LANGUAGE sql
 STABLE
AS $function$
      SELECT m.id,
             (m.start_date IS NULL OR m.start_date <= p_on) AND (m.leave_date IS NULL OR m.leave_date > p_on),
             m.department_id, m.post_id, m.member_type, p.required_level,
             CASE
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
  }
}
