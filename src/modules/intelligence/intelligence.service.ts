import { Injectable } from '@nestjs/common';
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { type Actor, hasRole } from '../../common/auth/actor.js';
import { Role } from '../../common/auth/roles.js';
import { type Keyset, type Page, paginate } from '../../common/pagination.js';
import { type FieldError, ProblemException, problems } from '../../common/problem.js';
import { validationProblem } from '../../common/validation.js';
import { AppConfig } from '../../config/app-config.js';
import { randomReference, REFERENCE_ATTEMPTS } from '../../common/reference.js';
import { execute, Transactions } from '../../database/database.module.js';
import { AccessService } from '../access/access.service.js';
import { linkChanges, RecordKind, visibleTo } from '../access/access.policy.js';
import { AuditService } from '../audit/audit.service.js';
import { CasesService } from '../cases/cases.service.js';
import { AlertsService } from '../vetting/alerts.service.js';
import { WorkforceService } from '../workforce/workforce.service.js';
import type {
  AssessmentView,
  AssignRequest,
  CategoryYearCount,
  CreateIntelligenceRequest,
  GradingInput,
  IntelligenceView,
  ProfileReport,
  QueueItem,
  QueueQuery,
  QueueSummary,
  ReportRef,
  ReviewRequest,
  ReviewView,
  SearchQuery,
  SubjectInput,
  SubjectProfile,
  SubjectView,
  SubmitForReviewRequest,
  UpdateIntelligenceRequest,
} from './dto/intelligence.dto.js';
import {
  type GradingScheme,
  IntelligenceState,
  OPEN_STATES,
  ReviewDecision,
  type SubjectRole,
} from './intelligence.enums.js';
import {
  canDo,
  disseminationProblem,
  financialYearLabel,
  gradeProblems,
  type LifecycleAction,
  nextState,
  timing,
} from './intelligence.rules.js';
import { CorruptionCategory } from '../../common/domain/corruption-category.js';

export const OPEN_SQL = `r.state IN ('received', 'in_assessment', 'awaiting_review', 'development')`;

/** The access policy's rule on a report aliased `alias` (src/modules/access). */
const reportsVisible = (actor: Actor, alias: string) =>
  visibleTo(actor, RecordKind.IntelligenceReport, alias);

/** Subjects of report `r` as a JSON array (one query for a whole page). */
// access: a fragment of the report's own row, used only in queries that apply visibleTo to `r`.
export const SUBJECTS_JSON = `(SELECT COALESCE(json_agg(json_build_object('workforceMemberId', s.workforce_member_id,
    'role', s.role, 'staffNumber', w.staff_number, 'givenName', w.given_name, 'familyName', w.family_name)
    ORDER BY s.role, w.family_name, w.id), '[]'::json)
  FROM intelligence_subject s JOIN workforce_member w ON w.id = s.workforce_member_id WHERE s.report_id = r.id)`;

/** Possible duplicates of report `r` (either direction) that the caller may see. */
// access: the caller passes visibleTo for the related report `o` as `visible`.
export const duplicatesJson = (
  visible: string,
): string => `(SELECT COALESCE(json_agg(json_build_object('id', o.id,
    'reference', o.reference) ORDER BY o.received_at, o.id), '[]'::json)
  FROM intelligence_duplicate d
  JOIN intelligence_report o ON o.id = CASE WHEN d.report_id = r.id THEN d.related_report_id ELSE d.report_id END
  WHERE (d.report_id = r.id OR d.related_report_id = r.id) AND ${visible})`;

export const ITEM_COLUMNS = `r.id, r.reference, r.state, r.received_at, r.primary_category,
  r.secondary_categories::text[] AS secondary_categories, r.grading_scheme, r.source_evaluation,
  r.intelligence_assessment, r.handling_code, r.vulnerable_person, r.urgency_rank, r.assignee_id,
  r.review_date::text AS review_date`;

const BY_URGENCY: Keyset = {
  columns: [
    { expr: 'r.urgency_rank', type: 'int' },
    { expr: 'r.received_at', type: 'timestamptz' },
    { expr: 'r.id', type: 'uuid' },
  ],
  direction: 'ASC',
};

const NEWEST_FIRST: Keyset = {
  columns: [
    { expr: 'r.received_at', type: 'timestamptz' },
    { expr: 'r.id', type: 'uuid' },
  ],
  direction: 'DESC',
};

/**
 * The same order for searches whose words are rare: the expression keeps the planner off the received_at index
 * (a backward scan that would filter most of the table) and on the GIN index, with a top-N sort of the matches.
 */
const NEWEST_FIRST_RARE: Keyset = {
  columns: [
    { expr: "(r.received_at + interval '0 seconds')", type: 'timestamptz' },
    { expr: 'r.id', type: 'uuid' },
  ],
  direction: 'DESC',
};

/** Fewer matches than this (found through the GIN index alone) make a search "rare". */
const RARE_SEARCH = 1000;

interface ItemRow {
  id: string;
  reference: string;
  state: IntelligenceState;
  received_at: Date | string;
  primary_category: CorruptionCategory;
  secondary_categories: CorruptionCategory[];
  grading_scheme: GradingScheme;
  source_evaluation: string;
  intelligence_assessment: string;
  handling_code: string;
  vulnerable_person: boolean;
  urgency_rank: number;
  assignee_id: string | null;
  review_date: string | null;
  subjects: SubjectView[] | string;
  duplicates: ReportRef[] | string;
}

interface ReportRow extends ItemRow {
  links: ReportRef[] | string;
  receipt_method: IntelligenceView['receiptMethod'];
  source_type: IntelligenceView['sourceType'];
  source_details: string | null;
  handling_conditions: string | null;
  vulnerable_person_note: string | null;
  narrative: string;
  recorded_by: string;
  assigned_at: Date | null;
  assigned_by: string | null;
  submitted_at: Date | null;
  submitted_by: string | null;
  reviewed_at: Date | null;
  reviewed_by: string | null;
  decision: ReviewDecision | null;
  referred_case_id: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  visible: boolean;
}

interface AssessmentRow {
  id: string;
  version_no: number;
  assessment_text: string;
  recommended_decision: ReviewDecision;
  submitted_by: string;
  submitted_at: Date;
}

interface ReviewRow {
  id: string;
  assessment_id: string;
  decision: ReviewDecision;
  reason: string | null;
  review_date: string | null;
  case_id: string | null;
  recipient: string | null;
  reviewed_by: string;
  reviewed_at: Date;
}

/** Every column of the full view of report `r` (the subjects, duplicates and links are read alongside). */
const REPORT_OWN_COLUMNS = `${ITEM_COLUMNS}, r.receipt_method, r.source_type, r.source_details, r.handling_conditions,
  r.vulnerable_person_note, r.narrative, r.recorded_by, r.assigned_at, r.assigned_by, r.submitted_at,
  r.submitted_by, r.reviewed_at, r.reviewed_by, r.decision, r.version, r.created_at, r.updated_at`;
/** As returned by the insert: a fresh report has no referred case yet (`load` reads it through the policy). */
const REPORT_COLUMNS = `${REPORT_OWN_COLUMNS}, r.referred_case_id`;

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());
const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

const validation = (errors: FieldError[]): ProblemException => validationProblem(errors);

/**
 * Corruption intelligence: recording, grading, the lifecycle, the assessment queue, search and the subject
 * profile. Every read and write is audited in its own transaction, last; every query applies the
 * conflict-of-interest rule. Narrative, source details, assessments and reasons never leave this module except
 * in the response to a caller allowed to read them.
 */
@Injectable()
export class IntelligenceService {
  constructor(
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly access: AccessService,
    private readonly config: AppConfig,
    private readonly cases: CasesService,
    private readonly workforce: WorkforceService,
    private readonly alerts: AlertsService,
  ) {}

  // ---------------------------------------------------------------- recording

  async create(actor: Actor, body: CreateIntelligenceRequest): Promise<IntelligenceView> {
    this.checkGrade(body.grading);
    this.checkReceivedAt(body.receivedAt);
    const secondary = this.checkCategories(body.primaryCategory, body.secondaryCategories ?? []);
    const subjects = this.checkSubjectList(body.subjects ?? []);
    const values = [
      '', // $1: the reference, drawn per attempt
      body.receivedAt,
      body.receiptMethod,
      body.sourceType,
      body.sourceDetails ?? null,
      body.grading.scheme,
      body.grading.sourceEvaluation,
      body.grading.intelligenceAssessment,
      body.grading.handlingCode,
      this.conditionsOf(body.grading),
      body.primaryCategory,
      secondary,
      body.vulnerablePerson ?? false,
      body.vulnerablePersonNote ?? null,
      body.narrative,
      actor.userId,
    ];
    // One statement: the report with a random reference (src/common/reference.ts), returned whole; a taken
    // reference inserts nothing (ON CONFLICT on its unique index) and the caller draws again.
    // access: a new report, written by the caller (nothing to hide yet).
    const created = (audited = '') => `WITH created AS (
         INSERT INTO intelligence_report AS r (reference, received_at, receipt_method, source_type, source_details,
           grading_scheme, source_evaluation, intelligence_assessment, handling_code, handling_conditions,
           primary_category, secondary_categories, vulnerable_person, vulnerable_person_note, narrative, recorded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::corruption_category[], $13, $14, $15, $16)
         ON CONFLICT (reference) DO NOTHING
         RETURNING ${REPORT_COLUMNS})${audited}
       SELECT * FROM created`;
    const year = new Date().getUTCFullYear();
    const drawn = async <T>(insert: () => Promise<T | undefined>): Promise<T> => {
      for (let attempt = 0; attempt < REFERENCE_ATTEMPTS; attempt++) {
        values[0] = randomReference('INT', year);
        const row = await insert();
        if (row) return row;
      }
      throw new Error('no free intelligence reference after several draws');
    };
    const entry = { action: 'intelligence.create', resourceType: 'intelligence_report' };
    if (subjects.length === 0 && (body.linkedReportIds ?? []).length === 0) {
      // Nothing to check or link: the report and its audit row are one statement, committed together.
      const audit = this.audit.insertSql(
        actor,
        { ...entry, details: { possibleDuplicates: [], linked: [] } },
        values,
        {
          cte: 'created',
          resourceId: 'created.id',
          details: `jsonb_build_object('reference', created.reference)`,
        },
      );
      const row = await drawn(
        async () => (await this.tx.statement<ReportRow>(created(`, audited AS (${audit})`), values))[0],
      );
      return this.toView(actor, { ...row, subjects: [], duplicates: [], links: [] }, [], []);
    }
    return this.tx.run(async (m) => {
      await this.checkSubjectsExist(m, actor, subjects);
      const links = await this.checkLinks(m, actor, body.linkedReportIds ?? [], null);
      const row = await drawn(async () => (await m.query<ReportRow[]>(created(), values))[0]);
      const { id, reference } = row;
      await this.writeSubjects(m, id, subjects);
      await this.writeLinks(m, actor, id, links);
      const duplicates = subjects.length > 0 ? await this.findDuplicates(m, id) : [];
      const view = await this.load(m, actor, id, true);
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
    return this.tx.read(async (m) => {
      await this.visibleOr404(m, actor, id, 'intelligence.read');
      const view = await this.load(m, actor, id);
      await this.audit.record(m, actor, {
        action: 'intelligence.read',
        resourceType: 'intelligence_report',
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
    return this.tx.run(async (m) => {
      const current = await this.visibleOr404(m, actor, id, 'intelligence.update', true);
      if (current.version !== body.version) throw problems.staleVersion();
      this.assertState('update', current.state);
      if (
        !hasRole(actor, Role.Supervisor) &&
        actor.userId !== current.recorded_by &&
        actor.userId !== current.assignee_id
      ) {
        throw new ProblemException({
          status: 403,
          code: 'not_your_report',
          detail: 'Only the recording analyst, the assigned analyst or a supervisor may change a report',
        });
      }
      if (body.sourceDetails !== undefined && !this.maySeeSource(actor, current.recorded_by)) {
        throw new ProblemException({
          status: 403,
          code: 'source_details_protected',
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

      const sets: string[] = [];
      const params: unknown[] = [id, body.version];
      const set = (column: string, value: unknown, cast = ''): void => {
        params.push(value);
        sets.push(`${column} = $${params.length}${cast}`);
      };
      const changed: string[] = [];
      if (body.receivedAt !== undefined) set('received_at', body.receivedAt);
      if (body.receiptMethod !== undefined) set('receipt_method', body.receiptMethod);
      if (body.sourceType !== undefined) set('source_type', body.sourceType);
      if (body.sourceDetails !== undefined) set('source_details', body.sourceDetails);
      if (body.grading) {
        set('grading_scheme', body.grading.scheme);
        set('source_evaluation', body.grading.sourceEvaluation);
        set('intelligence_assessment', body.grading.intelligenceAssessment);
        set('handling_code', body.grading.handlingCode);
        set('handling_conditions', this.conditionsOf(body.grading));
      }
      if (body.primaryCategory !== undefined) set('primary_category', body.primaryCategory);
      if (secondary !== undefined) set('secondary_categories', secondary, '::corruption_category[]');
      if (body.vulnerablePerson !== undefined) set('vulnerable_person', body.vulnerablePerson);
      if (body.vulnerablePersonNote !== undefined) set('vulnerable_person_note', body.vulnerablePersonNote);
      if (body.narrative !== undefined) set('narrative', body.narrative);
      for (const key of Object.keys(body)) if (key !== 'version') changed.push(key);

      const { count } = await execute(
        m,
        `UPDATE intelligence_report SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')}
          WHERE id = $1 AND version = $2`,
        params,
      );
      if (count === 0) throw problems.staleVersion();
      if (subjects) {
        await m.query(`DELETE FROM intelligence_subject WHERE report_id = $1`, [id]);
        await this.writeSubjects(m, id, subjects);
      }
      const linkChange = links ? await this.replaceVisibleLinks(m, actor, id, links) : undefined;
      let duplicates: string[] | undefined;
      if (subjects || secondary !== undefined || body.receivedAt !== undefined) {
        await m.query(`DELETE FROM intelligence_duplicate WHERE report_id = $1 OR related_report_id = $1`, [
          id,
        ]);
        duplicates = await this.findDuplicates(m, id);
      }
      const view = await this.load(m, actor, id);
      await this.audit.record(m, actor, {
        action: 'intelligence.update',
        resourceType: 'intelligence_report',
        resourceId: id,
        subjectIds: [...new Set([...current.subjectIds, ...view.subjects.map((s) => s.workforceMemberId)])],
        details: {
          changed,
          ...(duplicates ? { possibleDuplicates: duplicates } : {}),
          ...(linkChange ? { links: linkChange } : {}),
        },
      });
      return view;
    });
  }

  // ---------------------------------------------------------------- lifecycle

  async assign(actor: Actor, id: string, body: AssignRequest): Promise<IntelligenceView> {
    return this.tx.run(async (m) => {
      const current = await this.visibleOr404(m, actor, id, 'intelligence.assign', true);
      this.assertState('assign', current.state);
      const [assignee] = await m.query<
        { roles: string[]; enabled: boolean; workforce_member_id: string | null }[]
      >(`SELECT roles::text[] AS roles, enabled, workforce_member_id FROM app_user WHERE id = $1`, [
        body.assigneeId,
      ]);
      if (
        !assignee ||
        !assignee.enabled ||
        !assignee.roles.some((r) => r === 'analyst' || r === 'supervisor')
      ) {
        throw problems.invalid(
          'assigneeId',
          'isAnalyst',
          'assigneeId must name an enabled analyst or supervisor',
        );
      }
      if (assignee.workforce_member_id && current.subjectIds.includes(assignee.workforce_member_id)) {
        throw problems.unprocessable(
          'assignee_conflict_of_interest',
          'The report concerns the assignee: assign someone else',
        );
      }
      await m.query(
        `UPDATE intelligence_report SET assignee_id = $2, assigned_at = now(), assigned_by = $3, state = $4,
                version = version + 1, updated_at = now() WHERE id = $1`,
        [id, body.assigneeId, actor.userId, nextState('assign', current.state)],
      );
      const view = await this.load(m, actor, id);
      await this.audit.record(m, actor, {
        action: 'intelligence.assign',
        resourceType: 'intelligence_report',
        resourceId: id,
        subjectIds: current.subjectIds,
        details: { from: current.state, to: view.state, assigneeId: body.assigneeId },
      });
      return view;
    });
  }

  async submitForReview(actor: Actor, id: string, body: SubmitForReviewRequest): Promise<IntelligenceView> {
    return this.tx.run(async (m) => {
      const current = await this.visibleOr404(m, actor, id, 'intelligence.submit_for_review', true);
      this.assertState('submit_for_review', current.state);
      if (current.assignee_id !== actor.userId) {
        throw new ProblemException({
          status: 403,
          code: 'not_assignee',
          detail: 'Only the analyst the report is assigned to may submit its assessment',
        });
      }
      const [{ version_no }] = await m.query<{ version_no: number }[]>(
        `INSERT INTO intelligence_assessment (report_id, version_no, assessment_text, recommended_decision, submitted_by)
         SELECT $1, COALESCE(MAX(version_no), 0) + 1, $2, $3, $4 FROM intelligence_assessment WHERE report_id = $1
         RETURNING version_no`,
        [id, body.assessmentText, body.recommendedDecision, actor.userId],
      );
      await m.query(
        `UPDATE intelligence_report SET state = 'awaiting_review', submitted_at = now(), submitted_by = $2,
                version = version + 1, updated_at = now() WHERE id = $1`,
        [id, actor.userId],
      );
      const view = await this.load(m, actor, id);
      await this.audit.record(m, actor, {
        action: 'intelligence.submit_for_review',
        resourceType: 'intelligence_report',
        resourceId: id,
        subjectIds: current.subjectIds,
        details: {
          from: current.state,
          assessmentVersion: version_no,
          recommended: body.recommendedDecision,
        },
      });
      return view;
    });
  }

  async review(actor: Actor, id: string, body: ReviewRequest): Promise<IntelligenceView> {
    if (body.decision === ReviewDecision.Development && body.reviewDate) {
      const today = new Date().toISOString().slice(0, 10);
      if (body.reviewDate <= today)
        throw problems.invalid('reviewDate', 'isFuture', 'reviewDate must be after today');
    }
    return this.tx.run(async (m) => {
      const current = await this.visibleOr404(m, actor, id, 'intelligence.review', true);
      this.assertState('review', current.state);
      const [assessment] = await m.query<{ id: string; submitted_by: string }[]>(
        `SELECT id, submitted_by FROM intelligence_assessment WHERE report_id = $1 ORDER BY version_no DESC LIMIT 1`,
        [id],
      );
      if (!assessment)
        throw problems.conflict('invalid_transition', 'The report has no assessment to review');
      if (assessment.submitted_by === actor.userId) {
        throw new ProblemException({
          status: 403,
          code: 'own_assessment',
          detail: 'You cannot review an assessment you submitted',
        });
      }
      if (body.decision === ReviewDecision.Disseminated) {
        const refused = disseminationProblem(current.grading_scheme, current.handling_code, body);
        if (refused) throw problems.unprocessable(refused.code, refused.detail);
      }
      const d = body.decision;
      const reason = d === ReviewDecision.NoFurtherAction ? (body.reason ?? null) : null;
      const reviewDate = d === ReviewDecision.Development ? (body.reviewDate ?? null) : null;
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
      const recipient = d === ReviewDecision.Disseminated ? (body.recipient ?? null) : null;
      await m.query(
        `INSERT INTO intelligence_review (report_id, assessment_id, decision, reason, review_date, case_id, recipient, reviewed_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [id, assessment.id, d, reason, reviewDate, caseId, recipient, actor.userId],
      );
      await m.query(
        `UPDATE intelligence_report SET state = $2, decision = $3, reviewed_at = now(), reviewed_by = $4,
                review_date = $5, referred_case_id = COALESCE($6, referred_case_id), version = version + 1,
                updated_at = now() WHERE id = $1`,
        [id, nextState('review', current.state, d), d, actor.userId, reviewDate, caseId],
      );
      const view = await this.load(m, actor, id);
      await this.audit.record(m, actor, {
        action: 'intelligence.review',
        resourceType: 'intelligence_report',
        resourceId: id,
        subjectIds: current.subjectIds,
        details: { decision: d, assessmentId: assessment.id, ...(caseId ? { caseId } : {}) },
      });
      return view;
    });
  }

  // ---------------------------------------------------------------- queue, summary, search

  async queue(actor: Actor, query: QueueQuery): Promise<Page<QueueItem>> {
    return this.tx.read(async (m) => {
      const qb = this.items(m, actor).andWhere(OPEN_SQL);
      if (query.state?.length) qb.andWhere('r.state IN (:...states)', { states: query.state });
      if (query.category) {
        qb.andWhere('(r.primary_category = :category OR :category = ANY (r.secondary_categories))', {
          category: query.category,
        });
      }
      if (query.gradingScheme) qb.andWhere('r.grading_scheme = :scheme', { scheme: query.gradingScheme });
      if (query.sourceEvaluation) qb.andWhere('r.source_evaluation = :se', { se: query.sourceEvaluation });
      if (query.intelligenceAssessment)
        qb.andWhere('r.intelligence_assessment = :ia', { ia: query.intelligenceAssessment });
      if (query.handlingCode) qb.andWhere('r.handling_code = :hc', { hc: query.handlingCode });
      if (query.assigneeId) qb.andWhere('r.assignee_id = :assignee', { assignee: query.assigneeId });
      if (query.unassigned !== undefined)
        qb.andWhere(query.unassigned ? 'r.assignee_id IS NULL' : 'r.assignee_id IS NOT NULL');
      if (query.vulnerablePerson !== undefined)
        qb.andWhere('r.vulnerable_person = :vp', { vp: query.vulnerablePerson });
      if (query.overdue !== undefined) {
        qb.andWhere(`${query.overdue ? '' : 'NOT '}(${this.overdueSql()})`, {
          target: this.config.INTEL_ASSESSMENT_TARGET_DAYS,
        });
      }
      const now = new Date();
      const page = await paginate(qb, BY_URGENCY, query, (raw) => this.toItem(raw, now));
      const { limit: _l, cursor: _c, ...filter } = query;
      await this.audit.record(m, actor, {
        action: 'intelligence.queue',
        resourceType: 'intelligence_report',
        subjectIds: this.subjectIdsOf(page.items),
        details: { filter, returned: page.items.map((i) => i.id) },
      });
      return page;
    });
  }

  async summary(actor: Actor): Promise<QueueSummary> {
    return this.tx.read(async (m) => {
      const target = this.config.INTEL_ASSESSMENT_TARGET_DAYS;
      const params: unknown[] = [target];
      const visible = reportsVisible(actor, 'r').sql(params);
      const overdue = this.overdueSql().replace(':target', '$1::int');
      // One pass over the open items (the queue's partial index), grouped both by state and by assignee.
      const groups = await m.query<
        {
          by_state: boolean;
          state: IntelligenceState | null;
          assignee_id: string | null;
          display_name: string | null;
          count: number;
          overdue: number;
          oldest: Date | null;
        }[]
      >(
        `WITH g AS (
           SELECT GROUPING(r.state) = 0 AS by_state, r.state::text AS state, r.assignee_id,
                  count(*)::int AS count, count(*) FILTER (WHERE ${overdue})::int AS overdue,
                  min(r.received_at) AS oldest
             FROM intelligence_report r WHERE ${OPEN_SQL} AND ${visible}
            GROUP BY GROUPING SETS ((r.state), (r.assignee_id)))
         SELECT g.*, u.display_name FROM g LEFT JOIN app_user u ON u.id = g.assignee_id AND NOT g.by_state
          ORDER BY g.count DESC, u.display_name NULLS FIRST`,
        params,
      );
      const byState = groups.filter((g) => g.by_state);
      const perAnalyst = groups.filter((g) => !g.by_state).map((g) => ({ ...g, open: g.count }));
      const now = Date.now();
      const age = (d: Date | null): number | null =>
        d ? Math.max(0, Math.floor((now - new Date(d).getTime()) / 86_400_000)) : null;
      const states = OPEN_STATES.map((state) => {
        const row = byState.find((r) => r.state === state);
        return {
          state,
          count: row?.count ?? 0,
          overdue: row?.overdue ?? 0,
          oldestAgeDays: age(row?.oldest ?? null),
        };
      });
      const oldest = byState.reduce<Date | null>(
        (acc, r) => (r.oldest && (!acc || new Date(r.oldest) < acc) ? new Date(r.oldest) : acc),
        null,
      );
      const summary: QueueSummary = {
        byState: states,
        open: states.reduce((n, s) => n + s.count, 0),
        overdue: states.reduce((n, s) => n + s.overdue, 0),
        unassigned: perAnalyst.find((a) => a.assignee_id === null)?.open ?? 0,
        oldestAgeDays: age(oldest),
        perAnalyst: perAnalyst.map((a) => ({
          assigneeId: a.assignee_id,
          displayName: a.display_name,
          open: a.open,
          overdue: a.overdue,
          oldestAgeDays: age(a.oldest),
        })),
        assessmentTargetDays: target,
        generatedAt: new Date(now).toISOString(),
      };
      await this.audit.record(m, actor, {
        action: 'intelligence.queue_summary',
        resourceType: 'intelligence_report',
        details: { open: summary.open, overdue: summary.overdue },
      });
      return summary;
    });
  }

  async search(actor: Actor, query: SearchQuery): Promise<Page<QueueItem>> {
    return this.tx.read(async (m) => {
      // Word frequencies decide the plan: frequent words are found fastest walking the newest reports, rare
      // ones through the GIN index. Counting up to RARE_SEARCH matches tells which (the planner's estimate
      // for words missing from its statistics cannot).
      const countParams: unknown[] = [query.q];
      const [{ n }] = await m.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM (SELECT 1 FROM intelligence_report r
          WHERE r.search_vector @@ websearch_to_tsquery('english', $1)
            AND ${reportsVisible(actor, 'r').sql(countParams)} LIMIT ${RARE_SEARCH}) x`,
        countParams,
      );
      const keyset = n < RARE_SEARCH ? NEWEST_FIRST_RARE : NEWEST_FIRST;
      const qb = this.items(m, actor).andWhere(
        `(r.search_vector @@ websearch_to_tsquery('english', :q) OR r.reference = :ref)`,
        { q: query.q, ref: query.q.trim().toUpperCase() },
      );
      if (query.state) qb.andWhere('r.state = :state', { state: query.state });
      if (query.category) {
        qb.andWhere('(r.primary_category = :category OR :category = ANY (r.secondary_categories))', {
          category: query.category,
        });
      }
      const now = new Date();
      const page = await paginate(qb, keyset, query, (raw) => this.toItem(raw, now));
      // The search words are not audited (they can name people or repeat the narrative): only the filters.
      await this.audit.record(m, actor, {
        action: 'intelligence.search',
        resourceType: 'intelligence_report',
        subjectIds: this.subjectIdsOf(page.items),
        details: {
          filter: { state: query.state, category: query.category, cursor: query.cursor !== undefined },
          returned: page.items.map((i) => i.id),
        },
      });
      return page;
    });
  }

  // ---------------------------------------------------------------- subject profile

  async profile(actor: Actor, memberId: string): Promise<SubjectProfile> {
    return this.tx.read(async (m) => {
      // The person's own profile is hidden from them like a missing one (the access policy's gate).
      await this.access.requireVisible(m, actor, RecordKind.WorkforceMember, memberId, 'workforce.profile');
      const [member] = await m.query<
        {
          id: string;
          staff_number: string;
          given_name: string;
          family_name: string;
          member_type: string;
          rank_or_grade: string | null;
        }[]
      >(
        `SELECT id, staff_number, given_name, family_name, member_type::text AS member_type, rank_or_grade
           FROM workforce_member WHERE id = $1`,
        [memberId],
      );
      if (!member) throw problems.notFound('workforce member');
      const now = new Date();
      const rows = await this.items(m, actor)
        .addSelect('s.role::text', 'role')
        .innerJoin('intelligence_subject', 's', 's.report_id = r.id AND s.workforce_member_id = :member', {
          member: memberId,
        })
        .orderBy('r.received_at', 'DESC')
        .addOrderBy('r.id', 'DESC')
        .getRawMany<Record<string, unknown>>();
      const intelligence: ProfileReport[] = rows.map((raw) => ({
        ...this.toItem(raw, now),
        role: raw.role as SubjectRole,
      }));
      const countParams: unknown[] = [memberId];
      const counts = await m.query<{ fy: number; category: CorruptionCategory; count: number }[]>(
        `SELECT EXTRACT(YEAR FROM (r.received_at AT TIME ZONE 'Europe/London') - INTERVAL '3 months')::int AS fy,
                r.primary_category::text AS category, count(*)::int AS count
           FROM intelligence_subject s JOIN intelligence_report r ON r.id = s.report_id
          WHERE s.workforce_member_id = $1 AND ${reportsVisible(actor, 'r').sql(countParams)}
          GROUP BY 1, 2 ORDER BY 1 DESC, 2`,
        countParams,
      );
      const byCategoryYear: CategoryYearCount[] = counts.map((c) => ({
        financialYear: financialYearLabel(c.fy),
        category: c.category,
        count: c.count,
      }));
      const cases = await this.cases.concerning(m, actor, memberId);
      const { vetting } = await this.workforce.findVisible(m, actor, memberId);
      const openAlerts = await this.alerts.openFor(m, memberId);
      await this.audit.record(m, actor, {
        action: 'workforce.profile',
        resourceType: 'workforce_member',
        resourceId: memberId,
        subjectIds: [memberId],
        details: {
          intelligence: intelligence.map((r) => r.id),
          cases: cases.map((c) => c.id),
          alerts: openAlerts.map((a) => a.id),
        },
      });
      return {
        member: {
          id: member.id,
          staffNumber: member.staff_number,
          givenName: member.given_name,
          familyName: member.family_name,
          memberType: member.member_type,
          rankOrGrade: member.rank_or_grade,
        },
        intelligence,
        intelligenceByCategoryYear: byCategoryYear,
        cases,
        vetting,
        openAlerts,
      };
    });
  }

  // ---------------------------------------------------------------- internals

  /** Queue/search/profile items: one query with subjects and visible possible duplicates per row. */
  private items(m: EntityManager, actor: Actor): SelectQueryBuilder<Record<string, unknown>> {
    const v = reportsVisible(actor, 'r').named();
    const related = reportsVisible(actor, 'o').named();
    const qb = m
      .createQueryBuilder()
      .select(ITEM_COLUMNS)
      .addSelect(SUBJECTS_JSON, 'subjects')
      .addSelect(duplicatesJson(related.sql), 'duplicates')
      .from('intelligence_report', 'r')
      .setParameters(related.params);
    qb.where(v.sql, v.params);
    return qb;
  }

  private overdueSql(): string {
    return `CASE WHEN r.state = 'development' AND r.review_date IS NOT NULL
                 THEN r.review_date < (now() AT TIME ZONE 'UTC')::date
                 ELSE r.received_at < now() - make_interval(days => :target) END`;
  }

  private toItem(raw: Record<string, unknown>, now: Date): QueueItem {
    const r = raw as unknown as ItemRow;
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
      reviewDate: r.review_date,
      subjects: json(r.subjects),
      possibleDuplicates: json(r.duplicates),
      ...timing(receivedAt, r.state, r.review_date, this.config.INTEL_ASSESSMENT_TARGET_DAYS, now),
    };
  }

  private subjectIdsOf(items: QueueItem[]): string[] {
    return [...new Set(items.flatMap((i) => i.subjects.map((s) => s.workforceMemberId)))];
  }

  /**
   * The report's state for a read or an action, behind the access policy's one gate
   * (`AccessService.requireVisible`): a missing report and one the caller may not see get the same 404 by the
   * same work, each with its denied audit row. Then the row itself, locked for an action.
   */
  private async visibleOr404(
    m: EntityManager,
    actor: Actor,
    id: string,
    action: string,
    lock = false,
  ): Promise<{
    state: IntelligenceState;
    version: number;
    recorded_by: string;
    assignee_id: string | null;
    grading_scheme: GradingScheme;
    handling_code: string;
    primary_category: CorruptionCategory;
    secondary_categories: CorruptionCategory[];
    subjectIds: string[];
  }> {
    await this.access.requireVisible(m, actor, RecordKind.IntelligenceReport, id, action);
    const [row] = await m.query<
      {
        state: IntelligenceState;
        version: number;
        recorded_by: string;
        assignee_id: string | null;
        grading_scheme: GradingScheme;
        handling_code: string;
        primary_category: CorruptionCategory;
        secondary_categories: CorruptionCategory[];
        subject_ids: string[];
      }[]
    >(
      // access: by id after requireVisible.
      `SELECT r.state, r.version, r.recorded_by, r.assignee_id, r.grading_scheme, r.handling_code, r.primary_category,
              r.secondary_categories::text[] AS secondary_categories,
              ARRAY(SELECT s.workforce_member_id FROM intelligence_subject s WHERE s.report_id = r.id)::text[] AS subject_ids
         FROM intelligence_report r WHERE r.id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [id],
    );
    // Reports are never deleted: a row that requireVisible saw is still there.
    if (!row) throw problems.notFound('intelligence report');
    return { ...row, subjectIds: row.subject_ids };
  }

  /**
   * The full report as the caller may see it (no audit: callers audit their own read or write). `fresh`: just
   * recorded, so without assessments or reviews to read.
   */
  private async load(m: EntityManager, actor: Actor, id: string, fresh = false): Promise<IntelligenceView> {
    // Everything the report references goes through the policy: linked reports and possible duplicates the
    // caller may not see are left out; a referred case the caller may not see reads as none.
    const p: unknown[] = [id];
    const related = reportsVisible(actor, 'o').sql(p);
    const referred = visibleTo(actor, RecordKind.Case, 'rc').sql(p);
    const [r] = await m.query<ReportRow[]>(
      `SELECT ${REPORT_OWN_COLUMNS},
              (SELECT rc.id FROM case_record rc WHERE rc.id = r.referred_case_id AND ${referred}) AS referred_case_id,
              ${SUBJECTS_JSON} AS subjects, ${duplicatesJson(related)} AS duplicates,
              (SELECT COALESCE(json_agg(json_build_object('id', o.id, 'reference', o.reference)
                        ORDER BY o.received_at, o.id), '[]'::json)
                 FROM intelligence_link l
                 JOIN intelligence_report o ON o.id = CASE WHEN l.report_id = r.id THEN l.linked_report_id ELSE l.report_id END
                WHERE (l.report_id = r.id OR l.linked_report_id = r.id) AND ${related}) AS links
         FROM intelligence_report r WHERE r.id = $1`,
      p,
    );
    if (!r) throw problems.notFound('intelligence report');
    if (fresh) return this.toView(actor, r, [], []);
    const assessments = await m.query<AssessmentRow[]>(
      // access: the report's own parts, read by id after requireVisible.
      `SELECT id, version_no, assessment_text, recommended_decision, submitted_by, submitted_at
         FROM intelligence_assessment WHERE report_id = $1 ORDER BY version_no`,
      [id],
    );
    const rp: unknown[] = [id];
    const reviewCase = visibleTo(actor, RecordKind.Case, 'rc').sql(rp);
    const reviews = await m.query<ReviewRow[]>(
      `SELECT v.id, v.assessment_id, v.decision, v.reason, v.review_date::text AS review_date,
              (SELECT rc.id FROM case_record rc WHERE rc.id = v.case_id AND ${reviewCase}) AS case_id,
              v.recipient, v.reviewed_by, v.reviewed_at
         FROM intelligence_review v WHERE v.report_id = $1 ORDER BY v.reviewed_at, v.id`,
      rp,
    );
    return this.toView(actor, r, assessments, reviews);
  }

  private toView(
    actor: Actor,
    r: ReportRow,
    assessments: AssessmentRow[],
    reviews: ReviewRow[],
  ): IntelligenceView {
    const item = this.toItem(r as unknown as Record<string, unknown>, new Date());
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
      linkedReports: json(r.links),
      possibleDuplicates: item.possibleDuplicates,
      recordedBy: r.recorded_by,
      assigneeId: r.assignee_id,
      assignedAt: iso(r.assigned_at),
      assignedBy: r.assigned_by,
      submittedAt: iso(r.submitted_at),
      submittedBy: r.submitted_by,
      reviewedAt: iso(r.reviewed_at),
      reviewedBy: r.reviewed_by,
      decision: r.decision,
      reviewDate: r.review_date,
      referredCaseId: r.referred_case_id,
      assessments: assessments.map((a): AssessmentView => ({
        id: a.id,
        versionNo: a.version_no,
        assessmentText: a.assessment_text,
        recommendedDecision: a.recommended_decision,
        submittedBy: a.submitted_by,
        submittedAt: new Date(a.submitted_at).toISOString(),
      })),
      reviews: reviews.map((v): ReviewView => ({
        id: v.id,
        assessmentId: v.assessment_id,
        decision: v.decision,
        reason: v.reason,
        reviewDate: v.review_date,
        caseId: v.case_id,
        recipient: v.recipient,
        reviewedBy: v.reviewed_by,
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

  /** Source details: the recording user and supervisors only. */
  private maySeeSource(actor: Actor, recordedBy: string): boolean {
    return actor.userId === recordedBy || hasRole(actor, Role.Supervisor);
  }

  private assertState(action: LifecycleAction, state: IntelligenceState): void {
    if (!canDo(action, state)) {
      throw problems.conflict(
        'invalid_transition',
        `The report is ${state}: ${action === 'update' ? 'it can no longer be changed' : `${action} is not allowed`}`,
        { state, action },
      );
    }
  }

  private checkGrade(grading: GradingInput): void {
    const errors = gradeProblems(grading);
    if (errors.length) throw validation(errors);
  }

  private conditionsOf(g: GradingInput): string | null {
    return g.handlingConditions && g.handlingConditions.trim() !== '' ? g.handlingConditions : null;
  }

  private checkReceivedAt(receivedAt: string): void {
    // A minute's grace for clock skew between the caller and the server.
    if (new Date(receivedAt).getTime() > Date.now() + 60_000) {
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

  private async checkSubjectsExist(m: EntityManager, actor: Actor, subjects: SubjectInput[]): Promise<void> {
    if (subjects.length === 0) return;
    const ids = subjects.map((s) => s.workforceMemberId);
    const rows = await m.query<{ id: string }[]>(
      `SELECT id FROM workforce_member WHERE id = ANY ($1::uuid[])`,
      [ids],
    );
    const found = new Set(rows.map((r) => r.id));
    const errors = subjects.flatMap((s, i) =>
      found.has(s.workforceMemberId)
        ? []
        : [
            {
              field: `subjects.${i}.workforceMemberId`,
              rule: 'exists',
              message: `subjects.${i}.workforceMemberId does not name a workforce member`,
            },
          ],
    );
    if (errors.length) throw validation(errors);
    if (actor.workforceMemberId && found.has(actor.workforceMemberId)) {
      throw problems.unprocessable(
        'conflict_of_interest',
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
    const params: unknown[] = [ids];
    const rows = await m.query<{ id: string }[]>(
      `SELECT r.id FROM intelligence_report r WHERE r.id = ANY ($1::uuid[]) AND ${reportsVisible(actor, 'r').sql(params)}`,
      params,
    );
    const found = new Set(rows.map((r) => r.id));
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
    if (errors.length) throw validation(errors);
    return ids;
  }

  private async writeSubjects(m: EntityManager, id: string, subjects: SubjectInput[]): Promise<void> {
    if (subjects.length === 0) return;
    await m.query(
      // access: writes the subjects of a report the caller created or passed requireVisible for.
      `INSERT INTO intelligence_subject (report_id, workforce_member_id, role)
       SELECT $1, unnest($2::uuid[]), unnest($3::intelligence_subject_role[])`,
      [id, subjects.map((s) => s.workforceMemberId), subjects.map((s) => s.role)],
    );
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
    const params: unknown[] = [id];
    const current = await m.query<{ id: string }[]>(
      `SELECT o.id FROM intelligence_link l
         JOIN intelligence_report o ON o.id = CASE WHEN l.report_id = $1 THEN l.linked_report_id ELSE l.report_id END
        WHERE (l.report_id = $1 OR l.linked_report_id = $1) AND ${reportsVisible(actor, 'o').sql(params)}`,
      params,
    );
    const { added, removed } = linkChanges(
      current.map((r) => r.id),
      wanted,
    );
    if (removed.length) {
      await m.query(
        // access: deletes only the links just selected through the policy.
        `DELETE FROM intelligence_link
          WHERE (report_id = $1 AND linked_report_id = ANY ($2::uuid[]))
             OR (linked_report_id = $1 AND report_id = ANY ($2::uuid[]))`,
        [id, removed],
      );
    }
    await this.writeLinks(m, actor, id, added);
    return { added, removed };
  }

  private async writeLinks(m: EntityManager, actor: Actor, id: string, links: string[]): Promise<void> {
    if (links.length === 0) return;
    await m.query(
      `INSERT INTO intelligence_link (report_id, linked_report_id, created_by)
       SELECT $1, unnest($2::uuid[]), $3 ON CONFLICT DO NOTHING`,
      [id, links, actor.userId],
    );
  }

  /**
   * Possible duplicates of a report: others naming one of its workforce members with a category in common,
   * received within INTEL_DUPLICATE_WINDOW_DAYS of it. Stored, so that the queue shows them without work.
   */
  private async findDuplicates(m: EntityManager, id: string): Promise<string[]> {
    const rows = await m.query<{ related_report_id: string }[]>(
      // From the report's own subjects (few) through the member index to their other reports: the plan
      // cannot start from every report in the window.
      // access: stores possible duplicates (every report, hidden ones too); every read of them filters with visibleTo.
      `WITH n AS MATERIALIZED (
         SELECT r.id, r.received_at, ARRAY[r.primary_category] || r.secondary_categories AS categories
           FROM intelligence_report r WHERE r.id = $1),
       ns AS MATERIALIZED (SELECT s.workforce_member_id FROM intelligence_subject s WHERE s.report_id = $1)
       INSERT INTO intelligence_duplicate (report_id, related_report_id)
       SELECT DISTINCT n.id, o.id
         FROM n CROSS JOIN ns
         JOIN intelligence_subject os ON os.workforce_member_id = ns.workforce_member_id AND os.report_id <> n.id
         JOIN intelligence_report o ON o.id = os.report_id
        WHERE (ARRAY[o.primary_category] || o.secondary_categories) && n.categories
          AND o.received_at BETWEEN n.received_at - make_interval(days => $2) AND n.received_at + make_interval(days => $2)
          AND NOT EXISTS (SELECT 1 FROM intelligence_duplicate x WHERE x.report_id = o.id AND x.related_report_id = n.id)
       ON CONFLICT DO NOTHING
       RETURNING related_report_id`,
      [id, this.config.INTEL_DUPLICATE_WINDOW_DAYS],
    );
    return rows.map((r) => r.related_report_id);
  }
}
