import type { RawBuilder } from 'kysely';
import { copyCsvSql } from '../src/common/csv.js';
import { CorruptionCategory } from '../src/common/domain/corruption-category.js';
import { db } from '../src/database/sql.js';
import {
  misconductReturnCsvSelect,
  misconductReturnQuery,
} from '../src/modules/figures/figures.repository.js';
import { financialYearOfDate, formatFinancialYear } from '../src/modules/figures/financial-year.js';
import {
  capacityFiguresFromModelQuery,
  capacityFiguresQuery,
  vettingComplianceQuery,
  vettingComplianceSnapshotQuery,
} from '../src/modules/figures/month-figures.repository.js';
import {
  intelligenceFiguresFromModelQuery,
  intelligenceFiguresQuery,
} from '../src/modules/figures/intelligence-figures.repository.js';
import {
  caseFiguresFromFactsQuery,
  caseFiguresQuery,
  referralFiguresQuery,
} from '../src/modules/figures/year-figures.repository.js';

/** A statement's text and its values, as a plain pg connection takes them. */
export interface SqlQuery {
  text: string;
  values: unknown[];
}

/** A figure's statement compiled as the API compiles it (no viewer: every record counts). */
function raw(query: RawBuilder<unknown>): SqlQuery {
  const { sql, parameters } = query.compile(db);
  return { text: sql, values: [...parameters] };
}

export interface FiguresBenchScenario {
  name: string;
  /** The Lantern request (supervisor or auditor token), with its range spelled out. */
  path: string;
  /**
   * The figure's straightforward SQL over the base tables (the property tests' oracle): the baseline the
   * endpoint must beat (≤ 0.2×). Without `model`, exactly the statement the endpoint runs.
   */
  sql: SqlQuery;
  /** Exactly the statement the endpoint runs, where it reads a read model (its own SQL, timed beside it). */
  model?: SqlQuery;
  /**
   * For an endpoint answering CSV written by PostgreSQL: the COPY statement whose output is the response
   * body, built from `sql` (its values written in: COPY takes no parameters). The baseline is this COPY
   * run raw and its output drained, instead of `sql`.
   */
  copy?: string;
  /** The audit row is written after the statement (it names the people read), not beside it. */
  auditFollows?: boolean;
  /**
   * For a figure read from a read model (`sql`): the straightforward SQL over the base tables it must equal
   * (its property test's oracle), the baseline of its "≤ 0.2×" row.
   */
  oracle?: SqlQuery;
}

/**
 * The referrals figure over the base tables: its statement with `referral_fact` (the read model) replaced by
 * the derivation the triggers keep it equal to, over every referral (`referral_facts_of`, migration
 * ReferralFacts): what the figure costs computed from referrals, cases, subjects and outcomes per request.
 */
function referralsOverBaseTables(q: SqlQuery): SqlQuery {
  const derived = '(SELECT * FROM referral_facts_of(ARRAY(SELECT case_id FROM iopc_referral)))';
  return { text: q.text.replace(/FROM referral_fact (\w)/g, `FROM ${derived} $1`), values: q.values };
}

/**
 * Every figures endpoint as a request and the raw SQL aggregate behind it, built by the same builders the
 * figures repositories run. `today` must be the API's date (`Clock.today()`, YYYY-MM-DD) for the month-end
 * figures. Besides this statement each table request writes one audit row, at the same time on another
 * connection (`Transactions.read` with its audit; with a `department` filter, a one-row existence check
 * comes first); the misconduct return's CSV is one COPY of its statement with each row's person appended,
 * taken off in Node for the audit row, written after it.
 */
export function figuresBenchScenarios(today: string, assessmentTargetDays = 28): FiguresBenchScenario[] {
  const to = financialYearOfDate(today);
  const from = to - 9;
  const range = `from=${formatFinancialYear(from)}&to=${formatFinancialYear(to)}`;
  const apsp = CorruptionCategory.AbuseOfPositionSexual;
  return [
    {
      name: 'figures: referrals, ten years',
      path: `/api/v1/figures/referrals?${range}`,
      sql: referralsOverBaseTables(raw(referralFiguresQuery({ from, to, basis: 'recorded' }))),
      model: raw(referralFiguresQuery({ from, to, basis: 'recorded' })),
    },
    {
      name: 'figures: APSP referrals, ten years',
      path: `/api/v1/figures/referrals?${range}&category=${apsp}`,
      sql: referralsOverBaseTables(
        raw(referralFiguresQuery({ from, to, basis: 'recorded', category: apsp })),
      ),
      model: raw(referralFiguresQuery({ from, to, basis: 'recorded', category: apsp })),
    },
    {
      name: 'figures: cases concluded, ten years',
      path: `/api/v1/figures/cases?${range}&basis=finalised`,
      sql: raw(caseFiguresQuery({ from, to, basis: 'finalised' })),
      model: raw(caseFiguresFromFactsQuery({ from, to, basis: 'finalised' })),
    },
    {
      name: 'figures: intelligence, ten years',
      path: `/api/v1/figures/intelligence?${range}`,
      sql: raw(intelligenceFiguresQuery({ from, to, basis: 'recorded' })),
      model: raw(intelligenceFiguresFromModelQuery({ from, to, basis: 'recorded' })),
    },
    {
      name: 'figures: vetting compliance, this financial year by month',
      path: `/api/v1/figures/vetting?from=${formatFinancialYear(to)}&to=${formatFinancialYear(to)}`,
      sql: raw(vettingComplianceSnapshotQuery({ from: to, to }, today)),
      oracle: raw(vettingComplianceQuery({ from: to, to }, today)),
    },
    {
      name: 'figures: capacity, this financial year by month',
      path: `/api/v1/figures/capacity?from=${formatFinancialYear(to)}&to=${formatFinancialYear(to)}`,
      sql: raw(capacityFiguresQuery({ from: to, to }, today, assessmentTargetDays)),
      model: raw(capacityFiguresFromModelQuery({ from: to, to }, today, assessmentTargetDays)),
    },
    {
      name: 'figures: misconduct return, last financial year (CSV)',
      path: `/api/v1/figures/returns/misconduct?year=${formatFinancialYear(to - 1)}`,
      sql: raw(misconductReturnQuery({ year: to - 1 })),
      copy: copyCsvSql(misconductReturnCsvSelect({ year: to - 1 })),
      auditFollows: true,
    },
  ];
}
