import { addDays, addMonths, dayNumber, fromDayNumber, isIsoDate } from '../../common/dates.js';
import { DEFAULT_VETTING_RULES, parseVettingRules, VettingRulesError } from '../../config/vetting-rules.js';
import { expiryFor, renewalDueFrom, satisfiesRequirement } from './vetting-rules.js';
import { VettingLevel } from './vetting.enums.js';

/**
 * The independent oracle: JavaScript's own UTC calendar (Date.UTC normalises overflowing days and months),
 * used differently from the code under test: "the same day N months on, or the last day of that month".
 */
const oracle = {
  addMonths(iso: string, months: number): string {
    const [y, m, d] = iso.split('-').map(Number);
    const lastDay = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
    return new Date(Date.UTC(y, m - 1 + months, Math.min(d, lastDay))).toISOString().slice(0, 10);
  },
  addDays(iso: string, days: number): string {
    return new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  },
};

function* everyDay(from: string, to: string): Generator<string> {
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    yield new Date(t).toISOString().slice(0, 10);
  }
}

describe('calendar arithmetic', () => {
  it('numbers every day from 1896 to 2104 as the oracle does, and back', () => {
    const epoch = Date.parse('1970-01-01T00:00:00Z');
    const mismatches: string[] = [];
    for (const iso of everyDay('1896-01-01', '2104-12-31')) {
      const n = (Date.parse(`${iso}T00:00:00Z`) - epoch) / 86_400_000;
      if (dayNumber(iso) !== n || fromDayNumber(n) !== iso) mismatches.push(iso);
    }
    expect(mismatches).toEqual([]);
  });

  it('adds months like the oracle on every day of 1999-2033 (leap years, 2000, month ends)', () => {
    const mismatches: string[] = [];
    for (const iso of everyDay('1999-01-01', '2033-12-31')) {
      for (const months of [1, 11, 12, 36, 60, 84, 120, -1, -12]) {
        const got = addMonths(iso, months);
        const want = oracle.addMonths(iso, months);
        if (got !== want) mismatches.push(`${iso} + ${months}: ${got} ≠ ${want}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('adds days like the oracle across leap days and century years', () => {
    for (const iso of ['2000-02-28', '2100-02-28', '2024-02-29', '2023-12-31', '1900-03-01']) {
      for (const days of [-366, -90, -1, 0, 1, 90, 365, 366, 1461]) {
        expect(addDays(iso, days)).toBe(oracle.addDays(iso, days));
      }
    }
  });

  it('handles the named cases', () => {
    expect(addMonths('2020-02-29', 12)).toBe('2021-02-28');
    expect(addMonths('2020-02-29', 48)).toBe('2024-02-29');
    expect(addMonths('2021-01-31', 1)).toBe('2021-02-28');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2023-08-31', 36)).toBe('2026-08-31');
    expect(addMonths('2023-10-31', -1)).toBe('2023-09-30');
    expect(addMonths('2100-01-29', 1)).toBe('2100-02-28'); // 2100 is not a leap year
    expect(addMonths('2000-01-29', 1)).toBe('2000-02-29'); // 2000 is
  });

  it('rejects what is not a calendar date', () => {
    for (const bad of ['2023-02-29', '2024-13-01', '2024-00-10', '2024-04-31', '24-01-01', '2024-1-1', '']) {
      expect(isIsoDate(bad)).toBe(false);
      expect(() => addMonths(bad, 1)).toThrow(RangeError);
    }
    expect(isIsoDate('2024-02-29')).toBe(true);
  });
});

describe('renewal arithmetic under the rules', () => {
  const rules = DEFAULT_VETTING_RULES;

  it('uses the domain defaults: RV 10y, MV 7y, NPPV1/2 3y, NPPV3 5y, CTC 5y, SC 10y, DV 7y, 90 days warning', () => {
    const granted = '2016-02-29';
    const want: Record<VettingLevel, number> = {
      RV: 10,
      MV: 7,
      NPPV1: 3,
      NPPV2: 3,
      NPPV3: 5,
      CTC: 5,
      SC: 10,
      DV: 7,
    };
    for (const level of Object.values(VettingLevel)) {
      expect(expiryFor(rules, level, granted)).toBe(oracle.addMonths(granted, want[level] * 12));
      expect(renewalDueFrom(rules, level, expiryFor(rules, level, granted))).toBe(
        oracle.addDays(oracle.addMonths(granted, want[level] * 12), -90),
      );
    }
    expect(expiryFor(rules, VettingLevel.NPPV2, '2016-02-29')).toBe('2019-02-28');
    expect(expiryFor(rules, VettingLevel.CTC, '2016-02-29')).toBe('2021-02-28');
    expect(expiryFor(rules, VettingLevel.DV, '2017-02-28')).toBe('2024-02-28');
  });

  it('computes a level changed mid-cycle from the new grant, with the new level’s period and window', () => {
    const custom = parseVettingRules(JSON.stringify({ warningDays: { NPPV3: 120 } }));
    // NPPV2 granted at a month end; upgraded to NPPV3 part-way through, on the last day of a leap February.
    const first = expiryFor(custom, VettingLevel.NPPV2, '2021-08-31');
    expect(first).toBe(oracle.addMonths('2021-08-31', 36));
    const upgraded = expiryFor(custom, VettingLevel.NPPV3, '2024-02-29');
    expect(upgraded).toBe(oracle.addMonths('2024-02-29', 60));
    expect(upgraded).toBe('2029-02-28');
    expect(renewalDueFrom(custom, VettingLevel.NPPV3, upgraded)).toBe(oracle.addDays('2029-02-28', -120));
    expect(renewalDueFrom(custom, VettingLevel.NPPV2, first)).toBe(oracle.addDays(first, -90));
  });

  it('says which level satisfies which requirement, by the hierarchies', () => {
    expect(satisfiesRequirement(rules, VettingLevel.MV, VettingLevel.RV)).toBe(true);
    expect(satisfiesRequirement(rules, VettingLevel.RV, VettingLevel.MV)).toBe(false);
    expect(satisfiesRequirement(rules, VettingLevel.NPPV3, VettingLevel.NPPV1)).toBe(true);
    expect(satisfiesRequirement(rules, VettingLevel.DV, VettingLevel.SC)).toBe(true);
    expect(satisfiesRequirement(rules, VettingLevel.SC, VettingLevel.DV)).toBe(false);
    expect(satisfiesRequirement(rules, VettingLevel.DV, VettingLevel.MV)).toBe(false);
  });
});

describe('VETTING_RULES', () => {
  it('is the defaults when empty, and overrides only what it names', () => {
    expect(parseVettingRules('')).toEqual(DEFAULT_VETTING_RULES);
    const r = parseVettingRules('{"renewalMonths":{"NPPV2":24},"satisfies":{"SC":["MV"]}}');
    expect(r.renewalMonths.NPPV2).toBe(24);
    expect(r.renewalMonths.NPPV3).toBe(60);
    expect(r.satisfies.SC).toEqual(['SC', 'MV']);
    expect(r.satisfies.DV).toEqual(DEFAULT_VETTING_RULES.satisfies.DV);
  });

  it.each([
    ['not json', 'must be JSON'],
    ['[]', 'must be a JSON object'],
    ['{"renewal":{}}', 'unknown key renewal'],
    ['{"renewalMonths":{"XX":12}}', 'unknown level XX'],
    ['{"renewalMonths":{"RV":0}}', 'renewalMonths.RV must be a whole number'],
    ['{"warningDays":{"RV":1.5}}', 'warningDays.RV must be a whole number'],
    ['{"satisfies":{"SC":"CTC"}}', 'satisfies.SC must be a list of levels'],
    ['{"satisfies":{"SC":["ZZ"]}}', 'satisfies.SC must be a list of levels'],
  ])('refuses %s', (json, message) => {
    expect(() => parseVettingRules(json)).toThrow(VettingRulesError);
    expect(() => parseVettingRules(json)).toThrow(message);
  });
});
