import { AllegationResult, CriminalOutcome, IopcDecision, MisconductOutcome } from '../cases/cases.enums.js';
import { SourceType } from '../intelligence/intelligence.enums.js';
import { MemberType } from '../workforce/workforce.enums.js';
import type { FigureColumn } from './dto/figures.dto.js';
import { CorruptionCategory } from '../../common/domain/corruption-category.js';
import { csvCell } from '../../common/csv.js';
import type { Actor } from '../../common/auth/actor.js';
import { RecordKind, visibleTo } from '../access/access.policy.js';

/**
 * The SQL behind every figure, as builders that return the statement's text and parameters. The service
 * runs exactly these; `npm run bench` runs the same text raw as the baseline each endpoint is measured
 * against. Every figure is one statement of SQL aggregates: no rows are loaded into Node to be counted.
 *
 * Financial years are held as the year they start in; `case_financial_year(timestamptz)` (the cases
 * migration) judges an instant on the UK calendar (Europe/London), as the stored `*_financial_year`
 * columns do. Years with nothing in them come back as rows of zeros (a grid of years LEFT JOINed to the
 * aggregate), and the total row is the aggregate's grand total (GROUPING SETS), keyed -1.
 */

export interface SqlQuery {
  text: string;
  values: unknown[];
}

export type Basis = 'recorded' | 'finalised';

export interface FigureFilter {
  /** Financial years as start years, inclusive. */
  from: number;
  to: number;
  category?: string | null;
  department?: string | null;
  memberType?: string | null;
  /**
   * Who the figure is for: records they may not see (cases, intelligence and vetting states concerning their
   * own workforce record) are left out of it by the access policy (`visibleTo`), so that a narrow filter
   * cannot tell them that a record about them exists. None (the bench's baselines): every record counts.
   */
  viewer?: Actor | null;
}

export interface BasisFilter extends FigureFilter {
  basis: Basis;
}

/** The grand-total row's key in the year column. */
export const TOTAL_KEY = -1;

class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

interface Measure extends FigureColumn {
  /** An aggregate over the figure's source rows. */
  expr: string;
  /** For counts: the condition counted (null: every row). */
  where?: string | null;
}

const count = (key: string, where: string | null, description: string): Measure => ({
  key,
  expr: where ? `count(*) FILTER (WHERE ${where})::int` : 'count(*)::int',
  where,
  description,
});

/**
 * A count measure over rows already grouped by the columns it tests (with their row count `n`): a handful of
 * groups per year instead of every source row through every FILTER.
 */
const pivot = (m: Measure): string =>
  m.where ? `COALESCE(sum(n) FILTER (WHERE ${m.where}), 0)::int` : 'COALESCE(sum(n), 0)::int';

const quote = (code: string): string => `'${code.replace(/'/g, "''")}'`;

/** `0` for the grid's empty years: every measure is a count, or null where there is nothing to measure. */
const zeroed = (m: Measure, alias: string, nullable = false): string =>
  nullable ? `${alias}."${m.key}"` : `COALESCE(${alias}."${m.key}", 0)`;

/** The subject filter (department / member type) on a workforce_member alias, or null. */
function memberConditions(f: FigureFilter, p: Params, w: string): string[] {
  const out: string[] = [];
  if (f.department) out.push(`${w}.department_id = ${p.add(f.department)}::uuid`);
  if (f.memberType) out.push(`${w}.member_type = ${p.add(f.memberType)}::member_type`);
  return out;
}

/**
 * The access policy's condition on the records of `kind` aliased `alias` for the figure's viewer, its values
 * appended to the statement's; null when it restricts nothing (no viewer, or one with no workforce link), so
 * that the statement is the bench's baseline text.
 */
function visible(f: Pick<FigureFilter, 'viewer'>, p: Params, kind: RecordKind, alias: string): string | null {
  if (!f.viewer) return null;
  const predicate = visibleTo(f.viewer, kind, alias);
  return predicate.unrestricted ? null : predicate.sql(p.values);
}

const push = (list: string[], condition: string | null): void => {
  if (condition) list.push(condition);
};

/** The grid of years (and the total key) every year table is LEFT JOINed onto. */
const yearGrid = (from: string, to: string): string =>
  `(SELECT y::int AS fy FROM generate_series(${from}::int, ${to}::int) y UNION ALL SELECT ${TOTAL_KEY}) g`;

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

export const REFERRAL_COLUMNS: FigureColumn[] = [
  { key: 'financial_year', description: 'UK financial year (1 April to 31 March), or total' },
  {
    key: 'basis',
    description: 'Counting basis: recorded (year referred) or finalised (year the case was finalised)',
  },
  ...[...REFERRAL_MEASURES, ...SUBJECT_MEASURES].map(({ key, description }) => ({ key, description })),
];

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
export function referralFiguresSql(f: BasisFilter): SqlQuery {
  const p = new Params();
  const from = p.add(f.from);
  const to = p.add(f.to);
  const year = f.basis === 'finalised' ? 'finalised_financial_year' : 'referred_financial_year';
  const fy = `f.${year}`;
  const where = [`${fy} BETWEEN ${from} AND ${to}`];
  if (f.category) {
    const cat = p.add(f.category);
    where.push(
      `(f.primary_category = ${cat}::corruption_category OR f.categories @> ARRAY[${cat}::corruption_category])`,
    );
  }
  push(where, visible(f, p, RecordKind.CasePart, 'f'));
  const members = memberConditions(f, p, 'w');
  // With member filters: a referral counts when one of its subjects matches (its rows share the year), and
  // the people columns count the matching subjects.
  const referralWhere = ['f.counts_referral', ...where];
  const personWhere = ['f.workforce_member_id IS NOT NULL', ...where];
  if (members.length) {
    referralWhere.push(`f.case_id IN (SELECT x.case_id FROM referral_fact x
        JOIN workforce_member w ON w.id = x.workforce_member_id
       WHERE x.${year} BETWEEN ${from} AND ${to} AND ${members.join(' AND ')})`);
    personWhere.push(...members);
  }
  // The referral-level figures count the one row per referral that says so; the people figures count the
  // subjects' rows. Each is grouped first by the columns its measures test (a few dozen groups a year).
  const text = `
WITH rg AS (
  SELECT ${fy} AS fy, f.basis, f.decision, f.allegation, count(*) AS n
    FROM referral_fact f
   WHERE ${referralWhere.join('\n     AND ')}
   GROUP BY 1, 2, 3, 4
),
ra AS (
  SELECT COALESCE(r.fy, ${TOTAL_KEY}) AS fy,
         ${REFERRAL_MEASURES.map((m) => `${pivot(m)} AS "${m.key}"`).join(',\n         ')}
    FROM rg r GROUP BY GROUPING SETS ((r.fy), ())
),
sg AS (
  SELECT ${fy} AS fy, f.misconduct, f.criminal, count(*) AS n
    FROM referral_fact f
    ${members.length ? 'JOIN workforce_member w ON w.id = f.workforce_member_id' : ''}
   WHERE ${personWhere.join('\n     AND ')}
   GROUP BY 1, 2, 3
),
sa AS (
  SELECT COALESCE(s.fy, ${TOTAL_KEY}) AS fy,
         ${SUBJECT_MEASURES.map((m) => `${pivot(m)} AS "${m.key}"`).join(',\n         ')}
    FROM sg s GROUP BY GROUPING SETS ((s.fy), ())
)
SELECT g.fy,
       ${[
         ...REFERRAL_MEASURES.map((m) => `${zeroed(m, 'ra')} AS "${m.key}"`),
         ...SUBJECT_MEASURES.map((m) => `${zeroed(m, 'sa')} AS "${m.key}"`),
       ].join(',\n       ')}
  FROM ${yearGrid(from, to)}
  LEFT JOIN ra ON ra.fy = g.fy
  LEFT JOIN sa ON sa.fy = g.fy
 ORDER BY g.fy = ${TOTAL_KEY}, g.fy`;
  return { text, values: p.values };
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
    `o.proceedings = 'misconduct_hearing' AND o.proceedings_result = 'proven' AND o.severity = 'gross_misconduct'`,
    'Misconduct hearings: gross misconduct proven (case assessed as gross misconduct)',
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

export const CASE_COLUMNS: FigureColumn[] = [
  { key: 'financial_year', description: 'UK financial year (1 April to 31 March), or total' },
  {
    key: 'basis',
    description:
      'Counting basis: recorded (year the case was recorded) or finalised (year the person’s outcome was finalised)',
  },
  { key: 'member_type', description: 'Workforce member type (officers and staff apart), or all' },
  ...CASE_MEASURES.map(({ key, description }) => ({ key, description })),
];

/** The member-type key of the rows that sum over every type. */
export const ALL_KEY = 'all';

/**
 * People in cases per financial year and member type (the shape of the Home Office's annual police
 * misconduct tables): proceedings held, proven, each outcome. Basis `finalised`: the year the person's
 * outcome was finalised (cases concluded); `recorded`: the year the case was recorded, unfinished ones
 * counted as pending. The member type is the one recorded with the outcome, else the member's current one.
 */
export function caseFiguresSql(f: BasisFilter): SqlQuery {
  const p = new Params();
  const from = p.add(f.from);
  const to = p.add(f.to);
  const finalised = f.basis === 'finalised';
  const fy = finalised ? 'o.finalised_financial_year' : 'c.recorded_financial_year';
  const where = [`${fy} BETWEEN ${from} AND ${to}`];
  if (f.category) {
    const cat = p.add(f.category);
    where.push(
      `(c.primary_category = ${cat}::corruption_category OR c.categories @> ARRAY[${cat}::corruption_category])`,
    );
  }
  push(where, visible(f, p, RecordKind.Case, 'c'));
  if (f.department) where.push(`w.department_id = ${p.add(f.department)}::uuid`);
  // Finalised: every person counted has an outcome (which records their member type), so the figure reads
  // the outcomes alone; recorded: every subject of the case, with or without an outcome yet.
  const mt = finalised ? 'o.member_type' : 'COALESCE(o.member_type, w.member_type)';
  const types = f.memberType ? [f.memberType] : Object.values(MemberType);
  if (f.memberType) where.push(`${mt} = ${p.add(f.memberType)}::member_type`);
  const typeList = p.add(types);
  const source = finalised
    ? `case_subject_outcome o
            JOIN case_record c ON c.id = o.case_id
            ${f.department ? 'JOIN workforce_member w ON w.id = o.workforce_member_id' : ''}`
    : `case_subject cs
            JOIN case_record c ON c.id = cs.case_id
            JOIN workforce_member w ON w.id = cs.workforce_member_id
            LEFT JOIN case_subject_outcome o
              ON o.case_id = cs.case_id AND o.workforce_member_id = cs.workforce_member_id`;
  // Counted once per year and member type (a hash of a few dozen groups), then summed into the totals.
  const text = `
WITH b AS (
  SELECT o.fy, o.mt,
         ${CASE_MEASURES.map((m) => `${m.expr} AS "${m.key}"`).join(',\n         ')}
    FROM (SELECT ${fy} AS fy, ${mt} AS mt, c.severity, o.*
            FROM ${source}
           WHERE ${where.join('\n             AND ')}) o
   GROUP BY o.fy, o.mt
),
a AS (
  SELECT COALESCE(b.fy, ${TOTAL_KEY}) AS fy, COALESCE(b.mt::text, '${ALL_KEY}') AS mt,
         ${CASE_MEASURES.map((m) => `sum(b."${m.key}")::int AS "${m.key}"`).join(',\n         ')}
    FROM b
   GROUP BY GROUPING SETS ((b.fy, b.mt), (b.fy), (b.mt), ())
)
SELECT g.fy, t.mt AS member_type,
       ${CASE_MEASURES.map((m) => `${zeroed(m, 'a')} AS "${m.key}"`).join(',\n       ')}
  FROM ${yearGrid(from, to)}
 CROSS JOIN (SELECT '${ALL_KEY}' AS mt, 0 AS ord
             UNION ALL SELECT u.t, u.n::int FROM unnest(${typeList}::text[]) WITH ORDINALITY u(t, n)) t
  LEFT JOIN a ON a.fy = g.fy AND a.mt = t.mt
 ORDER BY g.fy = ${TOTAL_KEY}, g.fy, t.ord`;
  return { text, values: p.values };
}

// ---------------------------------------------------------------- intelligence

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
    expr: `round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM i.reviewed_at - i.received_at) / 86400)
             FILTER (WHERE i.decision IS NOT NULL))::numeric, 1)::text`,
    description: 'Median days from receipt to decision (decided reports; empty when none)',
  },
  {
    key: 'p90_days_to_decision',
    expr: `round((percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM i.reviewed_at - i.received_at) / 86400)
             FILTER (WHERE i.decision IS NOT NULL))::numeric, 1)::text`,
    description: '90th percentile of days from receipt to decision (decided reports; empty when none)',
  },
];
const NULLABLE_INTELLIGENCE = new Set([
  'graded_3x5x2_percent',
  'median_days_to_decision',
  'p90_days_to_decision',
]);

export const INTELLIGENCE_COLUMNS: FigureColumn[] = [
  { key: 'financial_year', description: 'UK financial year (1 April to 31 March), or total' },
  {
    key: 'basis',
    description: 'Counting basis: recorded (year received) or finalised (year of the latest decision)',
  },
  ...INTELLIGENCE_MEASURES.map(({ key, description }) => ({ key, description })),
];

/** The instant a financial year starts: 00:00 on 1 April, UK local time. */
const fyStart = (param: string, plus = 0): string =>
  `(make_date(${param}::int + ${plus}, 4, 1)::timestamp AT TIME ZONE 'Europe/London')`;

/**
 * Intelligence reports per financial year by primary category and source type, grading, decisions and
 * time to decision. Basis `recorded`: the year received (a range on the indexed `received_at`);
 * `finalised`: the year of the latest decision.
 */
export function intelligenceFiguresSql(f: BasisFilter): SqlQuery {
  const p = new Params();
  const from = p.add(f.from);
  const to = p.add(f.to);
  const at = f.basis === 'finalised' ? 'i.reviewed_at' : 'i.received_at';
  const where = [`${at} >= ${fyStart(from)}`, `${at} < ${fyStart(to, 1)}`];
  if (f.basis === 'finalised') where.push('i.decision IS NOT NULL');
  if (f.category) {
    const cat = p.add(f.category);
    where.push(
      `(i.primary_category = ${cat}::corruption_category OR i.secondary_categories @> ARRAY[${cat}::corruption_category])`,
    );
  }
  push(where, visible(f, p, RecordKind.IntelligenceReport, 'i'));
  const members = memberConditions(f, p, 'w');
  if (members.length) {
    where.push(`EXISTS (SELECT 1 FROM intelligence_subject isub JOIN workforce_member w ON w.id = isub.workforce_member_id
      WHERE isub.report_id = i.id AND ${members.join(' AND ')})`);
  }
  const text = `
WITH a AS (
  SELECT COALESCE(case_financial_year(${at}), ${TOTAL_KEY}) AS fy,
         ${INTELLIGENCE_MEASURES.map((m) => `${m.expr} AS "${m.key}"`).join(',\n         ')}
    FROM intelligence_report i
   WHERE ${where.join('\n     AND ')}
   GROUP BY GROUPING SETS ((case_financial_year(${at})), ())
)
SELECT g.fy,
       ${INTELLIGENCE_MEASURES.map((m) => `${zeroed(m, 'a', NULLABLE_INTELLIGENCE.has(m.key))} AS "${m.key}"`).join(',\n       ')}
  FROM ${yearGrid(from, to)}
  LEFT JOIN a ON a.fy = g.fy
 ORDER BY g.fy = ${TOTAL_KEY}, g.fy`;
  return { text, values: p.values };
}

// ---------------------------------------------------------------- month ends (vetting, capacity)

/**
 * The dates figures by month are taken on: the last day of every month from April of `from` to March
 * after `to` that has already ended by `today`, then `today` itself (the "now" row).
 */
function monthEnds(p: Params, f: FigureFilter, today: string): { sql: string; today: string; from: string } {
  const t = p.add(today);
  const from = p.add(f.from);
  const to = p.add(f.to);
  return {
    today: t,
    from,
    sql: `(SELECT to_char(d, 'YYYY-MM') AS period, (d + interval '1 month - 1 day')::date AS as_of
             FROM generate_series(make_date(${from}::int, 4, 1), make_date(${to}::int + 1, 3, 1), interval '1 month') d
            WHERE (d + interval '1 month - 1 day')::date < ${t}::date
           UNION ALL SELECT 'now', ${t}::date)`,
  };
}

export const VETTING_COLUMNS: FigureColumn[] = [
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

/**
 * Vetting compliance at the end of each month and today, from `vetting_states_at(date)` (the vetting
 * module's one definition of a state, computed from the clearance history; up to date = `up_to_date` or
 * `renewal_due`, as the vetting module's own compliance figure counts it).
 */
export function vettingComplianceSql(f: FigureFilter, today: string): SqlQuery {
  const p = new Params();
  const m = monthEnds(p, f, today);
  const cond = ['v.is_current'];
  // A person's vetting state is their vetting (clearance) record: the caller's own is left out.
  const own = visible(f, p, RecordKind.Clearance, 'v');
  if (own) cond.push(own);
  if (f.department) cond.push(`v.department_id = ${p.add(f.department)}::uuid`);
  if (f.memberType) cond.push(`v.member_type = ${p.add(f.memberType)}::member_type`);
  const text = `
SELECT m.period, m.as_of::text AS as_of, case_financial_year(m.as_of) AS fy,
       count(s.state)::int AS workforce,
       count(*) FILTER (WHERE s.state IN ('up_to_date', 'renewal_due'))::int AS up_to_date,
       count(*) FILTER (WHERE s.state = 'renewal_due')::int AS renewal_due,
       count(*) FILTER (WHERE s.state IN ('overdue', 'below_required', 'none'))::int AS not_up_to_date,
       count(*) FILTER (WHERE s.state = 'overdue')::int AS overdue,
       count(*) FILTER (WHERE s.state = 'below_required')::int AS below_required,
       count(*) FILTER (WHERE s.state = 'none')::int AS no_clearance,
       round(100.0 * count(*) FILTER (WHERE s.state IN ('up_to_date', 'renewal_due')) / NULLIF(count(s.state), 0), 1)::text
         AS compliance_percent
  FROM ${m.sql} m
  LEFT JOIN LATERAL (SELECT v.state FROM vetting_states_at(m.as_of) v WHERE ${cond.join(' AND ')}) s ON TRUE
 GROUP BY m.period, m.as_of
 ORDER BY m.period = 'now', m.as_of`;
  return { text, values: p.values };
}

export const CAPACITY_COLUMNS: FigureColumn[] = [
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
  { key: 'oldest_intelligence_days', description: 'Age in days of the oldest open report' },
  {
    key: 'intelligence_past_target',
    description: 'Open reports past the assessment target (days from receipt)',
  },
  { key: 'open_cases', description: 'Cases recorded and not yet finalised' },
  { key: 'investigators', description: 'Distinct investigators assigned to those cases (as assigned now)' },
  { key: 'cases_per_investigator', description: 'Open cases per investigator, one decimal' },
  { key: 'unassigned_cases', description: 'Open cases with no investigator (as assigned now)' },
  { key: 'oldest_case_days', description: 'Age in days of the oldest open case' },
  {
    key: 'cases_past_target',
    description: 'Open cases over 12 months old (reported to the police and crime commissioner)',
  },
];

/**
 * The unit's queues at the end of each month and today: open intelligence and cases, per analyst and per
 * investigator, the oldest item, items past their target. An item is open at an instant when it was
 * received/recorded before it and not decided/finalised by then (from the stored timestamps, not a
 * snapshot); only items that could be open somewhere in the range are read.
 */
export function capacityFiguresSql(f: FigureFilter, today: string, targetDays: number): SqlQuery {
  const p = new Params();
  const m = monthEnds(p, f, today);
  const target = p.add(targetDays);
  const rangeStart = fyStart(m.from);
  const intelWhere = [
    `i.received_at < ((${m.today}::date + 1)::timestamp AT TIME ZONE 'Europe/London')`,
    `(i.decision IS NULL OR i.decision = 'development' OR i.reviewed_at >= ${rangeStart})`,
  ];
  const caseWhere = [
    `c.recorded_at < ((${m.today}::date + 1)::timestamp AT TIME ZONE 'Europe/London')`,
    `(c.finalised_at IS NULL OR c.finalised_at >= ${rangeStart})`,
  ];
  if (f.category) {
    const cat = p.add(f.category);
    intelWhere.push(
      `(i.primary_category = ${cat}::text::corruption_category OR i.secondary_categories @> ARRAY[${cat}::text::corruption_category])`,
    );
    caseWhere.push(
      `(c.primary_category = ${cat}::text::corruption_category OR c.categories @> ARRAY[${cat}::text::corruption_category])`,
    );
  }
  push(intelWhere, visible(f, p, RecordKind.IntelligenceReport, 'i'));
  push(caseWhere, visible(f, p, RecordKind.Case, 'c'));
  const members = memberConditions(f, p, 'w');
  if (members.length) {
    intelWhere.push(`EXISTS (SELECT 1 FROM intelligence_subject isub JOIN workforce_member w ON w.id = isub.workforce_member_id
      WHERE isub.report_id = i.id AND ${members.join(' AND ')})`);
    caseWhere.push(`EXISTS (SELECT 1 FROM case_subject cs JOIN workforce_member w ON w.id = cs.workforce_member_id
      WHERE cs.case_id = c.id AND ${members.join(' AND ')})`);
  }
  const text = `
WITH m AS (SELECT period, as_of, ((as_of + 1)::timestamp AT TIME ZONE 'Europe/London') AS at FROM ${m.sql} x),
intel AS MATERIALIZED (
  SELECT i.received_at,
         CASE WHEN i.decision IS NOT NULL AND i.decision <> 'development' THEN i.reviewed_at END AS closed_at
    FROM intelligence_report i
   WHERE ${intelWhere.join('\n     AND ')}
),
cases AS MATERIALIZED (
  SELECT c.recorded_at, c.finalised_at, c.investigator_id
    FROM case_record c
   WHERE ${caseWhere.join('\n     AND ')}
),
analysts AS (SELECT count(*)::int AS n FROM app_user WHERE enabled AND 'analyst' = ANY (roles))
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
 CROSS JOIN LATERAL (
   SELECT count(*)::int AS open,
          floor(extract(epoch FROM m.at - min(x.received_at)) / 86400)::int AS oldest,
          count(*) FILTER (WHERE x.received_at < m.at - make_interval(days => ${target}::int))::int AS past
     FROM intel x
    WHERE x.received_at < m.at AND (x.closed_at IS NULL OR x.closed_at >= m.at)) qi
 CROSS JOIN LATERAL (
   SELECT count(*)::int AS open,
          count(DISTINCT x.investigator_id)::int AS investigators,
          count(*) FILTER (WHERE x.investigator_id IS NULL)::int AS unassigned,
          floor(extract(epoch FROM m.at - min(x.recorded_at)) / 86400)::int AS oldest,
          count(*) FILTER (WHERE x.recorded_at + interval '12 months' < m.at)::int AS past
     FROM cases x
    WHERE x.recorded_at < m.at AND (x.finalised_at IS NULL OR x.finalised_at >= m.at)) qc
 ORDER BY m.period = 'now', m.as_of`;
  return { text, values: p.values };
}

// ---------------------------------------------------------------- the Home Office misconduct return

export const MISCONDUCT_RETURN_COLUMNS: FigureColumn[] = [
  { key: 'financial_year', description: 'The financial year the person’s outcome was finalised in' },
  { key: 'case_reference', description: 'Lantern case reference (no names, no narrative)' },
  { key: 'case_type', description: 'complaint, conduct_matter or recordable_conduct_matter' },
  { key: 'investigation_type', description: 'criminal, misconduct or criminal_and_misconduct' },
  { key: 'allegation_category', description: 'Primary counter-corruption category' },
  { key: 'breach_type', description: 'Standard of Professional Behaviour breached' },
  { key: 'iopc_referral', description: 'mandatory, voluntary, or empty when not referred' },
  { key: 'iopc_decision', description: 'The IOPC’s mode of investigation' },
  { key: 'case_to_answer', description: 'no_case_to_answer or case_to_answer' },
  { key: 'proceeding_type', description: 'misconduct_meeting, misconduct_hearing or accelerated_hearing' },
  { key: 'proceedings_result', description: 'proven or not_proven' },
  {
    key: 'level_of_misconduct',
    description: 'The case’s severity assessment (misconduct, gross_misconduct, ...)',
  },
  { key: 'outcome', description: 'Misconduct outcome' },
  { key: 'regime', description: 'Conduct regime of the outcome (2012 or 2020)' },
  {
    key: 'allegation_result',
    description: 'substantiated, unsubstantiated, unfounded or malicious_or_vexatious',
  },
  { key: 'member_type', description: 'officer, staff, special_constable, pcso, volunteer or contractor' },
  { key: 'recorded_on', description: 'Date the case was recorded (UK)' },
  { key: 'finalised_on', description: 'Date the person’s outcome was finalised (UK)' },
  {
    key: 'days_to_finalise',
    description: 'Days from the case being recorded to the outcome being finalised',
  },
  {
    key: 'case_suspended',
    description: 'The case was suspended at some point (e.g. awaiting a criminal trial)',
  },
  { key: 'criminal_proceedings', description: 'Criminal outcome, empty on a misconduct-only case' },
  { key: 'left_service', description: 'resigned or retired before the outcome' },
  { key: 'would_have_been_dismissed', description: 'Finding that they would have been dismissed' },
  { key: 'barred_list', description: 'Entered on the Barred List' },
  { key: 'advisory_list', description: 'Entered on the Advisory List' },
];

/** The return's row order; `row_no` numbers the rows in it, so that a copy of them keeps it. */
const MISCONDUCT_RETURN_ORDER = 'c.reference, o.member_type, o.finalised_at, o.workforce_member_id';

/**
 * One row per case and person finalised in the year, with the fields of the Home Office police misconduct
 * data return. `viewer` (the caller) leaves out every case they may not see (the access policy: those
 * concerning their own workforce record). Besides the return's columns each row has `fy` (the year as a number),
 * `subject_id` (the person, for the audit; not a column of the return) and `row_no` (its place in the order).
 * The JSON shapes these rows; the CSV is `misconductReturnCsvSql` over them.
 */
export function misconductReturnSql(f: Omit<FigureFilter, 'from' | 'to'> & { year: number }): SqlQuery {
  const p = new Params();
  const where = [`o.finalised_financial_year = ${p.add(f.year)}`];
  if (f.category) {
    const cat = p.add(f.category);
    where.push(
      `(c.primary_category = ${cat}::corruption_category OR c.categories @> ARRAY[${cat}::corruption_category])`,
    );
  }
  if (f.department) where.push(`w.department_id = ${p.add(f.department)}::uuid`);
  if (f.memberType) where.push(`o.member_type = ${p.add(f.memberType)}::member_type`);
  push(where, visible(f, p, RecordKind.Case, 'c'));
  const text = `
SELECT o.finalised_financial_year AS fy, c.reference AS case_reference, c.matter_type::text AS case_type,
       c.case_type::text AS investigation_type, c.primary_category::text AS allegation_category,
       c.breach_type::text AS breach_type, ref.basis::text AS iopc_referral, ref.decision::text AS iopc_decision,
       o.misconduct_finding::text AS case_to_answer, o.proceedings::text AS proceeding_type,
       o.proceedings_result::text AS proceedings_result, c.severity::text AS level_of_misconduct,
       o.misconduct_outcome::text AS outcome, o.regime::text AS regime, o.allegation_result::text AS allegation_result,
       o.member_type::text AS member_type,
       (c.recorded_at AT TIME ZONE 'Europe/London')::date::text AS recorded_on,
       (o.finalised_at AT TIME ZONE 'Europe/London')::date::text AS finalised_on,
       (o.finalised_at AT TIME ZONE 'Europe/London')::date - (c.recorded_at AT TIME ZONE 'Europe/London')::date
         AS days_to_finalise,
       c.ever_suspended AS case_suspended, o.criminal_outcome::text AS criminal_proceedings,
       o.left_service::text AS left_service, o.would_have_been_dismissed,
       o.barred_list_on IS NOT NULL AS barred_list, o.advisory_list_on IS NOT NULL AS advisory_list,
       o.workforce_member_id::text AS subject_id,
       row_number() OVER (ORDER BY ${MISCONDUCT_RETURN_ORDER})::int AS row_no
  FROM case_subject_outcome o
  JOIN case_record c ON c.id = o.case_id
  JOIN workforce_member w ON w.id = o.workforce_member_id
  LEFT JOIN iopc_referral ref ON ref.case_id = c.id
 WHERE ${where.join('\n   AND ')}
 ORDER BY ${MISCONDUCT_RETURN_ORDER}`;
  return { text, values: p.values };
}

/** `formatFinancialYear` in SQL: the start year `2017` as `2017/18`. */
const financialYearText = (fy: string): string => `${fy} || '/' || lpad(((${fy} + 1) % 100)::text, 2, '0')`;

/**
 * The return as the CSV gives it, from a relation `r` holding `misconductReturnSql`'s rows (a subquery
 * of that statement, or a table made from it): the return's columns in their order, each cell written as
 * `toCsv` writes the JSON's value (`csvCell`; the year as text), in the return's row order. Run it as COPY
 * (`copyCsvSql`, csv.ts), which adds the header row. With `subjectColumn`, each row also ends with the
 * person's id (never quoted), for the audit: `copyCsv` takes it off as the CSV arrives, before it is sent.
 */
export function misconductReturnCsvSql(from: string, options: { subjectColumn?: boolean } = {}): string {
  const cells = MISCONDUCT_RETURN_COLUMNS.map(({ key }) =>
    key === 'financial_year'
      ? `${financialYearText('r.fy')} AS financial_year`
      : `${csvCell(`r."${key}"`)} AS "${key}"`,
  );
  if (options.subjectColumn) cells.push('r.subject_id');
  return `SELECT ${cells.join(',\n       ')}\n  FROM ${from} r\n ORDER BY r.row_no`;
}
