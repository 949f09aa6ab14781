import { Injectable } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor.js';
import { Clock } from '../../common/clock.js';
import { Transactions } from '../../database/database.module.js';
import { callerRecordsExcluded, RecordKind, visibleTo } from '../access/access.policy.js';
import { AuditService } from '../audit/audit.service.js';
import type { ComplianceGroup, ComplianceView, StateCounts } from './dto/vetting.dto.js';

interface GroupRow {
  dim: 'all' | 'department' | 'member_type' | 'required_level';
  key: string | null;
  label: string | null;
  total: string;
  up_to_date: string;
  renewal_due: string;
  overdue: string;
  below_required: string;
  none: string;
  due30: string;
  due60: string;
  due90: string;
}

const share = (n: number, d: number): number => (d === 0 ? 0 : Math.round((n / d) * 10000) / 10000);

/**
 * The compliance figure: the share of the current workforce whose vetting is up to date (up_to_date or
 * renewal_due: not expired, and meeting the post's level), from vetting_states_at(today) in one
 * aggregate with grouping sets. The caller's own vetting state is left out (the access policy: a vetting
 * state is a record about its person), and the answer says so (`callerRecordsExcluded`).
 */
@Injectable()
export class ComplianceService {
  constructor(
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async compliance(actor: Actor): Promise<ComplianceView> {
    const asOf = this.clock.today();
    const params: unknown[] = [asOf];
    const visible = visibleTo(actor, RecordKind.Clearance, 's').sql(params);
    return this.tx.read(async (m) => {
      const rows = await m.query<GroupRow[]>(
        `SELECT CASE WHEN GROUPING(s.department_id) = 0 THEN 'department'
                     WHEN GROUPING(s.member_type) = 0 THEN 'member_type'
                     WHEN GROUPING(s.required_level) = 0 THEN 'required_level' ELSE 'all' END AS dim,
                COALESCE(s.department_id::text, s.member_type::text, s.required_level::text) AS key,
                max(d.name) AS label,
                count(*)::text AS total,
                count(*) FILTER (WHERE s.state = 'up_to_date')::text AS up_to_date,
                count(*) FILTER (WHERE s.state = 'renewal_due')::text AS renewal_due,
                count(*) FILTER (WHERE s.state = 'overdue')::text AS overdue,
                count(*) FILTER (WHERE s.state = 'below_required')::text AS below_required,
                count(*) FILTER (WHERE s.state = 'none')::text AS none,
                count(*) FILTER (WHERE s.expires_on > $1 AND s.expires_on <= $1::date + 30)::text AS due30,
                count(*) FILTER (WHERE s.expires_on > $1 AND s.expires_on <= $1::date + 60)::text AS due60,
                count(*) FILTER (WHERE s.expires_on > $1 AND s.expires_on <= $1::date + 90)::text AS due90
           FROM vetting_states_at($1::date) s
           LEFT JOIN department d ON d.id = s.department_id
          WHERE s.is_current AND ${visible}
          GROUP BY GROUPING SETS ((), (s.department_id), (s.member_type), (s.required_level))`,
        params,
      );
      const n = (v: string): number => Number(v);
      const group = (r: GroupRow): ComplianceGroup => {
        const upToDate = n(r.up_to_date) + n(r.renewal_due);
        return {
          key: r.key,
          ...(r.dim === 'department' ? { label: r.label } : {}),
          total: n(r.total),
          upToDate,
          share: share(upToDate, n(r.total)),
        };
      };
      const all = rows.find((r) => r.dim === 'all');
      const byState: StateCounts = {
        up_to_date: all ? n(all.up_to_date) : 0,
        renewal_due: all ? n(all.renewal_due) : 0,
        overdue: all ? n(all.overdue) : 0,
        below_required: all ? n(all.below_required) : 0,
        none: all ? n(all.none) : 0,
      };
      const total = all ? n(all.total) : 0;
      const upToDate = byState.up_to_date + byState.renewal_due;
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
        belowRequired: byState.below_required,
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
        action: 'vetting.compliance',
        resourceType: 'vetting_compliance',
        details: { asOf, total, callerRecordsExcluded: view.callerRecordsExcluded },
      });
      return view;
    });
  }
}
