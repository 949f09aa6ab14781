import { BUSINESS_TIME_ZONE } from '../../common/clock.js';
import { Injectable } from '@nestjs/common';
import { type RawBuilder, sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { all, db } from '../../database/sql.js';
import { RecordKind } from '../access/access.policy.js';
import {
  and,
  type FigureFilter,
  type Fragment,
  type SqlColumn,
  fyStart,
  memberConditions,
  push,
  visible,
} from './figures.repository.js';

/** The business calendar's time zone, as an SQL literal. */
const LONDON = sql.lit(BUSINESS_TIME_ZONE);

/**
 * The figures by month end (vetting compliance, capacity): each one statement over other modules' tables,
 * read-only (the reporting exception, see ADR 0002; figures.repository.ts). "Today" is the caller's business
 * date (`Clock.today()`), a parameter: the statements never ask the database for the date.
 */

/**
 * The dates figures by month are taken on: the last day of every month from April of `from` to March
 * after `to` that has already ended by `today`, then `today` itself (the "now" row).
 */
function monthEnds(f: FigureFilter, today: string): Fragment {
  return sql`(SELECT to_char(d, 'YYYY-MM') AS period, (d + interval '1 month - 1 day')::date AS as_of
             FROM generate_series(make_date(${f.from}::int, 4, 1), make_date(${f.to}::int + 1, 3, 1), interval '1 month') d
            WHERE (d + interval '1 month - 1 day')::date < ${today}::date
           UNION ALL SELECT 'now', ${today}::date)`;
}

/**
 * `monthEnds` as values, for a statement that needs the planner to know how many dates there are (a dozen,
 * not the thousand it assumes of a set-returning function): the same periods and dates, in the same order.
 */
export function monthEndDates(f: FigureFilter, today: string): { periods: string[]; dates: string[] } {
  const periods: string[] = [];
  const dates: string[] = [];
  for (let y = f.from; y <= f.to; y++) {
    for (let m = 3; m < 15; m++) {
      const last = new Date(Date.UTC(y, m + 1, 0)).toISOString().slice(0, 10);
      if (last >= today) continue;
      periods.push(last.slice(0, 7));
      dates.push(last);
    }
  }
  return { periods: [...periods, 'now'], dates: [...dates, today] };
}

export const VETTING_COLUMNS: SqlColumn[] = [
  { key: 'period', description: 'The month (YYYY-MM, taken on its last day) or now (today)' },
  { key: 'as_of', description: 'The date the vetting states are taken on' },
  { key: 'financial_year', description: 'The financial year the date falls in' },
  {
    key: 'basis',
    description: 'state_on_date: each person’s state on that date, from the clearance history',
  },
  { key: 'workforce', description: 'Workforce members in service on that date' },
  { key: 'up_to_date', description: 'Vetting up to date (including renewal due, not yet expired)' },
  { key: 'renewal_due', description: 'Of which inside the renewal warning window' },
  {
    key: 'not_up_to_date',
    description: 'Vetting not up to date: expired, below the post’s level, or none held',
  },
  { key: 'overdue', description: 'Clearance expired' },
  { key: 'below_required', description: 'No clearance meeting the post’s required level' },
  { key: 'no_clearance', description: 'No clearance in force, and the post states no level' },
  {
    key: 'compliance_percent',
    description: 'Share up to date, per cent to one decimal (empty with no workforce)',
  },
];

/** A month's vetting compliance (`as_of` as `YYYY-MM-DD`, the percentage as text, null with no workforce). */
export type VettingFigureRow = {
  period: string;
  as_of: string;
  fy: number;
  workforce: number;
  up_to_date: number;
  renewal_due: number;
  not_up_to_date: number;
  overdue: number;
  below_required: number;
  no_clearance: number;
  compliance_percent: string | null;
};

/** The figure as Lantern answers it, read from the snapshots (the table's `asAt` says when it was read). */
export type VettingSnapshotFigureRow = VettingFigureRow;

/**
 * Vetting compliance at the end of each month and today, read from the vetting module's snapshots
 * (vetting_compliance_snapshot: per date, department and member type, computed by the worker once per month
 * end and for today, and discarded in the transaction of any change to what they count): the filter's groups
 * summed. A date without a snapshot (computed again within seconds of a back-dated change, or outside the
 * worker's window) is computed on request by the same derivation (vetting_compliance_counts). The viewer's
 * own vetting state, counted in the snapshot (and in vetting_compliance_counts), is taken off (the access policy's predicate, negated: one
 * person's state on each date). Equal to `vettingComplianceQuery` over the base tables
 * (test/vetting-snapshots.e2e-spec.ts).
 */
export function vettingComplianceSnapshotQuery(
  f: FigureFilter,
  today: string,
): RawBuilder<VettingSnapshotFigureRow> {
  const groups = (alias: string): Fragment[] => {
    const out: Fragment[] = [];
    if (f.department) out.push(sql`${sql.ref(`${alias}.department_id`)} = ${f.department}::uuid`);
    if (f.memberType) out.push(sql`${sql.ref(`${alias}.member_type`)} = ${f.memberType}::member_type`);
    return out;
  };
  const where = (alias: string, first: Fragment): Fragment => and([first, ...groups(alias)]);
  const hidden = visible(f, RecordKind.Clearance, 'v');
  const own = hidden
    ? sql`
  UNION ALL
  SELECT m.as_of, -1, -(v.state = 'up_to_date')::int, -(v.state = 'renewal_due')::int, -(v.state = 'overdue')::int,
         -(v.state = 'below_required')::int, -(v.state = 'no_clearance')::int
    FROM m CROSS JOIN LATERAL (SELECT v.state FROM vetting_states_at(m.as_of) v
                                WHERE ${where('v', sql`v.is_current AND NOT (${hidden})`)}) v`
    : sql``;
  return sql<VettingSnapshotFigureRow>`
WITH m AS MATERIALIZED (
  SELECT x.period, x.as_of, vm.computed_at
    FROM ${monthEnds(f, today)} x LEFT JOIN vetting_compliance_month vm ON vm.as_of = x.as_of
),
c AS (
  SELECT m.as_of, s.*
    FROM m CROSS JOIN LATERAL (
      SELECT sum(s.workforce) AS workforce, sum(s.up_to_date) AS up_to_date, sum(s.renewal_due) AS renewal_due,
             sum(s.overdue) AS overdue, sum(s.below_required) AS below_required, sum(s.no_clearance) AS no_clearance
        FROM vetting_compliance_snapshot s
       WHERE ${where('s', sql`s.as_of = m.as_of`)}) s
   WHERE m.computed_at IS NOT NULL
  UNION ALL
  SELECT m.as_of, l.workforce, l.up_to_date, l.renewal_due, l.overdue, l.below_required, l.no_clearance
    FROM m CROSS JOIN LATERAL vetting_compliance_counts(m.as_of) l
   WHERE ${where('l', sql`m.computed_at IS NULL`)}${own}
)
SELECT m.period, m.as_of::text AS as_of, case_financial_year(m.as_of) AS fy,
       COALESCE(sum(c.workforce), 0)::int AS workforce,
       COALESCE(sum(c.up_to_date + c.renewal_due), 0)::int AS up_to_date,
       COALESCE(sum(c.renewal_due), 0)::int AS renewal_due,
       COALESCE(sum(c.overdue + c.below_required + c.no_clearance), 0)::int AS not_up_to_date,
       COALESCE(sum(c.overdue), 0)::int AS overdue,
       COALESCE(sum(c.below_required), 0)::int AS below_required,
       COALESCE(sum(c.no_clearance), 0)::int AS no_clearance,
       round(100.0 * sum(c.up_to_date + c.renewal_due) / NULLIF(sum(c.workforce), 0), 1)::text AS compliance_percent
  FROM m LEFT JOIN c ON c.as_of = m.as_of
 GROUP BY m.period, m.as_of, m.computed_at
 ORDER BY m.period = 'now', m.as_of`;
}

/**
 * Vetting compliance at the end of each month and today, straight from `vetting_states_at(date)` over the
 * base tables (the vetting module's one definition of a state, computed from the clearance history; up to
 * date = `up_to_date` or `renewal_due`, as the vetting module's own compliance figure counts it): the
 * snapshots' oracle (test/vetting-snapshots.e2e-spec.ts) and the bench's baseline.
 */
export function vettingComplianceQuery(f: FigureFilter, today: string): RawBuilder<VettingFigureRow> {
  const months = monthEnds(f, today);
  const cond: Fragment[] = [sql`v.is_current`];
  // A person's vetting state is their vetting (clearance) record: the caller's own is left out.
  push(cond, visible(f, RecordKind.Clearance, 'v'));
  if (f.department) cond.push(sql`v.department_id = ${f.department}::uuid`);
  if (f.memberType) cond.push(sql`v.member_type = ${f.memberType}::member_type`);
  return sql<VettingFigureRow>`
SELECT m.period, m.as_of::text AS as_of, case_financial_year(m.as_of) AS fy,
       count(s.state)::int AS workforce,
       count(*) FILTER (WHERE s.state IN ('up_to_date', 'renewal_due'))::int AS up_to_date,
       count(*) FILTER (WHERE s.state = 'renewal_due')::int AS renewal_due,
       count(*) FILTER (WHERE s.state IN ('overdue', 'below_required', 'no_clearance'))::int AS not_up_to_date,
       count(*) FILTER (WHERE s.state = 'overdue')::int AS overdue,
       count(*) FILTER (WHERE s.state = 'below_required')::int AS below_required,
       count(*) FILTER (WHERE s.state = 'no_clearance')::int AS no_clearance,
       round(100.0 * count(*) FILTER (WHERE s.state IN ('up_to_date', 'renewal_due')) / NULLIF(count(s.state), 0), 1)::text
         AS compliance_percent
  FROM ${months} m
  LEFT JOIN LATERAL (SELECT v.state FROM vetting_states_at(m.as_of) v WHERE ${sql.join(cond, sql` AND `)}) s ON TRUE
 GROUP BY m.period, m.as_of
 ORDER BY m.period = 'now', m.as_of`;
}

export const CAPACITY_COLUMNS: SqlColumn[] = [
  { key: 'period', description: 'The month (YYYY-MM, at the end of its last day) or now (end of today)' },
  { key: 'as_of', description: 'The date the queue is taken at (end of day, UK local time)' },
  { key: 'financial_year', description: 'The financial year the date falls in' },
  { key: 'basis', description: 'open_at_date: items open at the end of that day' },
  { key: 'analysts', description: 'Enabled users holding the analyst role (today: roles carry no history)' },
  {
    key: 'open_intelligence',
    description: 'Intelligence received and not yet decided (development counts as open)',
  },
  { key: 'intelligence_per_analyst', description: 'Open intelligence per analyst, one decimal' },
  {
    key: 'oldest_intelligence_days',
    description: 'Age of the oldest open report in whole days: the date less the UK date it was received',
  },
  {
    key: 'intelligence_past_target',
    description:
      'Open reports past the assessment target: received on or before the date less the target in days (UK dates)',
  },
  { key: 'open_cases', description: 'Cases recorded and not yet finalised' },
  { key: 'investigators', description: 'Distinct investigators assigned to those cases (as assigned now)' },
  { key: 'cases_per_investigator', description: 'Open cases per investigator, one decimal' },
  { key: 'unassigned_cases', description: 'Open cases with no investigator (as assigned now)' },
  {
    key: 'oldest_case_days',
    description: 'Age of the oldest open case in whole days: the date less the UK date it was recorded',
  },
  {
    key: 'cases_past_target',
    description:
      'Open cases recorded 12 months or more before the date, in UK dates (reported to the police and crime commissioner)',
  },
];

/** The queues at a month end (`as_of` as `YYYY-MM-DD`; ratios as text, null with nobody to divide by). */
export type CapacityFigureRow = {
  period: string;
  as_of: string;
  fy: number;
  analysts: number;
  open_intelligence: number;
  intelligence_per_analyst: string | null;
  oldest_intelligence_days: number | null;
  intelligence_past_target: number;
  open_cases: number;
  investigators: number;
  cases_per_investigator: string | null;
  unassigned_cases: number;
  oldest_case_days: number | null;
  cases_past_target: number;
};

/**
 * The capacity figure's row, the same in the straightforward SQL and the read model's: the month ends `m`, the
 * analysts now, and per month end the open intelligence `qi` and cases `qc` (each statement's own laterals).
 */
const CAPACITY_ROW =
  sql.raw(`analysts AS (SELECT count(*)::int AS n FROM app_user WHERE enabled AND 'analyst' = ANY (roles))
SELECT m.period, m.as_of::text AS as_of, case_financial_year(m.as_of) AS fy,
       analysts.n AS analysts,
       qi.open AS open_intelligence,
       round(qi.open::numeric / NULLIF(analysts.n, 0), 1)::text AS intelligence_per_analyst,
       qi.oldest AS oldest_intelligence_days,
       qi.past AS intelligence_past_target,
       qc.open AS open_cases,
       qc.investigators,
       round(qc.open::numeric / NULLIF(qc.investigators, 0), 1)::text AS cases_per_investigator,
       qc.unassigned AS unassigned_cases,
       qc.oldest AS oldest_case_days,
       qc.past AS cases_past_target
  FROM m
 CROSS JOIN analysts
`);

/**
 * The unit's queues at the end of each month and today: open intelligence and cases, per analyst and per
 * investigator, the oldest item, items past their target. An item is open at an instant when it was
 * received/recorded before it and not decided/finalised by then (from the stored timestamps, not a
 * snapshot); only items that could be open somewhere in the range are read. Ages and targets in whole UK
 * days. Straight over the base tables: the read model's oracle (test/intelligence-capacity-facts.e2e-spec.ts)
 * and the bench's baseline; the endpoint reads `capacityFiguresFromModelQuery`.
 */
export function capacityFiguresQuery(
  f: FigureFilter,
  today: string,
  targetDays: number,
): RawBuilder<CapacityFigureRow> {
  const rangeStart = fyStart(f.from);
  const endOfToday = sql`((${today}::date + 1)::timestamp AT TIME ZONE ${LONDON})`;
  const intelWhere: Fragment[] = [
    sql`i.received_at < ${endOfToday}`,
    sql`(i.decision IS NULL OR i.decision = 'development' OR i.reviewed_at >= ${rangeStart})`,
  ];
  const caseWhere: Fragment[] = [
    sql`c.recorded_at < ${endOfToday}`,
    sql`(c.finalised_at IS NULL OR c.finalised_at >= ${rangeStart})`,
  ];
  if (f.category) {
    intelWhere.push(
      sql`(i.primary_category = ${f.category}::text::corruption_category OR i.secondary_categories @> ARRAY[${f.category}::text::corruption_category])`,
    );
    caseWhere.push(
      sql`(c.primary_category = ${f.category}::text::corruption_category OR c.categories @> ARRAY[${f.category}::text::corruption_category])`,
    );
  }
  push(intelWhere, visible(f, RecordKind.IntelligenceReport, 'i'));
  push(caseWhere, visible(f, RecordKind.Case, 'c'));
  const members = memberConditions(f, 'w');
  if (members.length) {
    intelWhere.push(sql`EXISTS (SELECT 1 FROM intelligence_subject isub JOIN workforce_member w ON w.id = isub.workforce_member_id
      WHERE isub.report_id = i.id AND ${and(members)})`);
    caseWhere.push(sql`EXISTS (SELECT 1 FROM case_subject cs JOIN workforce_member w ON w.id = cs.workforce_member_id
      WHERE cs.case_id = c.id AND ${and(members)})`);
  }
  return sql<CapacityFigureRow>`
WITH m AS (SELECT period, as_of, ((as_of + 1)::timestamp AT TIME ZONE ${LONDON}) AS at FROM ${monthEnds(f, today)} x),
intel AS MATERIALIZED (
  SELECT i.received_at,
         CASE WHEN i.decision IS NOT NULL AND i.decision <> 'development' THEN i.reviewed_at END AS closed_at
    FROM intelligence_report i
   WHERE ${and(intelWhere)}
),
cases AS MATERIALIZED (
  SELECT c.recorded_at, c.finalised_at, c.investigator_id
    FROM case_record c
   WHERE ${and(caseWhere)}
),
${CAPACITY_ROW}
 CROSS JOIN LATERAL (
   SELECT count(*)::int AS open,
          (m.as_of - min((x.received_at AT TIME ZONE ${LONDON})::date))::int AS oldest,
          count(*) FILTER (WHERE (x.received_at AT TIME ZONE ${LONDON})::date <= m.as_of - ${targetDays}::int)::int AS past
     FROM intel x
    WHERE x.received_at < m.at AND (x.closed_at IS NULL OR x.closed_at >= m.at)) qi
 CROSS JOIN LATERAL (
   SELECT count(*)::int AS open,
          count(DISTINCT x.investigator_id)::int AS investigators,
          count(*) FILTER (WHERE x.investigator_id IS NULL)::int AS unassigned,
          (m.as_of - min((x.recorded_at AT TIME ZONE ${LONDON})::date))::int AS oldest,
          count(*) FILTER (WHERE ((x.recorded_at AT TIME ZONE ${LONDON})::date + interval '12 months')::date <= m.as_of)::int AS past
     FROM cases x
    WHERE x.recorded_at < m.at AND (x.finalised_at IS NULL OR x.finalised_at >= m.at)) qc
 ORDER BY m.period = 'now', m.as_of`;
}

/**
 * The same table as `capacityFiguresQuery` (the figure over the base tables: its oracle and the bench's
 * baseline), read from its read model (migration CapacityFigureFacts): `capacity_intelligence_count` (reports
 * per category filter, UK date received and UK date closed) and `capacity_case_count` (cases per category
 * filter, date recorded, date finalised and investigator), kept by triggers in each change's own transaction.
 * Only the rows still open after the first date shown are read (closed after it, or not closed: an index
 * range). The items concerning the caller (the access policy) are taken off row by row, counted through the
 * same derivations, before anything is counted (so that the oldest item and the distinct investigators are
 * those of what is left); with a department or member-type filter (a subject's current department and type)
 * the rows are counted through the derivations from the items with a matching subject instead.
 */
export function capacityFiguresFromModelQuery(
  f: FigureFilter,
  today: string,
  targetDays: number,
): RawBuilder<CapacityFigureRow> {
  const members = memberConditions(f, 'w');
  // The dates as values: the planner then knows there are a dozen (a set-returning function, it assumes a
  // thousand, and would compile this small statement with JIT).
  const ends = monthEndDates(f, today);
  const category = (alias: string): Fragment =>
    f.category
      ? sql`${sql.ref(`${alias}.category`)} = ${f.category}::text::corruption_category`
      : sql`${sql.ref(`${alias}.category`)} IS NULL`;
  // The first date shown: rows closed on or before it are open on none of them.
  const first = sql`(SELECT min(x.as_of) FROM m x)`;
  const intelFacts = (where: Fragment[]): Fragment => sql`
  SELECT k.received_on, k.closed_on, count(*) AS n
    FROM intelligence_report i
   CROSS JOIN LATERAL capacity_intelligence_facts_of(i.received_at, i.reviewed_at, i.decision,
         i.primary_category, i.secondary_categories) k
   WHERE ${and([category('k'), sql`(k.closed_on IS NULL OR k.closed_on > ${first})`, ...where])}
   GROUP BY k.received_on, k.closed_on`;
  const caseFacts = (where: Fragment[]): Fragment => sql`
  SELECT k.recorded_on, k.finalised_on, c.investigator_id, count(*) AS n
    FROM case_record c
   CROSS JOIN LATERAL capacity_case_facts_of(c.recorded_at, c.finalised_at, c.primary_category, c.categories) k
   WHERE ${and([category('k'), sql`(k.finalised_on IS NULL OR k.finalised_on > ${first})`, ...where])}
   GROUP BY k.recorded_on, k.finalised_on, c.investigator_id`;
  const shownIntel = visible(f, RecordKind.IntelligenceReport, 'i');
  const shownCase = visible(f, RecordKind.Case, 'c');
  let intel: Fragment;
  let cases: Fragment;
  if (members.length) {
    const intelWhere: Fragment[] = [
      sql`EXISTS (SELECT 1 FROM intelligence_subject isub JOIN workforce_member w ON w.id = isub.workforce_member_id
      WHERE isub.report_id = i.id AND ${and(members)})`,
    ];
    const caseWhere: Fragment[] = [
      sql`EXISTS (SELECT 1 FROM case_subject cs JOIN workforce_member w ON w.id = cs.workforce_member_id
      WHERE cs.case_id = c.id AND ${and(members)})`,
    ];
    push(intelWhere, shownIntel);
    push(caseWhere, shownCase);
    intel = intelFacts(intelWhere);
    cases = caseFacts(caseWhere);
  } else if (shownIntel && shownCase) {
    // access: the model counts every item; those the caller may not see are taken off (negated policy), key
    // by key, before anything is counted.
    intel = sql`
  SELECT t.received_on, t.closed_on, sum(t.n) AS n
    FROM (SELECT t.received_on, t.closed_on, t.n::bigint AS n
            FROM capacity_intelligence_count t
           WHERE ${and([category('t'), sql`(t.closed_on IS NULL OR t.closed_on > ${first})`])}
          UNION ALL
          SELECT x.received_on, x.closed_on, -x.n FROM (${intelFacts([sql`NOT (${shownIntel})`])}) x) t
   GROUP BY t.received_on, t.closed_on`;
    cases = sql`
  SELECT t.recorded_on, t.finalised_on, t.investigator_id, sum(t.n) AS n
    FROM (SELECT t.recorded_on, t.finalised_on, t.investigator_id, t.n::bigint AS n
            FROM capacity_case_count t
           WHERE ${and([category('t'), sql`(t.finalised_on IS NULL OR t.finalised_on > ${first})`])}
          UNION ALL
          SELECT x.recorded_on, x.finalised_on, x.investigator_id, -x.n FROM (${caseFacts([sql`NOT (${shownCase})`])}) x) t
   GROUP BY t.recorded_on, t.finalised_on, t.investigator_id`;
  } else {
    // One row per key already (rows emptied by changes stay, with n = 0).
    intel = sql`
  SELECT t.received_on, t.closed_on, t.n
    FROM capacity_intelligence_count t
   WHERE ${and([category('t'), sql`(t.closed_on IS NULL OR t.closed_on > ${first})`])}`;
    cases = sql`
  SELECT t.recorded_on, t.finalised_on, t.investigator_id, t.n
    FROM capacity_case_count t
   WHERE ${and([category('t'), sql`(t.finalised_on IS NULL OR t.finalised_on > ${first})`])}`;
  }
  // The dates shown, ascending (`ends`): an item is open on the k-th when r < k <= c, where r counts the dates
  // before the day it was received (recorded) and c the dates before the day it was closed (all of them while
  // open); past target when p < k, p counting the dates before its target day. So the items are first
  // grouped by (r, c, p): a few dozen groups, whatever the number of items, each with its earliest date.
  return sql<CapacityFigureRow>`
WITH m AS MATERIALIZED (SELECT x.period, x.as_of FROM unnest(${ends.periods}::text[], ${ends.dates}::date[]) x(period, as_of)),
e AS MATERIALIZED (SELECT array_agg(as_of ORDER BY as_of) AS ends FROM m),
intel AS MATERIALIZED (
  SELECT width_bucket(x.received_on - 1, e.ends) AS r,
         CASE WHEN x.closed_on IS NULL THEN cardinality(e.ends) ELSE width_bucket(x.closed_on - 1, e.ends) END AS c,
         width_bucket(x.received_on + ${targetDays}::int - 1, e.ends) AS p,
         sum(x.n) AS n, min(x.received_on) AS earliest
    FROM (${intel}) x CROSS JOIN e
   WHERE x.n > 0
   GROUP BY 1, 2, 3
),
cases AS MATERIALIZED (
  SELECT width_bucket(x.recorded_on - 1, e.ends) AS r,
         CASE WHEN x.finalised_on IS NULL THEN cardinality(e.ends) ELSE width_bucket(x.finalised_on - 1, e.ends) END AS c,
         width_bucket((x.recorded_on + interval '12 months')::date - 1, e.ends) AS p,
         x.investigator_id, sum(x.n) AS n, min(x.recorded_on) AS earliest
    FROM (${cases}) x CROSS JOIN e
   WHERE x.n > 0
   GROUP BY 1, 2, 3, 4
),
${CAPACITY_ROW}
 CROSS JOIN e
 CROSS JOIN LATERAL (SELECT array_position(e.ends, m.as_of) AS k) k
 CROSS JOIN LATERAL (
   SELECT COALESCE(sum(x.n), 0)::int AS open,
          (m.as_of - min(x.earliest))::int AS oldest,
          COALESCE(sum(x.n) FILTER (WHERE x.p < k.k), 0)::int AS past
     FROM intel x
    WHERE x.r < k.k AND k.k <= x.c) qi
 CROSS JOIN LATERAL (
   SELECT COALESCE(sum(x.n), 0)::int AS open,
          count(DISTINCT x.investigator_id)::int AS investigators,
          COALESCE(sum(x.n) FILTER (WHERE x.investigator_id IS NULL), 0)::int AS unassigned,
          (m.as_of - min(x.earliest))::int AS oldest,
          COALESCE(sum(x.n) FILTER (WHERE x.p < k.k), 0)::int AS past
     FROM cases x
    WHERE x.r < k.k AND k.k <= x.c) qc
 ORDER BY m.period = 'now', m.as_of`;
}

/** The month-end tables, run on the unit of work's connection. */
@Injectable()
export class MonthFiguresRepository {
  vetting(tx: EntityManager, f: FigureFilter, today: string): Promise<VettingSnapshotFigureRow[]> {
    return all(tx, vettingComplianceSnapshotQuery(f, today).compile(db));
  }

  capacity(
    tx: EntityManager,
    f: FigureFilter,
    today: string,
    targetDays: number,
  ): Promise<CapacityFigureRow[]> {
    return all(tx, capacityFiguresFromModelQuery(f, today, targetDays).compile(db));
  }
}
