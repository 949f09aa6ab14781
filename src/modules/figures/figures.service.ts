import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { Clock } from '../../common/clock.js';
import { problems } from '../../common/problem.js';
import { AppConfig } from '../../config/app-config.js';
import { Transactions } from '../../database/database.module.js';
import { callerRecordsExcluded } from '../access/access.policy.js';
import { AuditService } from '../audit/audit.service.js';
import {
  CountingBasis,
  type CapacityQuery,
  type FigureColumn,
  type FigureFilters,
  type FigureRow,
  type FigureTable,
  type FiguresQuery,
  type FigureValue,
  type MisconductReturn,
  type MisconductReturnQuery,
  type VettingFiguresQuery,
  type YearRangeQuery,
} from './dto/figures.dto.js';
import { FIGURES_RESOURCE, FiguresAudit, FiguresRule } from './figures.codes.js';
import {
  type BasisFilter,
  type FigureFilter,
  FiguresRepository,
  MISCONDUCT_RETURN_COLUMNS,
  type ReturnFilter,
  type SqlColumn,
  TOTAL_KEY,
  type YearFigureRow,
} from './figures.repository.js';
import {
  DEFAULT_FINANCIAL_YEARS,
  financialYearOfDate,
  formatFinancialYear,
  MAX_FINANCIAL_YEARS,
  parseFinancialYear,
} from './financial-year.js';
import { CAPACITY_COLUMNS, MonthFiguresRepository, VETTING_COLUMNS } from './month-figures.repository.js';
import { INTELLIGENCE_COLUMNS } from './intelligence-figures.repository.js';
import { ALL_KEY, CASE_COLUMNS, REFERRAL_COLUMNS, YearFiguresRepository } from './year-figures.repository.js';

/** Month-by-month figures (a lateral computation per month end) span at most this many financial years. */
export const MAX_MONTHLY_YEARS = 10;

/** A row as a figure's statement answers it: values by column key. */
type FoundRow = Readonly<Record<string, FigureValue>>;

/** A snake_case SQL column name as its JSON key: `days_to_finalise` → `daysToFinalise`, `graded_3x5x2` → `graded3x5x2`. */
export const camelKey = (snake: string): string =>
  snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * The one place figures' JSON keys are made (issue 27: camelCase everywhere): a figure's columns are named in
 * SQL snake_case (the statements' column names, which stay the CSV headers); the JSON states each column's
 * `key` in camelCase, every row keyed by it, and its `csvHeader`.
 */
export function jsonColumns(columns: SqlColumn[]): FigureColumn[] {
  return columns.map((c) => ({ key: camelKey(c.key), csvHeader: c.key, description: c.description }));
}

/**
 * Shapes rows found (keyed by the SQL's snake_case column names) into the order of their columns, keyed by
 * the JSON's camelCase keys (`jsonColumns`); `fixed` supplies the columns the SQL does not (year text, basis),
 * by their SQL names. Each row starts as a copy of one template holding every column, so that the rows keep
 * V8's fast object layout: built key by key, an object of more than a dozen properties becomes a dictionary,
 * slower to build and to serialise (the misconduct return has thousands of rows).
 */
function rowShaper(columns: SqlColumn[]): (r: FoundRow, fixed: FigureRow) => FigureRow {
  const keys = columns.map((c) => [c.key, camelKey(c.key)] as const);
  const template: FigureRow = Object.fromEntries(keys.map(([, k]) => [k, null]));
  return (r, fixed) => {
    const out: FigureRow = { ...template };
    for (const [sqlKey, jsonKey] of keys)
      out[jsonKey] = sqlKey in fixed ? fixed[sqlKey] : (r[sqlKey] ?? null);
    return out;
  };
}

type YearFigure = 'referrals' | 'cases' | 'intelligence';

const BASIS_TEXT: Record<YearFigure, Record<CountingBasis, string>> = {
  referrals: {
    recorded: 'Counted in the financial year the referral was made (UK local time)',
    finalised: 'Counted in the financial year the referred case was finalised (UK local time)',
  },
  cases: {
    recorded:
      'Counted in the financial year the case was recorded; people without a finalised outcome are pending',
    finalised: 'Counted in the financial year the person’s outcome was finalised (cases concluded)',
  },
  intelligence: {
    recorded: 'Counted in the financial year the report was received (UK local time)',
    finalised: 'Counted in the financial year of the report’s latest decision (UK local time)',
  },
};

const AUDIT_OF: Record<YearFigure | 'vetting' | 'capacity', FiguresAudit> = {
  referrals: FiguresAudit.Referrals,
  cases: FiguresAudit.Cases,
  intelligence: FiguresAudit.Intelligence,
  vetting: FiguresAudit.Vetting,
  capacity: FiguresAudit.Capacity,
};

/**
 * The unit's figures: each one SQL statement of aggregates (the repositories), shaped into a table with its
 * counting basis on every row, and audited (who ran which figure with which filters: known before the query,
 * so the audit row is written while it runs, `Transactions.read` with its audit). The misconduct return
 * names the people in its rows, so its audit row follows its query.
 */
@Injectable()
export class FiguresService {
  constructor(
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly figures: FiguresRepository,
    private readonly years: YearFiguresRepository,
    private readonly months: MonthFiguresRepository,
  ) {}

  referrals(actor: Actor, q: FiguresQuery): Promise<FigureTable> {
    return this.yearTable(actor, 'referrals', q, REFERRAL_COLUMNS, (tx, f) => this.years.referrals(tx, f), {
      unit: 'IOPC referrals (one per case); the misconduct_*, criminal_* and subjects columns count people in the referred cases',
    });
  }

  cases(actor: Actor, q: FiguresQuery): Promise<FigureTable> {
    return this.yearTable(actor, 'cases', q, CASE_COLUMNS, (tx, f) => this.years.cases(tx, f), {
      unit: 'People in cases (a person counts once per case); one row per year and member type, member_type all sums them',
    });
  }

  intelligence(actor: Actor, q: FiguresQuery): Promise<FigureTable> {
    return this.yearTable(
      actor,
      'intelligence',
      q,
      INTELLIGENCE_COLUMNS,
      (tx, f) => this.years.intelligence(tx, f),
      {
        unit: 'Intelligence reports (by primary category; a category filter matches primary or secondary)',
      },
    );
  }

  async vetting(actor: Actor, q: VettingFiguresQuery): Promise<FigureTable> {
    const today = this.clock.today();
    const filter = { ...this.range(q, today, 1, MAX_MONTHLY_YEARS), viewer: actor };
    return this.monthTable(
      actor,
      'vetting',
      filter,
      today,
      VETTING_COLUMNS,
      (tx) => this.months.vetting(tx, filter, today),
      {
        basis: 'state_on_date',
        basisDescription:
          'Each person’s vetting state on the date, from the clearance history: month ends and today read from snapshots the worker computes, discarded by any change to the dates they cover (a date without one is computed on request); the workforce is who was in service that day (the caller’s own record left out)',
        unit: 'Workforce members',
      },
    );
  }

  async capacity(actor: Actor, q: CapacityQuery): Promise<FigureTable> {
    const today = this.clock.today();
    const target = this.config.INTEL_ASSESSMENT_TARGET_DAYS;
    const filter = {
      ...this.range(q, today, 1, MAX_MONTHLY_YEARS),
      category: q.category ?? null,
      viewer: actor,
    };
    return this.monthTable(
      actor,
      'capacity',
      filter,
      today,
      CAPACITY_COLUMNS,
      (tx) => this.months.capacity(tx, filter, today, target),
      {
        basis: 'open_at_date',
        basisDescription: `Items open at the end of the day (UK dates): intelligence received and not decided (development counts as open; target ${target} days from receipt), cases recorded and not finalised (target: 12 months); investigators as assigned now, analysts as now. Read from a model kept in each change's own transaction: as of asAt, back-dated changes included`,
        unit: 'Open intelligence reports and cases',
      },
    );
  }

  /** The return as JSON: one statement (`Transactions.read`), its audit row after it (it names the people read). */
  async misconductReturn(actor: Actor, q: MisconductReturnQuery): Promise<MisconductReturn> {
    const filter = this.returnFilter(actor, q);
    await this.assertDepartment(q.department);
    return this.tx.read(async (tx) => {
      const found = await this.figures.misconductReturn(tx, filter);
      const subjects = [...new Set(found.map((r) => r.workforce_member_id))];
      const shape = rowShaper(MISCONDUCT_RETURN_COLUMNS);
      const rows = found.map((r) => shape(r, { financial_year: formatFinancialYear(r.fy) }));
      await this.auditReturn(tx, actor, q, subjects, rows.length);
      return {
        figure: 'misconduct_return',
        year: formatFinancialYear(filter.year),
        basis: 'finalised',
        callerRecordsExcluded: callerRecordsExcluded(actor),
        columns: jsonColumns(MISCONDUCT_RETURN_COLUMNS),
        rows,
      };
    });
  }

  /**
   * The return as CSV, written by PostgreSQL (one `COPY` of the return's statement, each row ending with the
   * person's id, taken off as it arrives) for the audit row, which is written last, from the very rows sent;
   * the caller sends the CSV after that. No transaction is needed (`Transactions.read`): the return is one
   * statement. The same cells, in the same order, as `toCsv` would make of the JSON's rows.
   */
  async misconductReturnCsv(
    actor: Actor,
    q: MisconductReturnQuery,
  ): Promise<{ year: string; csv: Buffer; callerRecordsExcluded: boolean }> {
    const filter = this.returnFilter(actor, q);
    await this.assertDepartment(q.department);
    return this.tx.read(async (tx) => {
      const { body, values: people } = await this.figures.misconductReturnCsv(tx, filter);
      await this.auditReturn(tx, actor, q, [...new Set(people)], people.length);
      return {
        year: formatFinancialYear(filter.year),
        csv: body,
        callerRecordsExcluded: callerRecordsExcluded(actor),
      };
    });
  }

  /** The return's filter for the request (the caller's own cases left out), JSON and CSV alike. */
  private returnFilter(actor: Actor, q: MisconductReturnQuery): ReturnFilter {
    return {
      year: this.year(q.year, 'year'),
      category: q.category,
      department: q.department,
      memberType: q.memberType,
      viewer: actor,
    };
  }

  /** The return's audit row, JSON and CSV alike: the people it covers and the filter used. */
  private auditReturn(
    tx: EntityManager,
    actor: Actor,
    q: MisconductReturnQuery,
    subjectIds: string[],
    returned: number,
  ): Promise<void> {
    return this.audit.record(tx, actor, {
      action: FiguresAudit.MisconductReturn,
      resourceType: FIGURES_RESOURCE,
      subjectIds,
      details: {
        year: q.year,
        category: q.category ?? null,
        department: q.department ?? null,
        memberType: q.memberType ?? null,
        returned,
      },
    });
  }

  // ---------------------------------------------------------------- shared

  private yearTable(
    actor: Actor,
    figure: YearFigure,
    q: FiguresQuery,
    columns: SqlColumn[],
    query: (tx: EntityManager, f: BasisFilter) => Promise<YearFigureRow[]>,
    meta: { unit: string },
  ): Promise<FigureTable> {
    const today = this.clock.today();
    const basis = q.basis ?? CountingBasis.Recorded;
    const filter: BasisFilter = {
      ...this.range(q, today, DEFAULT_FINANCIAL_YEARS, MAX_FINANCIAL_YEARS),
      category: q.category ?? null,
      basis,
      viewer: actor,
    };
    const filters = this.filtersOf(filter);
    const run = (tx: EntityManager) => query(tx, filter);
    return this.runTable(actor, figure, filter.department, run, { basis, ...filters }, (found) => {
      const shape = rowShaper(columns);
      const shaped = found.map((r) => ({
        total: r.fy === TOTAL_KEY,
        row: shape(r, {
          financial_year: r.fy === TOTAL_KEY ? 'total' : formatFinancialYear(r.fy),
          basis,
        }),
      }));
      const totals = shaped.filter((s) => s.total).map((s) => s.row);
      return {
        figure,
        basis,
        basisDescription: BASIS_TEXT[figure][basis],
        unit: meta.unit,
        filters,
        callerRecordsExcluded: callerRecordsExcluded(actor),
        columns: jsonColumns(columns),
        rows: shaped.filter((s) => !s.total).map((s) => s.row),
        // The cases table has a total per member type: the one over every type is `total`, the rest are rows.
        total: totals.find((t) => t.memberType === undefined || t.memberType === ALL_KEY) ?? null,
        ...(figure === 'cases' ? { totalsByMemberType: totals.filter((t) => t.memberType !== ALL_KEY) } : {}),
        asOf: today,
      };
    });
  }

  private monthTable<R extends FoundRow & { fy: number }>(
    actor: Actor,
    figure: 'vetting' | 'capacity',
    filter: FigureFilter,
    today: string,
    columns: SqlColumn[],
    query: (tx: EntityManager) => Promise<R[]>,
    meta: { basis: string; basisDescription: string; unit: string },
  ): Promise<FigureTable> {
    const filters = this.filtersOf(filter);
    const details = { basis: meta.basis, asOf: today, ...filters };
    return this.runTable(actor, figure, filter.department, query, details, (found) => {
      const shape = rowShaper(columns);
      return {
        figure,
        ...meta,
        filters,
        // Vetting compliance leaves out the caller's own vetting state; capacity, cases and intelligence
        // concerning them.
        callerRecordsExcluded: callerRecordsExcluded(actor),
        columns: jsonColumns(columns),
        rows: found.map((r) => shape(r, { financial_year: formatFinancialYear(r.fy), basis: meta.basis })),
        total: null,
        asOf: today,
      };
    });
  }

  /**
   * A figure table's one statement, with its audit row (who ran which figure with which filters, not what it
   * counted) written beside it (`Transactions.read` with its audit); the department filter is checked first,
   * so a refused request is not audited as a read. `table` shapes the rows found; the answer states the instant
   * it is as of (`asAt`).
   */
  private async runTable<R>(
    actor: Actor,
    figure: YearFigure | 'vetting' | 'capacity',
    department: string | null | undefined,
    query: (tx: EntityManager) => Promise<R[]>,
    details: Record<string, unknown>,
    table: (found: R[]) => Omit<FigureTable, 'asAt'>,
  ): Promise<FigureTable> {
    await this.assertDepartment(department);
    return this.tx.read(
      async (tx) => {
        // The statement's snapshot is taken after this instant: every change committed before it is counted
        // (the read models are kept in each change's own transaction).
        const asAt = new Date().toISOString();
        return { ...table(await query(tx)), asAt };
      },
      (tx) =>
        this.audit.record(tx, actor, { action: AUDIT_OF[figure], resourceType: FIGURES_RESOURCE, details }),
    );
  }

  private filtersOf(f: FigureFilter): FigureFilters {
    return {
      from: formatFinancialYear(f.from),
      to: formatFinancialYear(f.to),
      category: f.category ?? null,
      department: f.department ?? null,
      memberType: f.memberType ?? null,
    };
  }

  /** A financial year the DTO has validated (`2017/18`), as its start year. */
  private year(text: string, field: string): number {
    const year = parseFinancialYear(text);
    if (year === null)
      throw problems.invalid(field, FiguresRule.IsFinancialYear, `${field} is not a financial year`);
    return year;
  }

  /** The financial-year range asked for, with defaults ending in the current year; 400 when backwards or too long. */
  private range(q: YearRangeQuery, today: string, defaultYears: number, maxYears: number): FigureFilter {
    const current = financialYearOfDate(today);
    const to = q.to ? this.year(q.to, 'to') : current;
    const from = q.from ? this.year(q.from, 'from') : to - (defaultYears - 1);
    if (from > to) {
      throw problems.invalid(
        'to',
        FiguresRule.FinancialYearOrder,
        `to (${formatFinancialYear(to)}) is before from (${formatFinancialYear(from)})`,
      );
    }
    if (to - from + 1 > maxYears) {
      throw problems.invalid(
        'from',
        FiguresRule.MaxFinancialYears,
        `The range may span at most ${maxYears} financial years`,
      );
    }
    return { from, to, department: q.department ?? null, memberType: q.memberType ?? null };
  }

  /** 400 unless the department filter names a department; before the read, so a refused request is not audited as a read. */
  private async assertDepartment(department: string | null | undefined): Promise<void> {
    if (!department) return;
    const exists = await this.tx.read((tx) => this.figures.departmentExists(tx, department));
    if (!exists) {
      throw problems.invalid('department', FiguresRule.Exists, 'department does not name a department');
    }
  }
}
