import { Injectable } from '@nestjs/common';
import { type RawBuilder, sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { CorruptionCategory } from '../../common/domain/corruption-category.js';
import { all, db } from '../../database/sql.js';
import { RecordKind } from '../access/access.policy.js';
import { AllegationResult, CriminalOutcome, IopcDecision, MisconductOutcome } from '../cases/cases.enums.js';
import { SourceType } from '../intelligence/intelligence.enums.js';
import { MemberType } from '../workforce/workforce.enums.js';
import type { FigureValue } from './dto/figures.dto.js';
import {
  and,
  type BasisFilter,
  count,
  type Fragment,
  type SqlColumn,
  fyStart,
  type Measure,
  memberConditions,
  push,
  quote,
  selectList,
  TOTAL_KEY,
  visible,
  yearGrid,
  zeroed,
} from './figures.repository.js';

/**
 * The figures by financial year (referrals, people in cases, intelligence): each one statement of aggregates
 * over other modules' tables, read-only (the reporting exception, see ADR 0002; figures.repository.ts).
 */

/** A year table's row: the financial year (or TOTAL_KEY) and one value per measure, keyed by its column. */
export type YearFigureRow = { fy: number } & { [measure: string]: FigureValue };

/** The people-in-cases table's row: also the member type it counts (or `all`). */
export type CaseFigureRow = YearFigureRow & { member_type: string };

/** The member-type key of the rows that sum over every type. */
export const ALL_KEY = 'all';

// ---------------------------------------------------------------- referrals

const ALLEGATION_ORDER = [
  AllegationResult.Substantiated,
  AllegationResult.Unsubstantiated,
  AllegationResult.Unfounded,
  AllegationResult.MaliciousOrVexatious,
];

const REFERRAL_MEASURES: Measure[] = [
  count('referrals', null, 'IOPC referrals'),
  count('mandatory', `r.basis = 'mandatory'`, 'Mandatory referrals'),
  count('voluntary', `r.basis = 'voluntary'`, 'Voluntary referrals'),
  ...Object.values(IopcDecision).map((d) =>
    count(`iopc_${d}`, `r.decision = ${quote(d)}`, `IOPC decision: ${d}`),
  ),
  count('iopc_decision_awaited', 'r.decision IS NULL', 'IOPC decision not yet received'),
  ...ALLEGATION_ORDER.map((a) =>
    count(a, `r.allegation = ${quote(a)}`, `Allegation ${a.replace(/_/g, ' ')} (case finalised)`),
  ),
  count('pending', `r.allegation = 'pending'`, 'Allegation result pending: the case is not finalised'),
];

// The values these measures count (`r.allegation`, `s.misconduct`, `s.criminal`) are derived once per referral
// and subject by referral_facts_of (migration ReferralFacts) into referral_fact: changing what a bucket means is
// a migration replacing that function and refilling the table.
const SUBJECT_MEASURES: Measure[] = [
  count('subjects', null, 'People who are subjects of the referred cases'),
  count('misconduct_pending', `s.misconduct = 'pending'`, 'People: misconduct outcome pending'),
  count('misconduct_no_case_to_answer', `s.misconduct = 'no_case_to_answer'`, 'People: no case to answer'),
  count('misconduct_not_proven', `s.misconduct = 'not_proven'`, 'People: misconduct not proven'),
  ...Object.values(MisconductOutcome).map((m) =>
    count(`misconduct_${m}`, `s.misconduct = ${quote(m)}`, `People: proven, outcome ${m.replace(/_/g, ' ')}`),
  ),
  count(
    'misconduct_would_have_been_dismissed',
    `s.misconduct = 'would_have_been_dismissed'`,
    'People: proven after leaving; would have been dismissed',
  ),
  count('misconduct_not_applicable', `s.misconduct = 'not_applicable'`, 'People: criminal-only case'),
  count('criminal_pending', `s.criminal = 'pending'`, 'People: criminal outcome pending or ongoing'),
  ...Object.values(CriminalOutcome)
    .filter((c) => c !== CriminalOutcome.Ongoing)
    .map((c) =>
      count(`criminal_${c}`, `s.criminal = ${quote(c)}`, `People: criminal outcome ${c.replace(/_/g, ' ')}`),
    ),
  count('criminal_not_applicable', `s.criminal = 'not_applicable'`, 'People: misconduct-only case'),
];

export const REFERRAL_COLUMNS: SqlColumn[] = [
  { key: 'financial_year', description: 'UK financial year (1 April to 31 March), or total' },
  {
    key: 'basis',
    description: 'Counting basis: recorded (year referred) or finalised (year the case was finalised)',
  },
  ...[...REFERRAL_MEASURES, ...SUBJECT_MEASURES].map(({ key, description }) => ({ key, description })),
];

/**
 * A count measure over rows already grouped by the columns it tests (with their row count `n`): a handful of
 * groups per year instead of every source row through every FILTER.
 */
const pivot = (m: Measure): string =>
  m.where ? `COALESCE(sum(n) FILTER (WHERE ${m.where}), 0)::int` : 'COALESCE(sum(n), 0)::int';

// The select lists are code, the same for every request: built once.
const REFERRAL_PIVOT = selectList(REFERRAL_MEASURES, pivot, ',\n         ');
const SUBJECT_PIVOT = selectList(SUBJECT_MEASURES, pivot, ',\n         ');
const REFERRAL_OUT = sql.raw(
  [
    ...REFERRAL_MEASURES.map((m) => `${zeroed(m, 'ra')} AS "${m.key}"`),
    ...SUBJECT_MEASURES.map((m) => `${zeroed(m, 'sa')} AS "${m.key}"`),
  ].join(',\n       '),
);

/**
 * IOPC referrals per financial year: mandatory/voluntary, the IOPC's decision, the allegation result per
 * referral (the case's best-established result across its subjects once the case is finalised, else
 * `pending`), and per person the misconduct and criminal outcomes. Basis `recorded`: the year the
 * referral was made; `finalised`: the year its case was finalised.
 *
 * Reads `referral_fact` alone (migration ReferralFacts): one row per referral and subject, with the
 * referral's allegation result already resolved, the person's misconduct and criminal buckets, and
 * `counts_referral` on one row per referral; triggers keep it exact as referrals, cases, subjects and
 * outcomes change. A referral counts when any of its subjects matches the member filters (department,
 * member type: the workforce record as it is now); the people columns count the matching people.
 */
export function referralFiguresQuery(f: BasisFilter): RawBuilder<YearFigureRow> {
  const year = f.basis === 'finalised' ? 'finalised_financial_year' : 'referred_financial_year';
  const fy = sql.ref(`f.${year}`);
  const where: Fragment[] = [sql`${fy} BETWEEN ${f.from} AND ${f.to}`];
  if (f.category) {
    where.push(
      sql`(f.primary_category = ${f.category}::corruption_category OR f.categories @> ARRAY[${f.category}::corruption_category])`,
    );
  }
  push(where, visible(f, RecordKind.CasePart, 'f'));
  const members = memberConditions(f, 'w');
  // With member filters: a referral counts when one of its subjects matches (its rows share the year), and
  // the people columns count the matching subjects.
  const referralWhere: Fragment[] = [sql`f.counts_referral`, ...where];
  const personWhere: Fragment[] = [sql`f.workforce_member_id IS NOT NULL`, ...where];
  if (members.length) {
    referralWhere.push(sql`f.case_id IN (SELECT x.case_id FROM referral_fact x
        JOIN workforce_member w ON w.id = x.workforce_member_id
       WHERE ${sql.ref(`x.${year}`)} BETWEEN ${f.from} AND ${f.to} AND ${and(members)})`);
    personWhere.push(...members);
  }
  // The referral-level figures count the one row per referral that says so; the people figures count the
  // subjects' rows. Each is grouped first by the columns its measures test (a few dozen groups a year).
  return sql<YearFigureRow>`
WITH rg AS (
  SELECT ${fy} AS fy, f.basis, f.decision, f.allegation, count(*) AS n
    FROM referral_fact f
   WHERE ${and(referralWhere)}
   GROUP BY 1, 2, 3, 4
),
ra AS (
  SELECT COALESCE(r.fy, ${sql.lit(TOTAL_KEY)}) AS fy,
         ${REFERRAL_PIVOT}
    FROM rg r GROUP BY GROUPING SETS ((r.fy), ())
),
sg AS (
  SELECT ${fy} AS fy, f.misconduct, f.criminal, count(*) AS n
    FROM referral_fact f
    ${members.length ? sql`JOIN workforce_member w ON w.id = f.workforce_member_id` : sql``}
   WHERE ${and(personWhere)}
   GROUP BY 1, 2, 3
),
sa AS (
  SELECT COALESCE(s.fy, ${sql.lit(TOTAL_KEY)}) AS fy,
         ${SUBJECT_PIVOT}
    FROM sg s GROUP BY GROUPING SETS ((s.fy), ())
)
SELECT g.fy,
       ${REFERRAL_OUT}
  FROM ${yearGrid(f)}
  LEFT JOIN ra ON ra.fy = g.fy
  LEFT JOIN sa ON sa.fy = g.fy
 ORDER BY g.fy = ${sql.lit(TOTAL_KEY)}, g.fy`;
}

// ---------------------------------------------------------------- cases (people)

const CASE_MEASURES: Measure[] = [
  count('people', null, 'People (a person counts once per case)'),
  count('pending', 'o.finalised_at IS NULL', 'People whose outcome is not yet finalised'),
  count('finalised', 'o.finalised_at IS NOT NULL', 'People whose outcome is finalised'),
  count('no_case_to_answer', `o.misconduct_finding = 'no_case_to_answer'`, 'No case to answer'),
  count('case_to_answer', `o.misconduct_finding = 'case_to_answer'`, 'Case to answer'),
  count('meetings', `o.proceedings = 'misconduct_meeting'`, 'Misconduct meetings held'),
  count(
    'meetings_proven',
    `o.proceedings = 'misconduct_meeting' AND o.proceedings_result = 'proven'`,
    'Misconduct meetings: proven',
  ),
  count('hearings', `o.proceedings = 'misconduct_hearing'`, 'Misconduct hearings held'),
  count(
    'hearings_proven',
    `o.proceedings = 'misconduct_hearing' AND o.proceedings_result = 'proven'`,
    'Misconduct hearings: proven',
  ),
  count(
    'hearings_gross_misconduct_proven',
    `o.proceedings = 'misconduct_hearing' AND o.proceedings_result = 'proven' AND o.assessed_severity = 'gross_misconduct'`,
    'Misconduct hearings: gross misconduct proven (the person assessed as gross misconduct)',
  ),
  count('accelerated_hearings', `o.proceedings = 'accelerated_hearing'`, 'Accelerated hearings held'),
  count(
    'accelerated_hearings_proven',
    `o.proceedings = 'accelerated_hearing' AND o.proceedings_result = 'proven'`,
    'Accelerated hearings: proven',
  ),
  count('proven', `o.proceedings_result = 'proven'`, 'Misconduct proven (any proceedings)'),
  count('not_proven', `o.proceedings_result = 'not_proven'`, 'Misconduct not proven'),
  ...Object.values(MisconductOutcome).map((m) =>
    count(`outcome_${m}`, `o.misconduct_outcome = ${quote(m)}`, `Outcome: ${m.replace(/_/g, ' ')}`),
  ),
  count(
    'would_have_been_dismissed',
    'o.would_have_been_dismissed',
    'Left the service; would have been dismissed',
  ),
  count('left_service', 'o.left_service IS NOT NULL', 'Resigned or retired before the outcome'),
  count('barred_list', 'o.barred_list_on IS NOT NULL', 'Entered on the Barred List'),
  count('advisory_list', 'o.advisory_list_on IS NOT NULL', 'Entered on the Advisory List'),
  ...ALLEGATION_ORDER.map((a) =>
    count(`allegation_${a}`, `o.allegation_result = ${quote(a)}`, `Allegation ${a.replace(/_/g, ' ')}`),
  ),
  count('allegation_pending', 'o.allegation_result IS NULL', 'Allegation result not yet recorded'),
  ...Object.values(CriminalOutcome).map((c) =>
    count(`criminal_${c}`, `o.criminal_outcome = ${quote(c)}`, `Criminal outcome: ${c.replace(/_/g, ' ')}`),
  ),
];

export const CASE_COLUMNS: SqlColumn[] = [
  { key: 'financial_year', description: 'UK financial year (1 April to 31 March), or total' },
  {
    key: 'basis',
    description:
      'Counting basis: recorded (year the case was recorded) or finalised (year the person’s outcome was finalised)',
  },
  { key: 'member_type', description: 'Workforce member type (officers and staff apart), or all' },
  ...CASE_MEASURES.map(({ key, description }) => ({ key, description })),
];

const CASE_COUNTS = selectList(CASE_MEASURES, (m) => m.expr, ',\n         ');
const CASE_SUMS = selectList(CASE_MEASURES, (m) => `sum(b."${m.key}")::int`, ',\n         ');
const CASE_OUT = selectList(CASE_MEASURES, (m) => zeroed(m, 'a'), ',\n       ');

/**
 * People in cases per financial year and member type (the shape of the Home Office's annual police
 * misconduct tables): proceedings held, proven, each outcome. Basis `finalised`: the year the person's
 * outcome was finalised (cases concluded); `recorded`: the year the case was recorded, unfinished ones
 * counted as pending. The member type is the one recorded with the outcome, else the member's current one.
 * Only confirmed outcomes count (issue 26): a proposal is pending, and `finalised_at` is set on confirmation.
 */
export function caseFiguresQuery(f: BasisFilter): RawBuilder<CaseFigureRow> {
  const finalised = f.basis === 'finalised';
  const fy = sql.ref(finalised ? 'o.finalised_financial_year' : 'c.recorded_financial_year');
  const where: Fragment[] = [sql`${fy} BETWEEN ${f.from} AND ${f.to}`];
  if (f.category) {
    where.push(
      sql`(c.primary_category = ${f.category}::corruption_category OR c.categories @> ARRAY[${f.category}::corruption_category])`,
    );
  }
  push(where, visible(f, RecordKind.Case, 'c'));
  if (f.department) where.push(sql`w.department_id = ${f.department}::uuid`);
  // Finalised: every person counted has an outcome (which records their member type), so the figure reads
  // the outcomes alone; recorded: every subject of the case, with or without an outcome yet.
  const mt = finalised ? sql`o.member_type` : sql`COALESCE(o.member_type, w.member_type)`;
  const types = f.memberType ? [f.memberType] : Object.values(MemberType);
  if (f.memberType) where.push(sql`${mt} = ${f.memberType}::member_type`);
  const source = finalised
    ? sql`case_subject_outcome o
            JOIN case_record c ON c.id = o.case_id
            ${f.department ? sql`JOIN workforce_member w ON w.id = o.workforce_member_id` : sql``}`
    : sql`case_subject cs
            JOIN case_record c ON c.id = cs.case_id
            JOIN workforce_member w ON w.id = cs.workforce_member_id
            LEFT JOIN case_subject_outcome o
              ON o.case_id = cs.case_id AND o.workforce_member_id = cs.workforce_member_id
             AND o.confirmed_at IS NOT NULL`;
  // Counted once per year and member type (a hash of a few dozen groups), then summed into the totals.
  return sql<CaseFigureRow>`
WITH b AS (
  SELECT o.fy, o.mt,
         ${CASE_COUNTS}
    FROM (SELECT ${fy} AS fy, ${mt} AS mt, COALESCE(o.severity, c.severity) AS assessed_severity, o.*
            FROM ${source}
           WHERE ${sql.join(where, sql`\n             AND `)}) o
   GROUP BY o.fy, o.mt
),
a AS (
  SELECT COALESCE(b.fy, ${sql.lit(TOTAL_KEY)}) AS fy, COALESCE(b.mt::text, ${sql.lit(ALL_KEY)}) AS mt,
         ${CASE_SUMS}
    FROM b
   GROUP BY GROUPING SETS ((b.fy, b.mt), (b.fy), (b.mt), ())
)
SELECT g.fy, t.mt AS member_type,
       ${CASE_OUT}
  FROM ${yearGrid(f)}
 CROSS JOIN (SELECT ${sql.lit(ALL_KEY)} AS mt, 0 AS ord
             UNION ALL SELECT u.t, u.n::int FROM unnest(${types}::text[]) WITH ORDINALITY u(t, n)) t
  LEFT JOIN a ON a.fy = g.fy AND a.mt = t.mt
 ORDER BY g.fy = ${sql.lit(TOTAL_KEY)}, g.fy, t.ord`;
}

const CASE_TOTALS = selectList(CASE_MEASURES, (m) => `sum(t."${m.key}")::int`, ',\n         ');
const CASE_TAKEN_OFF = selectList(CASE_MEASURES, (m) => `-(${m.expr})`, ',\n         ');

/**
 * The same table as `caseFiguresQuery` (the figure over the base tables: its oracle and the bench's
 * baseline), read from its read model (migration CaseFigureFacts): `case_figure_total`, the counts per basis,
 * year, member type and category kept by triggers in each change's own transaction, a few dozen rows for ten
 * years. The cases concerning the caller (the access policy) are taken off from their `case_person_fact`
 * rows; with a department filter (the member's current department) the figure is counted from
 * `case_person_fact` joined to the workforce record, as the referrals figure reads `referral_fact`.
 */
export function caseFiguresFromFactsQuery(f: BasisFilter): RawBuilder<CaseFigureRow> {
  const types = f.memberType ? [f.memberType] : Object.values(MemberType);
  const factWhere: Fragment[] = [sql`o.basis = ${f.basis}`, sql`o.fy BETWEEN ${f.from} AND ${f.to}`];
  if (f.category) {
    factWhere.push(
      sql`(o.primary_category = ${f.category}::corruption_category OR o.categories @> ARRAY[${f.category}::corruption_category])`,
    );
  }
  if (f.memberType) factWhere.push(sql`o.member_type = ${f.memberType}::member_type`);
  const shown = visible(f, RecordKind.CasePart, 'o');
  let b: Fragment;
  if (f.department) {
    push(factWhere, shown);
    factWhere.push(sql`w.department_id = ${f.department}::uuid`);
    // access: the caller's own cases are left out by the policy's condition on the facts (CasePart).
    b = sql`SELECT o.fy, o.member_type AS mt,
         ${CASE_COUNTS}
    FROM case_person_fact o
    JOIN workforce_member w ON w.id = o.workforce_member_id
   WHERE ${and(factWhere)}
   GROUP BY o.fy, o.member_type`;
  } else {
    const totalWhere: Fragment[] = [
      sql`t.basis = ${f.basis}`,
      sql`t.fy BETWEEN ${f.from} AND ${f.to}`,
      f.category ? sql`t.category = ${f.category}::corruption_category` : sql`t.category IS NULL`,
    ];
    if (f.memberType) totalWhere.push(sql`t.member_type = ${f.memberType}::member_type`);
    // access: the totals count every case; those the caller may not see are taken off (CasePart, negated).
    b = sql`SELECT t.fy, t.member_type AS mt,
         ${CASE_TOTALS}
    FROM case_figure_total t
   WHERE ${and(totalWhere)}
   GROUP BY t.fy, t.member_type${
     shown
       ? sql`
  UNION ALL
  SELECT o.fy, o.member_type AS mt,
         ${CASE_TAKEN_OFF}
    FROM case_person_fact o
   WHERE ${and([...factWhere, sql`NOT (${shown})`])}
   GROUP BY o.fy, o.member_type`
       : sql``
   }`;
  }
  return sql<CaseFigureRow>`
WITH b AS (
  ${b}
),
a AS (
  SELECT COALESCE(b.fy, ${sql.lit(TOTAL_KEY)}) AS fy, COALESCE(b.mt::text, ${sql.lit(ALL_KEY)}) AS mt,
         ${CASE_SUMS}
    FROM b
   GROUP BY GROUPING SETS ((b.fy, b.mt), (b.fy), (b.mt), ())
)
SELECT g.fy, t.mt AS member_type,
       ${CASE_OUT}
  FROM ${yearGrid(f)}
 CROSS JOIN (SELECT ${sql.lit(ALL_KEY)} AS mt, 0 AS ord
             UNION ALL SELECT u.t, u.n::int FROM unnest(${types}::text[]) WITH ORDINALITY u(t, n)) t
  LEFT JOIN a ON a.fy = g.fy AND a.mt = t.mt
 ORDER BY g.fy = ${sql.lit(TOTAL_KEY)}, g.fy, t.ord`;
}

// ---------------------------------------------------------------- intelligence

/**
 * Days from receipt to decision: whole calendar days, the UK (Europe/London) date of the decision less the
 * UK date of receipt, as the read model's derivation counts them (intelligence_figure_facts_of).
 */
const DAYS_TO_DECISION = `((i.reviewed_at AT TIME ZONE 'Europe/London')::date - (i.received_at AT TIME ZONE 'Europe/London')::date)::float8`;

const INTELLIGENCE_MEASURES: Measure[] = [
  count('received', null, 'Reports received'),
  ...Object.values(CorruptionCategory).map((c) =>
    count(`category_${c}`, `i.primary_category = ${quote(c)}`, `Primary category: ${c.replace(/_/g, ' ')}`),
  ),
  ...Object.values(SourceType).map((s) =>
    count(`source_${s}`, `i.source_type = ${quote(s)}`, `Source type: ${s.replace(/_/g, ' ')}`),
  ),
  count('graded_3x5x2', `i.grading_scheme = '3x5x2'`, 'Graded on the national 3x5x2 scheme'),
  count('graded_5x5x5', `i.grading_scheme = '5x5x5'`, 'Graded on the legacy 5x5x5 scheme'),
  {
    key: 'graded_3x5x2_percent',
    expr: `round(100.0 * count(*) FILTER (WHERE i.grading_scheme = '3x5x2') / NULLIF(count(*), 0), 1)::text`,
    description:
      'Share graded on the 3x5x2 scheme, per cent to one decimal (empty when nothing was received)',
  },
  count('no_further_action', `i.decision = 'no_further_action'`, 'Decision: no further action'),
  count('development', `i.decision = 'development'`, 'Decision: development'),
  count('referred_to_case', `i.decision = 'referred_to_case'`, 'Decision: referred to a case'),
  count('disseminated', `i.decision = 'disseminated'`, 'Decision: disseminated'),
  count('open', 'i.decision IS NULL', 'Still open: no decision yet'),
  {
    key: 'median_days_to_decision',
    expr: `round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ${DAYS_TO_DECISION})
             FILTER (WHERE i.decision IS NOT NULL))::numeric, 1)::text`,
    description:
      'Median days from receipt to decision, a day being a whole calendar day: the UK date of the decision less the UK date of receipt (decided reports; empty when none)',
  },
  {
    key: 'p90_days_to_decision',
    expr: `round((percentile_cont(0.9) WITHIN GROUP (ORDER BY ${DAYS_TO_DECISION})
             FILTER (WHERE i.decision IS NOT NULL))::numeric, 1)::text`,
    description:
      '90th percentile of days from receipt to decision, in whole calendar days as the median (decided reports; empty when none)',
  },
];
const NULLABLE_INTELLIGENCE = new Set([
  'graded_3x5x2_percent',
  'median_days_to_decision',
  'p90_days_to_decision',
]);

/** The counts among the intelligence measures (the read model holds one column per count). */
const INTELLIGENCE_COUNT_MEASURES = INTELLIGENCE_MEASURES.filter((m) => m.where !== undefined);

export const INTELLIGENCE_COLUMNS: SqlColumn[] = [
  { key: 'financial_year', description: 'UK financial year (1 April to 31 March), or total' },
  {
    key: 'basis',
    description: 'Counting basis: recorded (year received) or finalised (year of the latest decision)',
  },
  ...INTELLIGENCE_MEASURES.map(({ key, description }) => ({ key, description })),
];

const INTELLIGENCE_COUNTS = selectList(INTELLIGENCE_MEASURES, (m) => m.expr, ',\n         ');
const INTELLIGENCE_OUT = selectList(
  INTELLIGENCE_MEASURES,
  (m) => zeroed(m, 'a', NULLABLE_INTELLIGENCE.has(m.key)),
  ',\n       ',
);

/**
 * Intelligence reports per financial year by primary category and source type, grading, decisions and
 * time to decision. Basis `recorded`: the year received (a range on the indexed `received_at`);
 * `finalised`: the year of the latest decision. Straight over the base tables: the read model's oracle
 * (test/intelligence-capacity-facts.e2e-spec.ts) and the bench's baseline; the endpoint reads
 * `intelligenceFiguresFromModelQuery`.
 */
export function intelligenceFiguresQuery(f: BasisFilter): RawBuilder<YearFigureRow> {
  const at = sql.ref(f.basis === 'finalised' ? 'i.reviewed_at' : 'i.received_at');
  const where: Fragment[] = [sql`${at} >= ${fyStart(f.from)}`, sql`${at} < ${fyStart(f.to, 1)}`];
  if (f.basis === 'finalised') where.push(sql`i.decision IS NOT NULL`);
  if (f.category) {
    where.push(
      sql`(i.primary_category = ${f.category}::corruption_category OR i.secondary_categories @> ARRAY[${f.category}::corruption_category])`,
    );
  }
  push(where, visible(f, RecordKind.IntelligenceReport, 'i'));
  const members = memberConditions(f, 'w');
  if (members.length) {
    where.push(sql`EXISTS (SELECT 1 FROM intelligence_subject isub JOIN workforce_member w ON w.id = isub.workforce_member_id
      WHERE isub.report_id = i.id AND ${and(members)})`);
  }
  return sql<YearFigureRow>`
WITH a AS (
  SELECT COALESCE(case_financial_year(${at}), ${sql.lit(TOTAL_KEY)}) AS fy,
         ${INTELLIGENCE_COUNTS}
    FROM intelligence_report i
   WHERE ${and(where)}
   GROUP BY GROUPING SETS ((case_financial_year(${at})), ())
)
SELECT g.fy,
       ${INTELLIGENCE_OUT}
  FROM ${yearGrid(f)}
  LEFT JOIN a ON a.fy = g.fy
 ORDER BY g.fy = ${sql.lit(TOTAL_KEY)}, g.fy`;
}

const INTELLIGENCE_SUMS = selectList(
  INTELLIGENCE_COUNT_MEASURES,
  (m) => `sum(t."${m.key}")::int`,
  ',\n         ',
);
const INTELLIGENCE_FACT_COUNTS = (sign: 1 | -1): Fragment =>
  selectList(INTELLIGENCE_COUNT_MEASURES, (m) => (sign < 0 ? `-(${m.expr})` : m.expr), ',\n         ');
const INTELLIGENCE_YEAR_SUMS = selectList(
  INTELLIGENCE_COUNT_MEASURES,
  (m) => `sum(c."${m.key}")::int`,
  ',\n         ',
);

const INTELLIGENCE_MODEL_OUT = sql.raw(
  INTELLIGENCE_MEASURES.map((m) => {
    if (m.key === 'graded_3x5x2_percent') {
      return `round(100.0 * a."graded_3x5x2" / NULLIF(a."received", 0), 1)::text AS "${m.key}"`;
    }
    if (m.key === 'median_days_to_decision') return `p.median AS "${m.key}"`;
    if (m.key === 'p90_days_to_decision') return `p.p90 AS "${m.key}"`;
    return `${zeroed(m, 'a')} AS "${m.key}"`;
  }).join(',\n       '),
);

/** `percentile_cont(p)` of the days in `alias`'s histogram rows (with `cum` and `total`), as the oracle rounds it. */
function percentileFromHistogram(p: string): string {
  const h = `(${p}::float8 * (x.total - 1)::float8)`;
  const lo = `min(x.days) FILTER (WHERE x.cum > floor(${h}))::float8`;
  const hi = `min(x.days) FILTER (WHERE x.cum > ceil(${h}))::float8`;
  return `round((${lo} + (${h} - floor(${h})) * (${hi} - ${lo}))::numeric, 1)::text`;
}

/**
 * The same table as `intelligenceFiguresQuery` (the figure over the base tables: its oracle and the bench's
 * baseline), read from its read model (migration IntelligenceFigureFacts): `intelligence_figure_total`, the
 * counts per basis, year and category filter, and `intelligence_decision_days`, how many decided reports took
 * each whole number of days, from whose cumulative counts the median and 90th percentile are computed exactly
 * as `percentile_cont` computes them over the reports (the value at rank floor(p·(n−1)), interpolated towards
 * the one at ceil(p·(n−1))). Both are kept by triggers in each change's own transaction; a ten-year figure
 * reads a few hundred rows. The reports concerning the caller (the access policy) are taken off, counted
 * through the same derivation (`intelligence_figure_facts_of`); with a department or member-type filter (a
 * subject's current department and type) the figure is counted through that derivation from the reports with
 * a matching subject instead.
 */
export function intelligenceFiguresFromModelQuery(f: BasisFilter): RawBuilder<YearFigureRow> {
  const members = memberConditions(f, 'w');
  const shown = visible(f, RecordKind.IntelligenceReport, 'i');
  const at = sql.ref(f.basis === 'finalised' ? 'i.reviewed_at' : 'i.received_at');
  // The reports `where` selects, each on the rows the derivation gives it for this basis, range and category.
  const facts = (where: Fragment[]): Fragment => sql`(
    SELECT x.fy, x.days, i.primary_category, i.source_type, i.grading_scheme, i.decision
      FROM intelligence_report i
     CROSS JOIN LATERAL intelligence_figure_facts_of(i.received_at, i.reviewed_at, i.decision,
           i.primary_category, i.secondary_categories) x
     WHERE ${and([
       sql`${at} >= ${fyStart(f.from)}`,
       sql`${at} < ${fyStart(f.to, 1)}`,
       sql`x.basis = ${f.basis}`,
       sql`x.fy BETWEEN ${f.from} AND ${f.to}`,
       f.category ? sql`x.category = ${f.category}::corruption_category` : sql`x.category IS NULL`,
       ...where,
     ])}) i`;
  let counts: Fragment;
  let days: Fragment;
  if (members.length) {
    const where: Fragment[] = [
      sql`EXISTS (SELECT 1 FROM intelligence_subject isub JOIN workforce_member w ON w.id = isub.workforce_member_id
      WHERE isub.report_id = i.id AND ${and(members)})`,
    ];
    push(where, shown);
    counts = sql`SELECT i.fy, ${INTELLIGENCE_FACT_COUNTS(1)}
    FROM ${facts(where)}
   GROUP BY i.fy`;
    days = sql`SELECT i.fy, i.days, count(*) AS n
    FROM ${facts(where)}
   WHERE i.days IS NOT NULL
   GROUP BY i.fy, i.days`;
  } else {
    const model: Fragment[] = [
      sql`t.basis = ${f.basis}`,
      sql`t.fy BETWEEN ${f.from} AND ${f.to}`,
      f.category ? sql`t.category = ${f.category}::corruption_category` : sql`t.category IS NULL`,
    ];
    // access: the model counts every report; those the caller may not see are taken off (negated policy).
    const own = shown ? [sql`NOT (${shown})`] : null;
    counts = sql`SELECT t.fy, ${INTELLIGENCE_SUMS}
    FROM intelligence_figure_total t
   WHERE ${and(model)}
   GROUP BY t.fy${
     own
       ? sql`
  UNION ALL
  SELECT i.fy, ${INTELLIGENCE_FACT_COUNTS(-1)}
    FROM ${facts(own)}
   GROUP BY i.fy`
       : sql``
   }`;
    days = sql`SELECT t.fy, t.days, t.n::bigint AS n
    FROM intelligence_decision_days t
   WHERE ${and(model)}${
     own
       ? sql`
  UNION ALL
  SELECT i.fy, i.days, -count(*)
    FROM ${facts(own)}
   WHERE i.days IS NOT NULL
   GROUP BY i.fy, i.days`
       : sql``
   }`;
  }
  return sql<YearFigureRow>`
WITH c AS (
  ${counts}
),
a AS (
  SELECT COALESCE(c.fy, ${sql.lit(TOTAL_KEY)}) AS fy,
         ${INTELLIGENCE_YEAR_SUMS}
    FROM c GROUP BY GROUPING SETS ((c.fy), ())
),
d AS (
  ${days}
),
h AS (
  SELECT COALESCE(d.fy, ${sql.lit(TOTAL_KEY)}) AS fy, d.days, sum(d.n) AS n
    FROM d GROUP BY GROUPING SETS ((d.fy, d.days), (d.days))
),
p AS (
  SELECT x.fy,
         ${sql.raw(percentileFromHistogram('0.5'))} AS median,
         ${sql.raw(percentileFromHistogram('0.9'))} AS p90
    FROM (SELECT h.fy, h.days, sum(h.n) OVER (PARTITION BY h.fy ORDER BY h.days) AS cum,
                 sum(h.n) OVER (PARTITION BY h.fy) AS total
            FROM h WHERE h.n > 0) x
   GROUP BY x.fy, x.total
)
SELECT g.fy,
       ${INTELLIGENCE_MODEL_OUT}
  FROM ${yearGrid(f)}
  LEFT JOIN a ON a.fy = g.fy
  LEFT JOIN p ON p.fy = g.fy
 ORDER BY g.fy = ${sql.lit(TOTAL_KEY)}, g.fy`;
}

/** The year tables, run on the unit of work's connection. */
@Injectable()
export class YearFiguresRepository {
  referrals(tx: EntityManager, f: BasisFilter): Promise<YearFigureRow[]> {
    return all(tx, referralFiguresQuery(f).compile(db));
  }

  /** The people-in-cases figure from its read model (`caseFiguresFromFactsQuery`). */
  cases(tx: EntityManager, f: BasisFilter): Promise<CaseFigureRow[]> {
    return all(tx, caseFiguresFromFactsQuery(f).compile(db));
  }

  /** The intelligence figure from its read model (`intelligenceFiguresFromModelQuery`). */
  intelligence(tx: EntityManager, f: BasisFilter): Promise<YearFigureRow[]> {
    return all(tx, intelligenceFiguresFromModelQuery(f).compile(db));
  }
}
