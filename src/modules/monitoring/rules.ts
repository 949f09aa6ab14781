import type { FieldError } from '../../common/problem.js';
import { RuleCode } from './monitoring.enums.js';

/**
 * What a rule reads besides events and thresholds, from other modules through their services: for
 * `open_case_lookup`, the subjects of open cases and who works on them (CasesService.openCaseSubjects).
 */
export interface RuleInputs {
  openCases?: { subjectId: string; teamMemberIds: string[] }[];
}

/** A rule's thresholds (which apply depends on the rule; docs/monitoring.md). */
export interface Thresholds {
  /** Events in a day (self look-up, declared association, open case, vulnerable contact, out-of-hours burst). */
  minEvents?: number;
  /** Distinct days in a window with access to the same vulnerable person (the APSP signal). */
  minDays?: number;
  /** The window of the APSP signal, in days. */
  windowDays?: number;
  /** Out of hours: from this hour (London) ... */
  startHour?: number;
  /** ... to this hour. */
  endHour?: number;
}

const RANGES: Record<keyof Thresholds, [number, number]> = {
  minEvents: [1, 1_000_000],
  minDays: [1, 366],
  windowDays: [1, 366],
  startHour: [0, 23],
  endHour: [0, 23],
};

/** The thresholds each rule reads. */
export const RULE_THRESHOLDS: Record<RuleCode, (keyof Thresholds)[]> = {
  [RuleCode.SelfLookup]: ['minEvents'],
  [RuleCode.DeclaredAssociation]: ['minEvents'],
  [RuleCode.VulnerableContact]: ['minEvents'],
  [RuleCode.OutOfHoursBurst]: ['minEvents', 'startHour', 'endHour'],
  [RuleCode.OpenCaseLookup]: ['minEvents'],
  [RuleCode.VulnerableRepeatAccess]: ['minDays', 'windowDays'],
};

/** The problems of thresholds for `code`: unknown keys, non-integers, out of range. */
export function thresholdProblems(code: RuleCode, t: Record<string, unknown>, field: string): FieldError[] {
  const allowed = RULE_THRESHOLDS[code];
  const problems: FieldError[] = [];
  for (const [key, value] of Object.entries(t)) {
    if (!allowed.includes(key as keyof Thresholds)) {
      problems.push({ field: `${field}.${key}`, rule: 'known', message: `${code} has no threshold ${key}` });
      continue;
    }
    const [min, max] = RANGES[key as keyof Thresholds];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
      problems.push({
        field: `${field}.${key}`,
        rule: 'range',
        message: `${field}.${key} must be a whole number from ${min} to ${max}`,
      });
  }
  if (code === RuleCode.VulnerableRepeatAccess) {
    const days = t.minDays;
    const window = t.windowDays;
    if (typeof days === 'number' && typeof window === 'number' && days > window)
      problems.push({
        field: `${field}.minDays`,
        rule: 'range',
        message: 'minDays must not exceed windowDays',
      });
  }
  return problems;
}

/** The window (London days) of a windowed rule that contains `day`. */
export function windowOf(code: RuleCode, t: Thresholds, day: string): { from: string; to: string } {
  if (code !== RuleCode.VulnerableRepeatAccess) return { from: day, to: day };
  const size = t.windowDays ?? 14;
  const epoch = Date.UTC(2000, 0, 3);
  const d = Date.parse(`${day}T00:00:00Z`);
  const index = Math.floor((d - epoch) / 86_400_000 / size);
  const from = new Date(epoch + index * size * 86_400_000);
  const to = new Date(from.getTime() + (size - 1) * 86_400_000);
  return { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
}
