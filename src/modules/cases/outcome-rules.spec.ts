import {
  AllegationResult,
  CaseType,
  ConductRegime,
  CriminalOutcome,
  MisconductFinding,
  MisconductOutcome,
  Proceedings,
  ProceedingsResult,
} from './cases.enums.js';
import {
  checkOutcome,
  missingForClosure,
  needsBarredListEntry,
  needsVettingReview,
  OUTCOME_RULES,
  type OutcomeFacts,
} from './outcome-rules.js';

const officer = { caseType: CaseType.CriminalAndMisconduct, memberType: 'officer' };
const codes = (o: OutcomeFacts, ctx = officer): string[] => checkOutcome(o, ctx).map((v) => v.code);

/**
 * Every cell of regime × proceedings × outcome, written out by hand (Y allowed, n refused) so that the
 * table in outcome-rules.ts is checked against an independent statement of the regulations.
 * Columns: NFA, management advice, reflective practice, WW, FWW, reduction in rank, dismissal with notice,
 * dismissal without notice.
 */
const EXPECTED: Record<ConductRegime, Record<Proceedings, string>> = {
  [ConductRegime.Regime2012]: {
    [Proceedings.MisconductMeeting]: 'YYnYYnnn',
    [Proceedings.MisconductHearing]: 'YYnYYYYY',
    [Proceedings.AcceleratedHearing]: 'YnnnYYnY',
  },
  [ConductRegime.Regime2020]: {
    [Proceedings.MisconductMeeting]: 'YnYYYnnn',
    [Proceedings.MisconductHearing]: 'YnYYYYnY',
    [Proceedings.AcceleratedHearing]: 'YnnnYYnY',
  },
};
const COLUMNS = [
  MisconductOutcome.NoFurtherAction,
  MisconductOutcome.ManagementAdvice,
  MisconductOutcome.ReflectivePractice,
  MisconductOutcome.WrittenWarning,
  MisconductOutcome.FinalWrittenWarning,
  MisconductOutcome.ReductionInRank,
  MisconductOutcome.DismissalWithNotice,
  MisconductOutcome.DismissalWithoutNotice,
];

const cells = Object.values(ConductRegime).flatMap((regime) =>
  Object.values(Proceedings).flatMap((proceedings) =>
    COLUMNS.map((outcome, i) => ({
      regime,
      proceedings,
      outcome,
      allowed: EXPECTED[regime][proceedings][i] === 'Y',
    })),
  ),
);

describe('outcome rules: regime × proceedings × outcome', () => {
  it('covers every outcome code', () => {
    expect([...COLUMNS].sort()).toEqual(Object.values(MisconductOutcome).sort());
  });

  it.each(cells)(
    '$regime $proceedings $outcome → allowed $allowed',
    ({ regime, proceedings, outcome, allowed }) => {
      const violations = codes({
        misconductFinding: MisconductFinding.CaseToAnswer,
        proceedings,
        proceedingsResult: ProceedingsResult.Proven,
        misconductOutcome: outcome,
        regime,
        allegationResult: AllegationResult.Substantiated,
      });
      if (allowed) expect(violations).toEqual([]);
      else
        expect(violations).toEqual([
          expect.stringMatching(/^(outcome_not_in_regime|outcome_not_available_from_proceedings)$/),
        ]);
    },
  );

  it('names the rule for the issue’s examples', () => {
    const base = {
      misconductFinding: MisconductFinding.CaseToAnswer,
      proceedingsResult: ProceedingsResult.Proven,
      allegationResult: AllegationResult.Substantiated,
    };
    expect(
      codes({
        ...base,
        proceedings: Proceedings.MisconductMeeting,
        regime: ConductRegime.Regime2020,
        misconductOutcome: MisconductOutcome.ReductionInRank,
      }),
    ).toEqual(['outcome_not_available_from_proceedings']);
    expect(
      codes({
        ...base,
        proceedings: Proceedings.MisconductMeeting,
        regime: ConductRegime.Regime2020,
        misconductOutcome: MisconductOutcome.DismissalWithoutNotice,
      }),
    ).toEqual(['outcome_not_available_from_proceedings']);
    expect(
      codes({
        ...base,
        proceedings: Proceedings.MisconductHearing,
        regime: ConductRegime.Regime2020,
        misconductOutcome: MisconductOutcome.DismissalWithNotice,
      }),
    ).toEqual(['outcome_not_in_regime']);
    expect(
      codes({
        misconductFinding: MisconductFinding.NoCaseToAnswer,
        proceedings: Proceedings.MisconductMeeting,
        proceedingsResult: ProceedingsResult.Proven,
      }),
    ).toEqual(expect.arrayContaining(['proceedings_need_case_to_answer', 'result_needs_case_to_answer']));
  });
});

/** Each rule: one outcome that breaks it (and only it, where possible) and one close to it that does not. */
const RULE_CASES: Record<string, { ctx?: typeof officer; bad: OutcomeFacts; good: OutcomeFacts }> = {
  criminal_outcome_needs_criminal_case: {
    ctx: { caseType: CaseType.Misconduct, memberType: 'officer' },
    bad: { criminalOutcome: CriminalOutcome.Charged },
    good: { criminalOutcome: null },
  },
  misconduct_needs_misconduct_case: {
    ctx: { caseType: CaseType.Criminal, memberType: 'officer' },
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
    ctx: { caseType: CaseType.Misconduct, memberType: 'staff' },
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

describe('what closure needs, vetting review and Barred List', () => {
  it('lists what is missing per case type', () => {
    expect(missingForClosure(null, CaseType.Misconduct)).toEqual(['outcome']);
    expect(missingForClosure({}, CaseType.CriminalAndMisconduct)).toEqual([
      'allegationResult',
      'criminalOutcome',
      'misconductFinding',
    ]);
    expect(
      missingForClosure(
        { allegationResult: AllegationResult.Unfounded, criminalOutcome: CriminalOutcome.Ongoing },
        CaseType.Criminal,
      ),
    ).toEqual(['criminalOutcome']);
    expect(
      missingForClosure(
        {
          allegationResult: AllegationResult.Substantiated,
          misconductFinding: MisconductFinding.CaseToAnswer,
        },
        CaseType.Misconduct,
      ),
    ).toEqual(['proceedings', 'proceedingsResult']);
    expect(
      missingForClosure(
        {
          allegationResult: AllegationResult.Substantiated,
          misconductFinding: MisconductFinding.CaseToAnswer,
          proceedings: Proceedings.MisconductHearing,
          proceedingsResult: ProceedingsResult.Proven,
        },
        CaseType.Misconduct,
      ),
    ).toEqual(['misconductOutcome']);
    expect(
      missingForClosure(
        {
          allegationResult: AllegationResult.MaliciousOrVexatious,
          misconductFinding: MisconductFinding.NoCaseToAnswer,
        },
        CaseType.Misconduct,
      ),
    ).toEqual([]);
  });

  it('asks for a vetting review after a proven outcome short of dismissal only', () => {
    const proven = { proceedingsResult: ProceedingsResult.Proven, regime: ConductRegime.Regime2020 };
    expect(needsVettingReview({ ...proven, misconductOutcome: MisconductOutcome.WrittenWarning })).toBe(true);
    expect(needsVettingReview({ ...proven, misconductOutcome: MisconductOutcome.ReductionInRank })).toBe(
      true,
    );
    expect(
      needsVettingReview({ ...proven, misconductOutcome: MisconductOutcome.DismissalWithoutNotice }),
    ).toBe(false);
    expect(needsVettingReview({ ...proven, misconductOutcome: MisconductOutcome.NoFurtherAction })).toBe(
      false,
    );
    expect(
      needsVettingReview({
        proceedingsResult: ProceedingsResult.NotProven,
        misconductOutcome: MisconductOutcome.NoFurtherAction,
      }),
    ).toBe(false);
  });

  it('asks for a Barred List entry after a dismissal until it is recorded', () => {
    expect(needsBarredListEntry({ misconductOutcome: MisconductOutcome.DismissalWithoutNotice })).toBe(true);
    expect(needsBarredListEntry({ misconductOutcome: MisconductOutcome.DismissalWithNotice })).toBe(true);
    expect(needsBarredListEntry({ wouldHaveBeenDismissed: true })).toBe(true);
    expect(
      needsBarredListEntry({
        misconductOutcome: MisconductOutcome.DismissalWithoutNotice,
        barredListDate: '2024-01-01',
      }),
    ).toBe(false);
    expect(needsBarredListEntry({ misconductOutcome: MisconductOutcome.FinalWrittenWarning })).toBe(false);
  });
});
