import { Injectable, Logger } from '@nestjs/common';
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
 * 1. the people whose state on `today` (vetting_states_at, the one place states are computed) needs
 *    an alert, into a temporary table;
 * 2. raise the renewal_due / overdue alerts (per clearance) and below_required alerts (per person) that
 *    do not exist yet (their outbox messages come from the alert table's trigger, same transaction);
 * 3. resolve the open alerts whose cause is gone (renewed, withdrawn, left the force, moved post, rules
 *    changed).
 * The unique indexes on vetting_alert are the last guard: a rerun, a retried job or two workers at once
 * never raise the same alert twice. A crash anywhere rolls the whole sweep back.
 */
@Injectable()
export class SweepService {
  private readonly logger = new Logger(SweepService.name);

  constructor(
    private readonly tx: Transactions,
    private readonly rules: VettingRulesService,
    private readonly audit: AuditService,
  ) {}

  /** Sweeps everyone, or (memberId) one person, as of `today`. */
  async sweep(today: string, memberId: string | null = null, jobId = 'sweep'): Promise<SweepResult> {
    const result = await this.tx.run(async (m) => {
      if (memberId) {
        await m.query(`SELECT pg_advisory_xact_lock_shared($1), pg_advisory_xact_lock($2, hashtext($3))`, [
          SWEEP_LOCK,
          PERSON_LOCK,
          memberId,
        ]);
      } else {
        await m.query(`SELECT pg_advisory_xact_lock($1)`, [SWEEP_LOCK]);
        // Configuration changes take effect here, on the next sweep.
        await this.rules.sync(m);
      }
      await m.query(
        `CREATE TEMPORARY TABLE vetting_sweep_due ON COMMIT DROP AS
         SELECT s.workforce_member_id, s.state, s.clearance_id, s.clearance_level, s.required_level, s.expires_on
           FROM vetting_states_at($1::date) s
          WHERE s.is_current AND s.state IN ('renewal_due', 'overdue', 'below_required')
            AND ($2::uuid IS NULL OR s.workforce_member_id = $2::uuid)`,
        [today, memberId],
      );
      if (!memberId) await m.query(`ANALYZE vetting_sweep_due`);

      const [byClearance] = await m.query<{ n: string }[]>(
        `WITH raised AS (
           INSERT INTO vetting_alert (workforce_member_id, kind, clearance_id, level, due_on)
           SELECT d.workforce_member_id, d.state::text::vetting_alert_kind, d.clearance_id, d.clearance_level, d.expires_on
             FROM vetting_sweep_due d
            WHERE d.state IN ('renewal_due', 'overdue')
              AND NOT EXISTS (SELECT 1 FROM vetting_alert a
                               WHERE a.clearance_id = d.clearance_id AND a.kind = d.state::text::vetting_alert_kind)
           ON CONFLICT DO NOTHING RETURNING 1)
         SELECT count(*)::text AS n FROM raised`,
      );
      const [byPerson] = await m.query<{ n: string }[]>(
        `WITH raised AS (
           INSERT INTO vetting_alert (workforce_member_id, kind, level, due_on)
           SELECT d.workforce_member_id, 'below_required', d.required_level, $1::date
             FROM vetting_sweep_due d
            WHERE d.state = 'below_required'
              AND NOT EXISTS (SELECT 1 FROM vetting_alert a
                               WHERE a.workforce_member_id = d.workforce_member_id AND a.kind = 'below_required'
                                 AND a.status <> 'resolved')
           ON CONFLICT DO NOTHING RETURNING 1)
         SELECT count(*)::text AS n FROM raised`,
        [today],
      );
      const [resolved] = await m.query<{ n: string }[]>(
        `WITH gone AS (
           UPDATE vetting_alert a
              SET status = 'resolved', resolved_at = now(), version = a.version + 1,
                  resolution_reason = 'Resolved by the vetting sweep: the cause is gone (renewed, withdrawn, left, moved post or requirement changed)'
            WHERE a.status <> 'resolved' AND a.kind IN ('renewal_due', 'overdue', 'below_required')
              AND ($1::uuid IS NULL OR a.workforce_member_id = $1::uuid)
              AND NOT EXISTS (SELECT 1 FROM vetting_sweep_due d
                               WHERE d.workforce_member_id = a.workforce_member_id
                                 AND d.state::text = a.kind::text
                                 AND (a.kind = 'below_required' OR d.clearance_id = a.clearance_id))
           RETURNING 1)
         SELECT count(*)::text AS n FROM gone`,
        [memberId],
      );
      const counts: SweepResult = {
        raised: Number(byClearance.n) + Number(byPerson.n),
        resolved: Number(resolved.n),
      };
      if (counts.raised + counts.resolved > 0) {
        await this.audit.record(m, SYSTEM_ACTOR(jobId), {
          action: memberId ? 'vetting.check_person' : 'vetting.sweep',
          resourceType: 'vetting_alert',
          subjectIds: memberId ? [memberId] : [],
          details: { today, ...counts },
        });
      }
      return counts;
    });
    this.logger.log(
      `${memberId ? 'vetting check' : 'vetting sweep'} as of ${today}: raised ${result.raised}, resolved ${result.resolved}`,
    );
    return result;
  }
}
