import { ALL_LEVELS, VettingLevel } from './vetting.enums.js';

/**
 * The vetting rules a force configures (VETTING_RULES, JSON overriding these defaults from domain.md):
 * - renewalMonths: how long a clearance granted at a level lasts (expires_on = granted_on + that many
 *   months, clamped to the month's end: 29 Feb + 12 months = 28 Feb);
 * - warningDays: how many days before expiry a renewal falls due (renewal_due alerts);
 * - satisfies: for each level held, the levels whose requirement it meets (always including itself).
 *
 * A clearance is valid while today < expires_on; from expires_on on it is expired (overdue).
 */
export interface VettingRules {
  renewalMonths: Record<VettingLevel, number>;
  warningDays: Record<VettingLevel, number>;
  satisfies: Record<VettingLevel, VettingLevel[]>;
}

const years = (n: number): number => n * 12;

export const DEFAULT_VETTING_RULES: VettingRules = {
  renewalMonths: {
    RV: years(10),
    MV: years(7),
    NPPV1: years(3),
    NPPV2: years(3),
    NPPV3: years(5),
    CTC: years(5),
    SC: years(10),
    DV: years(7),
  },
  warningDays: { RV: 90, MV: 90, NPPV1: 90, NPPV2: 90, NPPV3: 90, CTC: 90, SC: 90, DV: 90 },
  // The order-of-clearance hierarchies: RV < MV; NPPV1 < NPPV2 < NPPV3; CTC < SC < DV.
  satisfies: {
    RV: [VettingLevel.RV],
    MV: [VettingLevel.MV, VettingLevel.RV],
    NPPV1: [VettingLevel.NPPV1],
    NPPV2: [VettingLevel.NPPV2, VettingLevel.NPPV1],
    NPPV3: [VettingLevel.NPPV3, VettingLevel.NPPV2, VettingLevel.NPPV1],
    CTC: [VettingLevel.CTC],
    SC: [VettingLevel.SC, VettingLevel.CTC],
    DV: [VettingLevel.DV, VettingLevel.SC, VettingLevel.CTC],
  },
};

/**
 * The family a level belongs to: a new clearance supersedes the person's current clearance of the same
 * family (renewal, or a level changed mid-cycle), never one of another family (an SC does not end an MV).
 */
export const LEVEL_FAMILY: Record<VettingLevel, 'police' | 'nppv' | 'nsv'> = {
  RV: 'police',
  MV: 'police',
  NPPV1: 'nppv',
  NPPV2: 'nppv',
  NPPV3: 'nppv',
  CTC: 'nsv',
  SC: 'nsv',
  DV: 'nsv',
};

export class VettingRulesError extends Error {}

const isLevel = (v: unknown): v is VettingLevel =>
  typeof v === 'string' && (ALL_LEVELS as string[]).includes(v);

function overrideNumbers(
  name: string,
  base: Record<VettingLevel, number>,
  value: unknown,
  min: number,
  max: number,
): Record<VettingLevel, number> {
  if (value === undefined) return { ...base };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new VettingRulesError(`VETTING_RULES.${name} must be an object of level to number`);
  }
  const out = { ...base };
  for (const [level, n] of Object.entries(value)) {
    if (!isLevel(level)) throw new VettingRulesError(`VETTING_RULES.${name}: unknown level ${level}`);
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      throw new VettingRulesError(
        `VETTING_RULES.${name}.${level} must be a whole number from ${min} to ${max}`,
      );
    }
    out[level] = n;
  }
  return out;
}

/** VETTING_RULES (JSON, empty for the defaults) into the rules, or a VettingRulesError naming the problem. */
export function parseVettingRules(json: string): VettingRules {
  if (json.trim() === '') return structuredClone(DEFAULT_VETTING_RULES);
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new VettingRulesError('VETTING_RULES must be JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new VettingRulesError('VETTING_RULES must be a JSON object');
  }
  const { renewalMonths, warningDays, satisfies, ...rest } = raw as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    throw new VettingRulesError(
      `VETTING_RULES: unknown key ${unknown[0]} (allowed: renewalMonths, warningDays, satisfies)`,
    );
  }
  const rules: VettingRules = {
    renewalMonths: overrideNumbers(
      'renewalMonths',
      DEFAULT_VETTING_RULES.renewalMonths,
      renewalMonths,
      1,
      600,
    ),
    warningDays: overrideNumbers('warningDays', DEFAULT_VETTING_RULES.warningDays, warningDays, 0, 3650),
    satisfies: structuredClone(DEFAULT_VETTING_RULES.satisfies),
  };
  if (satisfies !== undefined) {
    if (typeof satisfies !== 'object' || satisfies === null || Array.isArray(satisfies)) {
      throw new VettingRulesError('VETTING_RULES.satisfies must be an object of level to a list of levels');
    }
    for (const [level, list] of Object.entries(satisfies)) {
      if (!isLevel(level)) throw new VettingRulesError(`VETTING_RULES.satisfies: unknown level ${level}`);
      if (!Array.isArray(list) || !list.every(isLevel)) {
        throw new VettingRulesError(`VETTING_RULES.satisfies.${level} must be a list of levels`);
      }
      // A level always meets its own requirement.
      rules.satisfies[level] = [...new Set([level, ...list])];
    }
  }
  return rules;
}

/** Does holding `held` meet a post's requirement of `required`? */
export const satisfiesRequirement = (
  rules: VettingRules,
  held: VettingLevel,
  required: VettingLevel,
): boolean => rules.satisfies[held].includes(required);

// ---- Calendar arithmetic on ISO dates (YYYY-MM-DD), no time zones involved. ----

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

export function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeapYear(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

export function parseIsoDate(iso: string): { y: number; m: number; d: number } {
  const match = DATE.exec(iso);
  if (!match) throw new RangeError(`not an ISO date: ${iso}`);
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) throw new RangeError(`not a calendar date: ${iso}`);
  return { y, m, d };
}

export const isIsoDate = (s: string): boolean => {
  try {
    parseIsoDate(s);
    return true;
  } catch {
    return false;
  }
};

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const format = (y: number, m: number, d: number): string => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;

/** `iso` plus `months` calendar months; a day past the target month's end becomes its last day. */
export function addMonths(iso: string, months: number): string {
  const { y, m, d } = parseIsoDate(iso);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = total - ny * 12 + 1;
  return format(ny, nm, Math.min(d, daysInMonth(ny, nm)));
}

/** Days since 1970-01-01 (proleptic Gregorian), by Howard Hinnant's days_from_civil. */
export function dayNumber(iso: string): number {
  const { y: y0, m, d } = parseIsoDate(iso);
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The inverse of dayNumber (civil_from_days). */
export function fromDayNumber(z0: number): string {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return format(yoe + era * 400 + (m <= 2 ? 1 : 0), m, d);
}

export const addDays = (iso: string, days: number): string => fromDayNumber(dayNumber(iso) + days);

/** When a clearance granted on `grantedOn` at `level` expires under the rules. */
export const expiryFor = (rules: VettingRules, level: VettingLevel, grantedOn: string): string =>
  addMonths(grantedOn, rules.renewalMonths[level]);

/** The first day on which a clearance expiring on `expiresOn` is due for renewal. */
export const renewalDueFrom = (rules: VettingRules, level: VettingLevel, expiresOn: string): string =>
  addDays(expiresOn, -rules.warningDays[level]);
