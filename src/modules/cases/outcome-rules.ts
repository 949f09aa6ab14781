import {
  AllegationResult,
  CaseType,
  ConductRegime,
  CriminalOutcome,
  DISMISSALS,
  includesCriminal,
  includesMisconduct,
  MisconductFinding,
  MisconductOutcome,
  Proceedings,
  ProceedingsResult,
  Severity,
} from './cases.enums.js';

/** One subject's outcome as recorded (every part optional until it is known). */
export interface OutcomeFacts {
  criminalOutcome?: CriminalOutcome | null;
  misconductFinding?: MisconductFinding | null;
  proceedings?: Proceedings | null;
  proceedingsResult?: ProceedingsResult | null;
  misconductOutcome?: MisconductOutcome | null;
  regime?: ConductRegime | null;
  allegationResult?: AllegationResult | null;
  leftService?: string | null;
  wouldHaveBeenDismissed?: boolean | null;
  barredListDate?: string | null;
  advisoryListDate?: string | null;
}

export interface OutcomeContext {
  caseType: CaseType;
  /** The subject's workforce type: only officers hold a rank. */
  memberType: string;
  /**
   * The regime that governs this subject's matter (`regimeFor`). When given, the rules apply it and a request
   * naming another is refused; when absent, the outcome's own `regime` is applied.
   */
  regime?: ConductRegime;
  /** The subject's current severity assessment; null when none has been made. */
  severity: Severity | null;
}

/** The Police (Conduct) Regulations 2020 apply to matters that came to attention from this date. */
export const REGIME_2020_FROM = '2020-02-01';

/** Workforce types under the Police (Conduct) Regulations; every other type is under the staff procedure. */
export const CONDUCT_REGULATED: readonly string[] = ['officer', 'special_constable'];

/**
 * The regime follows the matter: officers and special constables come under the 2020 Regulations for matters
 * that came to the appropriate authority's attention on or after 1 February 2020 and under 2012 before;
 * everyone else under the force's staff misconduct procedure. `cameToAttentionOn` is a `YYYY-MM-DD` date.
 */
export function regimeFor(memberType: string, cameToAttentionOn: string): ConductRegime {
  if (!CONDUCT_REGULATED.includes(memberType)) return ConductRegime.Staff;
  return cameToAttentionOn < REGIME_2020_FROM ? ConductRegime.Regime2012 : ConductRegime.Regime2020;
}

const M = MisconductOutcome;
const P = Proceedings;

/**
 * The misconduct outcomes each regime allows from each kind of proceedings (Police (Conduct) Regulations
 * 2012 and 2020). A meeting can give at most a final written warning; only a hearing (or an accelerated
 * hearing) can reduce in rank or dismiss; reflective practice (RPRP) exists only from 2020; management
 * advice and dismissal with notice only under 2012. `no_further_action` is always possible.
 */
export const ALLOWED_OUTCOMES: Record<ConductRegime, Record<Proceedings, readonly MisconductOutcome[]>> = {
  [ConductRegime.Regime2012]: {
    [P.MisconductMeeting]: [M.NoFurtherAction, M.ManagementAdvice, M.WrittenWarning, M.FinalWrittenWarning],
    [P.MisconductHearing]: [
      M.NoFurtherAction,
      M.ManagementAdvice,
      M.WrittenWarning,
      M.FinalWrittenWarning,
      M.ReductionInRank,
      M.DismissalWithNotice,
      M.DismissalWithoutNotice,
    ],
    [P.AcceleratedHearing]: [
      M.NoFurtherAction,
      M.FinalWrittenWarning,
      M.ReductionInRank,
      M.DismissalWithoutNotice,
    ],
  },
  [ConductRegime.Regime2020]: {
    [P.MisconductMeeting]: [M.NoFurtherAction, M.ReflectivePractice, M.WrittenWarning, M.FinalWrittenWarning],
    [P.MisconductHearing]: [
      M.NoFurtherAction,
      M.ReflectivePractice,
      M.WrittenWarning,
      M.FinalWrittenWarning,
      M.ReductionInRank,
      M.DismissalWithoutNotice,
    ],
    [P.AcceleratedHearing]: [
      M.NoFurtherAction,
      M.FinalWrittenWarning,
      M.ReductionInRank,
      M.DismissalWithoutNotice,
    ],
  },
  // The force's staff misconduct procedure: no rank to reduce, no accelerated hearing; a hearing can dismiss
  // with or without notice.
  [ConductRegime.Staff]: {
    [P.MisconductMeeting]: [M.NoFurtherAction, M.ManagementAdvice, M.WrittenWarning, M.FinalWrittenWarning],
    [P.MisconductHearing]: [
      M.NoFurtherAction,
      M.ManagementAdvice,
      M.WrittenWarning,
      M.FinalWrittenWarning,
      M.DismissalWithNotice,
      M.DismissalWithoutNotice,
    ],
    [P.AcceleratedHearing]: [],
  },
};

/** The outcomes that exist at all under each regime. */
export const REGIME_OUTCOMES: Record<ConductRegime, readonly MisconductOutcome[]> = {
  [ConductRegime.Regime2012]: Object.values(M).filter((o) => o !== M.ReflectivePractice),
  [ConductRegime.Regime2020]: Object.values(M).filter(
    (o) => o !== M.ManagementAdvice && o !== M.DismissalWithNotice,
  ),
  [ConductRegime.Staff]: Object.values(M).filter(
    (o) => o !== M.ReflectivePractice && o !== M.ReductionInRank,
  ),
};

/**
 * What each severity assessment lets follow (Conduct Regulations 2020, per subject): the proceedings it may
 * lead to and the outcomes it may end in. No misconduct: no proceedings, no outcome; practice requiring
 * improvement: reflective practice (RPRP) only, not a disciplinary outcome; misconduct: a meeting, at most a
 * final written warning; gross misconduct: a hearing or accelerated hearing, any outcome.
 */
export const SEVERITY_LIMITS: Record<
  Severity,
  { proceedings: readonly Proceedings[]; outcomes: readonly MisconductOutcome[] }
> = {
  [Severity.NoMisconduct]: { proceedings: [], outcomes: [M.NoFurtherAction] },
  [Severity.PracticeRequiringImprovement]: {
    proceedings: [],
    outcomes: [M.NoFurtherAction, M.ReflectivePractice],
  },
  [Severity.Misconduct]: {
    proceedings: [P.MisconductMeeting],
    outcomes: [
      M.NoFurtherAction,
      M.ManagementAdvice,
      M.ReflectivePractice,
      M.WrittenWarning,
      M.FinalWrittenWarning,
    ],
  },
  [Severity.GrossMisconduct]: {
    proceedings: [P.MisconductHearing, P.AcceleratedHearing],
    outcomes: Object.values(M),
  },
};

/** The regime the rules apply: the matter's when known, else the one the outcome names. */
const regimeOf = (o: OutcomeFacts, ctx: OutcomeContext): ConductRegime | null | undefined =>
  ctx.regime ?? o.regime;

const severityForbidsProceedings = (o: OutcomeFacts, ctx: OutcomeContext, severity: Severity): boolean =>
  ctx.severity === severity &&
  !!o.proceedings &&
  !SEVERITY_LIMITS[severity].proceedings.includes(o.proceedings);

const severityForbidsOutcome = (o: OutcomeFacts, ctx: OutcomeContext, severity: Severity): boolean =>
  ctx.severity === severity &&
  !!o.misconductOutcome &&
  !SEVERITY_LIMITS[severity].outcomes.includes(o.misconductOutcome);

export interface OutcomeRule {
  /** Stable code, returned in the problem's `rule` and `violations`. */
  code: string;
  /** The field the rule points at. */
  field: string;
  message: string;
  violated: (o: OutcomeFacts, ctx: OutcomeContext) => boolean;
}

const isDismissal = (o: MisconductOutcome | null | undefined): boolean => !!o && DISMISSALS.includes(o);

/** Every rule an outcome must satisfy, in one table. `checkOutcome` applies them all. */
export const OUTCOME_RULES: readonly OutcomeRule[] = [
  {
    code: 'criminal_outcome_needs_criminal_case',
    field: 'criminalOutcome',
    message: 'A criminal outcome can only be recorded on a criminal case',
    violated: (o, ctx) => !!o.criminalOutcome && !includesCriminal(ctx.caseType),
  },
  {
    code: 'misconduct_needs_misconduct_case',
    field: 'misconductFinding',
    message: 'A misconduct finding, proceedings or outcome can only be recorded on a misconduct case',
    violated: (o, ctx) =>
      !includesMisconduct(ctx.caseType) &&
      !!(o.misconductFinding || o.proceedings || o.proceedingsResult || o.misconductOutcome),
  },
  {
    code: 'proceedings_need_case_to_answer',
    field: 'proceedings',
    message: 'Misconduct proceedings follow only a finding of case to answer',
    violated: (o) => !!o.proceedings && o.misconductFinding !== MisconductFinding.CaseToAnswer,
  },
  {
    code: 'result_needs_case_to_answer',
    field: 'proceedingsResult',
    message: 'A proven or not proven result is impossible without a case to answer',
    violated: (o) => !!o.proceedingsResult && o.misconductFinding !== MisconductFinding.CaseToAnswer,
  },
  {
    code: 'result_needs_proceedings',
    field: 'proceedingsResult',
    message: 'A proven or not proven result comes from misconduct proceedings: name them',
    violated: (o) => !!o.proceedingsResult && !o.proceedings,
  },
  {
    code: 'regime_follows_the_matter',
    field: 'regime',
    message:
      'The regime follows the matter and is not a choice: officers and special constables under the 2020 Regulations for matters that came to attention from 1 February 2020 (2012 before), everyone else under the staff misconduct procedure',
    violated: (o, ctx) => !!ctx.regime && !!o.regime && o.regime !== ctx.regime,
  },
  {
    code: 'outcome_needs_regime',
    field: 'regime',
    message: 'A misconduct outcome is recorded with its regime (2012, 2020 or staff)',
    violated: (o, ctx) => !!o.misconductOutcome && !regimeOf(o, ctx),
  },
  {
    code: 'accelerated_hearing_not_for_staff',
    field: 'proceedings',
    message: 'The staff misconduct procedure has no accelerated hearing',
    violated: (o, ctx) => o.proceedings === P.AcceleratedHearing && regimeOf(o, ctx) === ConductRegime.Staff,
  },
  {
    code: 'proceedings_need_severity',
    field: 'proceedings',
    message: 'Misconduct proceedings follow a severity assessment of this subject: assess severity first',
    violated: (o, ctx) => !!o.proceedings && !ctx.severity,
  },
  {
    code: 'case_to_answer_needs_misconduct',
    field: 'misconductFinding',
    message:
      'A case to answer follows an assessment of misconduct or gross misconduct, not of no misconduct or practice requiring improvement',
    violated: (o, ctx) =>
      o.misconductFinding === MisconductFinding.CaseToAnswer &&
      (ctx.severity === Severity.NoMisconduct || ctx.severity === Severity.PracticeRequiringImprovement),
  },
  {
    code: 'no_misconduct_no_proceedings',
    field: 'proceedings',
    message: 'Assessed as no misconduct: no misconduct proceedings follow',
    violated: (o, ctx) => severityForbidsProceedings(o, ctx, Severity.NoMisconduct),
  },
  {
    code: 'no_misconduct_no_outcome',
    field: 'misconductOutcome',
    message: 'Assessed as no misconduct: no misconduct outcome follows (only no further action)',
    violated: (o, ctx) => severityForbidsOutcome(o, ctx, Severity.NoMisconduct),
  },
  {
    code: 'practice_requiring_improvement_no_proceedings',
    field: 'proceedings',
    message:
      'Assessed as practice requiring improvement: dealt with by reflective practice, not misconduct proceedings',
    violated: (o, ctx) => severityForbidsProceedings(o, ctx, Severity.PracticeRequiringImprovement),
  },
  {
    code: 'practice_requiring_improvement_reflective_practice_only',
    field: 'misconductOutcome',
    message:
      'Assessed as practice requiring improvement: reflective practice (RPRP) only, not a disciplinary outcome',
    violated: (o, ctx) => severityForbidsOutcome(o, ctx, Severity.PracticeRequiringImprovement),
  },
  {
    code: 'misconduct_meeting_only',
    field: 'proceedings',
    message: 'Assessed as misconduct: the proceedings are a misconduct meeting',
    violated: (o, ctx) => severityForbidsProceedings(o, ctx, Severity.Misconduct),
  },
  {
    code: 'misconduct_at_most_final_written_warning',
    field: 'misconductOutcome',
    message: 'Assessed as misconduct: at most a final written warning',
    violated: (o, ctx) => severityForbidsOutcome(o, ctx, Severity.Misconduct),
  },
  {
    code: 'gross_misconduct_hearing_only',
    field: 'proceedings',
    message:
      'Assessed as gross misconduct: the proceedings are a misconduct hearing or an accelerated hearing',
    violated: (o, ctx) => severityForbidsProceedings(o, ctx, Severity.GrossMisconduct),
  },
  {
    code: 'outcome_needs_proven_result',
    field: 'misconductOutcome',
    message:
      'A misconduct outcome other than no further action needs a proven result (reflective practice for practice requiring improvement excepted)',
    violated: (o, ctx) =>
      !!o.misconductOutcome &&
      o.misconductOutcome !== M.NoFurtherAction &&
      o.proceedingsResult !== ProceedingsResult.Proven &&
      !(
        ctx.severity === Severity.PracticeRequiringImprovement && o.misconductOutcome === M.ReflectivePractice
      ),
  },
  {
    code: 'outcome_not_in_regime',
    field: 'misconductOutcome',
    message:
      'The outcome does not exist under this regime (dismissal with notice and management advice are 2012 and staff only; reflective practice is 2020 only; staff have no rank to reduce)',
    violated: (o, ctx) => {
      const regime = regimeOf(o, ctx);
      return !!o.misconductOutcome && !!regime && !REGIME_OUTCOMES[regime].includes(o.misconductOutcome);
    },
  },
  {
    code: 'outcome_not_available_from_proceedings',
    field: 'misconductOutcome',
    message:
      'The proceedings cannot give this outcome (only a hearing can reduce in rank or dismiss; a meeting gives at most a final written warning)',
    violated: (o, ctx) => {
      const regime = regimeOf(o, ctx);
      return (
        !!o.misconductOutcome &&
        !!regime &&
        !!o.proceedings &&
        REGIME_OUTCOMES[regime].includes(o.misconductOutcome) &&
        ALLOWED_OUTCOMES[regime][o.proceedings].length > 0 &&
        !ALLOWED_OUTCOMES[regime][o.proceedings].includes(o.misconductOutcome)
      );
    },
  },
  {
    code: 'reduction_in_rank_officers_only',
    field: 'misconductOutcome',
    message: 'Only a police officer holds a rank to be reduced',
    violated: (o, ctx) => o.misconductOutcome === M.ReductionInRank && ctx.memberType !== 'officer',
  },
  {
    code: 'would_have_been_dismissed_needs_left_service',
    field: 'wouldHaveBeenDismissed',
    message:
      'The finding that someone would have been dismissed applies only to a person who left the service',
    violated: (o) => o.wouldHaveBeenDismissed === true && !o.leftService,
  },
  {
    code: 'would_have_been_dismissed_needs_hearing_proven',
    field: 'wouldHaveBeenDismissed',
    message: 'Would have been dismissed is a finding of a hearing with a proven result',
    violated: (o) =>
      o.wouldHaveBeenDismissed === true &&
      (o.proceedingsResult !== ProceedingsResult.Proven ||
        (o.proceedings !== P.MisconductHearing && o.proceedings !== P.AcceleratedHearing)),
  },
  {
    code: 'dismissal_not_after_leaving',
    field: 'misconductOutcome',
    message: 'A person who has left cannot be dismissed: record that they would have been dismissed instead',
    violated: (o) => !!o.leftService && isDismissal(o.misconductOutcome),
  },
  {
    code: 'barred_list_needs_dismissal',
    field: 'barredListDate',
    message: 'Barred List entries are for people dismissed, or who would have been dismissed',
    violated: (o) =>
      !!o.barredListDate && !isDismissal(o.misconductOutcome) && o.wouldHaveBeenDismissed !== true,
  },
  {
    code: 'advisory_list_needs_left_service',
    field: 'advisoryListDate',
    message: 'Advisory List entries are for people who left the service under investigation',
    violated: (o) => !!o.advisoryListDate && !o.leftService,
  },
  {
    code: 'proven_needs_substantiated_allegation',
    field: 'allegationResult',
    message: 'A proven misconduct result or a conviction means the allegation was substantiated',
    violated: (o) =>
      !!o.allegationResult &&
      o.allegationResult !== AllegationResult.Substantiated &&
      (o.proceedingsResult === ProceedingsResult.Proven || o.criminalOutcome === CriminalOutcome.Convicted),
  },
];

export interface RuleViolation {
  code: string;
  field: string;
  message: string;
}

/** Every rule the outcome breaks (empty when the regulations allow it). */
export function checkOutcome(o: OutcomeFacts, ctx: OutcomeContext): RuleViolation[] {
  return OUTCOME_RULES.filter((r) => r.violated(o, ctx)).map(({ code, field, message }) => ({
    code,
    field,
    message,
  }));
}

/**
 * What is still missing before the subject's outcome is final (a case cannot close until every subject's
 * list is empty): the allegation's result, a final criminal outcome on a criminal case, and on a misconduct
 * case the finding, then the proceedings and their result, then the outcome when proven.
 */
/** Everything an outcome's `missing` can name: the fields `missingForClosure` asks for, and its confirmation. */
export const OUTCOME_NEEDS = [
  'outcome',
  'allegationResult',
  'criminalOutcome',
  'misconductFinding',
  'proceedings',
  'proceedingsResult',
  'misconductOutcome',
  'confirmation',
] as const;

export function missingForClosure(o: OutcomeFacts | null, caseType: CaseType): string[] {
  if (!o) return ['outcome'];
  const missing: string[] = [];
  if (!o.allegationResult) missing.push('allegationResult');
  if (includesCriminal(caseType) && (!o.criminalOutcome || o.criminalOutcome === CriminalOutcome.Ongoing)) {
    missing.push('criminalOutcome');
  }
  if (includesMisconduct(caseType)) {
    if (!o.misconductFinding) missing.push('misconductFinding');
    else if (o.misconductFinding === MisconductFinding.CaseToAnswer) {
      if (!o.proceedings) missing.push('proceedings');
      if (!o.proceedingsResult) missing.push('proceedingsResult');
      else if (
        o.proceedingsResult === ProceedingsResult.Proven &&
        !o.misconductOutcome &&
        !o.wouldHaveBeenDismissed
      ) {
        missing.push('misconductOutcome');
      }
    }
  }
  return missing;
}

/** A proven outcome short of dismissal: the person stays, and their vetting must be reviewed. */
export const needsVettingReview = (o: OutcomeFacts): boolean =>
  o.proceedingsResult === ProceedingsResult.Proven &&
  !!o.misconductOutcome &&
  o.misconductOutcome !== M.NoFurtherAction &&
  !isDismissal(o.misconductOutcome) &&
  !o.leftService;

/** A dismissal (or a finding that a leaver would have been dismissed) needs a Barred List entry. */
export const needsBarredListEntry = (o: OutcomeFacts): boolean =>
  (isDismissal(o.misconductOutcome) || o.wouldHaveBeenDismissed === true) && !o.barredListDate;
