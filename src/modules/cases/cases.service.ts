import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { Clock } from '../../common/clock.js';
import { Transactions } from '../../database/database.module.js';
import { UsersService } from '../auth/users.service.js';
import { CaseRecords } from './case-records.service.js';
import { type IntelligenceReferralTarget, CaseReferralService } from './case-referral.service.js';
import { CaseTimelineRepository } from './case-timeline.repository.js';
import { userOrMe } from '../../common/dto.js';
import { problems } from '../../common/problem.js';
import { toEvent, toSummary, usersOf } from './case-views.js';
import { CaseAudit } from './cases.codes.js';
import { CasesRepository } from './cases.repository.js';
import type { CasePage, CaseSummaryView, CaseView } from './dto/case.dto.js';
import type { CaseQuery, TimelineQuery } from './dto/case-query.dto.js';
import { parseFinancialYear } from '../figures/financial-year.js';
import type { TimelinePage } from './dto/timeline.dto.js';
import { LinkedReports } from './linked-reports.port.js';

export type { IntelligenceReferralTarget } from './case-referral.service.js';

/** The subject of an open case and the workforce members working on it (ICT monitoring's open-case rule). */
export interface OpenCaseSubject {
  subjectId: string;
  teamMemberIds: string[];
}

/**
 * Reading cases (one, a list, a timeline, those about a member), each an audited `read`, and the cases module's
 * face to other modules (`concerning`, `references`, `referFromIntelligence`). Who may see what is the access policy's
 * (src/modules/access): reads by id go through `CaseRecords.locate` (`AccessService.requireVisible`), and every
 * query that returns, counts or references cases or reports takes a `visibleTo` predicate
 * (src/modules/access/record-queries.spec.ts checks). Changes are in CaseLifecycleService, CaseReferralService
 * and CaseOutcomesService.
 */
@Injectable()
export class CasesService {
  constructor(
    private readonly tx: Transactions,
    private readonly clock: Clock,
    private readonly records: CaseRecords,
    private readonly cases: CasesRepository,
    private readonly timelines: CaseTimelineRepository,
    private readonly reports: LinkedReports,
    private readonly users: UsersService,
    private readonly referral: CaseReferralService,
  ) {}

  async get(actor: Actor, id: string): Promise<CaseView> {
    return this.tx.read(async (m) => {
      const row = await this.records.locate(m, actor, id, CaseAudit.Read);
      return this.records.viewAudited(m, actor, id, row.subject_ids, CaseAudit.Read);
    });
  }

  async list(actor: Actor, query: CaseQuery): Promise<CasePage> {
    if (query.investigator !== undefined && query.investigatorId !== undefined) {
      throw problems.invalid('investigator', 'exclusive', 'send investigator or investigatorId, not both');
    }
    const q = { ...query, investigator: userOrMe('investigator', query.investigator, actor.userId) };
    return this.tx.read(async (m) => {
      const filter = {
        ...q,
        financialYear:
          q.financialYear === undefined ? undefined : (parseFinancialYear(q.financialYear) ?? undefined),
      };
      const rows = await this.cases.list(m, actor, filter, {
        today: this.clock.today(),
        now: this.clock.now(),
      });
      const people = await this.users.displayNames(m, usersOf(rows.items));
      const page = { items: rows.items.map((r) => toSummary(r, people)), nextCursor: rows.nextCursor };
      const { limit: _l, cursor: _c, ...audited } = q;
      await this.records.record(
        m,
        actor,
        CaseAudit.List,
        undefined,
        [...new Set(page.items.flatMap((i) => i.workforceMemberIds))],
        {
          filter: audited,
          returned: page.items.map((i) => i.id),
        },
      );
      return page;
    });
  }

  async timeline(actor: Actor, id: string, q: TimelineQuery): Promise<TimelinePage> {
    return this.tx.read(async (m) => {
      const row = await this.records.locate(m, actor, id, CaseAudit.Timeline);
      // An event naming linked reports names only those the caller may see (the repository leaves out one
      // that names none of them).
      const shown = await this.reports.visibleIds(m, actor, await this.timelines.linkedReportIds(m, id));
      const rows = await this.timelines.page(m, id, shown, q);
      const names = await this.users.displayNames(
        m,
        rows.items.flatMap((e) => (e.actor_id ? [e.actor_id] : [])),
      );
      const page = { items: rows.items.map((e) => toEvent(e, names)), nextCursor: rows.nextCursor };
      await this.records.record(m, actor, CaseAudit.Timeline, id, row.subject_ids, {
        returned: page.items.length,
      });
      return page;
    });
  }

  /** Every case concerning a workforce member that the actor may see, newest first (for the subject profile). */
  async concerning(m: EntityManager, actor: Actor, memberId: string): Promise<CaseSummaryView[]> {
    const rows = await this.cases.concerning(m, actor, memberId, this.clock.today());
    const people = await this.users.displayNames(m, usersOf(rows));
    return rows.map((r) => toSummary(r, people));
  }

  /**
   * The reference of each of `caseIds` that is a case the actor may see; hidden and missing ones are left out
   * (for a report's referred case: nothing hidden is referenced in what the caller can see).
   */
  async references(m: EntityManager, actor: Actor, caseIds: readonly string[]): Promise<Map<string, string>> {
    const rows = await this.cases.visibleReferences(m, actor, caseIds);
    return new Map(rows.map((r) => [r.id, r.reference]));
  }

  /**
   * For ICT monitoring (set-based, run by the system): every subject of a case not closed, with the workforce
   * members on those cases (investigator or supervisor of any of them, through their user's workforce link).
   * A look-up of the subject by anyone else has no duty reason the case explains.
   */
  async openCaseSubjects(m: EntityManager): Promise<OpenCaseSubject[]> {
    const rows = await this.cases.openCaseTeams(m);
    const members = await this.users.workforceMembers(
      m,
      rows.flatMap((r) => r.user_ids),
    );
    return rows.map((r) => ({
      subjectId: r.subject_id,
      teamMemberIds: [...new Set(r.user_ids.flatMap((u) => members.get(u) ?? []))].sort(),
    }));
  }

  /** The intelligence review's referral of a report to a case (see CaseReferralService.referFromIntelligence). */
  referFromIntelligence(
    m: EntityManager,
    actor: Actor,
    reportId: string,
    target: IntelligenceReferralTarget,
  ): Promise<{ caseId: string; created: boolean }> {
    return this.referral.referFromIntelligence(m, actor, reportId, target);
  }
}
