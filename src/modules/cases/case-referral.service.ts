import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type Actor, hasRole } from '../../common/auth/actor.js';
import { Role } from '../../common/auth/roles.js';
import { problems } from '../../common/problem.js';
import { Transactions } from '../../database/database.module.js';
import { CaseLifecycleService } from './case-lifecycle.service.js';
import { CaseRecords } from './case-records.service.js';
import { CaseAudit, CaseError } from './cases.codes.js';
import { CaseEventKind, CaseStatus, CaseType, MatterType, ReferralBasis } from './cases.enums.js';
import { CasesRepository } from './cases.repository.js';
import type { CaseView } from './dto/case.dto.js';
import type {
  CorrectReferralRequest,
  NoReferralRequest,
  RecordReferralRequest,
  ReferralDecisionRequest,
} from './dto/referral.dto.js';
import { LinkedReports } from './linked-reports.port.js';
import { ReferralRepository } from './referral.repository.js';

/** What the intelligence review's `referred_to_case` decision asks for: an existing case, or a new one. */
export interface IntelligenceReferralTarget {
  caseId?: string;
  /** For a new case (default misconduct). */
  caseType?: CaseType;
  /** For a new case (default conduct_matter). */
  matterType?: MatterType;
}

/**
 * Referrals: the IOPC referral and its decision, a supervisor's correction of either, the record of why a case
 * meeting the criteria was not referred, and an intelligence report referred to a case by its review.
 */
@Injectable()
export class CaseReferralService {
  constructor(
    private readonly tx: Transactions,
    private readonly records: CaseRecords,
    private readonly lifecycle: CaseLifecycleService,
    private readonly cases: CasesRepository,
    private readonly referrals: ReferralRepository,
    private readonly reports: LinkedReports,
  ) {}

  async recordReferral(actor: Actor, id: string, body: RecordReferralRequest): Promise<CaseView> {
    return this.tx.write(async (m) => {
      const row = await this.records.locate(m, actor, id, CaseAudit.Referral, true);
      this.records.assertWritable(row);
      if (row.has_referral)
        throw problems.conflict(CaseError.ReferralExists, 'The case has already been referred to the IOPC');
      this.records.assertNotFuture('referredOn', body.referredOn);
      const criteria = body.criteria ?? row.referral_criteria_met;
      if (body.basis === ReferralBasis.Mandatory && criteria.length === 0) {
        throw problems.unprocessable(
          CaseError.MandatoryReferralNeedsCriteria,
          'A mandatory referral names the criteria met; the case meets none: refer voluntarily with a reason',
        );
      }
      if (body.basis === ReferralBasis.Voluntary && !body.reason) {
        throw problems.invalid('reason', 'isNotEmpty', 'reason is required for a voluntary referral');
      }
      await this.referrals.insert(m, {
        caseId: id,
        referredOn: body.referredOn,
        basis: body.basis,
        criteria,
        reason: body.reason ?? null,
        iopcReference: body.iopcReference ?? null,
        recordedBy: this.records.userOf(actor),
      });
      await this.cases.change(m, id);
      await this.records.event(m, actor, id, CaseEventKind.ReferralRecorded, {
        basis: body.basis,
        criteria,
        referredOn: body.referredOn,
      });
      return this.records.viewAudited(m, actor, id, row.subject_ids, CaseAudit.Referral, {
        basis: body.basis,
        criteria,
      });
    });
  }

  async recordReferralDecision(actor: Actor, id: string, body: ReferralDecisionRequest): Promise<CaseView> {
    return this.tx.write(async (m) => {
      const row = await this.records.locate(m, actor, id, CaseAudit.ReferralDecision, true);
      this.records.assertWritable(row);
      const referral = await this.referrals.ofCase(m, id);
      if (!referral)
        throw problems.conflict(CaseError.NoReferral, 'Record the referral before the IOPC’s decision');
      if (referral.decision)
        throw problems.conflict(CaseError.ReferralAlreadyDecided, 'The IOPC’s decision is already recorded');
      this.records.assertNotFuture('decidedOn', body.decidedOn);
      if (body.decidedOn < referral.referred_on) {
        throw problems.unprocessable(
          CaseError.DecisionBeforeReferral,
          'The IOPC cannot decide before the referral was made',
        );
      }
      await this.referrals.recordDecision(m, id, {
        decision: body.decision,
        decidedOn: body.decidedOn,
        iopcReference: body.iopcReference ?? null,
        recordedBy: this.records.userOf(actor),
      });
      await this.cases.change(m, id);
      await this.records.event(m, actor, id, CaseEventKind.ReferralDecision, {
        decision: body.decision,
        decidedOn: body.decidedOn,
      });
      return this.records.viewAudited(m, actor, id, row.subject_ids, CaseAudit.ReferralDecision, {
        decision: body.decision,
      });
    });
  }

  /**
   * A supervisor corrects the recorded referral or the IOPC's decision, with a reason. Nothing is lost: the
   * earlier values are kept in the timeline event (`before`, `after`, the reason as its note), and the figures
   * follow (the referral facts are refreshed by the table's triggers in this transaction).
   */
  async correctReferral(actor: Actor, id: string, body: CorrectReferralRequest): Promise<CaseView> {
    return this.tx.write(async (m) => {
      const row = await this.records.locate(m, actor, id, CaseAudit.ReferralCorrection, true);
      const cur = await this.referrals.ofCase(m, id, true);
      if (!cur) throw problems.conflict(CaseError.NoReferral, 'The case has no recorded referral to correct');
      const fields = ['referredOn', 'basis', 'decision', 'decidedOn', 'iopcReference'] as const;
      if (!fields.some((f) => body[f] !== undefined)) {
        throw problems.invalid('referredOn', 'nothingToCorrect', 'Name at least one value to correct');
      }
      const before = {
        referredOn: cur.referred_on,
        basis: cur.basis,
        decision: cur.decision,
        decidedOn: cur.decided_on,
        iopcReference: cur.iopc_reference,
      };
      const after = {
        referredOn: body.referredOn ?? before.referredOn,
        basis: body.basis ?? before.basis,
        decision: body.decision ?? before.decision,
        decidedOn: body.decidedOn ?? before.decidedOn,
        iopcReference: body.iopcReference ?? before.iopcReference,
      };
      if (body.referredOn) this.records.assertNotFuture('referredOn', body.referredOn);
      if (body.decidedOn) this.records.assertNotFuture('decidedOn', body.decidedOn);
      if (after.decision && !after.decidedOn)
        throw problems.invalid('decidedOn', 'isNotEmpty', 'decidedOn is required with a decision');
      if (after.decidedOn && !after.decision)
        throw problems.invalid('decision', 'isNotEmpty', 'decision is required with decidedOn');
      if (after.decidedOn && after.decidedOn < after.referredOn) {
        throw problems.unprocessable(
          CaseError.DecisionBeforeReferral,
          'The IOPC cannot decide before the referral was made',
        );
      }
      if (after.basis === ReferralBasis.Mandatory && cur.criteria.length === 0) {
        throw problems.unprocessable(
          CaseError.MandatoryReferralNeedsCriteria,
          'A mandatory referral names the criteria met; this referral names none',
        );
      }
      const decisionChanged = after.decision !== before.decision || after.decidedOn !== before.decidedOn;
      await this.referrals.correct(m, id, {
        ...after,
        reason: body.reason,
        decisionRecordedBy: decisionChanged ? this.records.userOf(actor) : null,
      });
      await this.cases.change(m, id);
      await this.records.event(m, actor, id, CaseEventKind.ReferralCorrected, { before, after }, body.reason);
      return this.records.viewAudited(m, actor, id, row.subject_ids, CaseAudit.ReferralCorrection, {
        fields: fields.filter((f) => body[f] !== undefined),
      });
    });
  }

  async recordNoReferral(actor: Actor, id: string, body: NoReferralRequest): Promise<CaseView> {
    return this.tx.write(async (m) => {
      const row = await this.records.locate(m, actor, id, CaseAudit.NoReferral, true);
      this.records.assertWritable(row);
      if (row.has_referral)
        throw problems.conflict(CaseError.ReferralExists, 'The case has been referred to the IOPC');
      if (!row.referral_required) {
        throw problems.conflict(
          CaseError.ReferralNotRequired,
          'The case meets no mandatory referral criterion',
        );
      }
      await this.cases.recordNoReferral(m, id, body.reason, this.records.userOf(actor));
      await this.records.event(
        m,
        actor,
        id,
        CaseEventKind.NoReferralRecorded,
        { criteriaMet: row.referral_criteria_met },
        body.reason,
      );
      return this.records.viewAudited(m, actor, id, row.subject_ids, CaseAudit.NoReferral);
    });
  }

  /**
   * The intelligence review's `referred_to_case` decision, inside the review's transaction: links the report to
   * an existing case the actor can see (refused like a missing one otherwise, and refused for a closed case),
   * or opens a new case from the report (its named subjects and categories; the reviewing supervisor as the
   * case's supervisor). Audited on the case side; the caller stores the case id on the report and audits it.
   */
  async referFromIntelligence(
    m: EntityManager,
    actor: Actor,
    reportId: string,
    target: IntelligenceReferralTarget,
  ): Promise<{ caseId: string; created: boolean }> {
    const report = await this.reports.referralSnapshot(m, reportId);
    if (!report) throw problems.notFound('intelligence report');
    let caseId: string;
    let subjectIds: string[];
    const created = !target.caseId;
    if (target.caseId) {
      // A case the reviewer may not see reads exactly as a missing one: the same field error.
      const row = await this.cases.visibleForReferral(m, actor, target.caseId);
      if (!row) throw problems.invalid('caseId', 'exists', 'caseId does not name a case you can see');
      if (row.status === CaseStatus.Closed) {
        throw problems.conflict(CaseError.CaseClosed, 'A closed case cannot take new intelligence');
      }
      caseId = row.id;
      subjectIds = row.subject_ids;
      await this.cases.change(m, caseId);
    } else {
      if (report.subjectIds.length === 0) {
        throw problems.unprocessable(
          CaseError.ReportHasNoSubjects,
          'The report names no subject: refer it to an existing case, or identify the subject first',
        );
      }
      subjectIds = report.subjectIds;
      caseId = await this.lifecycle.createIn(m, actor, {
        caseType: target.caseType ?? CaseType.Misconduct,
        matterType: target.matterType ?? MatterType.ConductMatter,
        // No reference in free text (it would outlive the link's visibility): the link is stored, and the
        // case shows it through the access policy (intelligenceReportIds).
        allegationSummary: 'Opened from an intelligence report on review (see the linked intelligence)',
        primaryCategory: report.primaryCategory,
        categories: report.secondaryCategories,
        workforceMemberIds: subjectIds,
        supervisorId: hasRole(actor, Role.Supervisor) ? actor.userId : null,
        // The matter came to attention when the report was received (the regime follows it).
        attentionFromReportIds: [reportId],
      });
    }
    await this.records.linkIntelligence(m, actor, caseId, [reportId]);
    await this.records.record(
      m,
      actor,
      created ? CaseAudit.Create : CaseAudit.LinkIntelligence,
      caseId,
      subjectIds,
      {
        reportId,
        via: 'intelligence.review',
      },
    );
    return { caseId, created };
  }
}
