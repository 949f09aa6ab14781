import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional } from 'class-validator';
import { OptionalUuid } from '../../../common/dto.js';
import { MemberType } from '../../workforce/workforce.enums.js';
import { FinancialYearField } from '../financial-year.js';
import { CorruptionCategory } from '../../../common/domain/corruption-category.js';

/** When a referral or case is counted: when it was recorded (made), or when it was finalised. */
export enum CountingBasis {
  Recorded = 'recorded',
  Finalised = 'finalised',
}

export enum FigureFormat {
  Json = 'json',
  Csv = 'csv',
}

/** The figures tables' names (`figure`), and every counting basis a table states (`basis`). */
const FIGURE_NAMES = ['referrals', 'cases', 'intelligence', 'vetting', 'capacity'];
const FIGURE_BASES = [...Object.values(CountingBasis), 'state_on_date', 'open_at_date'];

const FinancialYear = (description: string, required = false): PropertyDecorator =>
  FinancialYearField(description, required, required ? '2023/24' : '2016/17');

const Format = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({
      enum: FigureFormat,
      enumName: 'FigureFormat',
      description: 'csv: the same table as CSV (as does `Accept: text/csv`)',
    }),
    IsOptional(),
    IsEnum(FigureFormat),
  );

const Category = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({
      enum: CorruptionCategory,
      enumName: 'CorruptionCategory',
      description: 'Only records with this category (primary or secondary)',
    }),
    IsOptional(),
    IsEnum(CorruptionCategory),
  );

const Member = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({
      enum: MemberType,
      enumName: 'MemberType',
      description: 'Only records concerning workforce members of this type',
    }),
    IsOptional(),
    IsEnum(MemberType),
  );

/** The range and filters every figure takes. */
export class YearRangeQuery {
  @FinancialYear('First financial year shown (default: nine years before `to`)')
  from?: string;

  @FinancialYear('Last financial year shown (default: the current one)')
  to?: string;

  @OptionalUuid('Only records concerning members of this department (their current department)')
  department?: string;

  @Member()
  memberType?: MemberType;

  @Format()
  format?: FigureFormat;
}

/** Referrals, cases and intelligence: the range, the counting basis and the category. */
export class FiguresQuery extends YearRangeQuery {
  @ApiPropertyOptional({
    enum: CountingBasis,
    enumName: 'CountingBasis',
    default: CountingBasis.Recorded,
    description:
      'recorded: counted in the year the referral, case or report was recorded; finalised: in the year it was finalised (decided)',
  })
  @IsOptional()
  @IsEnum(CountingBasis)
  basis?: CountingBasis;

  @Category()
  category?: CorruptionCategory;
}

/** Capacity: month ends in the range, by category, department and member type. */
export class CapacityQuery extends YearRangeQuery {
  @Category()
  category?: CorruptionCategory;
}

/** Vetting compliance: month ends in the range (default: the current financial year), by department and type. */
export class VettingFiguresQuery extends YearRangeQuery {}

/** The Home Office misconduct return for one financial year. */
export class MisconductReturnQuery {
  @FinancialYear('The financial year of the return', true)
  year: string;

  @Category()
  category?: CorruptionCategory;

  @OptionalUuid('Only people in this department (their current department)')
  department?: string;

  @Member()
  memberType?: MemberType;

  @ApiPropertyOptional({
    enum: FigureFormat,
    enumName: 'FigureFormat',
    description: 'The return is CSV unless json is asked for (here or with `Accept: application/json`)',
  })
  @IsOptional()
  @IsEnum(FigureFormat)
  format?: FigureFormat;
}

export class FigureColumn {
  @ApiProperty({
    example: 'daysToFinalise',
    description: 'The key of this column in every row (camelCase)',
  })
  key: string;

  @ApiProperty({
    example: 'days_to_finalise',
    description: 'The column’s header in the CSV (snake_case)',
  })
  csvHeader: string;

  @ApiProperty({ example: 'Allegation result still pending (case not finalised)' })
  description: string;
}

export class FigureFilters {
  @ApiProperty({ example: '2016/17' })
  from: string;

  @ApiProperty({ example: '2018/19' })
  to: string;

  @ApiProperty({ example: null, enum: CorruptionCategory, enumName: 'CorruptionCategory', nullable: true })
  category: CorruptionCategory | null;

  @ApiProperty({ example: null, type: String, format: 'uuid', nullable: true })
  department: string | null;

  @ApiProperty({ example: null, enum: MemberType, enumName: 'MemberType', nullable: true })
  memberType: MemberType | null;
}

export type FigureValue = string | number | boolean | null;
export type FigureRow = Record<string, FigureValue>;

/** A figures table: one row per period (and group), a total row, every row stating its counting basis. */
export class FigureTable {
  @ApiProperty({ example: 'referrals', enum: FIGURE_NAMES })
  figure: string;

  @ApiProperty({
    example: 'recorded',
    enum: FIGURE_BASES,
    description: 'The counting basis of every count in the table',
  })
  basis: string;

  @ApiProperty({ example: 'Counted in the financial year the referral was made (UK local time)' })
  basisDescription: string;

  @ApiProperty({ example: 'IOPC referrals; outcome columns prefixed misconduct_/criminal_ count people' })
  unit: string;

  @ApiProperty({ type: FigureFilters })
  filters: FigureFilters;

  @ApiProperty({
    example: false,
    description:
      'true when the caller is linked to a workforce member: cases, intelligence and vetting records concerning them are left out (conflict of interest), so the figure may differ from the published one',
  })
  callerRecordsExcluded: boolean;

  @ApiProperty({ type: [FigureColumn] })
  columns: FigureColumn[];

  @ApiProperty({
    example: [
      {
        financial_year: '2025/26',
        basis: 'recorded',
        referrals: 41,
        mandatory: 37,
        voluntary: 4,
        pending: 19,
      },
    ],
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'One object per row, keyed by the columns’ `key` (camelCase)',
  })
  rows: FigureRow[];

  @ApiProperty({
    example: {
      financial_year: 'total',
      basis: 'recorded',
      referrals: 41,
      mandatory: 37,
      voluntary: 4,
      pending: 19,
    },
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The total row (null where a total makes no sense, e.g. compliance by month)',
  })
  total: FigureRow | null;

  @ApiPropertyOptional({
    example: [
      { financial_year: 'total', basis: 'recorded', member_type: 'officer', people: 44, pending: 15 },
    ],
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'Cases only: the total row of each member type (`total` is the one over every type)',
  })
  totalsByMemberType?: FigureRow[];

  @ApiProperty({ example: '2026-11-24', description: 'The date the figures were computed for' })
  asOf: string;

  @ApiProperty({
    example: '2026-11-24T09:15:02.117Z',
    format: 'date-time',
    description:
      'The instant the figures are as of: every change committed before it is counted (on CSV: the `Figures-As-At` header)',
  })
  asAt: string;
}

export class MisconductReturn {
  @ApiProperty({ example: 'misconduct_return', enum: ['misconduct_return'] })
  figure: string;

  @ApiProperty({ example: '2023/24' })
  year: string;

  @ApiProperty({ example: 'finalised', enum: [CountingBasis.Finalised] })
  basis: string;

  @ApiProperty({
    example: false,
    description:
      'true when the caller is linked to a workforce member: cases concerning them are left out (conflict of interest)',
  })
  callerRecordsExcluded: boolean;

  @ApiProperty({ type: [FigureColumn] })
  columns: FigureColumn[];

  @ApiProperty({
    example: [
      { financial_year: '2025/26', case_reference: 'CASE-2025-M4X9TB', outcome: 'dismissal_without_notice' },
    ],
    type: 'array',
    items: { type: 'object', additionalProperties: true },
  })
  rows: FigureRow[];
}
