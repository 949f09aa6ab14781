import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Transactions } from '../../database/database.module.js';
import { AuditService } from '../audit/audit.service.js';
import { VettingRulesService } from './vetting-rules.service.js';

/** The full sweep takes it exclusively, a one-person check shared: checks run together, sweeps alone. */
export const SWEEP_LOCK = 0x5645_5357; // 'VESW'
const PERSON_LOCK = 0x5645_5045; // 'VEPE'

export interface SweepResult {
  raised: number;
  resolved: number;
}

/** Whom a sweep looks at: everyone, the people in vetting_sweep_people (changed since the last sweep), one person. */
export type SweepScope = 'everyone' | 'changed' | 'person';

const SWEEP_KINDS = `('renewal_due', 'overdue', 'below_required')`;

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
/** The condition limiting a statement to the sweep's scope: nobody left out, one person ($n), or the people changed. */
const inScope = (scope: SweepScope, member: string, personParam: string): string =>
  scope === 'everyone'
    ? ''
    : scope === 'person'
      ? `\n       AND ${member} = ${personParam}::uuid`
      : `\n       AND ${member} IN (SELECT workforce_member_id FROM vetting_sweep_people)`;

export const SWEEP_SQL = {
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
     WHERE s.is_current AND s.state IN ${SWEEP_KINDS}${inScope(scope, 's.workforce_member_id', '$2')}`,
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
       WHERE a.status <> 'resolved' AND a.kind IN ${SWEEP_KINDS}${inScope(scope, 'a.workforce_member_id', '$1')}
         AND NOT EXISTS (SELECT 1 FROM vetting_sweep_due d
                          WHERE d.workforce_member_id = a.workforce_member_id
                            AND d.state::text = a.kind::text
                            AND (a.kind = 'below_required' OR d.clearance_id = a.clearance_id))
      RETURNING 1)
    SELECT count(*)::text AS n FROM gone`,
  swept: `UPDATE vetting_sweep_state SET swept_on = $1::date, swept_at = now(), full_needed = false`,
} as const;

/** Anything that runs a statement: a TypeORM EntityManager, or (the bench) a pg client. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * The sweep's statements after its locks (and the rules sync): everyone, the people changed since the last
 * completed sweep, or one person. Returns what it raised and resolved and whom it looked at.
 */
export async function runSweepStatements(
  q: Queryable,
  today: string,
  memberId: string | null,
): Promise<SweepResult & { scope: SweepScope }> {
  const rows = async (sql: string, params?: unknown[]) => {
    const r = await q.query(sql, params);
    // TypeORM answers a SELECT with the rows, pg with a result.
    return (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Record<
      string,
      string | boolean | null
    >[];
  };
  let scope: SweepScope = 'person';
  if (!memberId) {
    await q.query(SWEEP_SQL.begin);
    const [last] = await rows(SWEEP_SQL.lastSweep);
    scope = last.full_needed || last.swept_on === null ? 'everyone' : 'changed';
    if (scope === 'everyone') {
      await q.query(SWEEP_SQL.forgetChanges);
    } else {
      await q.query(SWEEP_SQL.changedPeople, [last.swept_on, today]);
      await q.query(SWEEP_SQL.analyzePeople);
    }
  }
  await q.query(SWEEP_SQL.due(scope), memberId ? [today, memberId] : [today]);
  if (scope !== 'person') await q.query(SWEEP_SQL.analyzeDue);
  const [byClearance] = await rows(SWEEP_SQL.raiseByClearance, [today]);
  const [byPerson] = await rows(SWEEP_SQL.raiseByPerson, [today]);
  const [resolved] = await rows(SWEEP_SQL.resolve(scope), memberId ? [memberId] : []);
  if (scope !== 'person') await q.query(SWEEP_SQL.swept, [today]);
  return {
    raised: Number(byClearance.n) + Number(byPerson.n),
    resolved: Number(resolved.n),
    scope,
  };
}

const SYSTEM_ACTOR = (jobId: string) => ({
  userId: null,
  roles: [],
  workforceMemberId: null,
  sessionId: null,
  requestId: jobId,
  clientAddress: null,
});

/**
 * The vetting sweep: a few set-based statements in one transaction, never a loop over rows in Node.
 * 1. whom to look at: everyone when no sweep has completed yet or the rules changed; otherwise the people
 *    whose clearances, post, dates, post's requirement or sweep alerts changed since the last completed sweep
 *    (marked by triggers in the changes' own transactions) and those one of whose dates fell between that
 *    sweep's date and today. Anyone else's state is what it was at the last sweep, and so are their alerts;
 * 2. their states on `today` that need an alert (vetting_states_at, the one place states are computed),
 *    into a temporary table;
 * 3. raise the renewal_due / overdue alerts (per clearance) and below_required alerts (per person) that are
 *    not open (their outbox messages come from the alert table's trigger, same transaction), except those
 *    resolved by hand whose review date has not come yet;
 * 4. resolve their open alerts whose cause is gone (renewed, withdrawn, left the force, moved post, rules
 *    changed).
 * The unique indexes over open alerts are the last guard: a rerun, a retried job or two workers at once
 * never raise the same alert twice. A crash anywhere rolls the whole sweep back, its consumed marks with it.
 */
@Injectable()
export class SweepService {
  private readonly logger = new Logger(SweepService.name);

  constructor(
    private readonly tx: Transactions,
    private readonly rules: VettingRulesService,
    private readonly audit: AuditService,
  ) {}

  /** Sweeps everyone whose state may have changed, or (memberId) one person, as of `today`. */
  async sweep(today: string, memberId: string | null = null, jobId = 'sweep'): Promise<SweepResult> {
    const result = await this.tx.run(async (m: EntityManager) => {
      if (memberId) {
        await m.query(`SELECT pg_advisory_xact_lock_shared($1), pg_advisory_xact_lock($2, hashtext($3))`, [
          SWEEP_LOCK,
          PERSON_LOCK,
          memberId,
        ]);
      } else {
        await m.query(`SELECT pg_advisory_xact_lock($1)`, [SWEEP_LOCK]);
        // Configuration changes take effect here, on the next sweep (a changed rule marks everyone).
        await this.rules.sync(m);
      }
      const { scope, ...counts } = await runSweepStatements(m, today, memberId);
      if (counts.raised + counts.resolved > 0) {
        await this.audit.record(m, SYSTEM_ACTOR(jobId), {
          action: memberId ? 'vetting.check_person' : 'vetting.sweep',
          resourceType: 'vetting_alert',
          subjectIds: memberId ? [memberId] : [],
          details: { today, ...counts, ...(memberId ? {} : { scope }) },
        });
      }
      return { scope, ...counts };
    });
    this.logger.log(
      `${memberId ? 'vetting check' : `vetting sweep (${result.scope})`} as of ${today}: raised ${result.raised}, resolved ${result.resolved}`,
    );
    return { raised: result.raised, resolved: result.resolved };
  }
}
