import { Global, Injectable, Module } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import {
  type LinkedReportBrief,
  LinkedReports,
  type ReferralSnapshot,
} from '../cases/linked-reports.port.js';
import { IntelligenceRepository } from './intelligence.repository.js';

/** Cases' view of intelligence reports (see `LinkedReports`), answered from the intelligence tables. */
@Injectable()
export class IntelligenceLinkedReports extends LinkedReports {
  constructor(private readonly reports: IntelligenceRepository) {
    super();
  }

  referralSnapshot(tx: EntityManager, reportId: string): Promise<ReferralSnapshot | undefined> {
    return this.reports.referralSnapshot(tx, reportId);
  }

  async visibleIds(tx: EntityManager, actor: Actor, ids: readonly string[]): Promise<string[]> {
    const found = await this.reports.visibleIds(tx, actor, ids);
    return [...new Set(ids)].filter((id) => found.has(id));
  }

  async visibleBriefs(tx: EntityManager, actor: Actor, ids: readonly string[]): Promise<LinkedReportBrief[]> {
    const rows = new Map((await this.reports.visibleBriefs(tx, actor, ids)).map((r) => [r.id, r]));
    return [...new Set(ids)].flatMap((id) => {
      const r = rows.get(id);
      return r
        ? [
            {
              id: r.id,
              reference: r.reference,
              state: r.state,
              primaryCategory: r.primary_category,
              receivedAt: r.received_at,
            },
          ]
        : [];
    });
  }

  referredCases(tx: EntityManager, ids: readonly string[]): Promise<Map<string, string | null>> {
    return this.reports.referredCases(tx, ids);
  }
}

/** Binds cases' `LinkedReports` port to the intelligence tables, for every module (registered by AppModule). */
@Global()
@Module({
  providers: [IntelligenceRepository, { provide: LinkedReports, useClass: IntelligenceLinkedReports }],
  exports: [LinkedReports],
})
export class LinkedReportsModule {}
