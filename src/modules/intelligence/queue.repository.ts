import { BUSINESS_TIME_ZONE } from '../../common/clock.js';
import { Injectable } from '@nestjs/common';
import { type InferResult, sql, type SqlBool } from 'kysely';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import type { CorruptionCategory } from '../../common/domain/corruption-category.js';
import { type Keyset, type Page, pageOf } from '../../common/pagination.js';
import { all, db, one } from '../../database/sql.js';
import type { QueueQuery, ReportFilterQuery, ReportListQuery, SearchQuery } from './dto/queue.dto.js';
import { type IntelligenceState, OPEN_STATES } from './intelligence.enums.js';
import {
  duplicatesOf,
  ITEM_COLUMNS,
  reportVisible,
  reviewDate,
  secondaryCategories,
  subjectsOf,
} from './intelligence.repository.js';

/** The business calendar's time zone, as an SQL literal. */
const LONDON = sql.lit(BUSINESS_TIME_ZONE);

/** Open reports, spelled as the queue's partial index is (a literal list, so the planner matches it). */
const OPEN = sql<SqlBool>`r.state IN (${sql.raw(OPEN_STATES.map((s) => `'${s}'`).join(', '))})`;

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

/** Queue, search and profile items the caller may see: one query with subjects and visible duplicates per row. */
const items = (actor: Actor) =>
  db
    .selectFrom('intelligence_report as r')
    .select([...ITEM_COLUMNS, secondaryCategories(), reviewDate(), subjectsOf(), duplicatesOf(actor)])
    .where(reportVisible(actor, 'r'));

export type ItemRow = InferResult<ReturnType<typeof items>>[number];

/** One page of `query` (items, filtered) in the keyset's order. */
/** A report with its primary or a secondary category `category`. */
const inCategory = (category: CorruptionCategory) =>
  sql<SqlBool>`(r.primary_category = ${category} OR ${category} = ANY (r.secondary_categories))`;

/**
 * Past the assessment target (received before `cutoff`, the instant `target` days ago) or, in development,
 * past its review date (before `today`, the business date).
 */
const overdue = (today: string, cutoff: Date) =>
  sql<SqlBool>`CASE WHEN r.state = 'development' AND r.review_date IS NOT NULL
                    THEN r.review_date < ${today}::date
                    ELSE r.received_at < ${cutoff.toISOString()}::timestamptz END`;

/** The filters the queue and the list share (`assignee` already resolved from `me`), on a query of items. */
function filtered(
  query: ReturnType<typeof items>,
  f: ReportFilterQuery & { state?: IntelligenceState[]; assignee?: string },
): ReturnType<typeof items> {
  let q = query;
  if (f.state?.length) q = q.where('r.state', 'in', f.state);
  if (f.category) q = q.where(inCategory(f.category));
  if (f.gradingScheme) q = q.where('r.grading_scheme', '=', f.gradingScheme);
  if (f.sourceEvaluation) q = q.where('r.source_evaluation', '=', f.sourceEvaluation);
  if (f.intelligenceAssessment) q = q.where('r.intelligence_assessment', '=', f.intelligenceAssessment);
  if (f.handlingCode) q = q.where('r.handling_code', '=', f.handlingCode);
  if (f.assignee) q = q.where('r.assignee_id', '=', f.assignee);
  if (f.unassigned !== undefined) q = q.where('r.assignee_id', f.unassigned ? 'is' : 'is not', null);
  if (f.vulnerablePerson !== undefined) q = q.where('r.vulnerable_person', '=', f.vulnerablePerson);
  return q;
}

/** When an item is overdue: `today` (London) for review dates, the instant before which the target has passed. */
export interface OverdueAt {
  today: string;
  cutoff: Date;
}

/** The queue, summary, search and subject-profile reads of intelligence reports, each through the policy. */
@Injectable()
export class QueueRepository {
  /** The assessment queue: open reports, most urgent then oldest first, filtered. */
  queue(
    tx: EntityManager,
    actor: Actor,
    query: QueueQuery & { assignee?: string },
    at: OverdueAt,
  ): Promise<Page<ItemRow>> {
    const f = query;
    let q = filtered(items(actor).where(OPEN), f);
    if (f.assigneeId) q = q.where('r.assignee_id', '=', f.assigneeId);
    if (f.overdue !== undefined) {
      const late = overdue(at.today, at.cutoff);
      q = q.where(f.overdue ? late : sql<SqlBool>`NOT (${late})`);
    }
    // Prepared: planning this query (subjects and duplicates per row) cost more than running it at 1M reports
    // (docs/benchmarks.md, issue 25); its text is one of a fixed set (the filters given, a cursor or not).
    return pageOf(tx, q, BY_URGENCY, query, (row) => row, { prepared: true });
  }

  /**
   * Every report the caller may see, in any state, newest first, filtered (`assignee` already resolved from
   * `me`); received dates are London calendar dates.
   */
  list(tx: EntityManager, actor: Actor, f: ReportListQuery): Promise<Page<ItemRow>> {
    let q = filtered(items(actor), f);
    if (f.receivedFrom) {
      q = q.where(sql<SqlBool>`r.received_at >= (${f.receivedFrom}::date)::timestamp AT TIME ZONE ${LONDON}`);
    }
    if (f.receivedTo) {
      q = q.where(
        sql<SqlBool>`r.received_at < (${f.receivedTo}::date + 1)::timestamp AT TIME ZONE ${LONDON}`,
      );
    }
    return pageOf(tx, q, NEWEST_FIRST, f, (row) => row);
  }

  /** One pass over the open items (the queue's partial index), grouped both by state and by assignee. */
  summary(tx: EntityManager, actor: Actor, at: OverdueAt) {
    return all(
      tx,
      sql<{
        by_state: boolean;
        state: IntelligenceState | null;
        assignee_id: string | null;
        count: number;
        overdue: number;
        oldest: Date | null;
      }>`SELECT GROUPING(r.state) = 0 AS by_state, r.state::text AS state, r.assignee_id,
                count(*)::int AS count, count(*) FILTER (WHERE ${overdue(at.today, at.cutoff)})::int AS overdue,
                min(r.received_at) AS oldest
           FROM intelligence_report r WHERE ${OPEN} AND ${reportVisible(actor, 'r')}
          GROUP BY GROUPING SETS ((r.state), (r.assignee_id))`.compile(db),
    );
  }

  /** Full-text search over narrative and reference, newest first. */
  async search(tx: EntityManager, actor: Actor, query: SearchQuery): Promise<Page<ItemRow>> {
    const words = sql<SqlBool>`r.search_vector @@ websearch_to_tsquery('english', ${query.q})`;
    // Word frequencies decide the plan: frequent words are found fastest walking the newest reports, rare ones
    // through the GIN index. Counting up to RARE_SEARCH matches tells which (the planner's estimate for words
    // missing from its statistics cannot).
    const { n } = await one(
      tx,
      db
        .selectFrom(
          db
            .selectFrom('intelligence_report as r')
            .select(sql<number>`1`.as('one'))
            .where(words)
            .where(reportVisible(actor, 'r'))
            .limit(RARE_SEARCH)
            .as('x'),
        )
        .select(sql<number>`count(*)::int`.as('n')),
    );
    let q = items(actor).where(sql<SqlBool>`(${words} OR r.reference = ${query.q.trim().toUpperCase()})`);
    if (query.state) q = q.where('r.state', '=', query.state);
    if (query.category) q = q.where(inCategory(query.category));
    return pageOf(tx, q, n < RARE_SEARCH ? NEWEST_FIRST_RARE : NEWEST_FIRST, query, (row) => row);
  }

  /** Every report the caller may see naming the member, newest first, with the member's part in it. */
  concerning(tx: EntityManager, actor: Actor, memberId: string) {
    return all(
      tx,
      // access: items() reads through the policy; the join picks the member's part in each report.
      items(actor)
        .innerJoin('intelligence_subject as p', (join) =>
          join.onRef('p.report_id', '=', 'r.id').on('p.workforce_member_id', '=', memberId),
        )
        .select('p.role')
        .orderBy('r.received_at', 'desc')
        .orderBy('r.id', 'desc'),
    );
  }

  /** The member's reports the caller may see, counted by financial year of receipt (London) and category. */
  countsByYear(tx: EntityManager, actor: Actor, memberId: string) {
    return all(
      tx,
      sql<{ fy: number; category: CorruptionCategory; count: number }>`SELECT
              EXTRACT(YEAR FROM (r.received_at AT TIME ZONE ${LONDON}) - INTERVAL '3 months')::int AS fy,
              r.primary_category::text AS category, count(*)::int AS count
         FROM intelligence_subject s JOIN intelligence_report r ON r.id = s.report_id
        WHERE s.workforce_member_id = ${memberId} AND ${reportVisible(actor, 'r')}
        GROUP BY 1, 2 ORDER BY 1 DESC, 2`.compile(db),
    );
  }
}
