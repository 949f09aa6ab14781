import { sql } from 'kysely';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type Actor, hasRole } from '../../common/auth/actor.js';
import { Role } from '../../common/auth/roles.js';
import { Clock } from '../../common/clock.js';
import type { CorruptionCategory } from '../../common/domain/corruption-category.js';
import { CommonError, ProblemException, problems } from '../../common/problem.js';
import { randomReference, REFERENCE_ATTEMPTS } from '../../common/reference.js';
import { validationProblem } from '../../common/validation.js';
import { AppConfig } from '../../config/app-config.js';
import { Transactions } from '../../database/database.module.js';
import { linkChanges } from '../access/access.policy.js';
import { AuditService } from '../audit/audit.service.js';
import { WorkforceService } from '../workforce/workforce.service.js';
import type {
  CreateIntelligenceRequest,
  GradingInput,
  SubjectInput,
  UpdateIntelligenceRequest,
} from './dto/report-input.dto.js';
import type { IntelligenceView } from './dto/report.dto.js';
import { INTELLIGENCE_RESOURCE, IntelligenceAudit, IntelligenceError } from './intelligence.codes.js';
import { IntelligenceRepository, type NewReport, type ReportChanges } from './intelligence.repository.js';
import { gradeProblems } from './intelligence.rules.js';
import { ReportViews, userIdOf } from './report-views.js';

/**
 * Recording intelligence: a new report (its reference, grade, subjects, links and possible duplicates), the read
 * of one report and its changes. Every read and write is audited in its own unit of work; narrative and source
 * details leave only in the response to a caller allowed to read them.
 */
@Injectable()
export class RecordingService {
  constructor(
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly reports: IntelligenceRepository,
    private readonly views: ReportViews,
    private readonly workforce: WorkforceService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    // The new report with its audit row, one statement compiled once (`fixedStatement`).
    this.createStatement = this.reports.createAudited((p) =>
      this.audit.insertFrom(p, {
        cte: 'created',
        resourceId: sql.ref('created.id'),
        details: sql`jsonb_build_object('reference', created.reference)`,
      }),
    );
  }

  private readonly createStatement: ReturnType<IntelligenceRepository['createAudited']>;

  async create(actor: Actor, body: CreateIntelligenceRequest): Promise<IntelligenceView> {
    this.checkGrade(body.grading);
    this.checkReceivedAt(body.receivedAt);
    const secondary = this.checkCategories(body.primaryCategory, body.secondaryCategories ?? []);
    const subjects = this.checkSubjectList(body.subjects ?? []);
    const report: NewReport = {
      reference: '', // drawn per attempt
      receivedAt: body.receivedAt,
      receiptMethod: body.receiptMethod,
      sourceType: body.sourceType,
      sourceDetails: body.sourceDetails ?? null,
      scheme: body.grading.scheme,
      sourceEvaluation: body.grading.sourceEvaluation,
      intelligenceAssessment: body.grading.intelligenceAssessment,
      handlingCode: body.grading.handlingCode,
      handlingConditions: this.conditionsOf(body.grading),
      primaryCategory: body.primaryCategory,
      secondaryCategories: secondary,
      vulnerablePerson: body.vulnerablePerson ?? false,
      vulnerablePersonNote: body.vulnerablePersonNote ?? null,
      narrative: body.narrative,
      recordedBy: userIdOf(actor),
    };
    // A random reference (src/common/reference.ts); a taken one inserts nothing and the caller draws again.
    const year = Number(this.clock.today().slice(0, 4));
    const drawn = async <T>(insert: (report: NewReport) => Promise<T | undefined>): Promise<T> => {
      for (let attempt = 0; attempt < REFERENCE_ATTEMPTS; attempt++) {
        const row = await insert({ ...report, reference: randomReference('INT', year) });
        if (row) return row;
      }
      throw new Error('no free intelligence reference after several draws');
    };
    const entry = { action: IntelligenceAudit.Create, resourceType: INTELLIGENCE_RESOURCE };
    if (subjects.length === 0 && (body.linkedReportIds ?? []).length === 0) {
      // Nothing to check or link: the report and its audit row are one prepared statement, committed together
      // without a transaction's round trips (the write path the benchmark measures).
      const audited = this.audit.valuesOf(actor, {
        ...entry,
        details: { possibleDuplicates: [], linked: [] },
      });
      const row = await drawn(
        async (r) => (await this.tx.write(this.createStatement({ ...r, ...audited })))[0],
      );
      return this.views.fresh(actor, row);
    }
    return this.tx.write(async (m) => {
      await this.checkSubjectsExist(m, actor, subjects);
      const links = await this.checkLinks(m, actor, body.linkedReportIds ?? [], null);
      const { id, reference } = await drawn((r) => this.reports.create(m, r));
      await this.reports.replaceSubjects(m, id, subjects, true);
      await this.reports.link(m, id, links, userIdOf(actor));
      const duplicates =
        subjects.length > 0
          ? await this.reports.findDuplicates(m, id, this.config.INTEL_DUPLICATE_WINDOW_DAYS)
          : [];
      const view = await this.views.load(m, actor, id, true);
      await this.audit.record(m, actor, {
        ...entry,
        resourceId: id,
        subjectIds: subjects.map((s) => s.workforceMemberId),
        details: { reference, possibleDuplicates: duplicates, linked: links },
      });
      return view;
    });
  }

  async get(actor: Actor, id: string): Promise<IntelligenceView> {
    // An audited read: the audit row names the report's subjects, so it is written after the read.
    return this.tx.read(async (m) => {
      await this.views.gate(m, actor, id, IntelligenceAudit.Read);
      const view = await this.views.load(m, actor, id);
      await this.audit.record(m, actor, {
        action: IntelligenceAudit.Read,
        resourceType: INTELLIGENCE_RESOURCE,
        resourceId: id,
        subjectIds: view.subjects.map((s) => s.workforceMemberId),
      });
      return view;
    });
  }

  async update(actor: Actor, id: string, body: UpdateIntelligenceRequest): Promise<IntelligenceView> {
    if (body.grading) this.checkGrade(body.grading);
    if (body.receivedAt) this.checkReceivedAt(body.receivedAt);
    const subjects = body.subjects ? this.checkSubjectList(body.subjects) : undefined;
    return this.tx.write(async (m) => {
      const current = await this.views.gate(m, actor, id, IntelligenceAudit.Update, true);
      if (current.version !== body.version) throw problems.staleVersion();
      this.views.assertState('update', current.state);
      if (
        !hasRole(actor, Role.Supervisor) &&
        actor.userId !== current.recorded_by &&
        actor.userId !== current.assignee_id
      ) {
        throw new ProblemException({
          status: 403,
          code: IntelligenceError.NotYourReport,
          detail: 'Only the recording analyst, the assigned analyst or a supervisor may change a report',
        });
      }
      if (body.sourceDetails !== undefined && !this.views.maySeeSource(actor, current.recorded_by)) {
        throw new ProblemException({
          status: 403,
          code: IntelligenceError.SourceDetailsProtected,
          detail: 'Only the recording analyst or a supervisor may change the source details',
        });
      }
      const primary = body.primaryCategory ?? current.primary_category;
      const secondary =
        body.secondaryCategories !== undefined || body.primaryCategory !== undefined
          ? this.checkCategories(primary, body.secondaryCategories ?? current.secondary_categories)
          : undefined;
      if (subjects) await this.checkSubjectsExist(m, actor, subjects);
      const links = body.linkedReportIds
        ? await this.checkLinks(m, actor, body.linkedReportIds, id)
        : undefined;

      const changes: ReportChanges = {
        receivedAt: body.receivedAt,
        receiptMethod: body.receiptMethod,
        sourceType: body.sourceType,
        sourceDetails: body.sourceDetails,
        ...(body.grading
          ? {
              scheme: body.grading.scheme,
              sourceEvaluation: body.grading.sourceEvaluation,
              intelligenceAssessment: body.grading.intelligenceAssessment,
              handlingCode: body.grading.handlingCode,
              handlingConditions: this.conditionsOf(body.grading),
            }
          : {}),
        primaryCategory: body.primaryCategory,
        secondaryCategories: secondary,
        vulnerablePerson: body.vulnerablePerson,
        vulnerablePersonNote: body.vulnerablePersonNote,
        narrative: body.narrative,
      };
      const changed = Object.keys(body).filter((key) => key !== 'version');
      if (!(await this.reports.update(m, id, body.version, changes))) throw problems.staleVersion();
      if (subjects) await this.reports.replaceSubjects(m, id, subjects);
      const linkChange = links ? await this.replaceVisibleLinks(m, actor, id, links) : undefined;
      let duplicates: string[] | undefined;
      if (subjects || secondary !== undefined || body.receivedAt !== undefined) {
        await this.reports.clearDuplicates(m, id);
        duplicates = await this.reports.findDuplicates(m, id, this.config.INTEL_DUPLICATE_WINDOW_DAYS);
      }
      const view = await this.views.load(m, actor, id);
      await this.audit.record(m, actor, {
        action: IntelligenceAudit.Update,
        resourceType: INTELLIGENCE_RESOURCE,
        resourceId: id,
        subjectIds: [...new Set([...current.subject_ids, ...view.subjects.map((s) => s.workforceMemberId)])],
        details: {
          changed,
          ...(duplicates ? { possibleDuplicates: duplicates } : {}),
          ...(linkChange ? { links: linkChange } : {}),
        },
      });
      return view;
    });
  }

  private checkGrade(grading: GradingInput): void {
    const errors = gradeProblems(grading);
    if (errors.length) throw validationProblem(errors);
  }

  private conditionsOf(g: GradingInput): string | null {
    return g.handlingConditions && g.handlingConditions.trim() !== '' ? g.handlingConditions : null;
  }

  private checkReceivedAt(receivedAt: string): void {
    // A minute's grace for clock skew between the caller and the server.
    if (new Date(receivedAt).getTime() > this.clock.now().getTime() + 60_000) {
      throw problems.invalid('receivedAt', 'notInFuture', 'receivedAt must not be in the future');
    }
  }

  private checkCategories(
    primary: CorruptionCategory,
    secondary: readonly CorruptionCategory[],
  ): CorruptionCategory[] {
    if (secondary.includes(primary)) {
      throw problems.invalid(
        'secondaryCategories',
        'notPrimary',
        'secondaryCategories must not repeat the primary category',
      );
    }
    return [...secondary];
  }

  private checkSubjectList(subjects: SubjectInput[]): SubjectInput[] {
    const seen = new Set<string>();
    subjects.forEach((s, i) => {
      if (seen.has(s.workforceMemberId)) {
        throw problems.invalid(
          `subjects.${i}.workforceMemberId`,
          'unique',
          'a workforce member is named twice',
        );
      }
      seen.add(s.workforceMemberId);
    });
    return subjects;
  }

  /** Subjects must be workforce members, and the caller not one of them. */
  private async checkSubjectsExist(m: EntityManager, actor: Actor, subjects: SubjectInput[]): Promise<void> {
    // One check per subject, so that the problem names the one missing (reports name few people).
    for (const [i, s] of subjects.entries()) {
      await this.workforce.assertMembers(m, [s.workforceMemberId], `subjects.${i}.workforceMemberId`);
    }
    if (actor.workforceMemberId && subjects.some((s) => s.workforceMemberId === actor.workforceMemberId)) {
      throw problems.unprocessable(
        CommonError.ConflictOfInterest,
        'You are named as a subject: intelligence about you must be recorded by someone else',
      );
    }
  }

  /** Linked reports must exist and be visible to the caller (a hidden one reads as missing). */
  private async checkLinks(
    m: EntityManager,
    actor: Actor,
    ids: string[],
    self: string | null,
  ): Promise<string[]> {
    if (ids.length === 0) return [];
    if (self && ids.includes(self)) {
      throw problems.invalid('linkedReportIds', 'notSelf', 'a report cannot be linked to itself');
    }
    const found = await this.reports.visibleIds(m, actor, ids);
    const errors = ids.flatMap((id, i) =>
      found.has(id)
        ? []
        : [
            {
              field: `linkedReportIds.${i}`,
              rule: 'exists',
              message: `linkedReportIds.${i} does not name a report`,
            },
          ],
    );
    if (errors.length) throw validationProblem(errors);
    return ids;
  }

  /**
   * Sets the links the caller can see (either direction) to `wanted`. Links to reports hidden from the caller
   * are neither theirs to see nor to remove: they stay, whatever the caller sends. Returns the ids of the
   * reports linked and unlinked, for the audit row.
   */
  private async replaceVisibleLinks(
    m: EntityManager,
    actor: Actor,
    id: string,
    wanted: string[],
  ): Promise<{ added: string[]; removed: string[] }> {
    const { added, removed } = linkChanges(await this.reports.visibleLinks(m, actor, id), wanted);
    await this.reports.unlink(m, id, removed);
    await this.reports.link(m, id, added, userIdOf(actor));
    return { added, removed };
  }
}
