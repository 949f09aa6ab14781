import { Injectable } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor.js';
import { Clock } from '../../common/clock.js';
import { problems } from '../../common/problem.js';
import type { Page } from '../../common/pagination.js';
import { AppConfig } from '../../config/app-config.js';
import { Transactions } from '../../database/database.module.js';
import { AuditService } from '../audit/audit.service.js';
import { UsersService } from '../auth/users.service.js';
import { userOrMe } from '../../common/dto.js';
import type { QueueItem, QueueQuery, QueueSummary, ReportListQuery } from './dto/queue.dto.js';
import { INTELLIGENCE_RESOURCE, IntelligenceAudit } from './intelligence.codes.js';
import { OPEN_STATES } from './intelligence.enums.js';
import { type OverdueAt, QueueRepository } from './queue.repository.js';
import { ReportViews } from './report-views.js';

const DAY = 86_400_000;
const cmp = (a: string | null, b: string | null): number =>
  a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1;

/** The workforce members the items name (for the audit row of a list). */
export const subjectIdsOf = (items: QueueItem[]): string[] => [
  ...new Set(items.flatMap((i) => i.subjects.map((s) => s.workforceMemberId))),
];

/**
 * The supervisors' assessment queue: open reports, most urgent then oldest first, and its summary. Audited
 * reads: the audit row names what was returned, so it is written after the read, on the read's connection.
 */
@Injectable()
export class QueueService {
  constructor(
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly queues: QueueRepository,
    private readonly views: ReportViews,
    private readonly users: UsersService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async queue(actor: Actor, query: QueueQuery): Promise<Page<QueueItem>> {
    if (query.assignee !== undefined && query.assigneeId !== undefined) {
      throw problems.invalid('assignee', 'exclusive', 'send assignee or assigneeId, not both');
    }
    const assignee = userOrMe('assignee', query.assignee, actor.userId);
    return this.tx.read(async (m) => {
      const rows = await this.queues.queue(m, actor, { ...query, assignee }, this.overdueAt());
      const page = { items: await this.views.items(m, rows.items), nextCursor: rows.nextCursor };
      const { limit: _l, cursor: _c, ...filter } = query;
      await this.audit.record(m, actor, {
        action: IntelligenceAudit.Queue,
        resourceType: INTELLIGENCE_RESOURCE,
        subjectIds: subjectIdsOf(page.items),
        details: { filter, returned: page.items.map((i) => i.id) },
      });
      return page;
    });
  }

  /** Every report the caller may see, newest first, filtered (no search words needed). */
  async list(actor: Actor, query: ReportListQuery): Promise<Page<QueueItem>> {
    if (query.receivedFrom && query.receivedTo && query.receivedFrom > query.receivedTo) {
      throw problems.invalid('receivedTo', 'notBeforeFrom', 'receivedTo must not be before receivedFrom');
    }
    const filter = { ...query, assignee: userOrMe('assignee', query.assignee, actor.userId) };
    return this.tx.read(async (m) => {
      const rows = await this.queues.list(m, actor, filter);
      const page = { items: await this.views.items(m, rows.items), nextCursor: rows.nextCursor };
      const { limit: _l, cursor: _c, ...audited } = filter;
      await this.audit.record(m, actor, {
        action: IntelligenceAudit.List,
        resourceType: INTELLIGENCE_RESOURCE,
        subjectIds: subjectIdsOf(page.items),
        details: { filter: audited, returned: page.items.map((i) => i.id) },
      });
      return page;
    });
  }

  async summary(actor: Actor): Promise<QueueSummary> {
    return this.tx.read(async (m) => {
      const target = this.config.INTEL_ASSESSMENT_TARGET_DAYS;
      const groups = await this.queues.summary(m, actor, this.overdueAt());
      const byState = groups.filter((g) => g.by_state);
      const names = await this.users.displayNames(
        m,
        groups.flatMap((g) => (!g.by_state && g.assignee_id !== null ? [g.assignee_id] : [])),
      );
      // Busiest first, then by name (unassigned first).
      const perAnalyst = groups
        .filter((g) => !g.by_state)
        .map((g) => ({
          ...g,
          displayName: g.assignee_id === null ? null : (names.get(g.assignee_id) ?? null),
        }))
        .sort((a, b) => b.count - a.count || cmp(a.displayName, b.displayName));
      const now = this.clock.now().getTime();
      const age = (d: Date | null): number | null =>
        d ? Math.max(0, Math.floor((now - new Date(d).getTime()) / DAY)) : null;
      const states = OPEN_STATES.map((state) => {
        const row = byState.find((r) => r.state === state);
        return {
          state,
          count: row?.count ?? 0,
          overdue: row?.overdue ?? 0,
          oldestAgeDays: age(row?.oldest ?? null),
        };
      });
      const oldest = byState.reduce<Date | null>(
        (acc, r) => (r.oldest && (!acc || new Date(r.oldest) < acc) ? new Date(r.oldest) : acc),
        null,
      );
      const summary: QueueSummary = {
        byState: states,
        open: states.reduce((n, s) => n + s.count, 0),
        overdue: states.reduce((n, s) => n + s.overdue, 0),
        unassigned: perAnalyst.find((a) => a.assignee_id === null)?.count ?? 0,
        oldestAgeDays: age(oldest),
        perAnalyst: perAnalyst.map((a) => ({
          assigneeId: a.assignee_id,
          displayName: a.displayName,
          open: a.count,
          overdue: a.overdue,
          oldestAgeDays: age(a.oldest),
        })),
        assessmentTargetDays: target,
        generatedAt: new Date(now).toISOString(),
      };
      await this.audit.record(m, actor, {
        action: IntelligenceAudit.QueueSummary,
        resourceType: INTELLIGENCE_RESOURCE,
        details: { open: summary.open, overdue: summary.overdue },
      });
      return summary;
    });
  }

  /** Overdue: past the review date in development (London's today), else received before the target. */
  private overdueAt(): OverdueAt {
    const now = this.clock.now();
    return {
      today: this.clock.today(),
      cutoff: new Date(now.getTime() - this.config.INTEL_ASSESSMENT_TARGET_DAYS * DAY),
    };
  }
}
