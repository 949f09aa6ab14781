import {
  AllegationResult,
  CaseType,
  ConductRegime,
  CriminalOutcome,
  MisconductFinding,
  MisconductOutcome,
  Proceedings,
  ProceedingsResult,
  Severity,
} from './cases.enums.js';
import { checkOutcome, OUTCOME_RULES, type OutcomeContext, type OutcomeFacts } from './outcome-rules.js';

const officer: OutcomeContext = {
  caseType: CaseType.CriminalAndMisconduct,
  memberType: 'officer',
  severity: Severity.GrossMisconduct,
};
const codes = (o: OutcomeFacts, ctx = officer): string[] => checkOutcome(o, ctx).map((v) => v.code);

/** Each rule: one outcome that breaks it (and only it, where possible) and one close to it that does not. */
const RULE_CASES: Record<string, { ctx?: OutcomeContext; bad: OutcomeFacts; good: OutcomeFacts }> = {
  criminal_outcome_needs_criminal_case: {
    ctx: { caseType: CaseType.Misconduct, memberType: 'officer', severity: null },
    bad: { criminalOutcome: CriminalOutcome.Charged },
    good: { criminalOutcome: null },
  },
  misconduct_needs_misconduct_case: {
    ctx: { caseType: CaseType.Criminal, memberType: 'officer', severity: null },
    bad: { misconductFinding: MisconductFinding.NoCaseToAnswer },
    good: { criminalOutcome: CriminalOutcome.Caution },
  },
  proceedings_need_case_to_answer: {
    bad: { misconductFinding: MisconductFinding.NoCaseToAnswer, proceedings: Proceedings.MisconductMeeting },
    good: { misconductFinding: MisconductFinding.CaseToAnswer, proceedings: Proceedings.MisconductMeeting },
  },
  result_needs_case_to_answer: {
    bad: {
      misconductFinding: MisconductFinding.NoCaseToAnswer,
      proceedingsResult: ProceedingsResult.NotProven,
    },
    good: {
      misconductFinding: MisconductFinding.CaseToAnswer,
      proceedings: Proceedings.MisconductHearing,
      proceedingsResult: ProceedingsResult.NotProven,
    },
  },
  result_needs_proceedings: {
    bad: {
      misconductFinding: MisconductFinding.CaseToAnswer,
      proceedingsResult: ProceedingsResult.NotProven,
    },
    good: {
      misconductFinding: MisconductFinding.CaseToAnswer,
      proceedings: Proceedings.MisconductMeeting,
      proceedingsResult: ProceedingsResult.NotProven,
    },
  },
  regime_follows_the_matter: {
    ctx: { ...officer, regime: ConductRegime.Regime2020 },
    bad: { regime: ConductRegime.Regime2012 },
    good: { regime: ConductRegime.Regime2020 },
  },
  accelerated_hearing_not_for_staff: {
    ctx: { ...officer, memberType: 'pcso', regime: ConductRegime.Staff },
    bad: { misconductFinding: MisconductFinding.CaseToAnswer, proceedings: Proceedings.AcceleratedHearing },
    good: { misconductFinding: MisconductFinding.CaseToAnswer, proceedings: Proceedings.MisconductHearing },
  },
  proceedings_need_severity: {
    ctx: { ...officer, severity: null },
    bad: { misconductFinding: MisconductFinding.CaseToAnswer, proceedings: Proceedings.MisconductHearing },
    good: { misconductFinding: MisconductFinding.CaseToAnswer },
  },
  case_to_answer_needs_misconduct: {
    ctx: { ...officer, severity: Severity.NoMisconduct },
    bad: { misconductFinding: MisconductFinding.CaseToAnswer },
    good: { misconductFinding: MisconductFinding.NoCaseToAnswer },
  },
  no_misconduct_no_proceedings: {
    ctx: { ...officer, severity: Severity.NoMisconduct },
    bad: { proceedings: Proceedings.MisconductMeeting },
    good: { misconductFinding: MisconductFinding.NoCaseToAnswer },
  },
  no_misconduct_no_outcome: {
    ctx: { ...officer, severity: Severity.NoMisconduct },
    bad: { misconductOutcome: MisconductOutcome.ReflectivePractice },
    good: { misconductOutcome: MisconductOutcome.NoFurtherAction },
  },
  practice_requiring_improvement_no_proceedings: {
    ctx: { ...officer, severity: Severity.PracticeRequiringImprovement },
    bad: { proceedings: Proceedings.MisconductMeeting },
    good: { misconductFinding: MisconductFinding.NoCaseToAnswer },
  },
  practice_requiring_improvement_reflective_practice_only: {
    ctx: { ...officer, severity: Severity.PracticeRequiringImprovement },
    bad: { misconductOutcome: MisconductOutcome.DismissalWithoutNotice },
    good: { misconductOutcome: MisconductOutcome.ReflectivePractice },
  },
  misconduct_meeting_only: {
    ctx: { ...officer, severity: Severity.Misconduct },
    bad: { proceedings: Proceedings.MisconductHearing },
    good: { proceedings: Proceedings.MisconductMeeting },
  },
  misconduct_at_most_final_written_warning: {
    ctx: { ...officer, severity: Severity.Misconduct },
    bad: { misconductOutcome: MisconductOutcome.DismissalWithoutNotice },
    good: { misconductOutcome: MisconductOutcome.FinalWrittenWarning },
  },
  gross_misconduct_hearing_only: {
    ctx: { ...officer, severity: Severity.GrossMisconduct },
    bad: { proceedings: Proceedings.MisconductMeeting },
    good: { proceedings: Proceedings.AcceleratedHearing },
  },
  outcome_needs_regime: {
    bad: { misconductOutcome: MisconductOutcome.NoFurtherAction },
    good: { misconductOutcome: MisconductOutcome.NoFurtherAction, regime: ConductRegime.Regime2020 },
  },
  outcome_needs_proven_result: {
    bad: {
      misconductFinding: MisconductFinding.CaseToAnswer,
      proceedings: Proceedings.MisconductMeeting,
      proceedingsResult: ProceedingsResult.NotProven,
      misconductOutcome: MisconductOutcome.WrittenWarning,
      regime: ConductRegime.Regime2020,
    },
    good: {
      misconductFinding: MisconductFinding.CaseToAnswer,
      proceedings: Proceedings.MisconductMeeting,
      proceedingsResult: ProceedingsResult.NotProven,
      misconductOutcome: MisconductOutcome.NoFurtherAction,
      regime: ConductRegime.Regime2020,
    },
  },
  outcome_not_in_regime: {
    bad: { misconductOutcome: MisconductOutcome.ManagementAdvice, regime: ConductRegime.Regime2020 },
    good: { misconductOutcome: MisconductOutcome.ManagementAdvice, regime: ConductRegime.Regime2012 },
  },
  outcome_not_available_from_proceedings: {
    bad: {
      misconductFinding: MisconductFinding.CaseToAnswer,
      proceedings: Proceedings.MisconductMeeting,
      proceedingsResult: ProceedingsResult.Proven,
      misconductOutcome: MisconductOutcome.ReductionInRank,
      regime: ConductRegime.Regime2012,
      allegationResult: AllegationResult.Substantiated,
    },
    good: {
      misconductFinding: MisconductFinding.CaseToAnswer,
      proceedings: Proceedings.MisconductHearing,
      proceedingsResult: ProceedingsResult.Proven,
      misconductOutcome: MisconductOutcome.ReductionInRank,
      regime: ConductRegime.Regime2012,
      allegationResult: AllegationResult.Substantiated,
    },
  },
  reduction_in_rank_officers_only: {
    ctx: { caseType: CaseType.Misconduct, memberType: 'staff', severity: Severity.GrossMisconduct },
    bad: {
      misconductFinding: MisconductFinding.CaseToAnswer,
      proceedings: Proceedings.MisconductHearing,
      proceedingsResult: ProceedingsResult.Proven,
      misconductOutcome: MisconductOutcome.ReductionInRank,
      regime: ConductRegime.Regime2020,
    },
    good: {
      misconductFinding: MisconductFinding.CaseToAnswer,
      proceedings: Proceedings.MisconductHearing,
      proceedingsResult: ProceedingsResult.Proven,
      misconductOutcome: MisconductOutcome.FinalWrittenWarning,
      regime: ConductRegime.Regime2020,
    },
  },
  would_have_been_dismissed_needs_left_service: {
    bad: {
      misconductFinding: MisconductFinding.CaseToAnswer,
      proceedings: Proceedings.MisconductHearing,
      proceedingsResult: ProceedingsResult.Proven,
      wouldHaveBeenDismissed: true,
    },
    good: {
      misconductFinding: MisconductFinding.CaseToAnswer,
      proceedings: Proceedings.MisconductHearing,
      proceedingsResult: ProceedingsResult.Proven,
      wouldHaveBeenDismissed: true,
      leftService: 'resigned',
    },
  },
  would_have_been_dismissed_needs_hearing_proven: {
    bad: {
      misconductFinding: MisconductFinding.CaseToAnswer,
      proceedings: Proceedings.MisconductMeeting,
      proceedingsResult: ProceedingsResult.Proven,
      wouldHaveBeenDismissed: true,
      leftService: 'retired',
    },
    good: {
      misconductFinding: MisconductFinding.CaseToAnswer,
      proceedings: Proceedings.AcceleratedHearing,
      proceedingsResult: ProceedingsResult.Proven,
      wouldHaveBeenDismissed: true,
      leftService: 'retired',
    },
  },
  dismissal_not_after_leaving: {
    bad: {
      misconductFinding: MisconductFinding.CaseToAnswer,
      proceedings: Proceedings.MisconductHearing,
      proceedingsResult: ProceedingsResult.Proven,
      misconductOutcome: MisconductOutcome.DismissalWithoutNotice,
      regime: ConductRegime.Regime2020,
      leftService: 'resigned',
    },
    good: {
      misconductFinding: MisconductFinding.CaseToAnswer,
      proceedings: Proceedings.MisconductHearing,
      proceedingsResult: ProceedingsResult.Proven,
      misconductOutcome: MisconductOutcome.DismissalWithoutNotice,
      regime: ConductRegime.Regime2020,
    },
  },
  barred_list_needs_dismissal: {
    bad: {
      misconductFinding: MisconductFinding.CaseToAnswer,
      proceedings: Proceedings.MisconductHearing,
      proceedingsResult: ProceedingsResult.Proven,
      misconductOutcome: MisconductOutcome.FinalWrittenWarning,
      regime: ConductRegime.Regime2020,
      barredListDate: '2024-01-02',
    },
    good: {
      misconductFinding: MisconductFinding.CaseToAnswer,
      proceedings: Proceedings.MisconductHearing,
      proceedingsResult: ProceedingsResult.Proven,
      misconductOutcome: MisconductOutcome.DismissalWithoutNotice,
      regime: ConductRegime.Regime2020,
      barredListDate: '2024-01-02',
    },
  },
  advisory_list_needs_left_service: {
    bad: { advisoryListDate: '2024-01-02' },
    good: { advisoryListDate: '2024-01-02', leftService: 'resigned' },
  },
  proven_needs_substantiated_allegation: {
    bad: { criminalOutcome: CriminalOutcome.Convicted, allegationResult: AllegationResult.Unfounded },
    good: { criminalOutcome: CriminalOutcome.Convicted, allegationResult: AllegationResult.Substantiated },
  },
};
describe('outcome rules: each rule', () => {
  it('has a case for every rule in the table', () => {
    expect(Object.keys(RULE_CASES).sort()).toEqual(OUTCOME_RULES.map((r) => r.code).sort());
  });

  it.each(Object.entries(RULE_CASES))('%s', (code, { ctx, bad, good }) => {
    expect(codes(bad, ctx)).toContain(code);
    expect(codes(good, ctx)).not.toContain(code);
  });
});
