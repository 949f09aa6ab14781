import { Injectable } from '@nestjs/common';
import { type InferResult, type RawBuilder, sql, type SqlBool } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import type { CorruptionCategory } from '../../common/domain/corruption-category.js';
import { affected, all, db, execute, first, fixedStatement, type Placeholders } from '../../database/sql.js';
import { RecordKind, visibleTo } from '../access/access.policy.js';
import type { AuditInsert, AuditValues } from '../audit/audit.service.js';
import type { ReferralSnapshot } from '../cases/linked-reports.port.js';
import {
  type GradingScheme,
  type ReceiptMethod,
  type SourceType,
  SubjectRole,
} from './intelligence.enums.js';

/** The access policy's rule on a report aliased `alias`, as a Kysely condition. */
export const reportVisible = (actor: Actor, alias: string) =>
  visibleTo(actor, RecordKind.IntelligenceReport, alias).expr();

/** What the queue, the search and the profile show of a report (unqualified: they name the report's own row). */
export const ITEM_COLUMNS = [
  'id',
  'reference',
  'state',
  'received_at',
  'primary_category',
  'grading_scheme',
  'source_evaluation',
  'intelligence_assessment',
  'handling_code',
  'vulnerable_person',
  'urgency_rank',
  'assignee_id',
] as const;

/** The rest of a report's own row, for the full view. */
const REPORT_COLUMNS = [
  ...ITEM_COLUMNS,
  'receipt_method',
  'source_type',
  'source_details',
  'handling_conditions',
  'vulnerable_person_note',
  'narrative',
  'recorded_by',
  'assigned_at',
  'assigned_by',
  'submitted_at',
  'submitted_by',
  'reviewed_at',
  'reviewed_by',
  'decision',
  'version',
  'created_at',
  'updated_at',
  'referred_case_id',
] as const;

/**
 * Enum arrays and dates as pg cannot parse them by itself: the categories as JSON (node-postgres parses json
 * with the native JSON.parse, a text[] literal in JavaScript, and a queue page has one per item), dates as
 * YYYY-MM-DD.
 */
export const secondaryCategories = () =>
  sql<CorruptionCategory[]>`to_json(secondary_categories)`.as('secondary_categories');
export const reviewDate = () => sql<string | null>`review_date::text`.as('review_date');

/** A report's subjects (ids and roles; their names come from the workforce module). */
// access: a part of the report `r`, in queries that read `r` through the policy or by id after the gate.
export const subjectsOf = () =>
  jsonArrayFrom(
    db
      .selectFrom('intelligence_subject as s')
      .select(['s.workforce_member_id', 's.role'])
      .where(sql<SqlBool>`s.report_id = r.id`),
  ).as('subjects');

/** The ids of report `r`'s subjects. */
// access: a part of the report `r`, read by id after the gate.
const subjectIdsOf = () =>
  sql<string[]>`ARRAY(SELECT s.workforce_member_id
                        FROM intelligence_subject s WHERE s.report_id = r.id)::text[]`.as('subject_ids');

/**
 * Possible duplicates of report `r` (stored either way round) that the caller may see, looked for only where
 * the report has some (`duplicate_count`, kept by a trigger: sql/intelligence_duplicate_count.sql).
 */
export const duplicatesOf = (actor: Actor) => {
  const visible = jsonArrayFrom(
    db
      .selectFrom('intelligence_duplicate as d')
      .innerJoin('intelligence_report as o', (join) =>
        join.on(
          sql<SqlBool>`o.id = CASE WHEN d.report_id = r.id THEN d.related_report_id ELSE d.report_id END`,
        ),
      )
      .select(['o.id', 'o.reference'])
      .where(sql<SqlBool>`(d.report_id = r.id OR d.related_report_id = r.id)`)
      .where(reportVisible(actor, 'o'))
      .orderBy('o.received_at')
      .orderBy('o.id'),
  );
  return sql<
    { id: string; reference: string }[]
  >`CASE WHEN r.duplicate_count = 0 THEN '[]'::json ELSE ${visible} END`.as('duplicates');
};

/** Reports linked to report `r` (either direction) that the caller may see. */
const linksOf = (actor: Actor) =>
  jsonArrayFrom(
    db
      .selectFrom('intelligence_link as l')
      .innerJoin('intelligence_report as o', (join) =>
        join.on(
          sql<SqlBool>`o.id = CASE WHEN l.report_id = r.id THEN l.linked_report_id ELSE l.report_id END`,
        ),
      )
      .select(['o.id', 'o.reference'])
      .where(sql<SqlBool>`(l.report_id = r.id OR l.linked_report_id = r.id)`)
      .where(reportVisible(actor, 'o'))
      .orderBy('o.received_at')
      .orderBy('o.id'),
  ).as('links');

/** The full report by id (the caller has passed the gate): its row with subjects, duplicates and links. */
// access: by id after the gate; the reports it points at go through the policy (duplicatesOf, linksOf).
const reportQuery = (actor: Actor, id: string) =>
  db
    .selectFrom('intelligence_report as r')
    .select([
      ...REPORT_COLUMNS,
      secondaryCategories(),
      reviewDate(),
      subjectsOf(),
      duplicatesOf(actor),
      linksOf(actor),
    ])
    .where('r.id', '=', id);

export type ReportRow = InferResult<ReturnType<typeof reportQuery>>[number];

/** A new report's columns, every one given (so that the insert's text is the same for every report). */
export interface NewReport {
  reference: string;
  receivedAt: string;
  receiptMethod: ReceiptMethod;
  sourceType: SourceType;
  sourceDetails: string | null;
  scheme: GradingScheme;
  sourceEvaluation: string;
  intelligenceAssessment: string;
  handlingCode: string;
  handlingConditions: string | null;
  primaryCategory: CorruptionCategory;
  secondaryCategories: CorruptionCategory[];
  vulnerablePerson: boolean;
  vulnerablePersonNote: string | null;
  narrative: string;
  recordedBy: string;
}

/** A new report's values, or a `fixedStatement`'s placeholders for them. */
type ValuesOrPlaceholders<V> = { [K in keyof V]: V[K] | RawBuilder<V[K]> };

/** A change to a report's own columns: only what is given changes. */
export type ReportChanges = Partial<Omit<NewReport, 'reference' | 'recordedBy'>>;

export interface NewSubject {
  workforceMemberId: string;
  role: SubjectRole;
}

/**
 * The intelligence tables' SQL: a report, its subjects, links, possible duplicates, assessments and reviews.
 * Callers apply the access policy first (`AccessService.requireVisible`) for anything addressed by id; the
 * reports a report points at are filtered here with `visibleTo`.
 */
@Injectable()
export class IntelligenceRepository {
  // ------------------------------------------------------------ the report

  /**
   * The insert of a new report, returned whole; a taken reference inserts nothing (ON CONFLICT on its unique
   * index) and the caller draws another.
   */
  private insert(report: ValuesOrPlaceholders<NewReport>) {
    // access: a new report, written by the caller (nothing to hide yet).
    return db
      .insertInto('intelligence_report')
      .values({
        reference: report.reference,
        received_at: report.receivedAt,
        receipt_method: report.receiptMethod,
        source_type: report.sourceType,
        source_details: report.sourceDetails,
        grading_scheme: report.scheme,
        source_evaluation: report.sourceEvaluation,
        intelligence_assessment: report.intelligenceAssessment,
        handling_code: report.handlingCode,
        handling_conditions: report.handlingConditions,
        primary_category: report.primaryCategory,
        secondary_categories: report.secondaryCategories,
        vulnerable_person: report.vulnerablePerson,
        vulnerable_person_note: report.vulnerablePersonNote,
        narrative: report.narrative,
        recorded_by: report.recordedBy,
      })
      .onConflict((oc) => oc.column('reference').doNothing())
      .returning([...REPORT_COLUMNS, secondaryCategories(), reviewDate()]);
  }

  /** Records a report inside a unit of work; undefined when its reference was taken. */
  create(tx: EntityManager, report: NewReport) {
    return first(tx, this.insert(report));
  }

  /**
   * The report and its audit row as one statement (for `Transactions.write(statement)`), compiled once: the
   * insert is a CTE, `audited` (AuditService.insertFrom over `created`) a data-modifying CTE of it, so both
   * commit together. Bound with the report's values and the audit row's (AuditService.valuesOf).
   */
  createAudited(audited: (p: Placeholders<AuditValues>) => AuditInsert) {
    return fixedStatement((p: Placeholders<NewReport & AuditValues>) =>
      db
        .with('created', () => this.insert(p))
        .with('audited', () => audited(p))
        .selectFrom('created')
        .selectAll(),
    );
  }

  /**
   * The report's state for an action or a read, after `requireVisible`; `lock` holds the row for the action.
   * Reports are never deleted, so a row the gate saw is still there.
   */
  gate(tx: EntityManager, id: string, lock: boolean) {
    // access: by id after requireVisible.
    return first(
      tx,
      db
        .selectFrom('intelligence_report as r')
        .select([
          'r.state',
          'r.decision',
          'r.version',
          'r.recorded_by',
          'r.assignee_id',
          'r.grading_scheme',
          'r.handling_code',
          'r.primary_category',
          secondaryCategories(),
          subjectIdsOf(),
        ])
        .where('r.id', '=', id)
        .$if(lock, (q) => q.forUpdate()),
    );
  }

  /** The full report (the caller has passed the gate); linked reports and duplicates through the policy. */
  load(tx: EntityManager, actor: Actor, id: string): Promise<ReportRow | undefined> {
    return first(tx, reportQuery(actor, id));
  }

  /** Changes the given columns if `version` is current; false when it is stale. */
  async update(tx: EntityManager, id: string, version: number, changes: ReportChanges): Promise<boolean> {
    const c = changes;
    // access: by id after requireVisible.
    const count = await affected(
      tx,
      db
        .updateTable('intelligence_report')
        .set({
          received_at: c.receivedAt,
          receipt_method: c.receiptMethod,
          source_type: c.sourceType,
          source_details: c.sourceDetails,
          grading_scheme: c.scheme,
          source_evaluation: c.sourceEvaluation,
          intelligence_assessment: c.intelligenceAssessment,
          handling_code: c.handlingCode,
          handling_conditions: c.handlingConditions,
          primary_category: c.primaryCategory,
          secondary_categories: c.secondaryCategories,
          vulnerable_person: c.vulnerablePerson,
          vulnerable_person_note: c.vulnerablePersonNote,
          narrative: c.narrative,
        })
        .set((eb) => ({ version: eb('version', '+', 1), updated_at: sql`now()` }))
        .where('id', '=', id)
        .where('version', '=', version),
    );
    return count > 0;
  }

  // ------------------------------------------------------------ subjects, links, duplicates

  async replaceSubjects(tx: EntityManager, id: string, subjects: NewSubject[], fresh = false): Promise<void> {
    // access: writes the subjects of a report the caller created or passed requireVisible for.
    if (!fresh) await execute(tx, db.deleteFrom('intelligence_subject').where('report_id', '=', id));
    if (subjects.length === 0) return;
    // access: as above.
    await execute(
      tx,
      db
        .insertInto('intelligence_subject')
        .values(
          subjects.map((s) => ({ report_id: id, workforce_member_id: s.workforceMemberId, role: s.role })),
        ),
    );
  }

  /** Those of `ids` that are reports the caller may see. */
  async visibleIds(tx: EntityManager, actor: Actor, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await all(
      tx,
      db
        .selectFrom('intelligence_report as r')
        .select('r.id')
        .where('r.id', 'in', [...new Set(ids)])
        .where(reportVisible(actor, 'r')),
    );
    return new Set(rows.map((r) => r.id));
  }

  /** Those of `ids` the caller may see, with what a case file lists of them. */
  async visibleBriefs(tx: EntityManager, actor: Actor, ids: readonly string[]) {
    if (ids.length === 0) return [];
    return all(
      tx,
      db
        .selectFrom('intelligence_report as r')
        .select(['r.id', 'r.reference', 'r.state', 'r.primary_category', 'r.received_at'])
        .where('r.id', 'in', [...new Set(ids)])
        .where(reportVisible(actor, 'r')),
    );
  }

  /** The reports linked to `id` (either direction) that the caller may see. */
  async visibleLinks(tx: EntityManager, actor: Actor, id: string): Promise<string[]> {
    const rows = await all(
      tx,
      db
        .selectFrom('intelligence_link as l')
        .innerJoin('intelligence_report as o', (join) =>
          join.on(
            sql<SqlBool>`o.id = CASE WHEN l.report_id = ${id}::uuid THEN l.linked_report_id ELSE l.report_id END`,
          ),
        )
        .select('o.id')
        .where((eb) => eb.or([eb('l.report_id', '=', id), eb('l.linked_report_id', '=', id)]))
        .where(reportVisible(actor, 'o')),
    );
    return rows.map((r) => r.id);
  }

  async unlink(tx: EntityManager, id: string, others: string[]): Promise<void> {
    if (others.length === 0) return;
    // access: deletes only links the caller selected through the policy (visibleLinks).
    await execute(
      tx,
      db
        .deleteFrom('intelligence_link')
        .where((eb) =>
          eb.or([
            eb.and([eb('report_id', '=', id), eb('linked_report_id', 'in', others)]),
            eb.and([eb('linked_report_id', '=', id), eb('report_id', 'in', others)]),
          ]),
        ),
    );
  }

  async link(tx: EntityManager, id: string, others: string[], by: string): Promise<void> {
    if (others.length === 0) return;
    await execute(
      tx,
      db
        .insertInto('intelligence_link')
        .values(others.map((o) => ({ report_id: id, linked_report_id: o, created_by: by })))
        .onConflict((oc) => oc.doNothing()),
    );
  }

  async clearDuplicates(tx: EntityManager, id: string): Promise<void> {
    await execute(
      tx,
      db
        .deleteFrom('intelligence_duplicate')
        .where((eb) => eb.or([eb('report_id', '=', id), eb('related_report_id', '=', id)])),
    );
  }

  /**
   * Stores the possible duplicates of a report: others naming one of its workforce members with a category in
   * common, received within `windowDays` of it. Returns the ids found.
   */
  async findDuplicates(tx: EntityManager, id: string, windowDays: number): Promise<string[]> {
    // From the report's own subjects (few) through the member index to their other reports: the plan cannot
    // start from every report in the window.
    // access: stores possible duplicates (every report, hidden ones too); every read of them filters with visibleTo.
    const rows = await all(
      tx,
      sql<{ related_report_id: string }>`WITH n AS MATERIALIZED (
         SELECT r.id, r.received_at, ARRAY[r.primary_category] || r.secondary_categories AS categories
           FROM intelligence_report r WHERE r.id = ${id}),
       ns AS MATERIALIZED (SELECT s.workforce_member_id FROM intelligence_subject s WHERE s.report_id = ${id})
       INSERT INTO intelligence_duplicate (report_id, related_report_id)
       SELECT DISTINCT n.id, o.id
         FROM n CROSS JOIN ns
         JOIN intelligence_subject os ON os.workforce_member_id = ns.workforce_member_id AND os.report_id <> n.id
         JOIN intelligence_report o ON o.id = os.report_id
        WHERE (ARRAY[o.primary_category] || o.secondary_categories) && n.categories
          AND o.received_at BETWEEN n.received_at - make_interval(days => ${windowDays})
                                AND n.received_at + make_interval(days => ${windowDays})
          AND NOT EXISTS (SELECT 1 FROM intelligence_duplicate x WHERE x.report_id = o.id AND x.related_report_id = n.id)
       ON CONFLICT DO NOTHING
       RETURNING related_report_id`.compile(db),
    );
    return rows.map((r) => r.related_report_id);
  }

  // ------------------------------------------------------------ for cases (the LinkedReports port)

  referralSnapshot(tx: EntityManager, reportId: string): Promise<ReferralSnapshot | undefined> {
    // access: by id; the review calls this after its own requireVisible on the report.
    return first(
      tx,
      db
        .selectFrom('intelligence_report as r')
        .where('r.id', '=', reportId)
        .select((eb) => [
          'r.reference',
          'r.primary_category as primaryCategory',
          sql<CorruptionCategory[]>`r.secondary_categories::text[]`.as('secondaryCategories'),
          // access: the report's own subjects.
          eb.fn
            .coalesce(
              eb
                .selectFrom('intelligence_subject as s')
                .whereRef('s.report_id', '=', 'r.id')
                .where('s.role', '=', SubjectRole.Subject)
                .select(
                  sql<string[]>`array_agg(s.workforce_member_id ORDER BY s.workforce_member_id)`.as('ids'),
                ),
              sql<string[]>`'{}'::uuid[]`,
            )
            .$notNull()
            .as('subjectIds'),
        ]),
    );
  }

  async referredCases(tx: EntityManager, ids: readonly string[]): Promise<Map<string, string | null>> {
    if (ids.length === 0) return new Map();
    // access: the caller passes ids it has already filtered through the policy (or its own links).
    const rows = await all(
      tx,
      db
        .selectFrom('intelligence_report')
        .select(['id', 'referred_case_id'])
        .where('id', 'in', [...new Set(ids)]),
    );
    return new Map(rows.map((r) => [r.id, r.referred_case_id]));
  }
}
