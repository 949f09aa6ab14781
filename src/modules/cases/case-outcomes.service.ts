import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { problems } from '../../common/problem.js';
import { Transactions } from '../../database/database.module.js';
import { AlertsService } from '../vetting/alerts.service.js';
import { AlertSource } from '../vetting/vetting.enums.js';
import { WorkforceService } from '../workforce/workforce.service.js';
import { CaseRecords } from './case-records.service.js';
import { outcomeFacts } from './case-views.js';
import { CaseAudit, CaseError } from './cases.codes.js';
import { CaseEventKind } from './cases.enums.js';
import { CasesRepository } from './cases.repository.js';
import type { AssessSeverityRequest } from './dto/case-requests.dto.js';
import type { CaseView } from './dto/case.dto.js';
import type { ConfirmOutcomeRequest, OutcomeView, RecordOutcomeRequest } from './dto/outcome.dto.js';
import {
  checkOutcome,
  missingForClosure,
  needsBarredListEntry,
  needsVettingReview,
  type OutcomeFacts,
  regimeFor,
} from './outcome-rules.js';
import { OutcomesRepository } from './outcomes.repository.js';

/**
 * Severity and outcomes: severity assessments (of a subject or of every subject), outcomes proposed by one
 * person and confirmed by a supervisor who did not propose them (outcome-rules.ts judges both), the vetting
 * review a proven outcome short of dismissal raises, and the case's Barred List reminder.
 */
@Injectable()
export class CaseOutcomesService {
  constructor(
    private readonly tx: Transactions,
    private readonly records: CaseRecords,
    private readonly cases: CasesRepository,
    private readonly outcomes: OutcomesRepository,
    private readonly workforce: WorkforceService,
    private readonly alerts: AlertsService,
  ) {}

  async assessSeverity(actor: Actor, id: string, body: AssessSeverityRequest): Promise<CaseView> {
    return this.tx.write(async (m) => {
      const row = await this.records.locate(m, actor, id, CaseAudit.Severity, true);
      this.records.assertWritable(row, body.version);
      if (body.workforceMemberId && !row.subject_ids.includes(body.workforceMemberId)) {
        throw problems.invalid(
          'workforceMemberId',
          'isSubject',
          'workforceMemberId is not a subject of this case',
        );
      }
      await this.outcomes.assess(m, {
        caseId: id,
        memberId: body.workforceMemberId ?? null,
        severity: body.severity,
        reason: body.reason,
        assessedBy: this.records.userOf(actor),
      });
      await this.cases.change(m, id, { severity: body.severity });
      const assessed = { severity: body.severity, workforceMemberId: body.workforceMemberId ?? null };
      await this.records.event(m, actor, id, CaseEventKind.SeverityAssessed, assessed, body.reason);
      return this.records.viewAudited(m, actor, id, row.subject_ids, CaseAudit.Severity, assessed);
    });
  }

  async recordOutcome(
    actor: Actor,
    id: string,
    memberId: string,
    body: RecordOutcomeRequest,
  ): Promise<OutcomeView> {
    return this.tx.write(async (m) => {
      const row = await this.records.locate(m, actor, id, CaseAudit.Outcome, true);
      this.records.assertWritable(row);
      if (!row.subject_ids.includes(memberId)) throw problems.notFound('subject of this case');
      const [member] = await this.workforce.briefs(m, [memberId]);
      if (!member) throw problems.notFound('subject of this case');
      const regime = regimeFor(member.memberType, row.matter_on);
      const severity = await this.outcomes.subjectSeverity(m, id, memberId);
      const existing = await this.outcomes.ofSubject(m, id, memberId, true);
      if (existing && body.version !== existing.version) throw problems.staleVersion();
      const facts: OutcomeFacts = {
        criminalOutcome: body.criminalOutcome ?? null,
        misconductFinding: body.misconductFinding ?? null,
        proceedings: body.proceedings ?? null,
        proceedingsResult: body.proceedingsResult ?? null,
        misconductOutcome: body.misconductOutcome ?? null,
        regime: body.regime ?? regime,
        allegationResult: body.allegationResult ?? null,
        leftService: body.leftService ?? null,
        wouldHaveBeenDismissed: body.wouldHaveBeenDismissed ?? false,
        barredListDate: body.barredListOn ?? null,
        advisoryListDate: body.advisoryListOn ?? null,
      };
      const violations = checkOutcome(facts, {
        caseType: row.case_type,
        memberType: member.memberType,
        regime,
        severity,
      });
      if (body.leftServiceOn && !body.leftService) {
        violations.push({
          code: 'left_on_needs_left_service',
          field: 'leftServiceOn',
          message: 'leftServiceOn needs leftService',
        });
      }
      if (violations.length) throw this.records.outcomeProblem(violations);
      for (const [field, value] of [
        ['leftServiceOn', body.leftServiceOn],
        ['barredListOn', body.barredListOn],
        ['advisoryListOn', body.advisoryListOn],
      ] as const) {
        if (value) this.records.assertNotFuture(field, value);
      }
      const complete = missingForClosure(facts, row.case_type).length === 0;
      // A proposal: unconfirmed, so not finalised and not counted, until a supervisor who did not propose it
      // confirms it (confirmOutcome). Replacing a confirmed outcome makes it a proposal again.
      const saved = await this.outcomes.propose(m, {
        caseId: id,
        memberId,
        memberType: member.memberType,
        facts,
        leftService: body.leftService ?? null,
        leftServiceOn: body.leftServiceOn ?? null,
        severity,
        recordedBy: this.records.userOf(actor),
      });
      await this.cases.change(m, id);
      await this.records.event(m, actor, id, CaseEventKind.OutcomeRecorded, {
        proposed: true,
        workforceMemberId: memberId,
        criminalOutcome: facts.criminalOutcome ?? null,
        misconductFinding: facts.misconductFinding ?? null,
        proceedings: facts.proceedings ?? null,
        proceedingsResult: facts.proceedingsResult ?? null,
        misconductOutcome: facts.misconductOutcome ?? null,
        regime,
        severity,
        allegationResult: facts.allegationResult ?? null,
        leftService: facts.leftService ?? null,
        wouldHaveBeenDismissed: facts.wouldHaveBeenDismissed ?? false,
        barredListOn: facts.barredListDate ?? null,
        advisoryListOn: facts.advisoryListDate ?? null,
      });
      await this.refreshBarredListReminder(m, actor, id, memberId, needsBarredListEntry(facts));
      await this.records.record(m, actor, CaseAudit.Outcome, id, [memberId], {
        workforceMemberId: memberId,
        complete,
        proposed: true,
        version: saved.version,
      });
      return this.records.outcomeView(m, saved, row.case_type);
    });
  }

  /**
   * A supervisor who did not propose it confirms a subject's outcome: from then on it counts (figures, returns,
   * the referral facts), is final when complete, and raises its consequences (a vetting review). The rules are
   * checked again against the subject's severity as it is now.
   */
  async confirmOutcome(
    actor: Actor,
    id: string,
    memberId: string,
    body: ConfirmOutcomeRequest,
  ): Promise<OutcomeView> {
    return this.tx.write(async (m) => {
      const row = await this.records.locate(m, actor, id, CaseAudit.OutcomeConfirm, true);
      this.records.assertWritable(row);
      if (!row.subject_ids.includes(memberId)) throw problems.notFound('subject of this case');
      const o = await this.outcomes.ofSubject(m, id, memberId, true);
      if (!o) throw problems.notFound('outcome');
      if (o.version !== body.version) throw problems.staleVersion();
      if (o.confirmed_at)
        throw problems.conflict(CaseError.OutcomeAlreadyConfirmed, 'The outcome is already confirmed');
      if (o.recorded_by === actor.userId) {
        throw problems.conflict(
          CaseError.ConfirmerIsProposer,
          'An outcome is confirmed by a supervisor who did not propose it',
        );
      }
      const facts = outcomeFacts(o);
      const severity = await this.outcomes.subjectSeverity(m, id, memberId);
      const violations = checkOutcome(facts, {
        caseType: row.case_type,
        memberType: o.member_type,
        regime: o.regime ?? undefined,
        severity,
      });
      if (violations.length) throw this.records.outcomeProblem(violations);
      const complete = missingForClosure(facts, row.case_type).length === 0;
      const saved = await this.outcomes.confirm(m, {
        caseId: id,
        memberId,
        confirmedBy: this.records.userOf(actor),
        severity,
        complete,
      });
      await this.cases.change(m, id);
      // A proven outcome short of dismissal: the person's vetting is reviewed (alert + outbox, this transaction;
      // raised once per outcome however often it is re-confirmed).
      const vettingAlertId = needsVettingReview(facts)
        ? await this.alerts.raiseReviewRequired(m, memberId, {
            type: AlertSource.MisconductOutcome,
            id: saved.id,
          })
        : null;
      await this.records.event(m, actor, id, CaseEventKind.OutcomeConfirmed, {
        workforceMemberId: memberId,
        proposedBy: o.recorded_by,
        vettingAlertId,
      });
      await this.records.record(m, actor, CaseAudit.OutcomeConfirm, id, [memberId], {
        workforceMemberId: memberId,
        complete,
        version: saved.version,
        vettingAlertId,
      });
      return this.records.outcomeView(m, saved, row.case_type);
    });
  }

  /** Raises the case's Barred List reminder when a dismissal lacks its entry; clears it when none does. */
  private async refreshBarredListReminder(
    m: EntityManager,
    actor: Actor,
    id: string,
    memberId: string,
    thisOneNeeds: boolean,
  ): Promise<void> {
    await this.cases.setBarredListReminder(m, id, await this.outcomes.barredListPending(m, id));
    if (thisOneNeeds)
      await this.records.event(m, actor, id, CaseEventKind.BarredListReminder, {
        workforceMemberId: memberId,
      });
  }
}
