import { HttpStatus, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { Role } from '../../common/auth/roles.js';
import { Clock, londonDateOf } from '../../common/clock.js';
import { CommonError, ProblemException, problems } from '../../common/problem.js';
import type { JsonObject } from '../../database/db.js';
import { linkChanges, RecordKind } from '../access/access.policy.js';
import { AccessService } from '../access/access.service.js';
import { AuditService } from '../audit/audit.service.js';
import { UsersService } from '../auth/users.service.js';
import { WorkforceService } from '../workforce/workforce.service.js';
import { CaseTimelineRepository } from './case-timeline.repository.js';
import {
  currentSeverity,
  isoOrNull,
  outcomeFacts,
  outcomeUsersOf,
  toOutcome,
  toReferral,
  toSummary,
  usersOf,
} from './case-views.js';
import { CASE_RESOURCE, type CaseAudit, CaseError } from './cases.codes.js';
import { CaseEventKind, CaseStatus, type CaseType } from './cases.enums.js';
import { type CaseGateRow, CasesRepository } from './cases.repository.js';
import type { CaseView } from './dto/case.dto.js';
import type { OutcomeView } from './dto/outcome.dto.js';
import { LinkedReports } from './linked-reports.port.js';
import { needsBarredListEntry, regimeFor, type RuleViolation } from './outcome-rules.js';
import { type OutcomeRow, OutcomesRepository } from './outcomes.repository.js';
import { ReferralRepository } from './referral.repository.js';

/**
 * What every cases service shares: the gate by id (`locate`), the checks of a change (writable, dates not in
 * the future, subjects and assignees through their modules' services, linked reports through `LinkedReports`),
 * the timeline event every change appends, and the full view with its audit row.
 */
@Injectable()
export class CaseRecords {
  constructor(
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly workforce: WorkforceService,
    private readonly users: UsersService,
    private readonly reports: LinkedReports,
    private readonly cases: CasesRepository,
    private readonly timeline: CaseTimelineRepository,
    private readonly referrals: ReferralRepository,
    private readonly outcomes: OutcomesRepository,
  ) {}

  /**
   * The case for a read or an action by id, behind the access policy's one gate (`requireVisible`: a 404 and
   * a denied audit row, whether the case is missing or hidden), then its row (locked for an action).
   */
  async locate(
    m: EntityManager,
    actor: Actor,
    id: string,
    action: CaseAudit,
    lock = false,
  ): Promise<CaseGateRow> {
    await this.access.requireVisible(m, actor, RecordKind.Case, id, action);
    const row = await this.cases.gateRow(m, id, lock);
    // Cases are never deleted: a row that requireVisible saw is still there.
    if (!row) throw problems.notFound('case');
    return row;
  }

  assertWritable(row: CaseGateRow, version?: number): void {
    if (version !== undefined && version !== row.version) throw problems.staleVersion();
    if (row.status === CaseStatus.Closed)
      throw problems.conflict(CaseError.CaseClosed, 'A closed case cannot be changed');
  }

  /** A business date (YYYY-MM-DD) may not be after today in London. */
  assertNotFuture(field: string, date: string): void {
    if (date > this.clock.today())
      throw problems.invalid(field, 'notInFuture', `${field} cannot be in the future`);
  }

  /** An instant may not be after now. */
  assertNotFutureInstant(field: string, instant: string): void {
    if (new Date(instant).getTime() > this.clock.now().getTime()) {
      throw problems.invalid(field, 'notInFuture', `${field} cannot be in the future`);
    }
  }

  async assertSubjects(m: EntityManager, actor: Actor, subjectIds: string[]): Promise<void> {
    await this.workforce.assertMembers(m, subjectIds, 'workforceMemberIds');
    if (actor.workforceMemberId && subjectIds.includes(actor.workforceMemberId)) {
      throw problems.unprocessable(CommonError.ConflictOfInterest, 'You cannot record a case about yourself');
    }
  }

  async assertAssignees(
    m: EntityManager,
    investigatorId: string | null,
    supervisorId: string | null,
    subjectIds: readonly string[],
  ): Promise<void> {
    if (investigatorId)
      await this.users.assertAssignable(
        m,
        investigatorId,
        'investigatorId',
        [Role.Analyst, Role.Supervisor],
        subjectIds,
      );
    if (supervisorId)
      await this.users.assertAssignable(m, supervisorId, 'supervisorId', [Role.Supervisor], subjectIds);
  }

  /**
   * Links intelligence reports to the case. Each must exist and be visible to the actor under the access
   * policy (a report about the actor is refused like a missing one).
   */
  /** The London dates the reports among `reportIds` that `actor` may see were received. */
  async receivedDates(m: EntityManager, actor: Actor, reportIds: readonly string[]): Promise<string[]> {
    if (reportIds.length === 0) return [];
    return (await this.reports.visibleBriefs(m, actor, reportIds)).map((r) => londonDateOf(r.receivedAt));
  }

  async linkIntelligence(m: EntityManager, actor: Actor, id: string, reportIds: string[]): Promise<void> {
    if (reportIds.length === 0) return;
    const visible = await this.reports.visibleIds(m, actor, reportIds);
    if (visible.length !== new Set(reportIds).size) {
      throw problems.invalid(
        'intelligenceReportIds',
        'exists',
        'intelligenceReportIds names an intelligence report that does not exist or that you cannot see',
      );
    }
    const linked = await this.cases.link(m, id, reportIds);
    if (linked.length)
      await this.event(m, actor, id, CaseEventKind.IntelligenceLinked, { reportIds: linked });
  }

  /**
   * Sets the case's links to the reports the caller can see to `wanted`. Links to reports hidden from the
   * caller are neither theirs to see nor to remove: they stay. A report referred to this case by its review
   * stays linked (the link is the referral's other half): unlinking a visible one is a 409; a hidden one is
   * never touched, so its existence shows in no answer. Returns the ids linked and unlinked, for the audit row.
   */
  async replaceVisibleLinks(
    m: EntityManager,
    actor: Actor,
    id: string,
    wanted: string[],
  ): Promise<{ added: string[]; removed: string[] }> {
    const current = await this.reports.visibleIds(m, actor, await this.cases.linkedReportIds(m, id));
    const { added, removed } = linkChanges(current, wanted);
    const referredTo = await this.reports.referredCases(m, removed);
    if (removed.some((r) => referredTo.get(r) === id)) {
      throw problems.conflict(
        CaseError.ReferralLink,
        'A report referred to this case by its review cannot be unlinked from the case',
      );
    }
    await this.cases.unlink(m, id, removed);
    await this.linkIntelligence(m, actor, id, added);
    return { added, removed };
  }

  /** The user who makes a change (every change to a case is a user's: the columns saying who are required). */
  userOf(actor: Actor): string {
    if (!actor.userId) throw new Error('a change to a case needs a user');
    return actor.userId;
  }

  /** Appends an event to the case's timeline; answers its id. */
  event(
    m: EntityManager,
    actor: Actor,
    caseId: string,
    kind: CaseEventKind,
    details: JsonObject,
    note: string | null = null,
  ): Promise<string> {
    return this.timeline.append(m, { caseId, kind, actorId: actor.userId, details, note });
  }

  /** The audit row of an action on a case. */
  record(
    m: EntityManager,
    actor: Actor,
    action: CaseAudit,
    id: string | undefined,
    subjectIds: string[],
    details?: Record<string, unknown>,
  ): Promise<void> {
    return this.audit.record(m, actor, {
      action,
      resourceType: CASE_RESOURCE,
      resourceId: id,
      subjectIds,
      details,
    });
  }

  outcomeProblem(violations: RuleViolation[]): ProblemException {
    return new ProblemException({
      status: HttpStatus.UNPROCESSABLE_ENTITY,
      code: CaseError.OutcomeNotAllowed,
      detail: `The regulations do not allow this outcome: ${violations.map((v) => v.code).join(', ')}`,
      errors: violations.map((v) => ({ field: v.field, rule: v.code, message: v.message })),
      extensions: { rules: violations.map((v) => v.code) },
    });
  }

  /** One saved outcome as the API shows it, with the names of who proposed and confirmed it (one lookup). */
  async outcomeView(m: EntityManager, o: OutcomeRow, caseType: CaseType): Promise<OutcomeView> {
    return toOutcome(o, caseType, await this.users.displayNames(m, outcomeUsersOf([o])));
  }

  /** The case as the caller now sees it, with the action's audit row (the last statement of the transaction). */
  async viewAudited(
    m: EntityManager,
    actor: Actor,
    id: string,
    subjectIds: string[],
    action: CaseAudit,
    details?: Record<string, unknown>,
  ): Promise<CaseView> {
    const view = await this.view(m, id, actor);
    await this.record(m, actor, action, id, subjectIds, details);
    return view;
  }

  /** The full view of one case (the caller has checked visibility). */
  async view(m: EntityManager, id: string, actor: Actor): Promise<CaseView> {
    const r = await this.cases.detail(m, id, this.clock.today());
    if (!r) throw problems.notFound('case');
    const subjects = await this.workforce.briefs(m, r.subject_ids);
    const referral = await this.referrals.ofCase(m, id);
    const history = await this.outcomes.severityHistory(m, id);
    const outcomes = await this.outcomes.ofCase(m, id);
    // Every name the view shows, in one lookup: investigator, supervisor, assessors, proposers, confirmers.
    const people = await this.users.displayNames(m, [
      ...usersOf([r]),
      ...history.map((h) => h.assessed_by),
      ...outcomeUsersOf(outcomes),
    ]);
    // Linked reports the actor may see (a report naming the actor, e.g. as an associate, is left out).
    const intel = await this.reports.visibleIds(m, actor, await this.cases.linkedReportIds(m, id));
    const pendingBarred = outcomes
      .filter((o) => needsBarredListEntry(outcomeFacts(o)))
      .map((o) => o.workforce_member_id);
    return {
      ...toSummary(r, people),
      allegationSummary: r.allegation_summary,
      cameToAttentionOn: r.matter_on,
      breachType: r.breach_type,
      suspendedFrom: r.suspended_from,
      suspensionReason: r.suspension_reason,
      subjects: subjects.map((s) => ({
        workforceMemberId: s.id,
        staffNumber: s.staffNumber,
        name: s.name,
        memberType: s.memberType,
        regime: regimeFor(s.memberType, r.matter_on),
        severity: currentSeverity(history, s.id),
      })),
      intelligenceReportIds: intel,
      referral: {
        referralRequired: r.referral_required,
        criteriaMet: r.referral_criteria_met,
        facts: r.referral_facts,
        referral: referral ? toReferral(referral) : null,
        noReferral:
          r.no_referral_reason && r.no_referral_by && r.no_referral_at
            ? {
                reason: r.no_referral_reason,
                recordedBy: r.no_referral_by,
                recordedAt: r.no_referral_at.toISOString(),
              }
            : null,
        blocksInvestigation: r.referral_required && !referral && !r.no_referral_reason,
      },
      severityHistory: history.map((h) => ({
        severity: h.severity,
        workforceMemberId: h.workforce_member_id,
        reason: h.reason,
        assessedBy: h.assessed_by,
        assessedByName: people.get(h.assessed_by) ?? null,
        assessedAt: h.assessed_at.toISOString(),
      })),
      outcomes: outcomes.map((o) => toOutcome(o, r.case_type, people)),
      barredListReminder:
        r.barred_list_reminder_at && pendingBarred.length
          ? { raisedAt: r.barred_list_reminder_at.toISOString(), workforceMemberIds: pendingBarred }
          : null,
      investigationStartedAt: isoOrNull(r.investigation_started_at),
      finalisedAt: isoOrNull(r.finalised_at),
      createdBy: r.created_by,
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
    };
  }
}
