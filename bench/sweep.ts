import type pg from 'pg';
import { inPgTransaction } from './baseline.js';
import {
  runSweepStatements,
  SWEEP_LOCK,
  type StatementRunner,
  type SweepScope,
} from '../src/modules/vetting/sweep.repository.js';

/** The sweep's compiled statements run on a bare pg client (its rows are what each statement's type says). */
const onClient =
  (client: pg.ClientBase): StatementRunner =>
  async (statement) =>
    // eslint-disable-next-line @typescript-eslint/no-unsafe-return -- pg answers untyped rows
    (await client.query(statement.sql, [...statement.parameters])).rows;

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
    const r = await runSweepStatements(onClient(client), today, null);
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6, ...r };
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}
