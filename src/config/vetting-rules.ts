import { ALL_LEVELS, VettingLevel } from '../common/domain/vetting-level.js';

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
