import { addDays, addMonths } from '../../common/dates.js';
import type { VettingRules } from '../../config/vetting-rules.js';
import type { VettingLevel } from './vetting.enums.js';

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

/** Does holding `held` meet a post's requirement of `required`? */
export const satisfiesRequirement = (
  rules: VettingRules,
  held: VettingLevel,
  required: VettingLevel,
): boolean => rules.satisfies[held].includes(required);

/** When a clearance granted on `grantedOn` at `level` expires under the rules. */
export const expiryFor = (rules: VettingRules, level: VettingLevel, grantedOn: string): string =>
  addMonths(grantedOn, rules.renewalMonths[level]);

/** The first day on which a clearance expiring on `expiresOn` is due for renewal. */
export const renewalDueFrom = (rules: VettingRules, level: VettingLevel, expiresOn: string): string =>
  addDays(expiresOn, -rules.warningDays[level]);
