import { Injectable } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor.js';
import type { Page } from '../../common/pagination.js';
import { Transactions } from '../../database/database.module.js';
import { RecordKind } from '../access/access.policy.js';
import { AccessService } from '../access/access.service.js';
import { AuditService } from '../audit/audit.service.js';
import type { FlagQuery, FlagView } from './dto/monitoring.dto.js';
import { MonitoringAudit, MonitoringResource } from './monitoring.codes.js';
import { type FlagRow, RulesRepository } from './rules.repository.js';

const toView = (r: FlagRow): FlagView => ({
  id: r.id,
  ruleCode: r.rule_code,
  workforceMemberId: r.member_id,
  windowStart: r.window_start,
  windowEnd: r.window_end,
  reason: r.reason,
  eventCount: r.event_count,
  events: r.events,
  reportId: r.report_id,
  raisedAt: r.raised_at.toISOString(),
});

/**
 * Monitoring flags and the events they carry, under need to know: a flag concerns the member whose access
 * raised it (RecordKind.MonitoringFlag), nobody sees flags about themselves, and every read is audited.
 */
@Injectable()
export class FlagsService {
  constructor(
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly access: AccessService,
    private readonly repository: RulesRepository,
  ) {}

  list(actor: Actor, query: FlagQuery): Promise<Page<FlagView>> {
    return this.tx.read(async (m) => {
      const page = await this.repository.listFlags(m, actor, {
        limit: query.limit,
        cursor: query.cursor,
        ruleCode: query.ruleCode,
        memberId: query.workforceMemberId,
      });
      await this.audit.record(m, actor, {
        action: MonitoringAudit.FlagList,
        resourceType: MonitoringResource.Flag,
        subjectIds: [...new Set(page.items.map((f) => f.member_id))],
        details: {
          ids: page.items.map((f) => f.id),
          ...(query.ruleCode ? { ruleCode: query.ruleCode } : {}),
          ...(query.workforceMemberId ? { workforceMemberId: query.workforceMemberId } : {}),
        },
      });
      return { items: page.items.map(toView), nextCursor: page.nextCursor };
    });
  }

  get(actor: Actor, id: string): Promise<FlagView> {
    return this.tx.read(async (m) => {
      const { subjectIds } = await this.access.requireVisible(
        m,
        actor,
        RecordKind.MonitoringFlag,
        id,
        MonitoringAudit.FlagRead,
      );
      const flag = await this.repository.flag(m, id);
      if (!flag) throw new Error('a visible flag vanished');
      await this.audit.record(m, actor, {
        action: MonitoringAudit.FlagRead,
        resourceType: MonitoringResource.Flag,
        resourceId: id,
        subjectIds,
      });
      return toView(flag);
    });
  }
}
