import type { Schemas } from '../api/client';

export type RuleCode = Schemas['MonitoringRuleCode'];

/** What each monitoring rule looks for, in words (docs/monitoring.md "Rules"). */
export const RULE_NAMES: Record<RuleCode, string> = {
  self_lookup: 'Look-ups of oneself',
  declared_association: 'Look-ups of a declared associate',
  vulnerable_repeat_access: 'Repeated access to a vulnerable person (APSP)',
  vulnerable_contact: 'Contact with a vulnerable victim outside an incident',
  out_of_hours_burst: 'Searches or exports in bulk out of hours',
  open_case_lookup: 'Look-ups of the subject of an open CCU case by someone not on it',
};

const THRESHOLD_WORDS: Record<string, string> = {
  minEvents: 'Minimum events',
  minDays: 'Minimum distinct days',
  windowDays: 'Window (days)',
  startHour: 'From hour (London)',
  endHour: 'To hour (London)',
};

/** A threshold's name in words. */
export const thresholdLabel = (key: string): string => THRESHOLD_WORDS[key] ?? key;

/** A rule's thresholds in one line: "Minimum distinct days 3 · Window (days) 14". */
export const thresholdsText = (t: Record<string, number>): string =>
  Object.entries(t)
    .map(([k, v]) => `${thresholdLabel(k)} ${v}`)
    .join(' · ');
