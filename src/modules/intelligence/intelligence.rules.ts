import { GRADING_CODES, GradingScheme, IntelligenceState, ReviewDecision } from './intelligence.enums.js';
import { londonDateOf } from '../../common/clock.js';
import { CorruptionCategory } from '../../common/domain/corruption-category.js';
import { IntelligenceError } from './intelligence.codes.js';

export interface GradeInput {
  scheme: GradingScheme;
  sourceEvaluation: string;
  intelligenceAssessment: string;
  handlingCode: string;
  handlingConditions?: string | null;
}

export interface GradeProblem {
  field: string;
  rule: string;
  message: string;
}

/** The problems with a grade, by field (empty when it is valid in its scheme). */
export function gradeProblems(g: GradeInput, prefix = 'grading'): GradeProblem[] {
  const codes = GRADING_CODES[g.scheme];
  const out: GradeProblem[] = [];
  for (const part of ['sourceEvaluation', 'intelligenceAssessment', 'handlingCode'] as const) {
    if (!codes[part].includes(g[part])) {
      out.push({
        field: `${prefix}.${part}`,
        rule: 'gradingScheme',
        message: `${prefix}.${part} must be one of ${codes[part].join(', ')} in the ${g.scheme} scheme`,
      });
    }
  }
  const hasConditions = typeof g.handlingConditions === 'string' && g.handlingConditions.trim() !== '';
  if (g.scheme === GradingScheme.ThreeFiveTwo && g.handlingCode === 'C' && !hasConditions) {
    out.push({
      field: `${prefix}.handlingConditions`,
      rule: 'conditionsRequired',
      message: `${prefix}.handlingConditions is required with handling code C`,
    });
  }
  return out;
}

/**
 * Queue urgency, 0 the most urgent: a vulnerable person involved in APSP intelligence, then either of the two,
 * then the rest. Stored on the report (a trigger keeps it) so that the queue's keyset is one index.
 */
export function urgencyRank(vulnerablePerson: boolean, categories: readonly CorruptionCategory[]): 0 | 1 | 2 {
  const apsp = categories.includes(CorruptionCategory.AbuseOfPositionSexual);
  if (vulnerablePerson && apsp) return 0;
  if (vulnerablePerson || apsp) return 1;
  return 2;
}

export type LifecycleAction = 'assign' | 'submit_for_review' | 'review' | 'send_back' | 'update';

/** Which states each action may start from (anything else is a 409 `invalid_transition`). */
export const ALLOWED_FROM: Record<LifecycleAction, readonly IntelligenceState[]> = {
  assign: [IntelligenceState.Received, IntelligenceState.InAssessment, IntelligenceState.Development],
  submit_for_review: [IntelligenceState.InAssessment, IntelligenceState.Development],
  review: [IntelligenceState.AwaitingReview],
  send_back: [IntelligenceState.AwaitingReview],
  update: [
    IntelligenceState.Received,
    IntelligenceState.InAssessment,
    IntelligenceState.AwaitingReview,
    IntelligenceState.Development,
  ],
};

export const canDo = (action: LifecycleAction, state: IntelligenceState): boolean =>
  ALLOWED_FROM[action].includes(state);

/** The state a review's decision leads to (of the same name). */
const REVIEWED: Record<ReviewDecision, IntelligenceState> = {
  [ReviewDecision.NoFurtherAction]: IntelligenceState.NoFurtherAction,
  [ReviewDecision.Development]: IntelligenceState.Development,
  [ReviewDecision.ReferredToCase]: IntelligenceState.ReferredToCase,
  [ReviewDecision.Disseminated]: IntelligenceState.Disseminated,
};

/**
 * The state an action leads to. Assigning keeps a report in development; a review's state is its decision;
 * an assessment sent back returns to the analyst's work: in development again when the report was in
 * development (its last decision), else in assessment.
 */
export function nextState(
  action: Exclude<LifecycleAction, 'update'>,
  from: IntelligenceState,
  decision?: ReviewDecision,
): IntelligenceState {
  switch (action) {
    case 'assign':
      return from === IntelligenceState.Development ? from : IntelligenceState.InAssessment;
    case 'submit_for_review':
      return IntelligenceState.AwaitingReview;
    case 'review':
      if (!decision) throw new Error('a review needs a decision');
      return REVIEWED[decision];
    case 'send_back':
      return decision === ReviewDecision.Development
        ? IntelligenceState.Development
        : IntelligenceState.InAssessment;
  }
}

/**
 * Dissemination under the handling code. 3x5x2: P permits lawful sharing, C permits it under the recorded
 * conditions (the reviewer confirms they apply). Legacy 5x5x5: 1-3 permit dissemination (to law enforcement,
 * non-prosecuting parties, foreign law enforcement), 4 only within the force, 5 none without the originator.
 */
export function disseminationProblem(
  scheme: GradingScheme,
  handlingCode: string,
  review: { conditionsConfirmed?: boolean; recipientInternal?: boolean },
): { code: IntelligenceError; detail: string } | null {
  if (scheme === GradingScheme.ThreeFiveTwo) {
    if (handlingCode === 'C' && review.conditionsConfirmed !== true) {
      return {
        code: IntelligenceError.HandlingConditionsNotConfirmed,
        detail:
          'Handling code C: confirm the recorded conditions apply to this dissemination (conditionsConfirmed)',
      };
    }
    return null;
  }
  if (handlingCode === '5') {
    return {
      code: IntelligenceError.HandlingForbidsDissemination,
      detail: 'Handling code 5: no dissemination without reference to the originator',
    };
  }
  if (handlingCode === '4' && review.recipientInternal !== true) {
    return {
      code: IntelligenceError.HandlingInternalOnly,
      detail: 'Handling code 4: dissemination only within the force (recipientInternal)',
    };
  }
  return null;
}

const DAY = 86_400_000;

/**
 * Queue timing: whole days since receipt, the due date (the London date of receipt + target, or in development
 * the review date) and whether it has passed. `today` is the business date (`Clock.today()`).
 */
export function timing(
  receivedAt: Date,
  state: IntelligenceState,
  reviewDate: string | null,
  targetDays: number,
  now: Date,
  today: string = londonDateOf(now),
): { ageDays: number; dueDate: string; overdue: boolean } {
  const ageDays = Math.max(0, Math.floor((now.getTime() - receivedAt.getTime()) / DAY));
  const target = receivedAt.getTime() + targetDays * DAY;
  const byReviewDate = state === IntelligenceState.Development && reviewDate !== null;
  const dueDate = byReviewDate ? reviewDate : londonDateOf(new Date(target));
  const open =
    state === IntelligenceState.Received ||
    state === IntelligenceState.InAssessment ||
    state === IntelligenceState.AwaitingReview ||
    state === IntelligenceState.Development;
  const overdue = open && (byReviewDate ? dueDate < today : now.getTime() > target);
  return { ageDays, dueDate, overdue };
}
