import { FigureFormat } from './dto/figures.dto.js';
import { wantsCsv } from './figures.controller.js';
import {
  financialYearOf,
  financialYearOfDate,
  formatFinancialYear,
  parseFinancialYear,
} from './financial-year.js';

describe('financial years', () => {
  it.each([
    ['2017/18', 2017],
    ['1999/00', 1999],
    ['2099/00', 2099],
    ['2016/17', 2016],
  ])('parses %s as the year starting %i', (text, start) => {
    expect(parseFinancialYear(text)).toBe(start);
    expect(formatFinancialYear(start)).toBe(text);
  });

  it.each([
    '2017-18',
    '2018/17',
    '2017/2018',
    '17/18',
    '2017/19',
    '2017/1',
    ' 2017/18',
    '2017/18 ',
    'abcd/ef',
    '',
  ])('refuses %j', (text) => expect(parseFinancialYear(text)).toBeNull());

  it.each([
    ['2018-03-31', 2017],
    ['2018-04-01', 2018],
    ['2018-12-31', 2018],
    ['2019-01-01', 2018],
  ])('puts the date %s in the year starting %i', (date, fy) => expect(financialYearOfDate(date)).toBe(fy));

  it.each([
    // British Summer Time: 1 April 00:00 BST is 31 March 23:00 UTC.
    ['2018-03-31T22:59:59Z', 2017],
    ['2018-03-31T23:00:00Z', 2018],
    ['2018-03-31T23:30:00Z', 2018],
    // 2024: summer time began at 01:00 GMT on 31 March; before it, London is on GMT.
    ['2024-03-31T00:59:59Z', 2023],
    ['2024-03-31T22:59:59Z', 2023],
    ['2024-03-31T23:00:00Z', 2024],
    // Mid-winter: London is UTC.
    ['2024-01-01T00:00:00Z', 2023],
  ])('puts the instant %s in the year starting %i (Europe/London)', (iso, fy) =>
    expect(financialYearOf(new Date(iso))).toBe(fy),
  );
});

describe('content negotiation', () => {
  it.each([
    [undefined, undefined, false, false],
    [undefined, 'text/csv', false, true],
    [undefined, 'application/json, text/csv;q=0.5', false, false],
    [undefined, 'text/csv, application/json;q=0.5', false, true],
    [FigureFormat.Json, 'text/csv', false, false],
    [FigureFormat.Csv, 'application/json', false, true],
    [undefined, undefined, true, true],
    [undefined, 'application/json', true, false],
    [FigureFormat.Json, undefined, true, false],
  ])('format %s, Accept %s, CSV by default %s → CSV %s', (format, accept, byDefault, csv) =>
    expect(wantsCsv(format, accept, byDefault)).toBe(csv),
  );
});
