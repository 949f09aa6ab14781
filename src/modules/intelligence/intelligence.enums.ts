export enum SourceType {
  Colleague = 'colleague',
  MemberOfPublic = 'member_of_public',
  Anonymous = 'anonymous',
  PartnerAgency = 'partner_agency',
  IctMonitoring = 'ict_monitoring',
  CovertSource = 'covert_source',
  OtherForce = 'other_force',
  Complaint = 'complaint',
  SelfDeclaration = 'self_declaration',
  Iopc = 'iopc',
  Other = 'other',
}

/** How the intelligence reached the unit. */
export enum ReceiptMethod {
  InPerson = 'in_person',
  Telephone = 'telephone',
  Email = 'email',
  Letter = 'letter',
  OnlineForm = 'online_form',
  ReportingLine = 'reporting_line',
  SystemAlert = 'system_alert',
  Referral = 'referral',
  Other = 'other',
}

/** The grading scheme a grade belongs to; never converted one to the other. */
export enum GradingScheme {
  /** National intelligence model since 2016: source 1-3, intelligence A-E, handling P/C. */
  ThreeFiveTwo = '3x5x2',
  /** Legacy: source A-E, intelligence 1-5, handling 1-5. */
  FiveFiveFive = '5x5x5',
}

/** The codes each scheme allows, per part of the grade (domain.md, "Grading"). */
export const GRADING_CODES: Record<
  GradingScheme,
  { sourceEvaluation: string[]; intelligenceAssessment: string[]; handlingCode: string[] }
> = {
  [GradingScheme.ThreeFiveTwo]: {
    sourceEvaluation: ['1', '2', '3'],
    intelligenceAssessment: ['A', 'B', 'C', 'D', 'E'],
    handlingCode: ['P', 'C'],
  },
  [GradingScheme.FiveFiveFive]: {
    sourceEvaluation: ['A', 'B', 'C', 'D', 'E'],
    intelligenceAssessment: ['1', '2', '3', '4', '5'],
    handlingCode: ['1', '2', '3', '4', '5'],
  },
};

/** Every code a part of the grade takes in either scheme, sorted (the OpenAPI enums; GRADING_CODES says which scheme). */
export const GRADE_PART_CODES = {
  sourceEvaluation: [...new Set(Object.values(GRADING_CODES).flatMap((c) => c.sourceEvaluation))].sort(),
  intelligenceAssessment: [
    ...new Set(Object.values(GRADING_CODES).flatMap((c) => c.intelligenceAssessment)),
  ].sort(),
  handlingCode: [...new Set(Object.values(GRADING_CODES).flatMap((c) => c.handlingCode))].sort(),
};

export enum IntelligenceState {
  Received = 'received',
  InAssessment = 'in_assessment',
  AwaitingReview = 'awaiting_review',
  NoFurtherAction = 'no_further_action',
  Development = 'development',
  ReferredToCase = 'referred_to_case',
  Disseminated = 'disseminated',
}

/** A supervisor's review decision (and an analyst's recommended one). */
export enum ReviewDecision {
  NoFurtherAction = 'no_further_action',
  Development = 'development',
  ReferredToCase = 'referred_to_case',
  Disseminated = 'disseminated',
}

/** The part a workforce member plays in a report. */
export enum SubjectRole {
  Subject = 'subject',
  Associate = 'associate',
  Witness = 'witness',
  Other = 'other',
}

/** The states in the supervisors' queue (work still to do). */
export const OPEN_STATES: readonly IntelligenceState[] = [
  IntelligenceState.Received,
  IntelligenceState.InAssessment,
  IntelligenceState.AwaitingReview,
  IntelligenceState.Development,
];

export const NARRATIVE_MAX = 50_000;
