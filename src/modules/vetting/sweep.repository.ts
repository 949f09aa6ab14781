import { Injectable } from '@nestjs/common';
import { type CompiledQuery, type RawBuilder, sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { all, db } from '../../database/sql.js';

/** The full sweep takes it exclusively, a one-person check shared: checks run together, sweeps alone. */
export const SWEEP_LOCK = 0x5645_5357; // 'VESW'
const PERSON_LOCK = 0x5645_5045; // 'VEPE'

export interface SweepResult {
  raised: number;
  resolved: number;
}

/** Whom a sweep looks at: everyone, the people in vetting_sweep_people (changed since the last sweep), one person. */
export type SweepScope = 'everyone' | 'changed' | 'person';

/** Runs one compiled statement and answers its rows: on the unit of work's connection, or (the bench) a pg client. */
export type StatementRunner = <R>(statement: CompiledQuery<R>) => Promise<R[]>;

const SWEEP_KINDS = sql.raw(`('renewal_due', 'overdue', 'below_required')`);

/** The condition limiting a statement to the sweep's scope: nobody left out, one person, or the people changed. */
const inScope = (scope: SweepScope, member: string, memberId: string | null): RawBuilder<unknown> =>
  scope === 'everyone'
    ? sql``
    : scope === 'person'
      ? sql`\n       AND ${sql.raw(member)} = ${memberId}::uuid`
      : sql`\n       AND ${sql.raw(member)} IN (SELECT workforce_member_id FROM vetting_sweep_people)`;

interface Count {
  n: string;
}

/**
 * The sweep's statements, in order (the bench runs exactly these, raw, as its baseline).
 * - `begin`: the sweep's own alert changes are its result, not a change for the next sweep to look at
 *   (lantern.vetting_sweep, read by the alert trigger); no JIT: compiling the state query costs more than
 *   running it.
 * - `lastSweep`: the last completed sweep's date, and whether everyone must be looked at.
 * - `forgetChanges` (everyone) or `changedPeople`: the marks the triggers left (vetting_sweep_dirty) are
 *   consumed; "changed" is those marks plus the people one of whose dates fell between the last sweep's date
 *   and today (vetting_states_changing_between).
 * - `due`: the states (vetting_states_at, the one place they are computed) that need an alert.
 * - `raiseByClearance`, `raiseByPerson`: an alert for each due state that has no open alert of its kind (a
 *   resolved one is history: the cause returned, so the alert does), unless an officer resolved it by hand
 *   while the cause remained and its review date (`review_by`) is still ahead;
 * - `resolve`: open alerts whose cause is gone; `swept`: the bookkeeping.
 */
export const SWEEP_SQL = {
  begin: () => sql`SELECT set_config('lantern.vetting_sweep', 'on', true), set_config('jit', 'off', true)`,
  lastSweep: () =>
    sql<{
      swept_on: string | null;
      full_needed: boolean;
    }>`SELECT swept_on::text AS swept_on, full_needed FROM vetting_sweep_state FOR UPDATE`,
  forgetChanges: () => sql`DELETE FROM vetting_sweep_dirty`,
  changedPeople: (
    since: string,
    today: string,
  ) => sql`CREATE TEMPORARY TABLE vetting_sweep_people ON COMMIT DROP AS
    WITH consumed AS (DELETE FROM vetting_sweep_dirty RETURNING workforce_member_id)
    SELECT workforce_member_id FROM consumed
    UNION SELECT workforce_member_id FROM vetting_states_changing_between(${since}::date, ${today}::date)`,
  analyzePeople: () => sql`ANALYZE vetting_sweep_people`,
  due: (scope: SweepScope, today: string, memberId: string | null) =>
    sql`CREATE TEMPORARY TABLE vetting_sweep_due ON COMMIT DROP AS
    SELECT s.workforce_member_id, s.state, s.clearance_id, s.clearance_level, s.required_level, s.expires_on
      FROM vetting_states_at(${today}::date) s
     WHERE s.is_current AND s.state IN ${SWEEP_KINDS}${inScope(scope, 's.workforce_member_id', memberId)}`,
  analyzeDue: () => sql`ANALYZE vetting_sweep_due`,
  raiseByClearance: (today: string) => sql<Count>`WITH raised AS (
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
                            AND a.clearance_id = d.clearance_id AND a.review_by > ${today}::date)
      ON CONFLICT DO NOTHING RETURNING 1)
    SELECT count(*)::text AS n FROM raised`,
  raiseByPerson: (today: string) => sql<Count>`WITH raised AS (
      INSERT INTO vetting_alert (workforce_member_id, kind, level, due_on)
      SELECT d.workforce_member_id, 'below_required', d.required_level, ${today}::date
        FROM vetting_sweep_due d
       WHERE d.state = 'below_required'
         AND NOT EXISTS (SELECT 1 FROM vetting_alert a
                          WHERE a.workforce_member_id = d.workforce_member_id AND a.kind = 'below_required'
                            AND a.status <> 'resolved')
         AND NOT EXISTS (SELECT 1 FROM vetting_alert a
                          WHERE a.workforce_member_id = d.workforce_member_id AND a.kind = 'below_required'
                            AND a.review_by > ${today}::date)
      ON CONFLICT DO NOTHING RETURNING 1)
    SELECT count(*)::text AS n FROM raised`,
  resolve: (scope: SweepScope, memberId: string | null) => sql<Count>`WITH gone AS (
      UPDATE vetting_alert a
         SET status = 'resolved', resolved_at = now(), version = a.version + 1,
             resolution_reason = 'Resolved by the vetting sweep: the cause is gone (renewed, withdrawn, left, moved post or requirement changed)'
       WHERE a.status <> 'resolved' AND a.kind IN ${SWEEP_KINDS}${inScope(scope, 'a.workforce_member_id', memberId)}
         AND NOT EXISTS (SELECT 1 FROM vetting_sweep_due d
                          WHERE d.workforce_member_id = a.workforce_member_id
                            AND d.state::text = a.kind::text
                            AND (a.kind = 'below_required' OR d.clearance_id = a.clearance_id))
      RETURNING 1)
    SELECT count(*)::text AS n FROM gone`,
  swept: (today: string) =>
    sql`UPDATE vetting_sweep_state SET swept_on = ${today}::date, swept_at = now(), full_needed = false`,
} as const;

/**
 * The sweep's statements after its locks (and the rules sync): everyone, the people changed since the last
 * completed sweep, or one person. Returns what it raised and resolved and whom it looked at.
 */
export async function runSweepStatements(
  run: StatementRunner,
  today: string,
  memberId: string | null,
): Promise<SweepResult & { scope: SweepScope }> {
  const rows = <R>(statement: RawBuilder<R>): Promise<R[]> => run(statement.compile(db));
  let scope: SweepScope = 'person';
  if (!memberId) {
    await rows(SWEEP_SQL.begin());
    const [last] = await rows(SWEEP_SQL.lastSweep());
    scope = last.full_needed || last.swept_on === null ? 'everyone' : 'changed';
    if (scope === 'everyone' || last.swept_on === null) {
      await rows(SWEEP_SQL.forgetChanges());
    } else {
      await rows(SWEEP_SQL.changedPeople(last.swept_on, today));
      await rows(SWEEP_SQL.analyzePeople());
    }
  }
  await rows(SWEEP_SQL.due(scope, today, memberId));
  if (scope !== 'person') await rows(SWEEP_SQL.analyzeDue());
  const [byClearance] = await rows(SWEEP_SQL.raiseByClearance(today));
  const [byPerson] = await rows(SWEEP_SQL.raiseByPerson(today));
  const [resolved] = await rows(SWEEP_SQL.resolve(scope, memberId));
  if (scope !== 'person') await rows(SWEEP_SQL.swept(today));
  return {
    raised: Number(byClearance.n) + Number(byPerson.n),
    resolved: Number(resolved.n),
    scope,
  };
}

/** The vetting sweep's SQL: its locks and its set-based statements (SWEEP_SQL). */
@Injectable()
export class SweepRepository {
  /** A one-person check's locks (shared with other checks, not with a sweep), or the full sweep's. */
  async lock(tx: EntityManager, memberId: string | null): Promise<void> {
    await all(
      tx,
      memberId
        ? sql`SELECT pg_advisory_xact_lock_shared(${SWEEP_LOCK}), pg_advisory_xact_lock(${PERSON_LOCK}, hashtext(${memberId}))`.compile(
            db,
          )
        : sql`SELECT pg_advisory_xact_lock(${SWEEP_LOCK})`.compile(db),
    );
  }

  run(
    tx: EntityManager,
    today: string,
    memberId: string | null,
  ): Promise<SweepResult & { scope: SweepScope }> {
    return runSweepStatements((statement) => all(tx, statement), today, memberId);
  }
}
