import type pg from 'pg';
import { inPgTransaction } from './baseline.js';

/** The sweep's advisory lock (the vetting module's: the raw sweep waits for Lantern's as Lantern's does). */
const SWEEP_LOCK = 0x5645_5357; // 'VESW'

/** Whom a sweep looks at: everyone, or the people changed since the last sweep. */
type SweepScope = 'everyone' | 'changed';

const SWEEP_KINDS = `('renewal_due', 'overdue', 'below_required')`;

const inScope = (scope: SweepScope, member: string): string =>
  scope === 'everyone'
    ? ''
    : `\n       AND ${member} IN (SELECT workforce_member_id FROM vetting_sweep_people)`;

/**
 * The bench's copy of the vetting sweep's statements, in the order the vetting module's SweepService runs
 * them (see src/modules/vetting/sweep.service.ts for what each does): the raw baseline of the sweep.
 */
const SWEEP_SQL = {
  begin: `SELECT set_config('lantern.vetting_sweep', 'on', true), set_config('jit', 'off', true)`,
  lastSweep: `SELECT swept_on::text AS swept_on, full_needed FROM vetting_sweep_state FOR UPDATE`,
  forgetChanges: `DELETE FROM vetting_sweep_dirty`,
  changedPeople: `CREATE TEMPORARY TABLE vetting_sweep_people ON COMMIT DROP AS
    WITH consumed AS (DELETE FROM vetting_sweep_dirty RETURNING workforce_member_id)
    SELECT workforce_member_id FROM consumed
    UNION SELECT workforce_member_id FROM vetting_states_changing_between($1::date, $2::date)`,
  analyzePeople: `ANALYZE vetting_sweep_people`,
  due: (scope: SweepScope): string => `CREATE TEMPORARY TABLE vetting_sweep_due ON COMMIT DROP AS
    SELECT s.workforce_member_id, s.state, s.clearance_id, s.clearance_level, s.required_level, s.expires_on
      FROM vetting_states_at($1::date) s
     WHERE s.is_current AND s.state IN ${SWEEP_KINDS}${inScope(scope, 's.workforce_member_id')}`,
  analyzeDue: `ANALYZE vetting_sweep_due`,
  raiseByClearance: `WITH raised AS (
      INSERT INTO vetting_alert (workforce_member_id, kind, clearance_id, level, due_on)
      SELECT d.workforce_member_id, d.state::text::vetting_alert_kind, d.clearance_id, d.clearance_level, d.expires_on
        FROM vetting_sweep_due d
       WHERE d.state IN ('renewal_due', 'overdue')
         AND NOT EXISTS (SELECT 1 FROM vetting_alert a
                          WHERE a.clearance_id = d.clearance_id AND a.kind = d.state::text::vetting_alert_kind
                            AND a.status <> 'resolved')
         AND NOT EXISTS (SELECT 1 FROM vetting_alert a
                          WHERE a.workforce_member_id = d.workforce_member_id
                            AND a.kind = d.state::text::vetting_alert_kind
                            AND a.clearance_id = d.clearance_id AND a.review_by > $1::date)
      ON CONFLICT DO NOTHING RETURNING 1)
    SELECT count(*)::text AS n FROM raised`,
  raiseByPerson: `WITH raised AS (
      INSERT INTO vetting_alert (workforce_member_id, kind, level, due_on)
      SELECT d.workforce_member_id, 'below_required', d.required_level, $1::date
        FROM vetting_sweep_due d
       WHERE d.state = 'below_required'
         AND NOT EXISTS (SELECT 1 FROM vetting_alert a
                          WHERE a.workforce_member_id = d.workforce_member_id AND a.kind = 'below_required'
                            AND a.status <> 'resolved')
         AND NOT EXISTS (SELECT 1 FROM vetting_alert a
                          WHERE a.workforce_member_id = d.workforce_member_id AND a.kind = 'below_required'
                            AND a.review_by > $1::date)
      ON CONFLICT DO NOTHING RETURNING 1)
    SELECT count(*)::text AS n FROM raised`,
  resolve: (scope: SweepScope): string => `WITH gone AS (
      UPDATE vetting_alert a
         SET status = 'resolved', resolved_at = now(), version = a.version + 1,
             resolution_reason = 'Resolved by the vetting sweep: the cause is gone (renewed, withdrawn, left, moved post or requirement changed)'
       WHERE a.status <> 'resolved' AND a.kind IN ${SWEEP_KINDS}${inScope(scope, 'a.workforce_member_id')}
         AND NOT EXISTS (SELECT 1 FROM vetting_sweep_due d
                          WHERE d.workforce_member_id = a.workforce_member_id
                            AND d.state::text = a.kind::text
                            AND (a.kind = 'below_required' OR d.clearance_id = a.clearance_id))
      RETURNING 1)
    SELECT count(*)::text AS n FROM gone`,
  swept: `UPDATE vetting_sweep_state SET swept_on = $1::date, swept_at = now(), full_needed = false`,
} as const;

/** The full sweep's statements after its lock, on a pg client: what they raised and resolved, and whom they looked at. */
async function runSweepStatements(
  client: pg.PoolClient,
  today: string,
): Promise<{ raised: number; resolved: number; scope: SweepScope }> {
  await client.query(SWEEP_SQL.begin);
  const [last] = (await client.query<{ swept_on: string | null; full_needed: boolean }>(SWEEP_SQL.lastSweep))
    .rows;
  const scope: SweepScope = last.full_needed || last.swept_on === null ? 'everyone' : 'changed';
  if (scope === 'everyone') {
    await client.query(SWEEP_SQL.forgetChanges);
  } else {
    await client.query(SWEEP_SQL.changedPeople, [last.swept_on, today]);
    await client.query(SWEEP_SQL.analyzePeople);
  }
  await client.query(SWEEP_SQL.due(scope), [today]);
  await client.query(SWEEP_SQL.analyzeDue);
  const count = async (text: string, values: unknown[]) =>
    Number((await client.query<{ n: string }>(text, values)).rows[0].n);
  const raised =
    (await count(SWEEP_SQL.raiseByClearance, [today])) + (await count(SWEEP_SQL.raiseByPerson, [today]));
  const resolved = await count(SWEEP_SQL.resolve(scope), []);
  await client.query(SWEEP_SQL.swept, [today]);
  return { raised, resolved, scope };
}

/**
 * Back to "no sweep has run": the alerts sweeps raise (renewal_due, overdue, below_required) and their outbox
 * messages deleted, the sweep bookkeeping reset, in one transaction. The marks the seeding left stay (a
 * first sweep consumes them). So the first run measured is a true first run even on a reused database.
 */
export async function resetSweeps(db: pg.Pool): Promise<void> {
  await inPgTransaction(db, async (client) => {
    await client.query(`SELECT pg_advisory_xact_lock($1)`, [SWEEP_LOCK]);
    await client.query(
      `DELETE FROM outbox_message o USING vetting_alert a
        WHERE o.idempotency_key = 'vetting-alert-raised:' || a.id
          AND a.kind IN ('renewal_due', 'overdue', 'below_required')`,
    );
    await client.query(
      `DELETE FROM vetting_alert WHERE kind IN ('renewal_due', 'overdue', 'below_required')`,
    );
    await client.query(`UPDATE vetting_sweep_state SET swept_on = NULL, swept_at = NULL, full_needed = true`);
  });
  await vacuumSweepTables(db);
}

/** After a rolled-back sweep: its dead alert and outbox rows vacuumed away, so the next first run is not slowed by them. */
export async function vacuumSweepTables(db: pg.Pool): Promise<void> {
  await db.query('VACUUM ANALYZE vetting_alert, outbox_message, vetting_sweep_dirty');
}

export interface RawSweep {
  ms: number;
  raised: number;
  resolved: number;
  scope: SweepScope;
}

/**
 * The sweep's own statements (SWEEP_SQL, in the same order, same lock) on a bare pg connection, without
 * Nest, TypeORM, the rules sync or the audit row; rolled back, so the database is as it was.
 */
export async function rawSweep(db: pg.Pool, today: string): Promise<RawSweep> {
  const client = await db.connect();
  const t0 = process.hrtime.bigint();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock($1)`, [SWEEP_LOCK]);
    const r = await runSweepStatements(client, today);
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6, ...r };
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}
