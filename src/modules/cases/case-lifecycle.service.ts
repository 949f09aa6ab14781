import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { Clock, londonDateOf } from '../../common/clock.js';
import type { CorruptionCategory } from '../../common/domain/corruption-category.js';
import { CommonError, problems } from '../../common/problem.js';
import { randomReference, REFERENCE_ATTEMPTS } from '../../common/reference.js';
import { Transactions } from '../../database/database.module.js';
import { evaluateReferral, nextStatus } from './case-rules.js';
import { CaseRecords } from './case-records.service.js';
import { CaseTimelineRepository } from './case-timeline.repository.js';
import { toEvent, outcomeFacts } from './case-views.js';
import { ACTION_AUDIT, CaseAudit, CaseError, CloseBlocker } from './cases.codes.js';
import {
  CaseAction,
  CaseEventKind,
  type CaseType,
  type MatterType,
  type ReferralCriterion,
} from './cases.enums.js';
import { type CaseChange, type CaseGateRow, CasesRepository } from './cases.repository.js';
import type {
  AddNoteRequest,
  CaseActionRequest,
  CreateCaseRequest,
  RecordUpdateRequest,
  SuspendCaseRequest,
  UpdateCaseRequest,
} from './dto/case-requests.dto.js';
import type { CaseView } from './dto/case.dto.js';
import type { TimelineEventView } from './dto/timeline.dto.js';
import { checkOutcome, missingForClosure } from './outcome-rules.js';
import { OutcomesRepository } from './outcomes.repository.js';
import { UsersService } from '../auth/users.service.js';

export interface NewCase {
  caseType: CaseType;
  matterType: MatterType;
  allegationSummary: string;
  primaryCategory: CorruptionCategory;
  categories?: CorruptionCategory[];
  workforceMemberIds: string[];
  referralFacts?: ReferralCriterion[];
  breachType?: CreateCaseRequest['breachType'];
  investigatorId?: string | null;
  supervisorId?: string | null;
  intelligenceReportIds?: string[];
  recordedAt?: string;
  cameToAttentionOn?: string;
  /** Reports the case is opened from and linked to by the caller afterwards: their receipt dates it too. */
  attentionFromReportIds?: string[];
}

/** One thing a case lacks to close (the `missing` list of `case_not_ready_to_close`). */
interface CloseMissing {
  code: CloseBlocker;
  workforceMemberId?: string;
  fields?: string[];
}

/**
 * A case's life: creation (random yearly references, src/common/reference.ts), changes, the status machine
 * (case-rules.ts), progress updates and notes. Each is a `write`: the change, its timeline event and its audit
 * row commit together.
 */
@Injectable()
export class CaseLifecycleService {
  constructor(
    private readonly tx: Transactions,
    private readonly clock: Clock,
    private readonly records: CaseRecords,
    private readonly cases: CasesRepository,
    private readonly outcomes: OutcomesRepository,
    private readonly timeline: CaseTimelineRepository,
    private readonly users: UsersService,
  ) {}

  async create(actor: Actor, body: CreateCaseRequest): Promise<CaseView> {
    return this.tx.write(async (m) => {
      const id = await this.createIn(m, actor, body);
      const view = await this.records.view(m, id, actor);
      await this.records.record(m, actor, CaseAudit.Create, id, view.workforceMemberIds, {
        reference: view.reference,
        caseType: view.caseType,
        referralRequired: view.referralRequired,
      });
      return view;
    });
  }

  /**
   * Creates a case inside the caller's transaction (also used by a referral from intelligence). Validates
   * everything; the caller audits. Returns the case id.
   */
  async createIn(m: EntityManager, actor: Actor, body: NewCase): Promise<string> {
    const categories = [...new Set([body.primaryCategory, ...(body.categories ?? [])])];
    const facts = body.referralFacts ?? [];
    const evaluation = evaluateReferral(categories, facts);
    await this.records.assertSubjects(m, actor, body.workforceMemberIds);
    await this.records.assertAssignees(
      m,
      body.investigatorId ?? null,
      body.supervisorId ?? null,
      body.workforceMemberIds,
    );
    if (body.recordedAt) this.records.assertNotFutureInstant('recordedAt', body.recordedAt);
    const cameToAttentionOn = await this.cameToAttention(m, actor, body);
    const year = Number(this.clock.today().slice(0, 4));
    // A random reference (src/common/reference.ts); a taken one inserts nothing and is drawn again.
    let id: string | undefined;
    let reference = '';
    for (let attempt = 0; !id && attempt < REFERENCE_ATTEMPTS; attempt++) {
      reference = randomReference('CASE', year);
      id = await this.cases.insert(m, {
        reference,
        reference_year: year,
        case_type: body.caseType,
        matter_type: body.matterType,
        allegation_summary: body.allegationSummary,
        primary_category: body.primaryCategory,
        categories,
        breach_type: body.breachType ?? null,
        referral_facts: facts,
        referral_criteria_met: evaluation.criteriaMet,
        referral_required: evaluation.referralRequired,
        investigator_id: body.investigatorId ?? null,
        supervisor_id: body.supervisorId ?? null,
        ...(body.recordedAt ? { recorded_at: body.recordedAt } : {}),
        came_to_attention_on: cameToAttentionOn,
        created_by: this.records.userOf(actor),
      });
    }
    if (!id) throw new Error('no free case reference after several draws');
    await this.cases.addSubjects(m, id, body.workforceMemberIds);
    if (body.intelligenceReportIds?.length)
      await this.records.linkIntelligence(m, actor, id, body.intelligenceReportIds);
    await this.records.event(m, actor, id, CaseEventKind.Created, {
      reference,
      caseType: body.caseType,
      referralRequired: evaluation.referralRequired,
      criteriaMet: evaluation.criteriaMet,
    });
    return id;
  }

  /**
   * The date the matter came to the force's attention (it fixes the officers' regime): the one given (not in
   * the future, not after the recorded date), or the earliest of the linked reports' receipt and the recorded
   * date (London dates).
   */
  private async cameToAttention(m: EntityManager, actor: Actor, body: NewCase): Promise<string> {
    const recordedOn = londonDateOf(body.recordedAt ? new Date(body.recordedAt) : this.clock.now());
    if (body.cameToAttentionOn) {
      this.records.assertNotFuture('cameToAttentionOn', body.cameToAttentionOn);
      if (body.cameToAttentionOn > recordedOn) {
        throw problems.invalid(
          'cameToAttentionOn',
          'notAfterRecorded',
          'cameToAttentionOn cannot be after the date the case is recorded',
        );
      }
      return body.cameToAttentionOn;
    }
    const received = await this.records.receivedDates(m, actor, [
      ...(body.intelligenceReportIds ?? []),
      ...(body.attentionFromReportIds ?? []),
    ]);
    return [recordedOn, ...received].sort()[0];
  }

  async update(actor: Actor, id: string, body: UpdateCaseRequest): Promise<CaseView> {
    return this.tx.write(async (m) => {
      // The gate and the row lock, then the version check: of concurrent updates with one version, one wins.
      const row = await this.records.locate(m, actor, id, CaseAudit.Update, true);
      this.records.assertWritable(row, body.version);
      const changed: string[] = [];
      const set: CaseChange = {};
      const subjects = body.workforceMemberIds ?? row.subject_ids;
      if (body.workforceMemberIds) await this.records.assertSubjects(m, actor, body.workforceMemberIds);
      const current = await this.cases.current(m, id);
      if (body.investigatorId !== undefined || body.supervisorId !== undefined || body.workforceMemberIds) {
        await this.records.assertAssignees(
          m,
          body.investigatorId !== undefined ? body.investigatorId : current.investigator_id,
          body.supervisorId !== undefined ? body.supervisorId : current.supervisor_id,
          subjects,
        );
      }
      const simple = {
        caseType: 'case_type',
        matterType: 'matter_type',
        allegationSummary: 'allegation_summary',
        breachType: 'breach_type',
        investigatorId: 'investigator_id',
        supervisorId: 'supervisor_id',
      } as const;
      for (const [key, column] of Object.entries(simple) as [
        keyof typeof simple,
        (typeof simple)[keyof typeof simple],
      ][]) {
        if (body[key] !== undefined) {
          Object.assign(set, { [column]: body[key] });
          changed.push(key);
        }
      }
      if (body.primaryCategory || body.categories || body.referralFacts) {
        const primary = body.primaryCategory ?? current.primary_category;
        const secondary = body.categories ?? current.categories.filter((c) => c !== current.primary_category);
        const categories = [...new Set([primary, ...secondary])];
        const facts = body.referralFacts ?? current.referral_facts;
        const evaluation = evaluateReferral(categories, facts);
        Object.assign(set, {
          primary_category: primary,
          categories,
          referral_facts: facts,
          referral_criteria_met: evaluation.criteriaMet,
          referral_required: evaluation.referralRequired,
        });
        for (const k of ['primaryCategory', 'categories', 'referralFacts'] as const)
          if (body[k]) changed.push(k);
      }
      if (body.caseType) {
        // A type change must not leave recorded outcomes the new type forbids.
        for (const o of await this.outcomes.ofCase(m, id)) {
          const violations = checkOutcome(outcomeFacts(o), {
            caseType: body.caseType,
            memberType: o.member_type,
            severity: o.severity,
          });
          if (violations.length) throw this.records.outcomeProblem(violations);
        }
      }
      await this.cases.change(m, id, set);
      if (body.workforceMemberIds) {
        const removed = row.subject_ids.filter((s) => !body.workforceMemberIds?.includes(s));
        if (await this.outcomes.anyFor(m, id, removed)) {
          throw problems.conflict(
            CaseError.SubjectHasOutcome,
            'A subject with a recorded outcome cannot be removed',
          );
        }
        if (removed.length) await this.cases.removeSubjects(m, id, removed);
        await this.cases.addSubjects(m, id, body.workforceMemberIds);
        changed.push('workforceMemberIds');
      }
      let intelligenceLinks: { added: string[]; removed: string[] } | undefined;
      if (body.intelligenceReportIds) {
        intelligenceLinks = await this.records.replaceVisibleLinks(m, actor, id, body.intelligenceReportIds);
        changed.push('intelligenceReportIds');
      }
      await this.records.event(m, actor, id, CaseEventKind.Updated, { fields: changed });
      const view = await this.records.view(m, id, actor);
      await this.records.record(
        m,
        actor,
        CaseAudit.Update,
        id,
        [...new Set([...row.subject_ids, ...view.workforceMemberIds])],
        {
          fields: changed,
          version: view.version,
          ...(intelligenceLinks ? { intelligenceLinks } : {}),
        },
      );
      return view;
    });
  }

  async act(
    actor: Actor,
    id: string,
    action: CaseAction,
    body: CaseActionRequest | SuspendCaseRequest,
  ): Promise<CaseView> {
    const audit = ACTION_AUDIT[action];
    return this.tx.write(async (m) => {
      const row = await this.records.locate(m, actor, id, audit, true);
      if (body.version !== undefined && body.version !== row.version) throw problems.staleVersion();
      const to = nextStatus(action, row.status, row.suspended_from);
      if (!to) {
        throw problems.conflict(
          CommonError.InvalidTransition,
          `A case that is ${row.status} cannot ${action.replace('-', ' ')}`,
          { currentStatus: row.status, action },
        );
      }
      let note: string | null = null;
      if (
        action === CaseAction.StartInvestigation &&
        row.referral_required &&
        !row.has_referral &&
        !row.no_referral_reason
      ) {
        throw problems.conflict(
          CaseError.ReferralDecisionRequired,
          'The case meets the mandatory referral criteria: record the IOPC referral, or a supervisor records why none was made',
          { criteriaMet: row.referral_criteria_met },
        );
      }
      if (action === CaseAction.Suspend && 'reason' in body) note = body.reason;
      if (action === CaseAction.Close) {
        const missing = await this.missingForClose(m, row);
        if (missing.length) {
          throw problems.conflict(
            CaseError.CaseNotReadyToClose,
            'The case cannot close until everything listed is recorded',
            { missing },
          );
        }
      }
      await this.cases.setStatus(m, id, to, {
        startInvestigation: action === CaseAction.StartInvestigation,
        suspend: action === CaseAction.Suspend ? { from: row.status, reason: note ?? '' } : undefined,
        resume: action === CaseAction.Resume,
        finalise: action === CaseAction.Close,
      });
      await this.records.event(
        m,
        actor,
        id,
        CaseEventKind.StatusChanged,
        { action, from: row.status, to },
        note,
      );
      return this.records.viewAudited(m, actor, id, row.subject_ids, audit, { from: row.status, to });
    });
  }

  /** What stops the case from closing: a supervisor, and each subject's complete and confirmed outcome. */
  private async missingForClose(m: EntityManager, row: CaseGateRow): Promise<CloseMissing[]> {
    const missing: CloseMissing[] = [];
    if (!row.supervisor_id) missing.push({ code: CloseBlocker.SupervisorMissing });
    const bySubject = new Map((await this.outcomes.ofCase(m, row.id)).map((o) => [o.workforce_member_id, o]));
    for (const subjectId of row.subject_ids) {
      const o = bySubject.get(subjectId);
      const fields = missingForClosure(o ? outcomeFacts(o) : null, row.case_type);
      if (fields.length)
        missing.push({
          code: o ? CloseBlocker.OutcomeIncomplete : CloseBlocker.OutcomeMissing,
          workforceMemberId: subjectId,
          fields,
        });
      else if (o && !o.confirmed_at)
        missing.push({ code: CloseBlocker.OutcomeUnconfirmed, workforceMemberId: subjectId });
    }
    return missing;
  }

  async recordUpdate(actor: Actor, id: string, body: RecordUpdateRequest): Promise<CaseView> {
    return this.tx.write(async (m) => {
      const row = await this.records.locate(m, actor, id, CaseAudit.UpdateGiven, true);
      this.records.assertWritable(row);
      if (body.givenAt) this.records.assertNotFutureInstant('givenAt', body.givenAt);
      await this.cases.updateGiven(m, id, body.givenAt ?? null);
      await this.records.event(m, actor, id, CaseEventKind.UpdateGiven, {
        recipients: body.recipients,
        givenAt: body.givenAt ?? null,
      });
      return this.records.viewAudited(m, actor, id, row.subject_ids, CaseAudit.UpdateGiven, {
        recipients: body.recipients,
      });
    });
  }

  async addNote(actor: Actor, id: string, body: AddNoteRequest): Promise<TimelineEventView> {
    return this.tx.write(async (m) => {
      const row = await this.records.locate(m, actor, id, CaseAudit.Note, true);
      const eventId = await this.records.event(m, actor, id, CaseEventKind.NoteAdded, {}, body.text);
      const event = await this.timeline.event(m, eventId);
      await this.records.record(m, actor, CaseAudit.Note, id, row.subject_ids, { eventId });
      return toEvent(event, await this.users.displayNames(m, actor.userId ? [actor.userId] : []));
    });
  }
}
