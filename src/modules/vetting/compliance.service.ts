import { Injectable } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor.js';
import { Clock } from '../../common/clock.js';
import { isIsoDate } from '../../common/dates.js';
import { problems } from '../../common/problem.js';
import { Transactions } from '../../database/database.module.js';
import { callerRecordsExcluded } from '../access/access.policy.js';
import { AuditService } from '../audit/audit.service.js';
import { WorkforceService } from '../workforce/workforce.service.js';
import type { ComplianceGroup, ComplianceView, StateCounts } from './dto/vetting.dto.js';
import { VettingAudit, VettingResource } from './vetting.codes.js';
import { type ComplianceRow, VettingRepository } from './vetting.repository.js';

const share = (n: number, d: number): number => (d === 0 ? 0 : Math.round((n / d) * 10000) / 10000);

/**
 * The compliance figure: the share of the workforce in service on a date (today unless asked; a leaver is out
 * from their leaving date) whose vetting is up to date (up_to_date or renewal_due: not expired, and meeting
 * the post's level), from vetting_states_at(date) in one
 * aggregate with grouping sets (VettingRepository.compliance). The caller's own vetting state is left out (the access policy: a vetting
 * state is a record about its person), and the answer says so (`callerRecordsExcluded`).
 */
@Injectable()
export class ComplianceService {
  constructor(
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly repository: VettingRepository,
    private readonly workforce: WorkforceService,
  ) {}

  /** The figure as at `on` (a date the DTO checked the shape of; default today): who was serving that day. */
  async compliance(actor: Actor, on?: string): Promise<ComplianceView> {
    if (on !== undefined && !isIsoDate(on)) {
      throw problems.invalid('asOf', 'isDate', 'asOf is not a calendar date');
    }
    const asOf = on ?? this.clock.today();
    return this.tx.read(async (m) => {
      const rows = await this.repository.compliance(m, actor, asOf);
      // The departments' names, from their owner.
      const names = await this.workforce.departmentNames(
        m,
        rows.flatMap((r) => (r.dim === 'department' && r.key !== null ? [r.key] : [])),
      );
      const n = (v: string): number => Number(v);
      const group = (r: ComplianceRow): ComplianceGroup => {
        const upToDate = n(r.up_to_date) + n(r.renewal_due);
        return {
          key: r.key,
          ...(r.dim === 'department'
            ? { label: (r.key === null ? undefined : names.get(r.key)) ?? null }
            : {}),
          total: n(r.total),
          upToDate,
          share: share(upToDate, n(r.total)),
        };
      };
      const all = rows.find((r) => r.dim === 'all');
      const byState: StateCounts = {
        upToDate: all ? n(all.up_to_date) : 0,
        renewalDue: all ? n(all.renewal_due) : 0,
        overdue: all ? n(all.overdue) : 0,
        belowRequired: all ? n(all.below_required) : 0,
        noClearance: all ? n(all.no_clearance) : 0,
      };
      const total = all ? n(all.total) : 0;
      const upToDate = byState.upToDate + byState.renewalDue;
      const order = (a: ComplianceGroup, b: ComplianceGroup): number =>
        String(a.label ?? a.key ?? '').localeCompare(String(b.label ?? b.key ?? ''));
      const view: ComplianceView = {
        asOf,
        callerRecordsExcluded: callerRecordsExcluded(actor),
        total,
        upToDate,
        share: share(upToDate, total),
        notUpToDateShare: total === 0 ? 0 : share(total - upToDate, total),
        byState,
        expired: byState.overdue,
        belowRequired: byState.belowRequired,
        dueWithin: {
          days30: all ? n(all.due30) : 0,
          days60: all ? n(all.due60) : 0,
          days90: all ? n(all.due90) : 0,
        },
        byDepartment: rows
          .filter((r) => r.dim === 'department')
          .map(group)
          .sort(order),
        byMemberType: rows
          .filter((r) => r.dim === 'member_type')
          .map(group)
          .sort(order),
        byRequiredLevel: rows
          .filter((r) => r.dim === 'required_level')
          .map(group)
          .sort(order),
      };
      await this.audit.record(m, actor, {
        action: VettingAudit.Compliance,
        resourceType: VettingResource.Compliance,
        details: { asOf, total, callerRecordsExcluded: view.callerRecordsExcluded },
      });
      return view;
    });
  }
}
