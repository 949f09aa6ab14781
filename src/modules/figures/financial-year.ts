import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsOptional, registerDecorator, type ValidationOptions } from 'class-validator';

/**
 * UK financial years (1 April to 31 March, in UK local time), written `2017/18` and held as the year they
 * start in (2017). The database does the same with `case_financial_year(timestamptz)` (Europe/London), so
 * an event at 00:30 on 1 April British Summer Time (23:30 UTC on 31 March) belongs to the new year.
 *
 * The one parser and formatter of the API's financial years: every query parameter that takes one is a
 * `FinancialYearField` (`2017/18`, else a 400 `isFinancialYear` naming it), and every JSON field or CSV cell
 * that gives one is written by `formatFinancialYear`.
 */

const PATTERN = /^(\d{4})\/(\d{2})$/;
/** The pattern the OpenAPI document gives (the validator also checks that the second year follows the first). */
export const FINANCIAL_YEAR_PATTERN = '^\\d{4}/\\d{2}$';

/** The start year of a financial year written `2017/18`, or null when it is not one (`2017-18`, `2018/17`). */
export function parseFinancialYear(text: string): number | null {
  const match = PATTERN.exec(text);
  if (!match) return null;
  const start = Number(match[1]);
  if (start < 1900 || start > 2999) return null;
  return (start + 1) % 100 === Number(match[2]) ? start : null;
}

/** `2017` → `2017/18`. */
export function formatFinancialYear(start: number): string {
  return `${start}/${String((start + 1) % 100).padStart(2, '0')}`;
}

/** The financial year a calendar date (YYYY-MM-DD, UK local) falls in. */
export function financialYearOfDate(date: string): number {
  const [year, month] = date.split('-').map(Number);
  return month < 4 ? year - 1 : year;
}

/** The financial year an instant falls in, judged on the UK calendar (Europe/London). */
export function financialYearOf(instant: Date): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(instant);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return financialYearOfDate(`${get('year')}-${get('month')}-${get('day')}`);
}

/** The most financial years one figures request may span. */
export const MAX_FINANCIAL_YEARS = 30;
/** Years shown when the caller gives no range: the current one and the nine before it. */
export const DEFAULT_FINANCIAL_YEARS = 10;

/** A UK financial year written `2017/18` (the second part is the year after the first). */
export function IsFinancialYear(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isFinancialYear',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: '$property must be a financial year written like 2017/18 (1 April 2017 to 31 March 2018)',
        ...options,
      },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && parseFinancialYear(value) !== null,
      },
    });
  };
}

/** A DTO field (query parameter) holding a financial year `2017/18`, documented with its pattern. */
export const FinancialYearField = (
  description: string,
  required = false,
  example = '2023/24',
): PropertyDecorator =>
  applyDecorators(
    required
      ? ApiProperty({ type: String, pattern: FINANCIAL_YEAR_PATTERN, example, description })
      : ApiPropertyOptional({ type: String, pattern: FINANCIAL_YEAR_PATTERN, example, description }),
    required ? IsDefined() : IsOptional(),
    IsFinancialYear(),
  );
