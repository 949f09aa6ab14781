import { Injectable } from '@nestjs/common';
import { type RawBuilder, sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { all, db } from '../../database/sql.js';

/**
 * Held exclusively while a snapshot is computed, shared by vetting_compliance_invalidate while a change
 * discards snapshots: a snapshot computed before a change committed is discarded by it, never kept.
 */
export const SNAPSHOT_LOCK = 1447121998; // 'VETS'

/**
 * The compliance snapshots' SQL (tables vetting_compliance_month and vetting_compliance_snapshot): per date,
 * department and member type, the count of the workforce in service in each vetting state, from
 * vetting_compliance_counts (over vetting_states_at, the one definition). Builders, so that the bench seeds snapshots with the same text.
 */
export const SNAPSHOT_SQL = {
  /** The computation's lock. */
  begin: () => sql`SELECT pg_advisory_xact_lock(${sql.lit(SNAPSHOT_LOCK)})`,
  /** The dates kept (month ends from `from` to before `today`, and `today`) that have no snapshot, newest first. */
  missing: (from: string, today: string) => sql<{ as_of: string }>`SELECT d::text AS as_of
      FROM (SELECT (g + interval '1 month - 1 day')::date
              FROM generate_series(date_trunc('month', ${from}::date), date_trunc('month', ${today}::date) - interval '1 month',
                                   interval '1 month') g
            UNION ALL SELECT ${today}::date) x(d)
     WHERE NOT EXISTS (SELECT 1 FROM vetting_compliance_month v WHERE v.as_of = x.d)
     ORDER BY d DESC`,
  /** The date's snapshot: its month row (none if another worker made it meanwhile), then its counts. */
  claim: (asOf: string) => sql<{ as_of: string }>`INSERT INTO vetting_compliance_month (as_of)
      VALUES (${asOf}::date) ON CONFLICT DO NOTHING RETURNING as_of::text`,
  compute: (asOf: string) => sql`INSERT INTO vetting_compliance_snapshot
      (as_of, department_id, member_type, workforce, up_to_date, renewal_due, overdue, below_required, no_clearance)
    SELECT ${asOf}::date, c.* FROM vetting_compliance_counts(${asOf}::date) c`,
  /** Snapshots no longer kept: before the window, or a past day that is not a month end (an earlier today). */
  prune: (from: string, today: string) => sql`DELETE FROM vetting_compliance_month
     WHERE as_of < ${from}::date
        OR (as_of <> ${today}::date AND as_of <> (date_trunc('month', as_of) + interval '1 month - 1 day')::date)`,
} as const satisfies Record<string, (...args: string[]) => RawBuilder<unknown>>;

/** The compliance snapshots' SQL, run on the unit of work's connection. */
@Injectable()
export class SnapshotsRepository {
  async missing(tx: EntityManager, from: string, today: string): Promise<string[]> {
    return (await all(tx, SNAPSHOT_SQL.missing(from, today).compile(db))).map((r) => r.as_of);
  }

  async prune(tx: EntityManager, from: string, today: string): Promise<void> {
    await all(tx, SNAPSHOT_SQL.prune(from, today).compile(db));
  }

  /** Computes the date's snapshot under the lock; false when it exists already. */
  async compute(tx: EntityManager, asOf: string): Promise<boolean> {
    await all(tx, SNAPSHOT_SQL.begin().compile(db));
    if ((await all(tx, SNAPSHOT_SQL.claim(asOf).compile(db))).length === 0) return false;
    await all(tx, SNAPSHOT_SQL.compute(asOf).compile(db));
    return true;
  }
}
