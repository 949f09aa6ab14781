/**
 * UK financial years (1 April to 31 March, in UK local time), written `2017/18` and held as the year they
 * start in (2017). The database does the same with `case_financial_year(timestamptz)` (Europe/London), so
 * an event at 00:30 on 1 April British Summer Time (23:30 UTC on 31 March) belongs to the new year.
 */

const PATTERN = /^(\d{4})\/(\d{2})$/;

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
