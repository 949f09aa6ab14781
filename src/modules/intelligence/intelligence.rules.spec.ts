import { GradingScheme, IntelligenceState, ReviewDecision } from './intelligence.enums.js';
import {
  ALLOWED_FROM,
  canDo,
  disseminationProblem,
  gradeProblems,
  nextState,
  timing,
  urgencyRank,
} from './intelligence.rules.js';
import { CorruptionCategory } from '../../common/domain/corruption-category.js';

const grade = (scheme: GradingScheme, s: string, i: string, h: string, c?: string) => ({
  scheme,
  sourceEvaluation: s,
  intelligenceAssessment: i,
  handlingCode: h,
  handlingConditions: c,
});

describe('grading', () => {
  it.each([
    ['1', 'A', 'P'],
    ['2', 'C', 'P'],
    ['3', 'E', 'P'],
  ])('accepts 3x5x2 %s%s%s', (s, i, h) => {
    expect(gradeProblems(grade(GradingScheme.ThreeFiveTwo, s, i, h))).toEqual([]);
  });

  it('accepts 3x5x2 handling C only with conditions', () => {
    expect(gradeProblems(grade(GradingScheme.ThreeFiveTwo, '1', 'A', 'C', 'Police only'))).toEqual([]);
    expect(gradeProblems(grade(GradingScheme.ThreeFiveTwo, '1', 'A', 'C')).map((p) => p.field)).toEqual([
      'grading.handlingConditions',
    ]);
    expect(gradeProblems(grade(GradingScheme.ThreeFiveTwo, '1', 'A', 'C', '  ')).map((p) => p.rule)).toEqual([
      'conditionsRequired',
    ]);
  });

  it('refuses codes of the other scheme, naming each field', () => {
    expect(gradeProblems(grade(GradingScheme.ThreeFiveTwo, 'A', '1', '1')).map((p) => p.field)).toEqual([
      'grading.sourceEvaluation',
      'grading.intelligenceAssessment',
      'grading.handlingCode',
    ]);
    expect(gradeProblems(grade(GradingScheme.FiveFiveFive, 'E', '5', '5'))).toEqual([]);
    expect(gradeProblems(grade(GradingScheme.FiveFiveFive, '1', 'A', 'P')).map((p) => p.field)).toHaveLength(
      3,
    );
    // Legacy handling has no conditions rule.
    expect(gradeProblems(grade(GradingScheme.FiveFiveFive, 'A', '1', '4'))).toEqual([]);
  });
});

describe('urgency', () => {
  it('puts a vulnerable person in APSP first, then either, then the rest', () => {
    expect(urgencyRank(true, [CorruptionCategory.AbuseOfPositionSexual])).toBe(0);
    expect(urgencyRank(true, [CorruptionCategory.Drugs, CorruptionCategory.AbuseOfPositionSexual])).toBe(0);
    expect(urgencyRank(true, [CorruptionCategory.Drugs])).toBe(1);
    expect(urgencyRank(false, [CorruptionCategory.AbuseOfPositionSexual])).toBe(1);
    expect(urgencyRank(false, [CorruptionCategory.Drugs])).toBe(2);
  });
});

describe('lifecycle', () => {
  const all = Object.values(IntelligenceState);

  it('allows each action only from its states', () => {
    expect(all.filter((s) => canDo('assign', s))).toEqual(['received', 'in_assessment', 'development']);
    expect(all.filter((s) => canDo('submit_for_review', s))).toEqual(['in_assessment', 'development']);
    expect(all.filter((s) => canDo('review', s))).toEqual(['awaiting_review']);
    expect(all.filter((s) => canDo('send_back', s))).toEqual(['awaiting_review']);
    for (const closed of [
      IntelligenceState.NoFurtherAction,
      IntelligenceState.ReferredToCase,
      IntelligenceState.Disseminated,
    ]) {
      for (const action of Object.keys(ALLOWED_FROM) as (keyof typeof ALLOWED_FROM)[]) {
        expect(canDo(action, closed)).toBe(false);
      }
    }
  });

  it('leads to the right state', () => {
    expect(nextState('assign', IntelligenceState.Received)).toBe('in_assessment');
    expect(nextState('assign', IntelligenceState.InAssessment)).toBe('in_assessment');
    expect(nextState('assign', IntelligenceState.Development)).toBe('development');
    expect(nextState('submit_for_review', IntelligenceState.Development)).toBe('awaiting_review');
    for (const d of Object.values(ReviewDecision)) {
      expect(nextState('review', IntelligenceState.AwaitingReview, d)).toBe(d);
    }
    expect(() => nextState('review', IntelligenceState.AwaitingReview)).toThrow();
    // Sent back: to the analyst's work, in development again when that was the last decision.
    expect(nextState('send_back', IntelligenceState.AwaitingReview)).toBe('in_assessment');
    expect(nextState('send_back', IntelligenceState.AwaitingReview, ReviewDecision.Development)).toBe(
      'development',
    );
  });
});

describe('dissemination under the handling code', () => {
  it('3x5x2: P permits, C needs the conditions confirmed', () => {
    expect(disseminationProblem(GradingScheme.ThreeFiveTwo, 'P', {})).toBeNull();
    expect(disseminationProblem(GradingScheme.ThreeFiveTwo, 'C', {})?.code).toBe(
      'handling_conditions_not_confirmed',
    );
    expect(disseminationProblem(GradingScheme.ThreeFiveTwo, 'C', { conditionsConfirmed: true })).toBeNull();
  });

  it('5x5x5: 1-3 permit, 4 inside the force only, 5 never', () => {
    for (const h of ['1', '2', '3'])
      expect(disseminationProblem(GradingScheme.FiveFiveFive, h, {})).toBeNull();
    expect(disseminationProblem(GradingScheme.FiveFiveFive, '4', {})?.code).toBe('handling_internal_only');
    expect(disseminationProblem(GradingScheme.FiveFiveFive, '4', { recipientInternal: true })).toBeNull();
    expect(disseminationProblem(GradingScheme.FiveFiveFive, '5', { recipientInternal: true })?.code).toBe(
      'handling_forbids_dissemination',
    );
  });
});

describe('references, years and timing', () => {
  it('computes age, due date and overdue from receipt and the target', () => {
    const now = new Date('2026-03-01T12:00:00Z');
    const received = new Date('2026-01-31T09:00:00Z');
    expect(timing(received, IntelligenceState.Received, null, 28, now)).toEqual({
      ageDays: 29,
      dueDate: '2026-02-28',
      overdue: true,
    });
    expect(timing(received, IntelligenceState.InAssessment, null, 60, now)).toMatchObject({ overdue: false });
    // Closed reports are never overdue; development is due on its review date.
    expect(timing(received, IntelligenceState.NoFurtherAction, null, 28, now).overdue).toBe(false);
    expect(timing(received, IntelligenceState.Development, '2026-03-10', 28, now)).toEqual({
      ageDays: 29,
      dueDate: '2026-03-10',
      overdue: false,
    });
    expect(timing(received, IntelligenceState.Development, '2026-02-27', 28, now).overdue).toBe(true);
  });
});
