import { HttpStatus, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type Actor, hasRole } from '../../common/auth/actor.js';
import { Role } from '../../common/auth/roles.js';
import { type Keyset, type Page, paginate } from '../../common/pagination.js';
import { ProblemException, problems } from '../../common/problem.js';
import { execute, Transactions } from '../../database/database.module.js';
import { randomReference, REFERENCE_ATTEMPTS } from '../../common/reference.js';
import { AccessService } from '../access/access.service.js';
import { linkChanges, RecordKind, visibleTo } from '../access/access.policy.js';
import { AuditService } from '../audit/audit.service.js';
import { AlertsService } from '../vetting/alerts.service.js';
import { AlertSource } from '../vetting/vetting.enums.js';
import { evaluateReferral, financialYearLabel, nextStatus } from './case-rules.js';
import {
  CaseAction,
  CaseEventKind,
  CaseStatus,
  CaseType,
  MatterType,
  ReferralBasis,
  type ReferralCriterion,
} from './cases.enums.js';
import type {
  AddNoteRequest,
  AssessSeverityRequest,
  CaseActionRequest,
  CasePage,
  CaseQuery,
  CaseSummaryView,
  CaseView,
  CreateCaseRequest,
  NoReferralRequest,
  OutcomeView,
  RecordOutcomeRequest,
  RecordReferralRequest,
  RecordUpdateRequest,
  ReferralDecisionRequest,
  ReferralView,
  SuspendCaseRequest,
  TimelineEventView,
  TimelinePage,
  TimelineQuery,
  UpdateCaseRequest,
} from './dto/case.dto.js';
import {
  checkOutcome,
  missingForClosure,
  needsBarredListEntry,
  needsVettingReview,
  type OutcomeFacts,
} from './outcome-rules.js';
import { CorruptionCategory } from '../../common/domain/corruption-category.js';

const LOCAL_TODAY = `(now() AT TIME ZONE 'Europe/London')::date`;

// access: columns of the case row `c`, used in queries that apply visibleTo or follow requireVisible.
const SUMMARY_COLUMNS = `c.id, c.reference, c.case_type, c.matter_type, c.status, c.primary_category,
  c.categories::text[] AS categories, c.investigator_id, c.supervisor_id, c.severity, c.referral_required,
  c.recorded_at, c.recorded_financial_year, c.last_update_at, c.next_update_due::text AS next_update_due,
  c.pcc_report_due::text AS pcc_report_due,
  (c.status <> 'closed' AND c.next_update_due < ${LOCAL_TODAY}) AS update_overdue,
  (c.status <> 'closed' AND c.pcc_report_due <= ${LOCAL_TODAY}) AS past_pcc_mark,
  c.version,
  (SELECT r.decision FROM iopc_referral r WHERE r.case_id = c.id) AS iopc_decision,
  ARRAY(SELECT s.workforce_member_id FROM case_subject s WHERE s.case_id = c.id ORDER BY s.workforce_member_id)::text[] AS subject_ids`;

const CASE_COLUMNS = `${SUMMARY_COLUMNS}, c.allegation_summary, c.breach_type, c.suspended_from, c.suspension_reason,
  c.referral_facts::text[] AS referral_facts, c.referral_criteria_met::text[] AS referral_criteria_met,
  c.no_referral_reason, c.no_referral_by, c.no_referral_at, c.investigation_started_at, c.finalised_at,
  c.barred_list_reminder_at, c.created_by, c.created_at, c.updated_at`;

const NEWEST_FIRST: Keyset = {
  columns: [
    { expr: 'c.recorded_at', type: 'timestamptz' },
    { expr: 'c.id', type: 'uuid' },
  ],
  direction: 'DESC',
};
const OLDEST_FIRST: Keyset = {
  columns: [
    { expr: 'e.occurred_at', type: 'timestamptz' },
    { expr: 'e.id', type: 'uuid' },
  ],
  direction: 'ASC',
};

type Row = Record<string, unknown>;
const iso = (v: unknown): string => new Date(v as string).toISOString();
const isoOrNull = (v: unknown): string | null => (v ? iso(v) : null);

function toSummary(r: Row): CaseSummaryView {
  return {
    id: r.id as string,
    reference: r.reference as string,
    caseType: r.case_type as CaseSummaryView['caseType'],
    matterType: r.matter_type as CaseSummaryView['matterType'],
    status: r.status as CaseStatus,
    primaryCategory: r.primary_category as CorruptionCategory,
    categories: r.categories as CorruptionCategory[],
    subjectIds: r.subject_ids as string[],
    investigatorId: (r.investigator_id as string | null) ?? null,
    supervisorId: (r.supervisor_id as string | null) ?? null,
    severity: (r.severity as CaseSummaryView['severity']) ?? null,
    referralRequired: r.referral_required as boolean,
    iopcDecision: (r.iopc_decision as CaseSummaryView['iopcDecision']) ?? null,
    recordedAt: iso(r.recorded_at),
    recordedFinancialYear: financialYearLabel(Number(r.recorded_financial_year)),
    timeliness: {
      lastUpdateAt: isoOrNull(r.last_update_at),
      nextUpdateDue: r.next_update_due as string,
      updateOverdue: r.update_overdue as boolean,
      pccReportDue: r.pcc_report_due as string,
      pastPccMark: r.past_pcc_mark as boolean,
    },
    version: Number(r.version),
  };
}

const REFERRAL_COLUMNS = `r.id, r.referred_on::text AS referred_on, r.referred_financial_year, r.basis,
  r.criteria::text[] AS criteria, r.reason, r.iopc_reference, r.decision, r.decided_on::text AS decided_on,
  r.recorded_by, r.decision_recorded_by`;

const toReferral = (r: Row): ReferralView => ({
  id: r.id as string,
  referredOn: r.referred_on as string,
  financialYear: financialYearLabel(Number(r.referred_financial_year)),
  basis: r.basis as ReferralBasis,
  criteria: r.criteria as ReferralCriterion[],
  reason: (r.reason as string | null) ?? null,
  iopcReference: (r.iopc_reference as string | null) ?? null,
  decision: (r.decision as ReferralView['decision']) ?? null,
  decidedOn: (r.decided_on as string | null) ?? null,
  recordedBy: r.recorded_by as string,
  decisionRecordedBy: (r.decision_recorded_by as string | null) ?? null,
});

const OUTCOME_COLUMNS = `o.id, o.workforce_member_id, o.member_type, o.criminal_outcome, o.misconduct_finding, o.proceedings,
  o.proceedings_result, o.misconduct_outcome, o.regime, o.allegation_result, o.left_service,
  o.left_service_on::text AS left_service_on, o.would_have_been_dismissed, o.barred_list_on::text AS barred_list_on,
  o.advisory_list_on::text AS advisory_list_on, o.finalised_at, o.recorded_by, o.recorded_at, o.version`;

function outcomeFacts(r: Row): OutcomeFacts {
  return {
    criminalOutcome: r.criminal_outcome as OutcomeFacts['criminalOutcome'],
    misconductFinding: r.misconduct_finding as OutcomeFacts['misconductFinding'],
    proceedings: r.proceedings as OutcomeFacts['proceedings'],
    proceedingsResult: r.proceedings_result as OutcomeFacts['proceedingsResult'],
    misconductOutcome: r.misconduct_outcome as OutcomeFacts['misconductOutcome'],
    regime: r.regime as OutcomeFacts['regime'],
    allegationResult: r.allegation_result as OutcomeFacts['allegationResult'],
    leftService: r.left_service as string | null,
    wouldHaveBeenDismissed: r.would_have_been_dismissed as boolean,
    barredListDate: r.barred_list_on as string | null,
    advisoryListDate: r.advisory_list_on as string | null,
  };
}

const toOutcome = (r: Row, caseType: CaseType): OutcomeView => ({
  id: r.id as string,
  workforceMemberId: r.workforce_member_id as string,
  memberType: r.member_type as OutcomeView['memberType'],
  criminalOutcome: (r.criminal_outcome as OutcomeView['criminalOutcome']) ?? null,
  misconductFinding: (r.misconduct_finding as OutcomeView['misconductFinding']) ?? null,
  proceedings: (r.proceedings as OutcomeView['proceedings']) ?? null,
  proceedingsResult: (r.proceedings_result as OutcomeView['proceedingsResult']) ?? null,
  misconductOutcome: (r.misconduct_outcome as OutcomeView['misconductOutcome']) ?? null,
  regime: (r.regime as OutcomeView['regime']) ?? null,
  allegationResult: (r.allegation_result as OutcomeView['allegationResult']) ?? null,
  leftService: (r.left_service as OutcomeView['leftService']) ?? null,
  leftServiceOn: (r.left_service_on as string | null) ?? null,
  wouldHaveBeenDismissed: r.would_have_been_dismissed as boolean,
  barredListOn: (r.barred_list_on as string | null) ?? null,
  advisoryListOn: (r.advisory_list_on as string | null) ?? null,
  missing: missingForClosure(outcomeFacts(r), caseType),
  finalisedAt: isoOrNull(r.finalised_at),
  recordedBy: r.recorded_by as string,
  recordedAt: iso(r.recorded_at),
  version: Number(r.version),
});

/** The case row as the service works with it (after `locate`). */
interface CaseRow {
  id: string;
  reference: string;
  status: CaseStatus;
  case_type: CaseType;
  suspended_from: CaseStatus | null;
  referral_required: boolean;
  referral_criteria_met: ReferralCriterion[];
  no_referral_reason: string | null;
  supervisor_id: string | null;
  version: number;
  subject_ids: string[];
  has_referral: boolean;
}

/** What the intelligence review's `referred_to_case` decision asks for: an existing case, or a new one. */
export interface IntelligenceReferralTarget {
  caseId?: string;
  /** For a new case (default misconduct). */
  caseType?: CaseType;
  /** For a new case (default conduct_matter). */
  matterType?: MatterType;
}

export interface NewCase {
  caseType: CaseType;
  matterType: CreateCaseRequest['matterType'];
  allegationSummary: string;
  primaryCategory: CorruptionCategory;
  categories?: CorruptionCategory[];
  subjectIds: string[];
  referralFacts?: ReferralCriterion[];
  breachType?: CreateCaseRequest['breachType'];
  investigatorId?: string | null;
  supervisorId?: string | null;
  intelligenceReportIds?: string[];
  recordedAt?: string;
}

/**
 * Cases: creation with random yearly references (src/common/reference.ts), the lifecycle, severity, IOPC
 * referral, outcomes, timeliness and the timeline. Every read and write is audited. Who may see what is the
 * access policy's (src/modules/access): `locate` goes through `AccessService.requireVisible` for every read or
 * action by id, and every query that returns, counts or references cases or reports takes a `visibleTo`
 * predicate (src/modules/access/record-queries.spec.ts checks).
 */
@Injectable()
export class CasesService {
  constructor(
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly access: AccessService,
    private readonly alerts: AlertsService,
  ) {}

  // ---------- create, read, list, update ----------

  async create(actor: Actor, body: CreateCaseRequest): Promise<CaseView> {
    return this.tx.run(async (m) => {
      const id = await this.createIn(m, actor, body);
      const view = await this.view(m, id, actor);
      await this.audit.record(m, actor, {
        action: 'case.create',
        resourceType: 'case',
        resourceId: id,
        subjectIds: view.subjectIds,
        details: {
          reference: view.reference,
          caseType: view.caseType,
          referralRequired: view.referralRequired,
        },
      });
      return view;
    });
  }

  /**
   * Creates a case inside the caller's transaction (also used by other modules, e.g. intelligence
   * referring a report to a new case). Validates everything; the caller audits. Returns the case id.
   */
  async createIn(m: EntityManager, actor: Actor, body: NewCase): Promise<string> {
    const categories = [...new Set([body.primaryCategory, ...(body.categories ?? [])])];
    const facts = body.referralFacts ?? [];
    const evaluation = evaluateReferral(categories, facts);
    await this.assertSubjects(m, actor, body.subjectIds);
    await this.assertAssignees(m, body.investigatorId ?? null, body.supervisorId ?? null, body.subjectIds);
    if (body.recordedAt && new Date(body.recordedAt).getTime() > Date.now()) {
      throw problems.invalid('recordedAt', 'notInFuture', 'recordedAt cannot be in the future');
    }
    const [{ year }] = await m.query<{ year: number }[]>(
      `SELECT extract(year FROM now() AT TIME ZONE 'Europe/London')::int AS year`,
    );
    // A random reference (src/common/reference.ts); a taken one inserts nothing and is drawn again.
    let id: string | undefined;
    let reference = '';
    for (let attempt = 0; !id && attempt < REFERENCE_ATTEMPTS; attempt++) {
      reference = randomReference('CASE', year);
      const [row] = await m.query<{ id: string }[]>(
        // access: a new case, written by the caller (nothing to hide yet).
        `INSERT INTO case_record (reference, reference_year, case_type, matter_type,
           allegation_summary, primary_category, categories, breach_type, referral_facts, referral_criteria_met,
           referral_required, investigator_id, supervisor_id, recorded_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7::corruption_category[], $8, $9::referral_criterion[],
           $10::referral_criterion[], $11, $12, $13, COALESCE($14::timestamptz, now()), $15)
         ON CONFLICT (reference) DO NOTHING
         RETURNING id`,
        [
          reference,
          year,
          body.caseType,
          body.matterType,
          body.allegationSummary,
          body.primaryCategory,
          categories,
          body.breachType ?? null,
          facts,
          evaluation.criteriaMet,
          evaluation.referralRequired,
          body.investigatorId ?? null,
          body.supervisorId ?? null,
          body.recordedAt ?? null,
          actor.userId,
        ],
      );
      id = row?.id;
    }
    if (!id) throw new Error('no free case reference after several draws');
    // access: the subjects of the case just created.
    await m.query(`INSERT INTO case_subject (case_id, workforce_member_id) SELECT $1, unnest($2::uuid[])`, [
      id,
      body.subjectIds,
    ]);
    if (body.intelligenceReportIds?.length)
      await this.linkIntelligence(m, actor, id, body.intelligenceReportIds);
    await this.event(m, actor, id, CaseEventKind.Created, {
      reference,
      caseType: body.caseType,
      referralRequired: evaluation.referralRequired,
      criteriaMet: evaluation.criteriaMet,
    });
    return id;
  }

  async get(actor: Actor, id: string): Promise<CaseView> {
    return this.guarded(
      actor,
      id,
      'case.read',
      async (m) => {
        const row = await this.locate(m, actor, id, 'case.read');
        return this.viewAudited(m, actor, id, row.subject_ids, 'case.read');
      },
      { read: true },
    );
  }

  async list(actor: Actor, q: CaseQuery): Promise<CasePage> {
    return this.tx.read(async (m) => {
      const visible = visibleTo(actor, RecordKind.Case, 'c').named();
      const qb = m
        .createQueryBuilder()
        .select(SUMMARY_COLUMNS)
        .from('case_record', 'c')
        .where(visible.sql, visible.params);
      if (q.status) qb.andWhere('c.status = :status', { status: q.status });
      if (q.caseType) qb.andWhere('c.case_type = :caseType', { caseType: q.caseType });
      if (q.category)
        qb.andWhere('c.categories @> ARRAY[CAST(:category AS corruption_category)]', {
          category: q.category,
        });
      if (q.investigatorId) qb.andWhere('c.investigator_id = :inv', { inv: q.investigatorId });
      if (q.supervisorId) qb.andWhere('c.supervisor_id = :sup', { sup: q.supervisorId });
      if (q.subjectId) {
        qb.andWhere(
          'EXISTS (SELECT 1 FROM case_subject fs WHERE fs.case_id = c.id AND fs.workforce_member_id = :subj)',
          { subj: q.subjectId },
        );
      }
      if (q.iopcDecision) {
        qb.andWhere(
          'EXISTS (SELECT 1 FROM iopc_referral fr WHERE fr.case_id = c.id AND fr.decision = :dec)',
          {
            dec: q.iopcDecision,
          },
        );
      }
      if (q.overdueUpdate !== undefined) {
        qb.andWhere(
          q.overdueUpdate
            ? `c.status <> 'closed' AND c.next_update_due < ${LOCAL_TODAY}`
            : `NOT (c.status <> 'closed' AND c.next_update_due < ${LOCAL_TODAY})`,
        );
      }
      if (q.pastPccMark !== undefined) {
        qb.andWhere(
          q.pastPccMark
            ? `c.status <> 'closed' AND c.pcc_report_due <= ${LOCAL_TODAY}`
            : `NOT (c.status <> 'closed' AND c.pcc_report_due <= ${LOCAL_TODAY})`,
        );
      }
      if (q.referralRequired !== undefined) {
        qb.andWhere('c.referral_required = :rr', { rr: q.referralRequired });
      }
      if (q.minAgeDays !== undefined) {
        qb.andWhere(`c.recorded_at <= now() - make_interval(days => :age)`, { age: q.minAgeDays });
      }
      if (q.financialYear !== undefined)
        qb.andWhere('c.recorded_financial_year = :fy', { fy: q.financialYear });
      const page: Page<CaseSummaryView> = await paginate(qb, NEWEST_FIRST, q, toSummary);
      const { limit: _l, cursor: _c, ...filter } = q;
      await this.audit.record(m, actor, {
        action: 'case.list',
        resourceType: 'case',
        subjectIds: [...new Set(page.items.flatMap((i) => i.subjectIds))],
        details: { filter, returned: page.items.map((i) => i.id) },
      });
      return page;
    });
  }

  async update(actor: Actor, id: string, body: UpdateCaseRequest): Promise<CaseView> {
    return this.guarded(actor, id, 'case.update', async (m) => {
      // The gate and the row lock, then the version check: of concurrent updates with one version, one wins.
      const row = await this.locate(m, actor, id, 'case.update', true);
      if (row.version !== body.version) throw problems.staleVersion();
      await m.query(`UPDATE case_record SET version = version + 1, updated_at = now() WHERE id = $1`, [id]);
      if (row.status === CaseStatus.Closed)
        throw problems.conflict('case_closed', 'A closed case cannot be changed');
      const changed: string[] = [];
      const sets: string[] = [];
      const params: unknown[] = [id];
      const set = (column: string, value: unknown, cast = ''): void => {
        params.push(value);
        sets.push(`${column} = $${params.length}${cast}`);
      };
      const subjects = body.subjectIds ?? row.subject_ids;
      if (body.subjectIds) await this.assertSubjects(m, actor, body.subjectIds);
      if (body.investigatorId !== undefined || body.supervisorId !== undefined || body.subjectIds) {
        const [current] = await m.query<{ investigator_id: string | null; supervisor_id: string | null }[]>(
          `SELECT investigator_id, supervisor_id FROM case_record WHERE id = $1`,
          [id],
        );
        await this.assertAssignees(
          m,
          body.investigatorId !== undefined ? body.investigatorId : current.investigator_id,
          body.supervisorId !== undefined ? body.supervisorId : current.supervisor_id,
          subjects,
        );
      }
      const simple: [keyof UpdateCaseRequest, string, string][] = [
        ['caseType', 'case_type', ''],
        ['matterType', 'matter_type', ''],
        ['allegationSummary', 'allegation_summary', ''],
        ['breachType', 'breach_type', ''],
        ['investigatorId', 'investigator_id', ''],
        ['supervisorId', 'supervisor_id', ''],
      ];
      for (const [key, column, cast] of simple) {
        if (body[key] !== undefined) {
          set(column, body[key], cast);
          changed.push(key);
        }
      }
      if (body.primaryCategory || body.categories || body.referralFacts) {
        const [cur] = await m.query<
          {
            primary_category: CorruptionCategory;
            categories: CorruptionCategory[];
            referral_facts: ReferralCriterion[];
          }[]
        >(
          `SELECT primary_category, categories::text[] AS categories, referral_facts::text[] AS referral_facts
             FROM case_record WHERE id = $1`,
          [id],
        );
        const primary = body.primaryCategory ?? cur.primary_category;
        const secondary = body.categories ?? cur.categories.filter((c) => c !== cur.primary_category);
        const categories = [...new Set([primary, ...secondary])];
        const facts = body.referralFacts ?? cur.referral_facts;
        const evaluation = evaluateReferral(categories, facts);
        set('primary_category', primary);
        set('categories', categories, '::corruption_category[]');
        set('referral_facts', facts, '::referral_criterion[]');
        set('referral_criteria_met', evaluation.criteriaMet, '::referral_criterion[]');
        set('referral_required', evaluation.referralRequired);
        for (const k of ['primaryCategory', 'categories', 'referralFacts'] as const)
          if (body[k]) changed.push(k);
      }
      if (body.caseType) {
        // A type change must not leave recorded outcomes the new type forbids.
        const outcomes = await m.query<Row[]>(
          `SELECT ${OUTCOME_COLUMNS} FROM case_subject_outcome o WHERE o.case_id = $1`,
          [id],
        );
        for (const o of outcomes) {
          const violations = checkOutcome(outcomeFacts(o), {
            caseType: body.caseType,
            memberType: o.member_type as string,
          });
          if (violations.length) throw this.outcomeProblem(violations);
        }
      }
      if (sets.length) await m.query(`UPDATE case_record SET ${sets.join(', ')} WHERE id = $1`, params);
      if (body.subjectIds) {
        const removed = row.subject_ids.filter((s) => !body.subjectIds?.includes(s));
        if (removed.length) {
          const [withOutcome] = await m.query<unknown[]>(
            `SELECT 1 FROM case_subject_outcome WHERE case_id = $1 AND workforce_member_id = ANY($2::uuid[])`,
            [id, removed],
          );
          if (withOutcome) {
            throw problems.conflict(
              'subject_has_outcome',
              'A subject with a recorded outcome cannot be removed',
            );
          }
          await m.query(
            `DELETE FROM case_subject WHERE case_id = $1 AND workforce_member_id = ANY($2::uuid[])`,
            [id, removed],
          );
        }
        await m.query(
          `INSERT INTO case_subject (case_id, workforce_member_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
          [id, body.subjectIds],
        );
        changed.push('subjectIds');
      }
      let intelligenceLinks: { added: string[]; removed: string[] } | undefined;
      if (body.intelligenceReportIds) {
        intelligenceLinks = await this.replaceVisibleLinks(m, actor, id, body.intelligenceReportIds);
        changed.push('intelligenceReportIds');
      }
      await this.event(m, actor, id, CaseEventKind.Updated, { fields: changed });
      const view = await this.view(m, id, actor);
      await this.audit.record(m, actor, {
        action: 'case.update',
        resourceType: 'case',
        resourceId: id,
        subjectIds: [...new Set([...row.subject_ids, ...view.subjectIds])],
        details: {
          fields: changed,
          version: view.version,
          ...(intelligenceLinks ? { intelligenceLinks } : {}),
        },
      });
      return view;
    });
  }

  // ---------- lifecycle ----------

  async act(
    actor: Actor,
    id: string,
    action: CaseAction,
    body: CaseActionRequest | SuspendCaseRequest,
  ): Promise<CaseView> {
    return this.guarded(actor, id, `case.${action}`, async (m) => {
      const row = await this.locate(m, actor, id, `case.${action}`, true);
      if (body.version !== undefined && body.version !== row.version) throw problems.staleVersion();
      const to = nextStatus(action, row.status, row.suspended_from);
      if (!to) {
        throw problems.conflict(
          'invalid_transition',
          `A case that is ${row.status} cannot ${action.replace('-', ' ')}`,
          {
            currentStatus: row.status,
            action,
          },
        );
      }
      const sets = ['status = $2', 'version = version + 1', 'updated_at = now()'];
      const params: unknown[] = [id, to];
      let note: string | null = null;
      if (action === CaseAction.StartInvestigation) {
        if (row.referral_required && !row.has_referral && !row.no_referral_reason) {
          throw problems.conflict(
            'referral_decision_required',
            'The case meets the mandatory referral criteria: record the IOPC referral, or a supervisor records why none was made',
            { criteriaMet: row.referral_criteria_met },
          );
        }
        sets.push('investigation_started_at = COALESCE(investigation_started_at, now())');
      }
      if (action === CaseAction.Suspend) {
        note = (body as SuspendCaseRequest).reason;
        params.push(row.status, note);
        sets.push(`suspended_from = $3`, `suspension_reason = $4`, 'ever_suspended = true');
      }
      if (action === CaseAction.Resume) sets.push('suspended_from = NULL', 'suspension_reason = NULL');
      if (action === CaseAction.Close) {
        const missing = await this.missingForClose(m, row);
        if (missing.length) {
          throw problems.conflict(
            'case_not_ready_to_close',
            'The case cannot close until everything listed is recorded',
            {
              missing,
            },
          );
        }
        sets.push('finalised_at = now()');
      }
      await m.query(`UPDATE case_record SET ${sets.join(', ')} WHERE id = $1`, params);
      await this.event(m, actor, id, CaseEventKind.StatusChanged, { action, from: row.status, to }, note);
      return this.viewAudited(m, actor, id, row.subject_ids, `case.${action}`, { from: row.status, to });
    });
  }

  private async missingForClose(m: EntityManager, row: CaseRow): Promise<Record<string, unknown>[]> {
    const missing: Record<string, unknown>[] = [];
    if (!row.supervisor_id) missing.push({ code: 'supervisor_missing' });
    const outcomes = await m.query<Row[]>(
      // access: the case of `act` (close), after locate.
      `SELECT ${OUTCOME_COLUMNS} FROM case_subject_outcome o WHERE o.case_id = $1`,
      [row.id],
    );
    const bySubject = new Map(outcomes.map((o) => [o.workforce_member_id as string, o]));
    for (const subjectId of row.subject_ids) {
      const o = bySubject.get(subjectId);
      const fields = missingForClosure(o ? outcomeFacts(o) : null, row.case_type);
      if (fields.length)
        missing.push({ code: o ? 'outcome_incomplete' : 'outcome_missing', subjectId, fields });
    }
    return missing;
  }

  // ---------- severity ----------

  async assessSeverity(actor: Actor, id: string, body: AssessSeverityRequest): Promise<CaseView> {
    return this.guarded(actor, id, 'case.severity', async (m) => {
      const row = await this.locate(m, actor, id, 'case.severity', true);
      this.assertWritable(row, body.version);
      await m.query(
        `INSERT INTO case_severity_assessment (case_id, severity, reason, assessed_by) VALUES ($1, $2, $3, $4)`,
        [id, body.severity, body.reason, actor.userId],
      );
      await m.query(
        `UPDATE case_record SET severity = $2, version = version + 1, updated_at = now() WHERE id = $1`,
        [id, body.severity],
      );
      await this.event(
        m,
        actor,
        id,
        CaseEventKind.SeverityAssessed,
        { severity: body.severity },
        body.reason,
      );
      return this.viewAudited(m, actor, id, row.subject_ids, 'case.severity', { severity: body.severity });
    });
  }

  // ---------- IOPC referral ----------

  async recordReferral(actor: Actor, id: string, body: RecordReferralRequest): Promise<CaseView> {
    return this.guarded(actor, id, 'case.referral', async (m) => {
      const row = await this.locate(m, actor, id, 'case.referral', true);
      this.assertWritable(row);
      if (row.has_referral)
        throw problems.conflict('referral_exists', 'The case has already been referred to the IOPC');
      await this.assertNotFuture(m, 'referredOn', body.referredOn);
      const criteria = body.criteria ?? row.referral_criteria_met;
      if (body.basis === ReferralBasis.Mandatory && criteria.length === 0) {
        throw problems.unprocessable(
          'mandatory_referral_needs_criteria',
          'A mandatory referral names the criteria met; the case meets none: refer voluntarily with a reason',
        );
      }
      if (body.basis === ReferralBasis.Voluntary && !body.reason) {
        throw problems.invalid('reason', 'isNotEmpty', 'reason is required for a voluntary referral');
      }
      await m.query(
        `INSERT INTO iopc_referral (case_id, referred_on, referred_financial_year, basis, criteria, reason, iopc_reference, recorded_by)
         VALUES ($1, $2, 0, $3, $4::referral_criterion[], $5, $6, $7)`,
        [
          id,
          body.referredOn,
          body.basis,
          criteria,
          body.reason ?? null,
          body.iopcReference ?? null,
          actor.userId,
        ],
      );
      await m.query(`UPDATE case_record SET version = version + 1, updated_at = now() WHERE id = $1`, [id]);
      await this.event(m, actor, id, CaseEventKind.ReferralRecorded, {
        basis: body.basis,
        criteria,
        referredOn: body.referredOn,
      });
      return this.viewAudited(m, actor, id, row.subject_ids, 'case.referral', {
        basis: body.basis,
        criteria,
      });
    });
  }

  async recordReferralDecision(actor: Actor, id: string, body: ReferralDecisionRequest): Promise<CaseView> {
    return this.guarded(actor, id, 'case.referral_decision', async (m) => {
      const row = await this.locate(m, actor, id, 'case.referral_decision', true);
      this.assertWritable(row);
      const [referral] = await m.query<{ referred_on: string; decision: string | null }[]>(
        `SELECT referred_on::text AS referred_on, decision FROM iopc_referral WHERE case_id = $1`,
        [id],
      );
      if (!referral) throw problems.conflict('no_referral', 'Record the referral before the IOPC’s decision');
      if (referral.decision)
        throw problems.conflict('referral_already_decided', 'The IOPC’s decision is already recorded');
      await this.assertNotFuture(m, 'decidedOn', body.decidedOn);
      if (body.decidedOn < referral.referred_on) {
        throw problems.unprocessable(
          'decision_before_referral',
          'The IOPC cannot decide before the referral was made',
        );
      }
      await m.query(
        `UPDATE iopc_referral SET decision = $2, decided_on = $3, iopc_reference = COALESCE($4, iopc_reference),
                decision_recorded_by = $5, decision_recorded_at = now(), updated_at = now() WHERE case_id = $1`,
        [id, body.decision, body.decidedOn, body.iopcReference ?? null, actor.userId],
      );
      await m.query(`UPDATE case_record SET version = version + 1, updated_at = now() WHERE id = $1`, [id]);
      await this.event(m, actor, id, CaseEventKind.ReferralDecision, {
        decision: body.decision,
        decidedOn: body.decidedOn,
      });
      return this.viewAudited(m, actor, id, row.subject_ids, 'case.referral_decision', {
        decision: body.decision,
      });
    });
  }

  async recordNoReferral(actor: Actor, id: string, body: NoReferralRequest): Promise<CaseView> {
    return this.guarded(actor, id, 'case.no_referral', async (m) => {
      const row = await this.locate(m, actor, id, 'case.no_referral', true);
      this.assertWritable(row);
      if (row.has_referral)
        throw problems.conflict('referral_exists', 'The case has been referred to the IOPC');
      if (!row.referral_required) {
        throw problems.conflict('referral_not_required', 'The case meets no mandatory referral criterion');
      }
      await m.query(
        `UPDATE case_record SET no_referral_reason = $2, no_referral_by = $3, no_referral_at = now(),
                version = version + 1, updated_at = now() WHERE id = $1`,
        [id, body.reason, actor.userId],
      );
      await this.event(
        m,
        actor,
        id,
        CaseEventKind.NoReferralRecorded,
        { criteriaMet: row.referral_criteria_met },
        body.reason,
      );
      return this.viewAudited(m, actor, id, row.subject_ids, 'case.no_referral');
    });
  }

  // ---------- outcomes ----------

  async recordOutcome(
    actor: Actor,
    id: string,
    memberId: string,
    body: RecordOutcomeRequest,
  ): Promise<OutcomeView> {
    return this.guarded(actor, id, 'case.outcome', async (m) => {
      const row = await this.locate(m, actor, id, 'case.outcome', true);
      this.assertWritable(row);
      if (!row.subject_ids.includes(memberId)) throw problems.notFound('subject of this case');
      const [member] = await m.query<{ member_type: string }[]>(
        `SELECT member_type FROM workforce_member WHERE id = $1`,
        [memberId],
      );
      const [existing] = await m.query<{ version: number }[]>(
        `SELECT version FROM case_subject_outcome WHERE case_id = $1 AND workforce_member_id = $2 FOR UPDATE`,
        [id, memberId],
      );
      if (existing && body.version !== existing.version) throw problems.staleVersion();
      const facts: OutcomeFacts = {
        criminalOutcome: body.criminalOutcome ?? null,
        misconductFinding: body.misconductFinding ?? null,
        proceedings: body.proceedings ?? null,
        proceedingsResult: body.proceedingsResult ?? null,
        misconductOutcome: body.misconductOutcome ?? null,
        regime: body.regime ?? null,
        allegationResult: body.allegationResult ?? null,
        leftService: body.leftService ?? null,
        wouldHaveBeenDismissed: body.wouldHaveBeenDismissed ?? false,
        barredListDate: body.barredListOn ?? null,
        advisoryListDate: body.advisoryListOn ?? null,
      };
      const violations = checkOutcome(facts, { caseType: row.case_type, memberType: member.member_type });
      if (body.leftServiceOn && !body.leftService) {
        violations.push({
          code: 'left_on_needs_left_service',
          field: 'leftServiceOn',
          message: 'leftServiceOn needs leftService',
        });
      }
      if (violations.length) throw this.outcomeProblem(violations);
      for (const [field, value] of [
        ['leftServiceOn', body.leftServiceOn],
        ['barredListOn', body.barredListOn],
        ['advisoryListOn', body.advisoryListOn],
      ] as const) {
        if (value) await this.assertNotFuture(m, field, value);
      }
      const complete = missingForClosure(facts, row.case_type).length === 0;
      const values = [
        id,
        memberId,
        member.member_type,
        facts.criminalOutcome,
        facts.misconductFinding,
        facts.proceedings,
        facts.proceedingsResult,
        facts.misconductOutcome,
        facts.regime,
        facts.allegationResult,
        facts.leftService,
        body.leftServiceOn ?? null,
        facts.wouldHaveBeenDismissed,
        facts.barredListDate,
        facts.advisoryListDate,
        complete,
        actor.userId,
      ];
      const [saved] = await m.query<Row[]>(
        `INSERT INTO case_subject_outcome AS o (case_id, workforce_member_id, member_type, criminal_outcome,
           misconduct_finding, proceedings, proceedings_result, misconduct_outcome, regime, allegation_result,
           left_service, left_service_on, would_have_been_dismissed, barred_list_on, advisory_list_on,
           finalised_at, recorded_by, recorded_financial_year)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
           CASE WHEN $16::boolean THEN now() END, $17, 0)
         ON CONFLICT (case_id, workforce_member_id) DO UPDATE SET
           criminal_outcome = EXCLUDED.criminal_outcome, misconduct_finding = EXCLUDED.misconduct_finding,
           proceedings = EXCLUDED.proceedings, proceedings_result = EXCLUDED.proceedings_result,
           misconduct_outcome = EXCLUDED.misconduct_outcome, regime = EXCLUDED.regime,
           allegation_result = EXCLUDED.allegation_result, left_service = EXCLUDED.left_service,
           left_service_on = EXCLUDED.left_service_on, would_have_been_dismissed = EXCLUDED.would_have_been_dismissed,
           barred_list_on = EXCLUDED.barred_list_on, advisory_list_on = EXCLUDED.advisory_list_on,
           finalised_at = CASE WHEN $16::boolean THEN COALESCE(o.finalised_at, now()) END,
           recorded_by = EXCLUDED.recorded_by, recorded_at = now(), version = o.version + 1, updated_at = now()
         RETURNING ${OUTCOME_COLUMNS}`,
        values,
      );
      await m.query(`UPDATE case_record SET version = version + 1, updated_at = now() WHERE id = $1`, [id]);
      // A proven outcome short of dismissal: the person's vetting is reviewed (alert + outbox, this transaction;
      // raised once per outcome however often it is re-recorded).
      const vettingAlertId = needsVettingReview(facts)
        ? await this.alerts.raiseReviewRequired(m, memberId, {
            type: AlertSource.MisconductOutcome,
            id: saved.id as string,
          })
        : null;
      await this.event(m, actor, id, CaseEventKind.OutcomeRecorded, {
        vettingAlertId,
        subjectId: memberId,
        criminalOutcome: facts.criminalOutcome,
        misconductFinding: facts.misconductFinding,
        proceedings: facts.proceedings,
        proceedingsResult: facts.proceedingsResult,
        misconductOutcome: facts.misconductOutcome,
        regime: facts.regime,
        allegationResult: facts.allegationResult,
        leftService: facts.leftService,
        wouldHaveBeenDismissed: facts.wouldHaveBeenDismissed,
        barredListOn: facts.barredListDate,
        advisoryListOn: facts.advisoryListDate,
      });
      await this.refreshBarredListReminder(m, actor, id, memberId, needsBarredListEntry(facts));
      await this.audit.record(m, actor, {
        action: 'case.outcome',
        resourceType: 'case',
        resourceId: id,
        subjectIds: [memberId],
        details: { subjectId: memberId, complete, version: Number(saved.version), vettingAlertId },
      });
      return toOutcome(saved, row.case_type);
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
    const [{ pending }] = await m.query<{ pending: boolean }[]>(
      // access: the case of recordOutcome, after locate.
      `SELECT EXISTS (SELECT 1 FROM case_subject_outcome o WHERE o.case_id = $1 AND o.barred_list_on IS NULL
         AND (o.misconduct_outcome IN ('dismissal_with_notice', 'dismissal_without_notice') OR o.would_have_been_dismissed)) AS pending`,
      [id],
    );
    const [{ raised }] = await m.query<{ raised: boolean }[]>(
      // access: the case of recordOutcome, after locate.
      `SELECT barred_list_reminder_at IS NOT NULL AS raised FROM case_record WHERE id = $1`,
      [id],
    );
    if (pending && !raised) {
      // access: the case of recordOutcome, after locate.
      await m.query(`UPDATE case_record SET barred_list_reminder_at = now() WHERE id = $1`, [id]);
    }
    if (!pending && raised)
      // access: the case of recordOutcome, after locate.
      await m.query(`UPDATE case_record SET barred_list_reminder_at = NULL WHERE id = $1`, [id]);
    if (thisOneNeeds)
      await this.event(m, actor, id, CaseEventKind.BarredListReminder, { subjectId: memberId });
  }

  // ---------- updates, notes, timeline ----------

  async recordUpdate(actor: Actor, id: string, body: RecordUpdateRequest): Promise<CaseView> {
    return this.guarded(actor, id, 'case.update_given', async (m) => {
      const row = await this.locate(m, actor, id, 'case.update_given', true);
      this.assertWritable(row);
      if (body.givenAt && new Date(body.givenAt).getTime() > Date.now()) {
        throw problems.invalid('givenAt', 'notInFuture', 'givenAt cannot be in the future');
      }
      await m.query(
        `UPDATE case_record SET last_update_at = GREATEST(last_update_at, COALESCE($2::timestamptz, now())),
                version = version + 1, updated_at = now() WHERE id = $1`,
        [id, body.givenAt ?? null],
      );
      await this.event(m, actor, id, CaseEventKind.UpdateGiven, {
        recipients: body.recipients,
        givenAt: body.givenAt ?? null,
      });
      return this.viewAudited(m, actor, id, row.subject_ids, 'case.update_given', {
        recipients: body.recipients,
      });
    });
  }

  async addNote(actor: Actor, id: string, body: AddNoteRequest): Promise<TimelineEventView> {
    return this.guarded(actor, id, 'case.note', async (m) => {
      const row = await this.locate(m, actor, id, 'case.note', true);
      const eventId = await this.event(m, actor, id, CaseEventKind.NoteAdded, {}, body.text);
      const [event] = await m.query<Row[]>(`${TIMELINE_SELECT} WHERE e.id = $1`, [eventId]);
      await this.audit.record(m, actor, {
        action: 'case.note',
        resourceType: 'case',
        resourceId: id,
        subjectIds: row.subject_ids,
        details: { eventId },
      });
      return toEvent(event);
    });
  }

  async timeline(actor: Actor, id: string, q: TimelineQuery): Promise<TimelinePage> {
    return this.guarded(
      actor,
      id,
      'case.timeline',
      async (m) => {
        const row = await this.locate(m, actor, id, 'case.timeline');
        // An event naming linked reports names only those the caller may see, and is left out when it
        // names none of them (it would tell that a hidden report exists).
        const shown = visibleTo(actor, RecordKind.IntelligenceReport, 'lr').named();
        const linkedShown = `(SELECT COALESCE(jsonb_agg(x.id ORDER BY x.ord), '[]'::jsonb)
            FROM jsonb_array_elements_text(e.details -> 'reportIds') WITH ORDINALITY x(id, ord)
            JOIN intelligence_report lr ON lr.id = x.id::uuid WHERE ${shown.sql})`;
        const qb = m
          .createQueryBuilder()
          .select(['e.id AS id', 'e.kind AS kind', 'e.occurred_at AS occurred_at', 'e.actor_id AS actor_id'])
          .addSelect(['u.display_name AS actor_name', 'e.note AS note'])
          .addSelect(
            `CASE WHEN e.kind = 'intelligence_linked'
                  THEN jsonb_set(e.details, '{reportIds}', ${linkedShown}) ELSE e.details END`,
            'details',
          )
          .from('case_event', 'e')
          .leftJoin('app_user', 'u', 'u.id = e.actor_id')
          .where('e.case_id = :id', { id })
          .andWhere(`(e.kind <> 'intelligence_linked' OR ${linkedShown} <> '[]'::jsonb)`)
          .setParameters(shown.params);
        const page = await paginate(qb, OLDEST_FIRST, q, toEvent);
        await this.audit.record(m, actor, {
          action: 'case.timeline',
          resourceType: 'case',
          resourceId: id,
          subjectIds: row.subject_ids,
          details: { returned: page.items.length },
        });
        return page;
      },
      { read: true },
    );
  }

  // ---------- intelligence ----------

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
    const [report] = await m.query<
      {
        reference: string;
        primary_category: CorruptionCategory;
        secondary_categories: CorruptionCategory[];
        subject_ids: string[];
      }[]
    >(
      // access: by id; the review calls this after its own requireVisible on the report.
      `SELECT r.reference, r.primary_category::text AS primary_category,
              r.secondary_categories::text[] AS secondary_categories,
              ARRAY(SELECT s.workforce_member_id FROM intelligence_subject s
                     WHERE s.report_id = r.id AND s.role = 'subject' ORDER BY s.workforce_member_id)::text[] AS subject_ids
         FROM intelligence_report r WHERE r.id = $1`,
      [reportId],
    );
    if (!report) throw problems.notFound('intelligence report');
    let caseId: string;
    let subjectIds: string[];
    const created = !target.caseId;
    if (target.caseId) {
      // A case the reviewer may not see reads exactly as a missing one: the same field error.
      const params: unknown[] = [target.caseId];
      const [row] = await m.query<{ id: string; status: CaseStatus; subject_ids: string[] }[]>(
        `SELECT c.id, c.status,
                ARRAY(SELECT s.workforce_member_id FROM case_subject s WHERE s.case_id = c.id ORDER BY s.workforce_member_id)::text[] AS subject_ids
           FROM case_record c WHERE c.id = $1 AND ${visibleTo(actor, RecordKind.Case, 'c').sql(params)}
            FOR UPDATE OF c`,
        params,
      );
      if (!row) throw problems.invalid('caseId', 'exists', 'caseId does not name a case you can see');
      if (row.status === CaseStatus.Closed) {
        throw problems.conflict('case_closed', 'A closed case cannot take new intelligence');
      }
      caseId = row.id;
      subjectIds = row.subject_ids;
      await m.query(`UPDATE case_record SET version = version + 1, updated_at = now() WHERE id = $1`, [
        caseId,
      ]);
    } else {
      if (report.subject_ids.length === 0) {
        throw problems.unprocessable(
          'report_has_no_subjects',
          'The report names no subject: refer it to an existing case, or identify the subject first',
        );
      }
      subjectIds = report.subject_ids;
      caseId = await this.createIn(m, actor, {
        caseType: target.caseType ?? CaseType.Misconduct,
        matterType: target.matterType ?? MatterType.ConductMatter,
        // No reference in free text (it would outlive the link's visibility): the link is stored, and the
        // case shows it through the access policy (intelligenceReportIds).
        allegationSummary: 'Opened from an intelligence report on review (see the linked intelligence)',
        primaryCategory: report.primary_category,
        categories: report.secondary_categories,
        subjectIds,
        supervisorId: hasRole(actor, Role.Supervisor) ? actor.userId : null,
      });
    }
    await this.linkIntelligence(m, actor, caseId, [reportId]);
    await this.audit.record(m, actor, {
      action: created ? 'case.create' : 'case.link_intelligence',
      resourceType: 'case',
      resourceId: caseId,
      subjectIds,
      details: { reportId, via: 'intelligence.review' },
    });
    return { caseId, created };
  }

  // ---------- helpers ----------

  /**
   * Runs work in a transaction (with `read`, as an audited read: `Transactions.read`). The work's `locate`
   * answers a case that is missing or hidden alike (AccessService.requireVisible: the same 404, the same denied
   * audit row).
   */
  private guarded<T>(
    _actor: Actor,
    _id: string,
    _action: string,
    work: (m: EntityManager) => Promise<T>,
    options: { read?: boolean } = {},
  ): Promise<T> {
    return options.read ? this.tx.read(work) : this.tx.run(work);
  }

  /**
   * The case for a read or an action by id, behind the access policy's one gate (`requireVisible`: a 404 and
   * a denied audit row, whether the case is missing or hidden), then its row (locked for an action).
   */
  private async locate(
    m: EntityManager,
    actor: Actor,
    id: string,
    action: string,
    lock = false,
  ): Promise<CaseRow> {
    await this.access.requireVisible(m, actor, RecordKind.Case, id, action);
    const [row] = await m.query<CaseRow[]>(
      // access: by id after requireVisible.
      `SELECT c.id, c.reference, c.status, c.case_type, c.suspended_from, c.referral_required,
              c.referral_criteria_met::text[] AS referral_criteria_met, c.no_referral_reason, c.supervisor_id, c.version,
              ARRAY(SELECT s.workforce_member_id FROM case_subject s WHERE s.case_id = c.id ORDER BY s.workforce_member_id)::text[] AS subject_ids,
              EXISTS (SELECT 1 FROM iopc_referral r WHERE r.case_id = c.id) AS has_referral
         FROM case_record c WHERE c.id = $1 ${lock ? 'FOR UPDATE OF c' : ''}`,
      [id],
    );
    // Cases are never deleted: a row that requireVisible saw is still there.
    if (!row) throw problems.notFound('case');
    return row;
  }

  private assertWritable(row: CaseRow, version?: number): void {
    if (version !== undefined && version !== row.version) throw problems.staleVersion();
    if (row.status === CaseStatus.Closed)
      throw problems.conflict('case_closed', 'A closed case cannot be changed');
  }

  private async assertNotFuture(m: EntityManager, field: string, date: string): Promise<void> {
    const [{ future }] = await m.query<{ future: boolean }[]>(`SELECT $1::date > ${LOCAL_TODAY} AS future`, [
      date,
    ]);
    if (future) throw problems.invalid(field, 'notInFuture', `${field} cannot be in the future`);
  }

  private async assertSubjects(m: EntityManager, actor: Actor, subjectIds: string[]): Promise<void> {
    const found = await m.query<{ id: string }[]>(
      `SELECT id FROM workforce_member WHERE id = ANY($1::uuid[])`,
      [subjectIds],
    );
    if (found.length !== subjectIds.length) {
      throw problems.invalid(
        'subjectIds',
        'exists',
        'subjectIds names a workforce member that does not exist',
      );
    }
    if (actor.workforceMemberId && subjectIds.includes(actor.workforceMemberId)) {
      throw problems.unprocessable('conflict_of_interest', 'You cannot record a case about yourself');
    }
  }

  private async assertAssignees(
    m: EntityManager,
    investigatorId: string | null,
    supervisorId: string | null,
    subjectIds: string[],
  ): Promise<void> {
    const check = async (field: string, userId: string | null, roles: Role[]): Promise<void> => {
      if (!userId) return;
      const [user] = await m.query<{ roles: Role[]; enabled: boolean; workforce_member_id: string | null }[]>(
        `SELECT roles::text[] AS roles, enabled, workforce_member_id FROM app_user WHERE id = $1`,
        [userId],
      );
      if (!user || !user.enabled || !roles.some((r) => user.roles.includes(r))) {
        throw problems.invalid(
          field,
          'isCaseWorker',
          `${field} must name an enabled user with role ${roles.join(' or ')}`,
        );
      }
      if (user.workforce_member_id && subjectIds.includes(user.workforce_member_id)) {
        throw problems.unprocessable('assignee_conflict_of_interest', `${field} names a subject of the case`);
      }
    };
    await check('investigatorId', investigatorId, [Role.Analyst, Role.Supervisor]);
    await check('supervisorId', supervisorId, [Role.Supervisor]);
  }

  /**
   * Links intelligence reports to the case. Each must exist and be visible to the actor under the
   * intelligence module's conflict-of-interest rule (a report about the actor is refused like a missing one).
   */
  /**
   * Sets the case's links to the reports the caller can see to `wanted`. Links to reports hidden from the
   * caller are neither theirs to see nor to remove: they stay. A report referred to this case by its review
   * stays linked (the link is the referral's other half): unlinking a visible one is a 409; a hidden one is
   * never touched, so its existence shows in no answer. Returns the ids linked and unlinked, for the audit row.
   */
  private async replaceVisibleLinks(
    m: EntityManager,
    actor: Actor,
    id: string,
    wanted: string[],
  ): Promise<{ added: string[]; removed: string[] }> {
    const params: unknown[] = [id];
    const current = await m.query<{ id: string; referred: boolean }[]>(
      `SELECT r.id, r.referred_case_id IS NOT DISTINCT FROM ci.case_id AS referred
         FROM case_intelligence ci JOIN intelligence_report r ON r.id = ci.report_id
        WHERE ci.case_id = $1 AND ${visibleTo(actor, RecordKind.IntelligenceReport, 'r').sql(params)}`,
      params,
    );
    const { added, removed } = linkChanges(
      current.map((r) => r.id),
      wanted,
    );
    if (current.some((r) => r.referred && removed.includes(r.id))) {
      throw problems.conflict(
        'referral_link',
        'A report referred to this case by its review cannot be unlinked from the case',
      );
    }
    if (removed.length) {
      await m.query(
        // access: deletes only the links just selected through the policy.
        `DELETE FROM case_intelligence WHERE case_id = $1 AND report_id = ANY($2::uuid[])`,
        [id, removed],
      );
    }
    await this.linkIntelligence(m, actor, id, added);
    return { added, removed };
  }

  private async linkIntelligence(
    m: EntityManager,
    actor: Actor,
    id: string,
    reportIds: string[],
  ): Promise<void> {
    if (reportIds.length === 0) return;
    const params: unknown[] = [reportIds];
    const visible = await m.query<{ id: string }[]>(
      `SELECT r.id FROM intelligence_report r
        WHERE r.id = ANY($1::uuid[]) AND ${visibleTo(actor, RecordKind.IntelligenceReport, 'r').sql(params)}`,
      params,
    );
    if (visible.length !== new Set(reportIds).size) {
      throw problems.invalid(
        'intelligenceReportIds',
        'exists',
        'intelligenceReportIds names an intelligence report that does not exist or that you cannot see',
      );
    }
    const { rows } = await execute<{ report_id: string }>(
      m,
      `INSERT INTO case_intelligence (case_id, report_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING RETURNING report_id`,
      [id, reportIds],
    );
    if (rows.length)
      await this.event(m, actor, id, CaseEventKind.IntelligenceLinked, {
        reportIds: rows.map((r) => r.report_id),
      });
  }

  private async event(
    m: EntityManager,
    actor: Actor,
    caseId: string,
    kind: CaseEventKind,
    details: Record<string, unknown>,
    note: string | null = null,
  ): Promise<string> {
    const [{ id }] = await m.query<{ id: string }[]>(
      // access: appends an event to a case the caller passed requireVisible for (or just created).
      `INSERT INTO case_event (case_id, kind, actor_id, details, note) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [caseId, kind, actor.userId, details, note],
    );
    return id;
  }

  private outcomeProblem(violations: { code: string; field: string; message: string }[]): ProblemException {
    return new ProblemException({
      status: HttpStatus.UNPROCESSABLE_ENTITY,
      code: 'outcome_not_allowed',
      detail: `The regulations do not allow this outcome: ${violations.map((v) => v.code).join(', ')}`,
      errors: violations.map((v) => ({ field: v.field, rule: v.code, message: v.message })),
      extensions: { rules: violations.map((v) => v.code) },
    });
  }

  /** The full view of one case (the caller has checked visibility). */
  private async view(m: EntityManager, id: string, actor: Actor): Promise<CaseView> {
    const [r] = await m.query<Row[]>(`SELECT ${CASE_COLUMNS} FROM case_record c WHERE c.id = $1`, [id]);
    const caseType = r.case_type as CaseType;
    const subjects = await m.query<Row[]>(
      `SELECT w.id, w.staff_number, w.given_name || ' ' || w.family_name AS name, w.member_type
         FROM case_subject s JOIN workforce_member w ON w.id = s.workforce_member_id
        WHERE s.case_id = $1 ORDER BY w.id`,
      [id],
    );
    const [referral] = await m.query<Row[]>(
      `SELECT ${REFERRAL_COLUMNS} FROM iopc_referral r WHERE r.case_id = $1`,
      [id],
    );
    const history = await m.query<Row[]>(
      `SELECT severity, reason, assessed_by, assessed_at FROM case_severity_assessment WHERE case_id = $1 ORDER BY assessed_at, id`,
      [id],
    );
    const outcomes = await m.query<Row[]>(
      `SELECT ${OUTCOME_COLUMNS} FROM case_subject_outcome o WHERE o.case_id = $1 ORDER BY o.workforce_member_id`,
      [id],
    );
    // Linked reports the actor may see (a report naming the actor, e.g. as an associate, is left out).
    const intelParams: unknown[] = [id];
    const intel = await m.query<{ report_id: string }[]>(
      `SELECT ci.report_id FROM case_intelligence ci JOIN intelligence_report r ON r.id = ci.report_id
        WHERE ci.case_id = $1 AND ${visibleTo(actor, RecordKind.IntelligenceReport, 'r').sql(intelParams)}
        ORDER BY ci.linked_at, ci.report_id`,
      intelParams,
    );
    const outcomeViews = outcomes.map((o) => toOutcome(o, caseType));
    const pendingBarred = outcomes
      .filter((o) => needsBarredListEntry(outcomeFacts(o)))
      .map((o) => o.workforce_member_id as string);
    return {
      ...toSummary(r),
      allegationSummary: r.allegation_summary as string,
      breachType: (r.breach_type as CaseView['breachType']) ?? null,
      suspendedFrom: (r.suspended_from as CaseStatus | null) ?? null,
      suspensionReason: (r.suspension_reason as string | null) ?? null,
      subjects: subjects.map((s) => ({
        workforceMemberId: s.id as string,
        staffNumber: s.staff_number as string,
        name: s.name as string,
        memberType: s.member_type as CaseView['subjects'][number]['memberType'],
      })),
      intelligenceReportIds: intel.map((i) => i.report_id),
      referral: {
        referralRequired: r.referral_required as boolean,
        criteriaMet: r.referral_criteria_met as ReferralCriterion[],
        facts: r.referral_facts as ReferralCriterion[],
        referral: referral ? toReferral(referral) : null,
        noReferral: r.no_referral_reason
          ? {
              reason: r.no_referral_reason as string,
              recordedBy: r.no_referral_by as string,
              recordedAt: iso(r.no_referral_at),
            }
          : null,
        blocksInvestigation: (r.referral_required as boolean) && !referral && !r.no_referral_reason,
      },
      severityHistory: history.map((h) => ({
        severity: h.severity as CaseView['severityHistory'][number]['severity'],
        reason: h.reason as string,
        assessedBy: h.assessed_by as string,
        assessedAt: iso(h.assessed_at),
      })),
      outcomes: outcomeViews,
      barredListReminder:
        r.barred_list_reminder_at && pendingBarred.length
          ? { raisedAt: iso(r.barred_list_reminder_at), subjectIds: pendingBarred }
          : null,
      investigationStartedAt: isoOrNull(r.investigation_started_at),
      finalisedAt: isoOrNull(r.finalised_at),
      createdBy: r.created_by as string,
      createdAt: iso(r.created_at),
      updatedAt: iso(r.updated_at),
    };
  }

  /** Every case concerning a workforce member that the actor may see, newest first (for the subject profile). */
  async concerning(m: EntityManager, actor: Actor, memberId: string): Promise<CaseSummaryView[]> {
    const visible = visibleTo(actor, RecordKind.Case, 'c').named();
    const rows = await m
      .createQueryBuilder()
      .select(SUMMARY_COLUMNS)
      .from('case_record', 'c')
      .where(visible.sql, visible.params)
      .andWhere(
        'EXISTS (SELECT 1 FROM case_subject ps WHERE ps.case_id = c.id AND ps.workforce_member_id = :member)',
        {
          member: memberId,
        },
      )
      .orderBy('c.recorded_at', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .getRawMany<Row>();
    return rows.map(toSummary);
  }

  /** The case as the caller now sees it, with the action's audit row (the last statement of the transaction). */
  private async viewAudited(
    m: EntityManager,
    actor: Actor,
    id: string,
    subjectIds: string[],
    action: string,
    details?: Record<string, unknown>,
  ): Promise<CaseView> {
    const view = await this.view(m, id, actor);
    await this.audit.record(m, actor, { action, resourceType: 'case', resourceId: id, subjectIds, details });
    return view;
  }
}

// access: the note just written (addNote, after locate); timeline reads filter with visibleTo.
const TIMELINE_SELECT = `SELECT e.id, e.kind, e.occurred_at, e.actor_id, u.display_name AS actor_name, e.details, e.note
  FROM case_event e LEFT JOIN app_user u ON u.id = e.actor_id`;

function toEvent(r: Row): TimelineEventView {
  return {
    id: r.id as string,
    kind: r.kind as CaseEventKind,
    occurredAt: iso(r.occurred_at),
    actorId: (r.actor_id as string | null) ?? null,
    actorName: (r.actor_name as string | null) ?? null,
    details: r.details as Record<string, unknown>,
    note: (r.note as string | null) ?? null,
  };
}
