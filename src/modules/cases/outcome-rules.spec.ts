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
import {
  checkOutcome,
  missingForClosure,
  needsBarredListEntry,
  needsVettingReview,
  type OutcomeContext,
  type OutcomeFacts,
  regimeFor,
} from './outcome-rules.js';

const officer: OutcomeContext = {
  caseType: CaseType.CriminalAndMisconduct,
  memberType: 'officer',
  severity: Severity.GrossMisconduct,
};
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
  [ConductRegime.Staff]: {
    [Proceedings.MisconductMeeting]: 'YYnYYnnn',
    [Proceedings.MisconductHearing]: 'YYnYYnYY',
    [Proceedings.AcceleratedHearing]: 'nnnnnnnn',
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
      // The severity that leads to these proceedings, so that only the regime's table decides.
      const severity =
        proceedings === Proceedings.MisconductMeeting ? Severity.Misconduct : Severity.GrossMisconduct;
      const violations = codes(
        {
          misconductFinding: MisconductFinding.CaseToAnswer,
          proceedings,
          proceedingsResult: ProceedingsResult.Proven,
          misconductOutcome: outcome,
          regime,
          allegationResult: AllegationResult.Substantiated,
        },
        {
          caseType: CaseType.Misconduct,
          memberType: regime === ConductRegime.Staff ? 'staff' : 'officer',
          regime,
          severity,
        },
      );
      if (allowed) expect(violations).toEqual([]);
      else {
        expect(violations.length).toBeGreaterThan(0);
        for (const v of violations) {
          expect(v).toMatch(
            /^(outcome_not_in_regime|outcome_not_available_from_proceedings|accelerated_hearing_not_for_staff|reduction_in_rank_officers_only|misconduct_at_most_final_written_warning)$/,
          );
        }
      }
    },
  );

  it('names the rule for the issue’s examples', () => {
    const base = {
      misconductFinding: MisconductFinding.CaseToAnswer,
      proceedingsResult: ProceedingsResult.Proven,
      allegationResult: AllegationResult.Substantiated,
    };
    const gross = { ...officer, regime: ConductRegime.Regime2020 };
    const misconduct = { ...gross, severity: Severity.Misconduct };
    expect(
      codes(
        {
          ...base,
          proceedings: Proceedings.MisconductMeeting,
          misconductOutcome: MisconductOutcome.ReductionInRank,
        },
        misconduct,
      ),
    ).toEqual(['misconduct_at_most_final_written_warning', 'outcome_not_available_from_proceedings']);
    expect(
      codes(
        {
          ...base,
          proceedings: Proceedings.MisconductHearing,
          misconductOutcome: MisconductOutcome.DismissalWithNotice,
        },
        gross,
      ),
    ).toEqual(['outcome_not_in_regime']);
    expect(
      codes(
        {
          misconductFinding: MisconductFinding.NoCaseToAnswer,
          proceedings: Proceedings.MisconductMeeting,
          proceedingsResult: ProceedingsResult.Proven,
        },
        misconduct,
      ),
    ).toEqual(expect.arrayContaining(['proceedings_need_case_to_answer', 'result_needs_case_to_answer']));
    // issue 26: a dismissal on a case assessed as practice requiring improvement
    expect(
      codes(
        {
          ...base,
          proceedings: Proceedings.MisconductHearing,
          misconductOutcome: MisconductOutcome.DismissalWithoutNotice,
        },
        { ...gross, severity: Severity.PracticeRequiringImprovement },
      ),
    ).toEqual([
      'case_to_answer_needs_misconduct',
      'practice_requiring_improvement_no_proceedings',
      'practice_requiring_improvement_reflective_practice_only',
    ]);
    // police staff: a written warning at a hearing "under 2020", and an accelerated hearing with dismissal
    const staff = { ...gross, memberType: 'staff', regime: ConductRegime.Staff };
    expect(
      codes(
        {
          ...base,
          regime: ConductRegime.Regime2020,
          proceedings: Proceedings.MisconductHearing,
          misconductOutcome: MisconductOutcome.WrittenWarning,
        },
        staff,
      ),
    ).toEqual(['regime_follows_the_matter']);
    expect(
      codes(
        {
          ...base,
          proceedings: Proceedings.AcceleratedHearing,
          misconductOutcome: MisconductOutcome.DismissalWithoutNotice,
        },
        staff,
      ),
    ).toEqual(['accelerated_hearing_not_for_staff']);
    // a 2026 matter named as 2012
    expect(
      codes(
        {
          ...base,
          regime: ConductRegime.Regime2012,
          proceedings: Proceedings.MisconductHearing,
          misconductOutcome: MisconductOutcome.DismissalWithNotice,
        },
        gross,
      ),
    ).toEqual(['regime_follows_the_matter', 'outcome_not_in_regime']);
  });
});

describe('the regime follows the matter', () => {
  it.each([
    ['officer', '2020-01-31', ConductRegime.Regime2012],
    ['officer', '2020-02-01', ConductRegime.Regime2020],
    ['officer', '2026-03-04', ConductRegime.Regime2020],
    ['special_constable', '2019-06-01', ConductRegime.Regime2012],
    ['special_constable', '2021-06-01', ConductRegime.Regime2020],
    ['staff', '2019-06-01', ConductRegime.Staff],
    ['staff', '2026-03-04', ConductRegime.Staff],
    ['pcso', '2026-03-04', ConductRegime.Staff],
    ['volunteer', '2026-03-04', ConductRegime.Staff],
    ['contractor', '2026-03-04', ConductRegime.Staff],
  ])('%s, matter of %s → %s', (memberType, on, regime) => {
    expect(regimeFor(memberType, on)).toBe(regime);
  });
});

/**
 * Every cell of severity × proceedings and severity × outcome, written out by hand (Y allowed, n refused).
 * Proceedings columns: meeting, hearing, accelerated hearing. Outcome columns as COLUMNS above.
 */
const SEVERITY_PROCEEDINGS: Record<Severity, string> = {
  [Severity.NoMisconduct]: 'nnn',
  [Severity.PracticeRequiringImprovement]: 'nnn',
  [Severity.Misconduct]: 'Ynn',
  [Severity.GrossMisconduct]: 'nYY',
};
const SEVERITY_OUTCOMES: Record<Severity, string> = {
  [Severity.NoMisconduct]: 'Ynnnnnnn',
  [Severity.PracticeRequiringImprovement]: 'YnYnnnnn',
  [Severity.Misconduct]: 'YYYYYnnn',
  [Severity.GrossMisconduct]: 'YYYYYYYY',
};
const SEVERITY_PROCEEDINGS_RULE: Record<Severity, string> = {
  [Severity.NoMisconduct]: 'no_misconduct_no_proceedings',
  [Severity.PracticeRequiringImprovement]: 'practice_requiring_improvement_no_proceedings',
  [Severity.Misconduct]: 'misconduct_meeting_only',
  [Severity.GrossMisconduct]: 'gross_misconduct_hearing_only',
};
const SEVERITY_OUTCOME_RULE: Record<Severity, string> = {
  [Severity.NoMisconduct]: 'no_misconduct_no_outcome',
  [Severity.PracticeRequiringImprovement]: 'practice_requiring_improvement_reflective_practice_only',
  [Severity.Misconduct]: 'misconduct_at_most_final_written_warning',
  [Severity.GrossMisconduct]: '(none)',
};
const PROCEEDINGS_COLUMNS = [
  Proceedings.MisconductMeeting,
  Proceedings.MisconductHearing,
  Proceedings.AcceleratedHearing,
];

describe('outcome rules: severity × proceedings and severity × outcome', () => {
  const proceedingsCells = Object.values(Severity).flatMap((severity) =>
    PROCEEDINGS_COLUMNS.map((proceedings, i) => ({
      severity,
      proceedings,
      allowed: SEVERITY_PROCEEDINGS[severity][i] === 'Y',
    })),
  );
  it.each(proceedingsCells)(
    '$severity $proceedings → allowed $allowed',
    ({ severity, proceedings, allowed }) => {
      const got = codes({ proceedings }, { ...officer, severity });
      if (allowed) expect(got).not.toContain(SEVERITY_PROCEEDINGS_RULE[severity]);
      else expect(got).toContain(SEVERITY_PROCEEDINGS_RULE[severity]);
    },
  );

  const outcomeCells = Object.values(Severity).flatMap((severity) =>
    COLUMNS.map((outcome, i) => ({ severity, outcome, allowed: SEVERITY_OUTCOMES[severity][i] === 'Y' })),
  );
  it.each(outcomeCells)('$severity $outcome → allowed $allowed', ({ severity, outcome, allowed }) => {
    const got = codes({ misconductOutcome: outcome }, { ...officer, severity });
    if (allowed) expect(got).not.toContain(SEVERITY_OUTCOME_RULE[severity]);
    else expect(got).toContain(SEVERITY_OUTCOME_RULE[severity]);
  });

  it('lets practice requiring improvement end in reflective practice without proceedings', () => {
    expect(
      codes(
        {
          misconductFinding: MisconductFinding.NoCaseToAnswer,
          misconductOutcome: MisconductOutcome.ReflectivePractice,
          allegationResult: AllegationResult.Substantiated,
        },
        { ...officer, regime: ConductRegime.Regime2020, severity: Severity.PracticeRequiringImprovement },
      ),
    ).toEqual([]);
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
