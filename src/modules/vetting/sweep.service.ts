import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Transactions } from '../../database/database.module.js';
import { AuditService } from '../audit/audit.service.js';
import { SweepRepository, type SweepResult } from './sweep.repository.js';
import { VettingAudit, VettingResource } from './vetting.codes.js';
import { VettingRulesService } from './vetting-rules.service.js';

export type { SweepResult } from './sweep.repository.js';

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
    private readonly repository: SweepRepository,
  ) {}

  /** Sweeps everyone whose state may have changed, or (memberId) one person, as of `today`. */
  async sweep(today: string, memberId: string | null = null, jobId = 'sweep'): Promise<SweepResult> {
    // A write: it locks, sets transaction-local settings and makes ON COMMIT DROP tables.
    const result = await this.tx.write(async (m: EntityManager) => {
      await this.repository.lock(m, memberId);
      // Configuration changes take effect here, on the next sweep (a changed rule marks everyone).
      if (!memberId) await this.rules.sync(m);
      const { scope, ...counts } = await this.repository.run(m, today, memberId);
      if (counts.raised + counts.resolved > 0) {
        await this.audit.record(m, SYSTEM_ACTOR(jobId), {
          action: memberId ? VettingAudit.CheckPerson : VettingAudit.Sweep,
          resourceType: VettingResource.Alert,
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
