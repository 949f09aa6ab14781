import { Global, Injectable, Module } from '@nestjs/common';
import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import type { CorruptionCategory } from '../../common/domain/corruption-category.js';
import { all, db, first } from '../../database/sql.js';
import { RecordKind, visibleTo } from '../access/access.policy.js';
import { LinkedReports, type ReferralSnapshot } from '../cases/linked-reports.port.js';
import { SubjectRole } from './intelligence.enums.js';

/** Cases' view of intelligence reports (see `LinkedReports`), answered from the intelligence tables. */
@Injectable()
export class IntelligenceLinkedReports extends LinkedReports {
  async referralSnapshot(tx: EntityManager, reportId: string): Promise<ReferralSnapshot | undefined> {
    // access: by id; the review calls this after its own requireVisible on the report.
    return first(
      tx,
      db
        .selectFrom('intelligence_report as r')
        .where('r.id', '=', reportId)
        .select((eb) => [
          'r.reference',
          'r.primary_category as primaryCategory',
          // An enum array comes back from pg as its text form unless cast to text[].
          sql<CorruptionCategory[]>`r.secondary_categories::text[]`.as('secondaryCategories'),
          eb.fn
            .coalesce(
              // access: the subjects of the report read by id above.
              eb
                .selectFrom('intelligence_subject as s')
                .whereRef('s.report_id', '=', 'r.id')
                .where('s.role', '=', SubjectRole.Subject)
                .select(
                  sql<string[]>`array_agg(s.workforce_member_id ORDER BY s.workforce_member_id)`.as('ids'),
                ),
              sql<string[]>`'{}'::uuid[]`,
            )
            .$notNull()
            .as('subjectIds'),
        ]),
    );
  }

  async visibleIds(tx: EntityManager, actor: Actor, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await all(
      tx,
      db
        .selectFrom('intelligence_report as r')
        .select('r.id')
        .where('r.id', 'in', [...new Set(ids)])
        .where(visibleTo(actor, RecordKind.IntelligenceReport, 'r').expr()),
    );
    const found = new Set(rows.map((r) => r.id));
    return [...new Set(ids)].filter((id) => found.has(id));
  }

  async referredCases(tx: EntityManager, ids: readonly string[]): Promise<Map<string, string | null>> {
    if (ids.length === 0) return new Map();
    // access: the caller passes ids it has already filtered through the policy (or its own links).
    const rows = await all(
      tx,
      db
        .selectFrom('intelligence_report')
        .select(['id', 'referred_case_id'])
        .where('id', 'in', [...new Set(ids)]),
    );
    return new Map(rows.map((r) => [r.id, r.referred_case_id]));
  }
}

/** Binds cases' `LinkedReports` port to the intelligence tables, for every module (registered by AppModule). */
@Global()
@Module({
  providers: [{ provide: LinkedReports, useClass: IntelligenceLinkedReports }],
  exports: [LinkedReports],
})
export class LinkedReportsModule {}
