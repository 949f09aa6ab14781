import { BUSINESS_TIME_ZONE } from '../../common/clock.js';
import { Injectable } from '@nestjs/common';
import { type RawBuilder, sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import type { CorruptionCategory } from '../../common/domain/corruption-category.js';
import { copyCsv, csvCell, withLiterals } from '../../common/csv.js';
import { all, db, first } from '../../database/sql.js';
import { RecordKind, visibleTo } from '../access/access.policy.js';
import type { MemberType } from '../workforce/workforce.enums.js';
import type { FigureValue } from './dto/figures.dto.js';

/** The business calendar's time zone, as an SQL literal. */
const LONDON = sql.lit(BUSINESS_TIME_ZONE);

/**
 * The figures' SQL (with year-figures.repository.ts and month-figures.repository.ts): every figure is one
 * statement of SQL aggregates, no rows are loaded into Node to be counted. Each statement is built by a pure
 * function of its filter, run here on the unit of work's connection; `npm run bench` compiles the same
 * builders without a viewer as the raw baseline each endpoint is measured against.
 *
 * Figures is the reporting module: it reads other modules' tables read-only (cases, intelligence, vetting,
 * workforce, users; `referral_fact` is its read model): the reporting exception, see ADR 0002.
 *
 * Financial years are held as the year they start in; `case_financial_year(timestamptz)` (the cases
 * migration) judges an instant on the UK calendar (Europe/London), as the stored `*_financial_year` columns
 * do. Years with nothing in them come back as rows of zeros (a grid of years LEFT JOINed to the aggregate),
 * and the total row is the aggregate's grand total (GROUPING SETS), keyed -1.
 */

/** A piece of a statement: SQL text with its bound values. */
export type Fragment = RawBuilder<unknown>;

export type Basis = 'recorded' | 'finalised';

export interface FigureFilter {
  /** Financial years as start years, inclusive. */
  from: number;
  to: number;
  category?: CorruptionCategory | null;
  department?: string | null;
  memberType?: MemberType | null;
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

export type ReturnFilter = Omit<FigureFilter, 'from' | 'to'> & { year: number };

/**
 * A figure's column as its SQL names it: `key` is the statement's column name (snake_case), the CSV header;
 * the JSON keys each row by its camelCase form (figures.service.ts, `jsonColumns`).
 */
export interface SqlColumn {
  key: string;
  description: string;
}

/** A year table's row: the financial year (or TOTAL_KEY) and one value per measure, keyed by its column. */
export type YearFigureRow = { fy: number } & { [measure: string]: FigureValue };

/** The grand-total row's key in the year column. */
export const TOTAL_KEY = -1;

/** A measure of a figure: its column, and the aggregate (trusted SQL written here, no input in it). */
export interface Measure extends SqlColumn {
  /** An aggregate over the figure's source rows. */
  expr: string;
  /** For counts: the condition counted (null: every row). */
  where?: string | null;
}

export const count = (key: string, where: string | null, description: string): Measure => ({
  key,
  expr: where ? `count(*) FILTER (WHERE ${where})::int` : 'count(*)::int',
  where,
  description,
});

/** An enum code as an SQL literal, for the measures' conditions. */
export const quote = (code: string): string => `'${code.replace(/'/g, "''")}'`;

/** The measures as `expr AS "key"` select items, joined (trusted: the measures are code). */
export const selectList = (measures: Measure[], item: (m: Measure) => string, sep = ',\n  '): Fragment =>
  sql.raw(measures.map((m) => `${item(m)} AS "${m.key}"`).join(sep));

/** `0` for the grid's empty years: every measure is a count, or null where there is nothing to measure. */
export const zeroed = (m: Measure, alias: string, nullable = false): string =>
  nullable ? `${alias}."${m.key}"` : `COALESCE(${alias}."${m.key}", 0)`;

/** Conditions joined with AND. */
export const and = (conditions: Fragment[]): Fragment => sql.join(conditions, sql`\n     AND `);

/** The subject filter (department / member type) on a workforce_member alias. */
export function memberConditions(f: FigureFilter, w: string): Fragment[] {
  const out: Fragment[] = [];
  if (f.department) out.push(sql`${sql.ref(`${w}.department_id`)} = ${f.department}::uuid`);
  if (f.memberType) out.push(sql`${sql.ref(`${w}.member_type`)} = ${f.memberType}::member_type`);
  return out;
}

/**
 * The access policy's condition on the records of `kind` aliased `alias` for the figure's viewer; null when it
 * restricts nothing (no viewer, or one with no workforce link), so that the statement is the bench's baseline.
 */
export function visible(f: Pick<FigureFilter, 'viewer'>, kind: RecordKind, alias: string): Fragment | null {
  if (!f.viewer) return null;
  const predicate = visibleTo(f.viewer, kind, alias);
  return predicate.unrestricted ? null : predicate.expr();
}

export const push = (list: Fragment[], condition: Fragment | null): void => {
  if (condition) list.push(condition);
};

/** The grid of years (and the total key) every year table is LEFT JOINed onto. */
export const yearGrid = (f: FigureFilter): Fragment =>
  sql`(SELECT y::int AS fy FROM generate_series(${f.from}::int, ${f.to}::int) y UNION ALL SELECT ${sql.lit(TOTAL_KEY)}) g`;

/** The instant a financial year starts: 00:00 on 1 April, UK local time. */
export const fyStart = (year: number, plus = 0): Fragment =>
  sql`(make_date(${year}::int + ${sql.lit(plus)}, 4, 1)::timestamp AT TIME ZONE ${LONDON})`;

// ---------------------------------------------------------------- the Home Office misconduct return

export const MISCONDUCT_RETURN_COLUMNS: SqlColumn[] = [
  { key: 'financial_year', description: 'The financial year the person’s outcome was finalised in' },
  { key: 'case_reference', description: 'Lantern case reference (no names, no narrative)' },
  {
    key: 'matter_type',
    description: 'The case’s matter type: complaint, conduct_matter or recordable_conduct_matter',
  },
  { key: 'case_type', description: 'The case’s type: criminal, misconduct or criminal_and_misconduct' },
  { key: 'primary_category', description: 'The case’s primary counter-corruption category' },
  { key: 'breach_type', description: 'Standard of Professional Behaviour breached' },
  {
    key: 'referral_basis',
    description: 'The IOPC referral’s basis: mandatory, voluntary, or empty when not referred',
  },
  { key: 'iopc_decision', description: 'The IOPC’s mode of investigation' },
  { key: 'misconduct_finding', description: 'no_case_to_answer or case_to_answer' },
  { key: 'proceedings', description: 'misconduct_meeting, misconduct_hearing or accelerated_hearing' },
  { key: 'proceedings_result', description: 'proven or not_proven' },
  {
    key: 'severity',
    description: 'The person’s severity assessment, else the case’s (misconduct, gross_misconduct, ...)',
  },
  { key: 'misconduct_outcome', description: 'Misconduct outcome' },
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
    key: 'ever_suspended',
    description: 'The case was suspended at some point (e.g. awaiting a criminal trial)',
  },
  { key: 'criminal_outcome', description: 'Criminal outcome, empty on a misconduct-only case' },
  { key: 'left_service', description: 'resigned or retired before the outcome' },
  { key: 'would_have_been_dismissed', description: 'Finding that they would have been dismissed' },
  { key: 'on_barred_list', description: 'Entered on the Barred List' },
  { key: 'on_advisory_list', description: 'Entered on the Advisory List' },
];

/**
 * A row of the misconduct return: its columns (enum codes as text, dates as `YYYY-MM-DD` text), plus `fy` (the
 * year as a number), `workforce_member_id` (the person, for the audit; not a column of the return) and
 * `row_no` (its place in the return's order).
 */
export type MisconductReturnRow = {
  fy: number;
  case_reference: string;
  matter_type: string;
  case_type: string;
  primary_category: string;
  breach_type: string | null;
  referral_basis: string | null;
  iopc_decision: string | null;
  misconduct_finding: string | null;
  proceedings: string | null;
  proceedings_result: string | null;
  severity: string | null;
  misconduct_outcome: string | null;
  regime: string | null;
  allegation_result: string | null;
  member_type: string;
  recorded_on: string;
  finalised_on: string;
  days_to_finalise: number;
  ever_suspended: boolean;
  criminal_outcome: string | null;
  left_service: string | null;
  would_have_been_dismissed: boolean;
  on_barred_list: boolean;
  on_advisory_list: boolean;
  workforce_member_id: string;
  row_no: number;
};

/** The return's row order; `row_no` numbers the rows in it, so that a copy of them keeps it. */
const MISCONDUCT_RETURN_ORDER = sql.raw('c.reference, o.member_type, o.finalised_at, o.workforce_member_id');

/**
 * One row per case and person finalised in the year, with the fields of the Home Office police misconduct
 * data return. `viewer` (the caller) leaves out every case they may not see (the access policy: those
 * concerning their own workforce record). The JSON shapes these rows; the CSV is `misconductReturnCsvSql`
 * over them.
 */
export function misconductReturnQuery(f: ReturnFilter): RawBuilder<MisconductReturnRow> {
  const where: Fragment[] = [sql`o.finalised_financial_year = ${f.year}`];
  if (f.category) {
    where.push(
      sql`(c.primary_category = ${f.category}::corruption_category OR c.categories @> ARRAY[${f.category}::corruption_category])`,
    );
  }
  if (f.department) where.push(sql`w.department_id = ${f.department}::uuid`);
  if (f.memberType) where.push(sql`o.member_type = ${f.memberType}::member_type`);
  push(where, visible(f, RecordKind.Case, 'c'));
  return sql<MisconductReturnRow>`
SELECT o.finalised_financial_year AS fy, c.reference AS case_reference, c.matter_type::text AS matter_type,
       c.case_type::text AS case_type, c.primary_category::text AS primary_category,
       c.breach_type::text AS breach_type, ref.basis::text AS referral_basis, ref.decision::text AS iopc_decision,
       o.misconduct_finding::text AS misconduct_finding, o.proceedings::text AS proceedings,
       o.proceedings_result::text AS proceedings_result, COALESCE(o.severity, c.severity)::text AS severity,
       o.misconduct_outcome::text AS misconduct_outcome, o.regime::text AS regime,
       o.allegation_result::text AS allegation_result,
       o.member_type::text AS member_type,
       (c.recorded_at AT TIME ZONE ${LONDON})::date::text AS recorded_on,
       (o.finalised_at AT TIME ZONE ${LONDON})::date::text AS finalised_on,
       (o.finalised_at AT TIME ZONE ${LONDON})::date - (c.recorded_at AT TIME ZONE ${LONDON})::date
         AS days_to_finalise,
       c.ever_suspended AS ever_suspended, o.criminal_outcome::text AS criminal_outcome,
       o.left_service::text AS left_service, o.would_have_been_dismissed,
       o.barred_list_on IS NOT NULL AS on_barred_list, o.advisory_list_on IS NOT NULL AS on_advisory_list,
       o.workforce_member_id::text AS workforce_member_id,
       row_number() OVER (ORDER BY ${MISCONDUCT_RETURN_ORDER})::int AS row_no
  FROM case_subject_outcome o
  JOIN case_record c ON c.id = o.case_id
  JOIN workforce_member w ON w.id = o.workforce_member_id
  LEFT JOIN iopc_referral ref ON ref.case_id = c.id
 WHERE ${sql.join(where, sql`\n   AND `)}
 ORDER BY ${MISCONDUCT_RETURN_ORDER}`;
}

/** `formatFinancialYear` in SQL: the start year `2017` as `2017/18`. */
const financialYearText = (fy: string): string => `${fy} || '/' || lpad(((${fy} + 1) % 100)::text, 2, '0')`;

/**
 * The return as the CSV gives it, a select to run as COPY (`copyCsvSql`, which adds the header row) over the
 * return's statement for `f` (its values written in: COPY takes no parameters): the return's columns in their
 * order, each cell written as `toCsv` writes the JSON's value (`csvCell`; the year as text), in the return's
 * row order. With `subjectColumn`, each row also ends with the person's id (never quoted), for the audit:
 * `copyCsv` takes it off as the CSV arrives, before it is sent.
 */
export function misconductReturnCsvSelect(
  f: ReturnFilter,
  options: { subjectColumn?: boolean } = {},
): string {
  const query = misconductReturnQuery(f).compile(db);
  const cells = MISCONDUCT_RETURN_COLUMNS.map(({ key }) =>
    key === 'financial_year'
      ? `${financialYearText('r.fy')} AS financial_year`
      : `${csvCell(`r."${key}"`)} AS "${key}"`,
  );
  if (options.subjectColumn) cells.push('r.workforce_member_id');
  const from = withLiterals(query.sql, [...query.parameters]);
  return `SELECT ${cells.join(',\n       ')}\n  FROM (${from}) r\n ORDER BY r.row_no`;
}

/** The misconduct return and the department check, run on the unit of work's connection. */
@Injectable()
export class FiguresRepository {
  misconductReturn(tx: EntityManager, f: ReturnFilter): Promise<MisconductReturnRow[]> {
    return all(tx, misconductReturnQuery(f).compile(db));
  }

  /** The return as CSV bytes written by PostgreSQL, and the person of each row (taken off the CSV). */
  misconductReturnCsv(tx: EntityManager, f: ReturnFilter): Promise<{ body: Buffer; values: string[] }> {
    return copyCsv(tx, misconductReturnCsvSelect(f, { subjectColumn: true }));
  }

  async departmentExists(tx: EntityManager, id: string): Promise<boolean> {
    const found = await first(
      tx,
      db
        .selectFrom('department')
        .select(sql<number>`1`.as('one'))
        .where('id', '=', id),
    );
    return found !== undefined;
  }
}
