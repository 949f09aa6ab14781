import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import type { Page } from '../../common/pagination.js';
import { Transactions } from '../../database/database.module.js';
import { AuditService } from '../audit/audit.service.js';
import type { CategoryYearCount, ProfileReport, QueueItem, SearchQuery } from './dto/queue.dto.js';
import { INTELLIGENCE_RESOURCE, IntelligenceAudit } from './intelligence.codes.js';
import { formatFinancialYear } from '../figures/financial-year.js';
import { QueueRepository } from './queue.repository.js';
import { subjectIdsOf } from './queue.service.js';
import { ReportViews } from './report-views.js';

/** Finding reports: full-text search, and every report about one person (for the subject profile). */
@Injectable()
export class SearchService {
  constructor(
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly queues: QueueRepository,
    private readonly views: ReportViews,
  ) {}

  async search(actor: Actor, query: SearchQuery): Promise<Page<QueueItem>> {
    return this.tx.read(async (m) => {
      const rows = await this.queues.search(m, actor, query);
      const page = { items: await this.views.items(m, rows.items), nextCursor: rows.nextCursor };
      // The search words are not audited (they can name people or repeat the narrative): only the filters.
      await this.audit.record(m, actor, {
        action: IntelligenceAudit.Search,
        resourceType: INTELLIGENCE_RESOURCE,
        subjectIds: subjectIdsOf(page.items),
        details: {
          filter: { state: query.state, category: query.category, cursor: query.cursor !== undefined },
          returned: page.items.map((i) => i.id),
        },
      });
      return page;
    });
  }

  /**
   * For the subject profile (inside its audited read): every report the caller may see naming the member,
   * newest first with the member's part in it, and their counts by financial year and category.
   */
  async concerning(
    tx: EntityManager,
    actor: Actor,
    memberId: string,
  ): Promise<{ reports: ProfileReport[]; byCategoryYear: CategoryYearCount[] }> {
    const rows = await this.queues.concerning(tx, actor, memberId);
    const items = await this.views.items(tx, rows);
    const counts = await this.queues.countsByYear(tx, actor, memberId);
    return {
      reports: items.map((item, i) => ({ ...item, role: rows[i].role })),
      byCategoryYear: counts.map((c) => ({
        financialYear: formatFinancialYear(c.fy),
        category: c.category,
        count: c.count,
      })),
    };
  }
}
