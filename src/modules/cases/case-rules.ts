import { CaseAction, CaseStatus, ReferralCriterion } from './cases.enums.js';
import { CorruptionCategory } from '../../common/domain/corruption-category.js';

/**
 * The case lifecycle as a table: for each action, the statuses it may be taken from and the status it
 * leads to (`resume` returns to the status the case was suspended from).
 */
export const TRANSITIONS: Record<CaseAction, { from: readonly CaseStatus[]; to: CaseStatus | 'previous' }> = {
  [CaseAction.StartInvestigation]: { from: [CaseStatus.Open], to: CaseStatus.UnderInvestigation },
  [CaseAction.Suspend]: {
    from: [CaseStatus.Open, CaseStatus.UnderInvestigation, CaseStatus.AwaitingOutcome],
    to: CaseStatus.Suspended,
  },
  [CaseAction.Resume]: { from: [CaseStatus.Suspended], to: 'previous' },
  [CaseAction.AwaitOutcome]: { from: [CaseStatus.UnderInvestigation], to: CaseStatus.AwaitingOutcome },
  [CaseAction.Close]: {
    from: [CaseStatus.UnderInvestigation, CaseStatus.AwaitingOutcome],
    to: CaseStatus.Closed,
  },
};

/** The status an action leads to, or null when it may not be taken from `status`. */
export function nextStatus(
  action: CaseAction,
  status: CaseStatus,
  suspendedFrom: CaseStatus | null,
): CaseStatus | null {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(status)) return null;
  if (rule.to !== 'previous') return rule.to;
  return suspendedFrom ?? CaseStatus.Open;
}

/** Categories that by themselves meet a mandatory referral criterion. */
export const CATEGORY_CRITERIA: Partial<Record<CorruptionCategory, ReferralCriterion>> = {
  [CorruptionCategory.AbuseOfPositionSexual]: ReferralCriterion.ApspOrImproperRelationship,
  // Perverting the course of justice and assisting offenders are serious corruption.
  [CorruptionCategory.PervertingJustice]: ReferralCriterion.SeriousCorruption,
  [CorruptionCategory.AssistingOffenders]: ReferralCriterion.SeriousCorruption,
  [CorruptionCategory.Infiltration]: ReferralCriterion.SeriousCorruption,
};

export interface ReferralEvaluation {
  referralRequired: boolean;
  criteriaMet: ReferralCriterion[];
}

/**
 * Mandatory-referral evaluation: the criteria met by the case's categories, plus the facts the
 * investigator has recorded (a serious assault, a chief officer, the same incident as another...).
 */
export function evaluateReferral(
  categories: readonly CorruptionCategory[],
  facts: readonly ReferralCriterion[],
): ReferralEvaluation {
  const met = new Set<ReferralCriterion>(facts);
  for (const c of categories) {
    const criterion = CATEGORY_CRITERIA[c];
    if (criterion) met.add(criterion);
  }
  const criteriaMet = Object.values(ReferralCriterion).filter((c) => met.has(c));
  return { referralRequired: criteriaMet.length > 0, criteriaMet };
}

/** Timeliness: progress updates at least every 28 days; the 12-month mark is reported to the PCC. */
export const UPDATE_INTERVAL_DAYS = 28;
export const PCC_REPORT_MONTHS = 12;
