import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type Actor, hasRole } from '../../common/auth/actor.js';
import { Role } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { CommonError, problems } from '../../common/problem.js';
import { AppConfig } from '../../config/app-config.js';
import { RecordKind } from '../access/access.policy.js';
import { AccessService } from '../access/access.service.js';
import { CasesService } from '../cases/cases.service.js';
import { UsersService } from '../auth/users.service.js';
import { type MemberBrief, WorkforceService } from '../workforce/workforce.service.js';
import type { QueueItem } from './dto/queue.dto.js';
import type { IntelligenceView, SubjectView } from './dto/report.dto.js';
import type { IntelligenceAudit } from './intelligence.codes.js';
import { type IntelligenceState, SubjectRole } from './intelligence.enums.js';
import { IntelligenceRepository, type ReportRow } from './intelligence.repository.js';
import { type AssessmentRow, LifecycleRepository, type ReviewRow } from './lifecycle.repository.js';
import { canDo, type LifecycleAction, timing } from './intelligence.rules.js';
import type { ItemRow } from './queue.repository.js';

const ROLE_ORDER = Object.values(SubjectRole);

/** The caller's user id: every intelligence route is for a signed-in user (the access guard). */
export function userIdOf(actor: Actor): string {
  if (actor.userId === null) throw new Error('intelligence is for signed-in users only');
  return actor.userId;
}
const iso = (d: Date | null): string | null => (d === null ? null : new Date(d).toISOString());

/** A report's subjects with their names, in the order of role, family name and id. */
function subjectViews(
  subjects: readonly { workforce_member_id: string; role: SubjectRole }[],
  names: Map<string, MemberBrief>,
): SubjectView[] {
  const views = subjects.map((s) => {
    const name = names.get(s.workforce_member_id);
    return {
      workforceMemberId: s.workforce_member_id,
      role: s.role,
      staffNumber: name?.staffNumber ?? '',
      givenName: name?.givenName ?? '',
      familyName: name?.familyName ?? '',
    };
  });
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return views.sort(
    (a, b) =>
      ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) ||
      cmp(a.familyName, b.familyName) ||
      cmp(a.workforceMemberId, b.workforceMemberId),
  );
}

/**
 * What every part of the module shares: the gate to a report by id, and the views of a report (the full one
 * and the queue's item), with the names of its subjects from the workforce module and its referred case only
 * when the caller may see it (from the cases module).
 */
@Injectable()
export class ReportViews {
  constructor(
    private readonly reports: IntelligenceRepository,
    private readonly lifecycle: LifecycleRepository,
    private readonly access: AccessService,
    private readonly workforce: WorkforceService,
    private readonly cases: CasesService,
    private readonly users: UsersService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * The report's state for a read or an action, behind the access policy's one gate
   * (`AccessService.requireVisible`): a missing report and one the caller may not see get the same 404 by the
   * same work, each with its denied audit row. Then the row itself, locked for an action.
   */
  async gate(tx: EntityManager, actor: Actor, id: string, action: IntelligenceAudit, lock = false) {
    await this.access.requireVisible(tx, actor, RecordKind.IntelligenceReport, id, action);
    const row = await this.reports.gate(tx, id, lock);
    if (!row) throw problems.notFound('intelligence report');
    return row;
  }

  /** 409 `invalid_transition` unless `action` may start from `state`. */
  assertState(action: LifecycleAction, state: IntelligenceState): void {
    if (!canDo(action, state)) {
      throw problems.conflict(
        CommonError.InvalidTransition,
        `The report is ${state}: ${action === 'update' ? 'it can no longer be changed' : `${action} is not allowed`}`,
        { state, action },
      );
    }
  }

  /** Source details: the recording user and supervisors only. */
  maySeeSource(actor: Actor, recordedBy: string): boolean {
    return actor.userId === recordedBy || hasRole(actor, Role.Supervisor);
  }

  /**
   * The full report as the caller may see it (no audit: callers audit their own read or write). `fresh`: just
   * recorded, so without assessments, reviews or a referred case to read.
   */
  async load(tx: EntityManager, actor: Actor, id: string, fresh = false): Promise<IntelligenceView> {
    const r = await this.reports.load(tx, actor, id);
    if (!r) throw problems.notFound('intelligence report');
    const assessments = fresh ? [] : await this.lifecycle.assessments(tx, id);
    const reviews = fresh ? [] : await this.lifecycle.reviews(tx, id);
    // A referred case the caller may not see reads as none.
    const caseIds = [r.referred_case_id, ...reviews.map((v) => v.case_id)].filter((c) => c !== null);
    const visibleCases = await this.cases.references(tx, actor, caseIds);
    const names = await this.namesOf(
      tx,
      r.subjects.map((s) => s.workforce_member_id),
    );
    const people = await this.users.displayNames(tx, [
      r.recorded_by,
      ...(r.assignee_id ? [r.assignee_id] : []),
      ...assessments.map((a) => a.submitted_by),
      ...assessments.flatMap((a) => (a.sent_back_by ? [a.sent_back_by] : [])),
      ...reviews.map((v) => v.reviewed_by),
    ]);
    return this.view(actor, r, assessments, reviews, names, visibleCases, people);
  }

  /** The view of a report just recorded in one statement (no subjects, links or reviews yet). */
  fresh(actor: Actor, row: Omit<ReportRow, 'subjects' | 'duplicates' | 'links'>): IntelligenceView {
    return this.view(
      actor,
      { ...row, subjects: [], duplicates: [], links: [] },
      [],
      [],
      new Map(),
      new Map(),
      new Map(),
    );
  }

  private view(
    actor: Actor,
    r: ReportRow,
    assessments: AssessmentRow[],
    reviews: ReviewRow[],
    names: Map<string, MemberBrief>,
    visibleCases: Map<string, string>,
    people: Map<string, string>,
  ): IntelligenceView {
    const person = (id: string | null): string | null => (id === null ? null : (people.get(id) ?? null));
    const caseOf = (c: string | null): string | null => (c !== null && visibleCases.has(c) ? c : null);
    const item = this.item(r, names, people, this.clock.now(), this.clock.today());
    const sourceVisible = this.maySeeSource(actor, r.recorded_by);
    return {
      id: r.id,
      reference: r.reference,
      state: r.state,
      receivedAt: item.receivedAt,
      receiptMethod: r.receipt_method,
      sourceType: r.source_type,
      sourceDetailsVisible: sourceVisible,
      sourceDetails: sourceVisible ? r.source_details : null,
      grading: { ...item.grading, handlingConditions: r.handling_conditions },
      primaryCategory: r.primary_category,
      secondaryCategories: r.secondary_categories,
      vulnerablePerson: r.vulnerable_person,
      vulnerablePersonNote: r.vulnerable_person_note,
      narrative: r.narrative,
      subjects: item.subjects,
      linkedReports: r.links,
      possibleDuplicates: item.possibleDuplicates,
      recordedBy: r.recorded_by,
      recordedByName: person(r.recorded_by),
      assigneeId: r.assignee_id,
      assigneeName: person(r.assignee_id),
      assignedAt: iso(r.assigned_at),
      assignedBy: r.assigned_by,
      submittedAt: iso(r.submitted_at),
      submittedBy: r.submitted_by,
      reviewedAt: iso(r.reviewed_at),
      reviewedBy: r.reviewed_by,
      decision: r.decision,
      reviewDate: r.review_date,
      referredCaseId: caseOf(r.referred_case_id),
      assessments: assessments.map((a) => ({
        id: a.id,
        versionNo: a.version_no,
        assessmentText: a.assessment_text,
        recommendedDecision: a.recommended_decision,
        submittedBy: a.submitted_by,
        submittedByName: person(a.submitted_by),
        submittedAt: new Date(a.submitted_at).toISOString(),
        sentBack:
          a.sent_back_at && a.sent_back_by && a.send_back_reason
            ? {
                reason: a.send_back_reason,
                sentBackBy: a.sent_back_by,
                sentBackByName: person(a.sent_back_by),
                sentBackAt: new Date(a.sent_back_at).toISOString(),
              }
            : null,
      })),
      reviews: reviews.map((v) => ({
        id: v.id,
        assessmentId: v.assessment_id,
        decision: v.decision,
        reason: v.reason,
        reviewDate: v.review_date,
        caseId: caseOf(v.case_id),
        recipient: v.recipient,
        reviewedBy: v.reviewed_by,
        reviewedByName: person(v.reviewed_by),
        reviewedAt: new Date(v.reviewed_at).toISOString(),
      })),
      urgencyRank: item.urgencyRank,
      ageDays: item.ageDays,
      dueDate: item.dueDate,
      overdue: item.overdue,
      version: r.version,
      createdAt: new Date(r.created_at).toISOString(),
      updatedAt: new Date(r.updated_at).toISOString(),
    };
  }

  /** Queue items of `rows` (a page of the queue, search or profile), their subjects and assignees named. */
  async items(tx: EntityManager, rows: ItemRow[]): Promise<QueueItem[]> {
    const names = await this.namesOf(
      tx,
      rows.flatMap((r) => r.subjects.map((s) => s.workforce_member_id)),
    );
    const people = await this.users.displayNames(
      tx,
      rows.flatMap((r) => (r.assignee_id ? [r.assignee_id] : [])),
    );
    const now = this.clock.now();
    const today = this.clock.today();
    return rows.map((row) => this.item(row, names, people, now, today));
  }

  /** The subjects' staff numbers and names, from the workforce module. */
  private async namesOf(tx: EntityManager, ids: string[]): Promise<Map<string, MemberBrief>> {
    return new Map((await this.workforce.briefs(tx, ids)).map((b) => [b.id, b]));
  }

  private item(
    r: ItemRow,
    names: Map<string, MemberBrief>,
    people: Map<string, string>,
    now: Date,
    today: string,
  ): QueueItem {
    const receivedAt = new Date(r.received_at);
    return {
      id: r.id,
      reference: r.reference,
      state: r.state,
      receivedAt: receivedAt.toISOString(),
      primaryCategory: r.primary_category,
      secondaryCategories: r.secondary_categories,
      grading: {
        scheme: r.grading_scheme,
        sourceEvaluation: r.source_evaluation,
        intelligenceAssessment: r.intelligence_assessment,
        handlingCode: r.handling_code,
      },
      vulnerablePerson: r.vulnerable_person,
      urgencyRank: Number(r.urgency_rank),
      assigneeId: r.assignee_id,
      assigneeName: r.assignee_id === null ? null : (people.get(r.assignee_id) ?? null),
      reviewDate: r.review_date,
      subjects: subjectViews(r.subjects, names),
      possibleDuplicates: r.duplicates,
      ...timing(receivedAt, r.state, r.review_date, this.config.INTEL_ASSESSMENT_TARGET_DAYS, now, today),
    };
  }
}
