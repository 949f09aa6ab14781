import { BUSINESS_TIME_ZONE } from '../../common/clock.js';
import { Injectable } from '@nestjs/common';
import { type Insertable, sql, type SqlBool, type UpdateObject } from 'kysely';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import type { CorruptionCategory } from '../../common/domain/corruption-category.js';
import { type Keyset, type Page, pageOf } from '../../common/pagination.js';
import type { CaseRecord, DB } from '../../database/db.js';
import { affected, all, db, execute, first, one } from '../../database/sql.js';
import { RecordKind, visibleTo } from '../access/access.policy.js';
import { CaseStatus, type ReferralCriterion } from './cases.enums.js';
import type { CaseQuery } from './dto/case-query.dto.js';

/** The case list's filters, the financial year as its start year (`2017` for `2017/18`). */
export type CaseListFilter = Omit<CaseQuery, 'financialYear'> & { financialYear?: number };

/** The business calendar's time zone, as an SQL literal. */
const LONDON = sql.lit(BUSINESS_TIME_ZONE);

const NEWEST_FIRST: Keyset = {
  columns: [
    { expr: 'c.recorded_at', type: 'timestamptz' },
    { expr: 'c.id', type: 'uuid' },
  ],
  direction: 'DESC',
};

const updateOverdue = (today: string) =>
  sql<boolean>`(c.status <> ${CaseStatus.Closed} AND c.next_update_due < ${today}::date)`;
const pastPccMark = (today: string) =>
  sql<boolean>`(c.status <> ${CaseStatus.Closed} AND c.pcc_report_due <= ${today}::date)`;
/** The case's subjects, sorted (the row aliased `c`). */
// access: a fragment of queries that apply visibleTo or follow requireVisible.
const subjectIds = sql<string[]>`ARRAY(SELECT s.workforce_member_id FROM case_subject s
  WHERE s.case_id = c.id ORDER BY s.workforce_member_id)::text[]`;
/**
 * The UK date the matter came to the force's attention (given or derived when the case was created; the recorded
 * date when a row has none): it fixes the regime.
 */
const matterOn = sql<string>`COALESCE(c.came_to_attention_on, (c.recorded_at AT TIME ZONE ${LONDON})::date)::text`;

/** The columns of a case in a list, as of `today` (the London date: overdue updates, the 12-month mark). */
const summaryQuery = (today: string) =>
  // access: callers add visibleTo or select by id after requireVisible.
  db.selectFrom('case_record as c').select((eb) => [
    'c.id',
    'c.reference',
    'c.case_type',
    'c.matter_type',
    'c.status',
    'c.primary_category',
    sql<CorruptionCategory[]>`c.categories::text[]`.as('categories'),
    'c.investigator_id',
    'c.supervisor_id',
    'c.severity',
    'c.referral_required',
    'c.recorded_at',
    'c.recorded_financial_year',
    'c.last_update_at',
    sql<string>`c.next_update_due::text`.as('next_update_due'),
    sql<string>`c.pcc_report_due::text`.as('pcc_report_due'),
    updateOverdue(today).as('update_overdue'),
    pastPccMark(today).as('past_pcc_mark'),
    'c.version',
    // access: the listed case's own referral.
    eb
      .selectFrom('iopc_referral as r')
      .whereRef('r.case_id', '=', 'c.id')
      .select('r.decision')
      .as('iopc_decision'),
    subjectIds.as('subject_ids'),
  ]);

export type CaseSummaryRow = Awaited<ReturnType<CasesRepository['concerning']>>[number];
export type CaseDetailRow = NonNullable<Awaited<ReturnType<CasesRepository['detail']>>>;
export type CaseGateRow = NonNullable<Awaited<ReturnType<CasesRepository['gateRow']>>>;

/** The case record and its subjects and intelligence links: the cases module's own tables. */
@Injectable()
export class CasesRepository {
  /** A page of the cases `actor` may see, newest first, filtered. */
  async list(
    tx: EntityManager,
    actor: Actor,
    q: CaseListFilter,
    at: { today: string; now: Date },
  ): Promise<Page<CaseSummaryRow>> {
    const query = summaryQuery(at.today)
      .where(visibleTo(actor, RecordKind.Case, 'c').expr())
      .$if(!!q.status, (qb) => qb.where('c.status', '=', q.status!))
      .$if(!!q.caseType, (qb) => qb.where('c.case_type', '=', q.caseType!))
      .$if(!!q.category, (qb) =>
        qb.where(sql<SqlBool>`c.categories @> ARRAY[${q.category}::corruption_category]`),
      )
      .$if(!!q.investigatorId, (qb) => qb.where('c.investigator_id', '=', q.investigatorId!))
      .$if(!!q.investigator, (qb) => qb.where('c.investigator_id', '=', q.investigator!))
      .$if(!!q.supervisorId, (qb) => qb.where('c.supervisor_id', '=', q.supervisorId!))
      .$if(!!q.workforceMemberId, (qb) =>
        qb.where((eb) =>
          eb.exists(
            eb
              .selectFrom('case_subject as fs')
              .select(sql.lit(1).as('one'))
              .whereRef('fs.case_id', '=', 'c.id')
              .where('fs.workforce_member_id', '=', q.workforceMemberId!),
          ),
        ),
      )
      .$if(!!q.iopcDecision, (qb) =>
        qb.where((eb) =>
          eb.exists(
            eb
              .selectFrom('iopc_referral as fr')
              .select(sql.lit(1).as('one'))
              .whereRef('fr.case_id', '=', 'c.id')
              .where('fr.decision', '=', q.iopcDecision!),
          ),
        ),
      )
      .$if(q.overdueUpdate !== undefined, (qb) =>
        qb.where(q.overdueUpdate ? updateOverdue(at.today) : sql<SqlBool>`NOT ${updateOverdue(at.today)}`),
      )
      .$if(q.pastPccMark !== undefined, (qb) =>
        qb.where(q.pastPccMark ? pastPccMark(at.today) : sql<SqlBool>`NOT ${pastPccMark(at.today)}`),
      )
      .$if(q.referralRequired !== undefined, (qb) =>
        qb.where('c.referral_required', '=', !!q.referralRequired),
      )
      .$if(q.minAgeDays !== undefined, (qb) =>
        qb.where(
          sql<SqlBool>`c.recorded_at <= ${at.now}::timestamptz - make_interval(days => ${q.minAgeDays}::int)`,
        ),
      )
      .$if(q.financialYear !== undefined, (qb) =>
        qb.where('c.recorded_financial_year', '=', q.financialYear!),
      );
    return pageOf(tx, query, NEWEST_FIRST, q, (row) => row);
  }

  /** Every case concerning a workforce member that `actor` may see, newest first. */
  async concerning(tx: EntityManager, actor: Actor, memberId: string, today: string) {
    return all(
      tx,
      summaryQuery(today)
        .where(visibleTo(actor, RecordKind.Case, 'c').expr())
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('case_subject as ps')
              .select(sql.lit(1).as('one'))
              .whereRef('ps.case_id', '=', 'c.id')
              .where('ps.workforce_member_id', '=', memberId),
          ),
        )
        .orderBy('c.recorded_at', 'desc')
        .orderBy('c.id', 'desc'),
    );
  }

  /** Everything the full view of a case shows from its own row (the caller has checked visibility). */
  async detail(tx: EntityManager, id: string, today: string) {
    // access: by id after requireVisible (or the case just created).
    return first(
      tx,
      summaryQuery(today)
        .select([
          'c.allegation_summary',
          'c.breach_type',
          'c.suspended_from',
          'c.suspension_reason',
          sql<ReferralCriterion[]>`c.referral_facts::text[]`.as('referral_facts'),
          sql<ReferralCriterion[]>`c.referral_criteria_met::text[]`.as('referral_criteria_met'),
          'c.no_referral_reason',
          'c.no_referral_by',
          'c.no_referral_at',
          'c.investigation_started_at',
          'c.finalised_at',
          'c.barred_list_reminder_at',
          'c.created_by',
          'c.created_at',
          'c.updated_at',
          matterOn.as('matter_on'),
        ])
        .where('c.id', '=', id),
    );
  }

  /** The case row the services' rules work with, by id (locked for an action). */
  async gateRow(tx: EntityManager, id: string, lock: boolean) {
    // access: by id after requireVisible.
    return first(
      tx,
      db
        .selectFrom('case_record as c')
        .select((eb) => [
          'c.id',
          'c.reference',
          'c.status',
          'c.case_type',
          'c.suspended_from',
          'c.referral_required',
          sql<ReferralCriterion[]>`c.referral_criteria_met::text[]`.as('referral_criteria_met'),
          'c.no_referral_reason',
          'c.supervisor_id',
          'c.version',
          subjectIds.as('subject_ids'),
          // access: the located case's own referral.
          eb
            .exists(
              eb
                .selectFrom('iopc_referral as r')
                .select(sql.lit(1).as('one'))
                .whereRef('r.case_id', '=', 'c.id'),
            )
            .as('has_referral'),
          matterOn.as('matter_on'),
        ])
        .where('c.id', '=', id)
        .$if(lock, (qb) => qb.forUpdate('c')),
    );
  }

  /** A case `actor` may see, locked, for a referral from intelligence (undefined when missing or hidden). */
  async visibleForReferral(tx: EntityManager, actor: Actor, id: string) {
    return first(
      tx,
      db
        .selectFrom('case_record as c')
        .select(['c.id', 'c.status', subjectIds.as('subject_ids')])
        .where('c.id', '=', id)
        .where(visibleTo(actor, RecordKind.Case, 'c').expr())
        .forUpdate('c'),
    );
  }

  /** The id and reference of each of `ids` that is a case `actor` may see (for other modules' references). */
  async visibleReferences(tx: EntityManager, actor: Actor, ids: readonly string[]) {
    if (ids.length === 0) return [];
    return all(
      tx,
      db
        .selectFrom('case_record as c')
        .select(['c.id', 'c.reference'])
        .where('c.id', 'in', [...new Set(ids)])
        .where(visibleTo(actor, RecordKind.Case, 'c').expr()),
    );
  }

  /** Inserts a case under `reference`; undefined when the reference is taken (then drawn again). */
  async insert(tx: EntityManager, values: Insertable<CaseRecord>): Promise<string | undefined> {
    // access: a new case, written by the caller (nothing to hide yet).
    const row = await first(
      tx,
      db
        .insertInto('case_record')
        .values(values)
        .onConflict((oc) => oc.column('reference').doNothing())
        .returning('id'),
    );
    return row?.id;
  }

  /** Adds subjects to the case (those it already has stay). */
  async addSubjects(tx: EntityManager, caseId: string, memberIds: readonly string[]): Promise<void> {
    if (memberIds.length === 0) return;
    // access: the subjects of a case just created or passed through requireVisible.
    await execute(
      tx,
      db
        .insertInto('case_subject')
        .values(memberIds.map((m) => ({ case_id: caseId, workforce_member_id: m })))
        .onConflict((oc) => oc.columns(['case_id', 'workforce_member_id']).doNothing()),
    );
  }

  async removeSubjects(tx: EntityManager, caseId: string, memberIds: readonly string[]): Promise<void> {
    // access: a case passed through requireVisible.
    await execute(
      tx,
      db
        .deleteFrom('case_subject')
        .where('case_id', '=', caseId)
        .where('workforce_member_id', 'in', [...memberIds]),
    );
  }

  /**
   * Per subject of a case not closed: the users working on those cases (investigator, supervisor). For ICT
   * monitoring's set-based rule, evaluated by the system, not for a user (no record content leaves: ids only).
   */
  openCaseTeams(tx: EntityManager) {
    return all(
      tx,
      // access: a system rule's input (member and user ids, no case content), read by no user.
      sql<{ subject_id: string; user_ids: string[] }>`
        SELECT s.workforce_member_id AS subject_id,
               array_remove(array_agg(DISTINCT c.investigator_id) || array_agg(DISTINCT c.supervisor_id), NULL)
                 AS user_ids
          FROM case_subject s JOIN case_record c ON c.id = s.case_id
         WHERE c.status <> ${CaseStatus.Closed}::case_status
         GROUP BY s.workforce_member_id`.compile(db),
    );
  }

  /** The case's assignees and classification, as an update starts from them. */
  async current(tx: EntityManager, id: string) {
    // access: by id after requireVisible.
    return one(
      tx,
      db
        .selectFrom('case_record as c')
        .select([
          'c.investigator_id',
          'c.supervisor_id',
          'c.primary_category',
          sql<CorruptionCategory[]>`c.categories::text[]`.as('categories'),
          sql<ReferralCriterion[]>`c.referral_facts::text[]`.as('referral_facts'),
        ])
        .where('c.id', '=', id),
    );
  }

  /**
   * Changes the case: the given columns, a new version and `updated_at`. The database's instants (`now()`)
   * stay the database's for `updated_at` and the columns given as `NOW`.
   */
  async change(tx: EntityManager, id: string, set: CaseChange = {}): Promise<void> {
    // access: by id after requireVisible.
    await execute(
      tx,
      db
        .updateTable('case_record')
        .set((eb) => ({
          ...set,
          version: eb('version', '+', 1),
          updated_at: sql<Date>`now()`,
        }))
        .where('id', '=', id),
    );
  }

  /** Moves the case to `to`, with what the action also records (the instants are the database's). */
  async setStatus(
    tx: EntityManager,
    id: string,
    to: CaseStatus,
    also: {
      startInvestigation?: boolean;
      suspend?: { from: CaseStatus; reason: string };
      resume?: boolean;
      finalise?: boolean;
    },
  ): Promise<void> {
    // access: by id after requireVisible.
    await this.change(tx, id, {
      status: to,
      ...(also.startInvestigation
        ? { investigation_started_at: sql<Date>`COALESCE(investigation_started_at, now())` }
        : {}),
      ...(also.suspend
        ? { suspended_from: also.suspend.from, suspension_reason: also.suspend.reason, ever_suspended: true }
        : {}),
      ...(also.resume ? { suspended_from: null, suspension_reason: null } : {}),
      ...(also.finalise ? { finalised_at: sql<Date>`now()` } : {}),
    });
  }

  /** A supervisor's record of why a case that meets the criteria was not referred. */
  async recordNoReferral(tx: EntityManager, id: string, reason: string, by: string): Promise<void> {
    // access: by id after requireVisible.
    await this.change(tx, id, {
      no_referral_reason: reason,
      no_referral_by: by,
      no_referral_at: sql<Date>`now()`,
    });
  }

  /** Records a progress update given at `givenAt` (now when absent); the latest one counts. */
  async updateGiven(tx: EntityManager, id: string, givenAt: string | null): Promise<void> {
    // access: by id after requireVisible.
    await this.change(tx, id, {
      last_update_at: sql<Date>`GREATEST(last_update_at, COALESCE(${givenAt}::timestamptz, now()))`,
    });
  }

  /** Raises (`true`) or clears the case's Barred List reminder, when it is not so already. */
  async setBarredListReminder(tx: EntityManager, id: string, raised: boolean): Promise<void> {
    // access: by id after requireVisible.
    await execute(
      tx,
      db
        .updateTable('case_record')
        .set({ barred_list_reminder_at: raised ? sql<Date>`now()` : null })
        .where('id', '=', id)
        .where('barred_list_reminder_at', raised ? 'is' : 'is not', null),
    );
  }

  // ---------- intelligence links ----------

  /** The reports linked to the case, in the order they were linked. */
  async linkedReportIds(tx: EntityManager, caseId: string): Promise<string[]> {
    // access: the case after requireVisible; the caller keeps only the reports the actor may see.
    const rows = await all(
      tx,
      db
        .selectFrom('case_intelligence')
        .select('report_id')
        .where('case_id', '=', caseId)
        .orderBy('linked_at')
        .orderBy('report_id'),
    );
    return rows.map((r) => r.report_id);
  }

  /** Links reports to the case; answers those newly linked. */
  async link(tx: EntityManager, caseId: string, reportIds: readonly string[]): Promise<string[]> {
    if (reportIds.length === 0) return [];
    // access: the caller checked the reports visible and the case through requireVisible (or created it).
    const rows = await all(
      tx,
      db
        .insertInto('case_intelligence')
        .values([...new Set(reportIds)].map((r) => ({ case_id: caseId, report_id: r })))
        .onConflict((oc) => oc.doNothing())
        .returning('report_id'),
    );
    return rows.map((r) => r.report_id);
  }

  async unlink(tx: EntityManager, caseId: string, reportIds: readonly string[]): Promise<number> {
    if (reportIds.length === 0) return 0;
    // access: deletes only the links the caller selected through the policy.
    return affected(
      tx,
      db
        .deleteFrom('case_intelligence')
        .where('case_id', '=', caseId)
        .where('report_id', 'in', [...reportIds]),
    );
  }
}

/** Columns an action may set on the case row (besides the version and `updated_at`, always set). */
export type CaseChange = Omit<UpdateObject<DB, 'case_record'>, 'id' | 'version' | 'updated_at'>;
