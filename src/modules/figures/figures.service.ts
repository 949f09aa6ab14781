import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { Clock } from '../../common/clock.js';
import { copyCsv, withLiterals } from '../../common/csv.js';
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
import {
  DEFAULT_FINANCIAL_YEARS,
  financialYearOfDate,
  formatFinancialYear,
  MAX_FINANCIAL_YEARS,
  parseFinancialYear,
} from './financial-year.js';
import {
  CAPACITY_COLUMNS,
  CASE_COLUMNS,
  capacityFiguresSql,
  caseFiguresSql,
  type FigureFilter,
  INTELLIGENCE_COLUMNS,
  intelligenceFiguresSql,
  MISCONDUCT_RETURN_COLUMNS,
  misconductReturnCsvSql,
  misconductReturnSql,
  REFERRAL_COLUMNS,
  referralFiguresSql,
  type SqlQuery,
  TOTAL_KEY,
  VETTING_COLUMNS,
  vettingComplianceSql,
} from './figures.sql.js';

/** Month-by-month figures (a lateral computation per month end) span at most this many financial years. */
export const MAX_MONTHLY_YEARS = 10;

type DbRow = Record<string, FigureValue>;

/**
 * Shapes rows into the order of their columns; `fixed` supplies the columns the SQL does not (year text,
 * basis). Each row starts as a copy of one template holding every column, so that the rows keep V8's fast
 * object layout: built key by key, an object of more than a dozen properties becomes a dictionary, slower
 * to build and to serialise (on the misconduct return's thousands of rows, JSON.stringify took 1.5-3× as long).
 */
function rowShaper(columns: FigureColumn[]): (r: DbRow, fixed: FigureRow) => FigureRow {
  const keys = columns.map((c) => c.key);
  const template: FigureRow = Object.fromEntries(keys.map((k) => [k, null]));
  return (r, fixed) => {
    const out: FigureRow = { ...template };
    for (const key of keys) out[key] = key in fixed ? fixed[key] : (r[key] ?? null);
    return out;
  };
}

const BASIS_TEXT: Record<string, Record<CountingBasis, string>> = {
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

/**
 * The unit's figures: each one SQL statement of aggregates (see figures.sql.ts), shaped into a table with
 * its counting basis on every row, and audited (who ran which figure with which filters: known before the
 * query, so the audit row is written while it runs, `Transactions.readAudited`). The misconduct return
 * names the people in its rows, so its audit row follows its query.
 */
@Injectable()
export class FiguresService {
  constructor(
    private readonly tx: Transactions,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  referrals(actor: Actor, q: FiguresQuery): Promise<FigureTable> {
    return this.yearTable(actor, 'referrals', q, REFERRAL_COLUMNS, referralFiguresSql, {
      unit: 'IOPC referrals (one per case); the misconduct_*, criminal_* and subjects columns count people in the referred cases',
    });
  }

  cases(actor: Actor, q: FiguresQuery): Promise<FigureTable> {
    return this.yearTable(actor, 'cases', q, CASE_COLUMNS, caseFiguresSql, {
      unit: 'People in cases (a person counts once per case); one row per year and member type, member_type all sums them',
    });
  }

  intelligence(actor: Actor, q: FiguresQuery): Promise<FigureTable> {
    return this.yearTable(actor, 'intelligence', q, INTELLIGENCE_COLUMNS, intelligenceFiguresSql, {
      unit: 'Intelligence reports (by primary category; a category filter matches primary or secondary)',
    });
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
      vettingComplianceSql(filter, today),
      {
        basis: 'state_on_date',
        basisDescription:
          'Each person’s vetting state on the date, computed from the clearance history (not a stored snapshot); the workforce is who was in service that day (the caller’s own record left out)',
        unit: 'Workforce members',
      },
    );
  }

  async capacity(actor: Actor, q: CapacityQuery): Promise<FigureTable> {
    const today = this.clock.today();
    const filter = {
      ...this.range(q, today, 1, MAX_MONTHLY_YEARS),
      category: q.category ?? null,
      viewer: actor,
    };
    const sql = capacityFiguresSql(filter, today, this.config.INTEL_ASSESSMENT_TARGET_DAYS);
    return this.monthTable(actor, 'capacity', filter, today, CAPACITY_COLUMNS, sql, {
      basis: 'open_at_date',
      basisDescription: `Items open at the end of the day (UK local time): intelligence received and not decided (development counts as open; target ${this.config.INTEL_ASSESSMENT_TARGET_DAYS} days from receipt), cases recorded and not finalised (target: 12 months)`,
      unit: 'Open intelligence reports and cases',
    });
  }

  async misconductReturn(actor: Actor, q: MisconductReturnQuery): Promise<MisconductReturn> {
    const { year, sql } = this.returnSql(actor, q);
    await this.assertDepartment(q.department);
    return this.tx.read(async (m) => {
      const found = await m.query<DbRow[]>(sql.text, sql.values);
      const subjects = [...new Set(found.map((r) => String(r.subject_id)))];
      const shape = rowShaper(MISCONDUCT_RETURN_COLUMNS);
      const rows = found.map((r) => shape(r, { financial_year: formatFinancialYear(Number(r.fy)) }));
      await this.auditReturn(m, actor, q, subjects, rows.length);
      return {
        figure: 'misconduct_return',
        year: formatFinancialYear(year),
        basis: 'finalised',
        callerRecordsExcluded: callerRecordsExcluded(actor),
        columns: MISCONDUCT_RETURN_COLUMNS,
        rows,
      };
    });
  }

  /**
   * The return as CSV, written by PostgreSQL: one `COPY` of the return's statement (its values written in as
   * literals: COPY takes no parameters), each row ending with the person's id, gathered into memory with
   * the ids taken off as it arrives (`copyCsv`) for the audit row, which is written last, from
   * the very rows sent; the caller sends the CSV after that. No transaction is needed (`Transactions.read`):
   * the return is one statement. The same cells, in the same order, as `toCsv` would make of the JSON's rows.
   */
  async misconductReturnCsv(
    actor: Actor,
    q: MisconductReturnQuery,
  ): Promise<{ year: string; csv: Buffer; callerRecordsExcluded: boolean }> {
    const { year, sql } = this.returnSql(actor, q);
    const select = misconductReturnCsvSql(`(${withLiterals(sql.text, sql.values)})`, { subjectColumn: true });
    await this.assertDepartment(q.department);
    return this.tx.read(async (m) => {
      const { body, values: people } = await copyCsv(m, select);
      await this.auditReturn(m, actor, q, [...new Set(people)], people.length);
      return {
        year: formatFinancialYear(year),
        csv: body,
        callerRecordsExcluded: callerRecordsExcluded(actor),
      };
    });
  }

  /** The return's statement for the request (the caller's own cases left out), JSON and CSV alike. */
  private returnSql(actor: Actor, q: MisconductReturnQuery): { year: number; sql: SqlQuery } {
    const year = parseFinancialYear(q.year) as number;
    const sql = misconductReturnSql({
      year,
      category: q.category,
      department: q.department,
      memberType: q.memberType,
      viewer: actor,
    });
    return { year, sql };
  }

  /** The return's audit row, JSON and CSV alike: the people it covers and the filter used. */
  private auditReturn(
    m: EntityManager,
    actor: Actor,
    q: MisconductReturnQuery,
    subjectIds: string[],
    returned: number,
  ): Promise<void> {
    return this.audit.record(m, actor, {
      action: 'figures.misconduct_return',
      resourceType: 'figures',
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
    figure: 'referrals' | 'cases' | 'intelligence',
    q: FiguresQuery,
    columns: FigureColumn[],
    build: (f: FigureFilter & { basis: CountingBasis }) => SqlQuery,
    meta: { unit: string },
  ): Promise<FigureTable> {
    const today = this.clock.today();
    const basis = q.basis ?? CountingBasis.Recorded;
    const filter = {
      ...this.range(q, today, DEFAULT_FINANCIAL_YEARS, MAX_FINANCIAL_YEARS),
      category: q.category ?? null,
      basis,
      viewer: actor,
    };
    const filters = this.filtersOf(filter);
    return this.runTable(actor, figure, filter.department, build(filter), { basis, ...filters }, (found) => {
      const shape = rowShaper(columns);
      const shaped = found.map((r) => {
        const fy = Number(r.fy);
        return {
          total: fy === TOTAL_KEY,
          row: shape(r, {
            financial_year: fy === TOTAL_KEY ? 'total' : formatFinancialYear(fy),
            basis,
          }),
        };
      });
      const totals = shaped.filter((s) => s.total).map((s) => s.row);
      return {
        figure,
        basis,
        basisDescription: BASIS_TEXT[figure][basis],
        unit: meta.unit,
        filters,
        callerRecordsExcluded: callerRecordsExcluded(actor),
        columns,
        rows: shaped.filter((s) => !s.total).map((s) => s.row),
        // The cases table has a total per member type: the one over every type is `total`, the rest are rows.
        total: totals.find((t) => t.member_type === undefined || t.member_type === 'all') ?? null,
        ...(figure === 'cases' ? { totalsByMemberType: totals.filter((t) => t.member_type !== 'all') } : {}),
        asOf: today,
      };
    });
  }

  private monthTable(
    actor: Actor,
    figure: 'vetting' | 'capacity',
    filter: FigureFilter,
    today: string,
    columns: FigureColumn[],
    sql: SqlQuery,
    meta: { basis: string; basisDescription: string; unit: string },
  ): Promise<FigureTable> {
    const filters = this.filtersOf(filter);
    const details = { basis: meta.basis, asOf: today, ...filters };
    return this.runTable(actor, figure, filter.department, sql, details, (found) => {
      const shape = rowShaper(columns);
      return {
        figure,
        ...meta,
        filters,
        // Vetting compliance leaves out the caller's own vetting state; capacity, cases and intelligence
        // concerning them.
        callerRecordsExcluded: callerRecordsExcluded(actor),
        columns,
        rows: found.map((r) =>
          shape(r, { financial_year: formatFinancialYear(Number(r.fy)), basis: meta.basis }),
        ),
        total: null,
        asOf: today,
      };
    });
  }

  /**
   * A figure table's one statement, with its audit row (who ran which figure with which filters, not what it
   * counted) written beside it (`Transactions.readAudited`); the department filter is checked first, so a
   * refused request is not audited as a read. `table` shapes the rows found.
   */
  private async runTable(
    actor: Actor,
    figure: string,
    department: string | null | undefined,
    sql: SqlQuery,
    details: Record<string, unknown>,
    table: (found: DbRow[]) => FigureTable,
  ): Promise<FigureTable> {
    await this.assertDepartment(department);
    return this.tx.readAudited(
      async (m) => table(await m.query<DbRow[]>(sql.text, sql.values)),
      (m) => this.audit.record(m, actor, { action: `figures.${figure}`, resourceType: 'figures', details }),
    );
  }

  private filtersOf(f: FigureFilter): FigureFilters {
    return {
      from: formatFinancialYear(f.from),
      to: formatFinancialYear(f.to),
      category: (f.category ?? null) as FigureFilters['category'],
      department: f.department ?? null,
      memberType: (f.memberType ?? null) as FigureFilters['memberType'],
    };
  }

  /** The financial-year range asked for, with defaults ending in the current year; 400 when backwards or too long. */
  private range(q: YearRangeQuery, today: string, defaultYears: number, maxYears: number): FigureFilter {
    const current = financialYearOfDate(today);
    const to = q.to ? (parseFinancialYear(q.to) as number) : current;
    const from = q.from ? (parseFinancialYear(q.from) as number) : to - (defaultYears - 1);
    if (from > to) {
      throw problems.invalid(
        'to',
        'financialYearOrder',
        `to (${formatFinancialYear(to)}) is before from (${formatFinancialYear(from)})`,
      );
    }
    if (to - from + 1 > maxYears) {
      throw problems.invalid(
        'from',
        'maxFinancialYears',
        `The range may span at most ${maxYears} financial years`,
      );
    }
    return { from, to, department: q.department ?? null, memberType: q.memberType ?? null };
  }

  /** 400 unless the department filter names a department; before the read, so a refused request is not audited as a read. */
  private async assertDepartment(department: string | null | undefined): Promise<void> {
    if (!department) return;
    const found = await this.tx.read((m) =>
      m.query<unknown[]>('SELECT 1 FROM department WHERE id = $1', [department]),
    );
    if (found.length === 0) {
      throw problems.invalid('department', 'exists', 'department does not name a department');
    }
  }
}
