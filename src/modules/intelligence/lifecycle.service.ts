import { Injectable } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor.js';
import { Role } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import { CommonError, ProblemException, problems } from '../../common/problem.js';
import { Transactions } from '../../database/database.module.js';
import { AuditService } from '../audit/audit.service.js';
import { UsersService } from '../auth/users.service.js';
import { CasesService } from '../cases/cases.service.js';
import type {
  AssignRequest,
  ReviewRequest,
  SendBackRequest,
  SubmitForReviewRequest,
} from './dto/lifecycle.dto.js';
import type { IntelligenceView } from './dto/report.dto.js';
import { INTELLIGENCE_RESOURCE, IntelligenceAudit, IntelligenceError } from './intelligence.codes.js';
import { ReviewDecision } from './intelligence.enums.js';
import { LifecycleRepository } from './lifecycle.repository.js';
import { disseminationProblem, nextState } from './intelligence.rules.js';
import { ReportViews, userIdOf } from './report-views.js';

/**
 * The report's lifecycle: a supervisor assigns it, the assignee submits an assessment, another supervisor
 * reviews it (no further action, development, a case, dissemination). Each step is one write, audited in it.
 */
@Injectable()
export class LifecycleService {
  constructor(
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly reports: LifecycleRepository,
    private readonly views: ReportViews,
    private readonly users: UsersService,
    private readonly cases: CasesService,
    private readonly clock: Clock,
  ) {}

  async assign(actor: Actor, id: string, body: AssignRequest): Promise<IntelligenceView> {
    return this.tx.write(async (m) => {
      const current = await this.views.gate(m, actor, id, IntelligenceAudit.Assign, true);
      this.views.assertState('assign', current.state);
      // An enabled analyst or supervisor, not one of the report's subjects.
      await this.users.assertAssignable(
        m,
        body.assigneeId,
        'assigneeId',
        [Role.Analyst, Role.Supervisor],
        current.subject_ids,
        {
          rule: 'isAnalyst',
          detail: 'assigneeId must name an enabled analyst or supervisor',
          conflict: 'The report concerns the assignee: assign someone else',
        },
      );
      const to = nextState('assign', current.state);
      await this.reports.assign(m, id, body.assigneeId, userIdOf(actor), to);
      const view = await this.views.load(m, actor, id);
      await this.audit.record(m, actor, {
        action: IntelligenceAudit.Assign,
        resourceType: INTELLIGENCE_RESOURCE,
        resourceId: id,
        subjectIds: current.subject_ids,
        details: { from: current.state, to: view.state, assigneeId: body.assigneeId },
      });
      return view;
    });
  }

  async submitForReview(actor: Actor, id: string, body: SubmitForReviewRequest): Promise<IntelligenceView> {
    return this.tx.write(async (m) => {
      const current = await this.views.gate(m, actor, id, IntelligenceAudit.SubmitForReview, true);
      this.views.assertState('submit_for_review', current.state);
      if (current.assignee_id !== actor.userId) {
        throw new ProblemException({
          status: 403,
          code: IntelligenceError.NotAssignee,
          detail: 'Only the analyst the report is assigned to may submit its assessment',
        });
      }
      const versionNo = await this.reports.submit(
        m,
        id,
        body.assessmentText,
        body.recommendedDecision,
        userIdOf(actor),
      );
      const view = await this.views.load(m, actor, id);
      await this.audit.record(m, actor, {
        action: IntelligenceAudit.SubmitForReview,
        resourceType: INTELLIGENCE_RESOURCE,
        resourceId: id,
        subjectIds: current.subject_ids,
        details: {
          from: current.state,
          assessmentVersion: versionNo,
          recommended: body.recommendedDecision,
        },
      });
      return view;
    });
  }

  /**
   * A supervisor who did not write it sends the latest assessment back to its analyst with a reason: the
   * version is kept, marked sent back, and the report returns to the analyst's work (in development again
   * when that was its last decision). The analyst's next submission is a new version.
   */
  async sendBack(actor: Actor, id: string, body: SendBackRequest): Promise<IntelligenceView> {
    return this.tx.write(async (m) => {
      const current = await this.views.gate(m, actor, id, IntelligenceAudit.SendBack, true);
      this.views.assertState('send_back', current.state);
      const assessment = await this.reports.latestAssessment(m, id);
      if (!assessment || assessment.sent_back)
        throw problems.conflict(CommonError.InvalidTransition, 'The report has no assessment to send back');
      if (assessment.submitted_by === actor.userId) {
        throw new ProblemException({
          status: 403,
          code: IntelligenceError.OwnAssessment,
          detail: 'You cannot send back an assessment you submitted',
        });
      }
      const to = nextState('send_back', current.state, current.decision ?? undefined);
      await this.reports.sendBack(m, id, assessment.id, body.reason, userIdOf(actor), to);
      const view = await this.views.load(m, actor, id);
      await this.audit.record(m, actor, {
        action: IntelligenceAudit.SendBack,
        resourceType: INTELLIGENCE_RESOURCE,
        resourceId: id,
        subjectIds: current.subject_ids,
        details: {
          from: current.state,
          to,
          assessmentId: assessment.id,
          assessmentVersion: assessment.version_no,
        },
      });
      return view;
    });
  }

  async review(actor: Actor, id: string, body: ReviewRequest): Promise<IntelligenceView> {
    if (body.decision === ReviewDecision.Development && body.reviewDate) {
      if (body.reviewDate <= this.clock.today())
        throw problems.invalid('reviewDate', 'isFuture', 'reviewDate must be after today');
    }
    return this.tx.write(async (m) => {
      const current = await this.views.gate(m, actor, id, IntelligenceAudit.Review, true);
      this.views.assertState('review', current.state);
      const assessment = await this.reports.latestAssessment(m, id);
      if (!assessment)
        throw problems.conflict(CommonError.InvalidTransition, 'The report has no assessment to review');
      if (assessment.submitted_by === actor.userId) {
        throw new ProblemException({
          status: 403,
          code: IntelligenceError.OwnAssessment,
          detail: 'You cannot review an assessment you submitted',
        });
      }
      if (body.decision === ReviewDecision.Disseminated) {
        const refused = disseminationProblem(current.grading_scheme, current.handling_code, body);
        if (refused) throw problems.unprocessable(refused.code, refused.detail);
      }
      const d = body.decision;
      // Referred to a case: an existing one (checked visible and open) or a new one from this report,
      // linked both ways in this transaction (CasesService, audited on the case side too).
      const caseId =
        d === ReviewDecision.ReferredToCase
          ? (
              await this.cases.referFromIntelligence(m, actor, id, {
                caseId: body.caseId,
                caseType: body.caseType,
                matterType: body.matterType,
              })
            ).caseId
          : null;
      await this.reports.review(m, id, {
        assessmentId: assessment.id,
        decision: d,
        state: nextState('review', current.state, d),
        reason: d === ReviewDecision.NoFurtherAction ? (body.reason ?? null) : null,
        reviewDate: d === ReviewDecision.Development ? (body.reviewDate ?? null) : null,
        caseId,
        recipient: d === ReviewDecision.Disseminated ? (body.recipient ?? null) : null,
        by: userIdOf(actor),
      });
      const view = await this.views.load(m, actor, id);
      await this.audit.record(m, actor, {
        action: IntelligenceAudit.Review,
        resourceType: INTELLIGENCE_RESOURCE,
        resourceId: id,
        subjectIds: current.subject_ids,
        details: { decision: d, assessmentId: assessment.id, ...(caseId ? { caseId } : {}) },
      });
      return view;
    });
  }
}
