import { Injectable } from '@nestjs/common';
import { type RawBuilder, sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { all, db } from '../../database/sql.js';
import { RecordKind } from '../access/access.policy.js';
import { AllegationResult, CriminalOutcome, IopcDecision, MisconductOutcome } from '../cases/cases.enums.js';
import { MemberType } from '../workforce/workforce.enums.js';
import {
  and,
  type BasisFilter,
  count,
  type Fragment,
  type SqlColumn,
  type Measure,
  memberConditions,
  push,
  quote,
  selectList,
  TOTAL_KEY,
  visible,
  yearGrid,
  type YearFigureRow,
  zeroed,
} from './figures.repository.js';
import { intelligenceFiguresFromModelQuery } from './intelligence-figures.repository.js';

/**
 * The figures by financial year (referrals, people in cases; intelligence in intelligence-figures.repository.ts): each one statement of aggregates
 * over other modules' tables, read-only (the reporting exception, see ADR 0002; figures.repository.ts).
 */

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
