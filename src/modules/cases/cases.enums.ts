/** Codes from domain.md, "Cases, IOPC referrals and outcomes". Each is a PostgreSQL enum too. */

export enum CaseType {
  Criminal = 'criminal',
  Misconduct = 'misconduct',
  /** Both a criminal and a misconduct investigation. */
  CriminalAndMisconduct = 'criminal_and_misconduct',
}

/** Home Office misconduct return: how the matter came to be recorded. */
export enum MatterType {
  Complaint = 'complaint',
  ConductMatter = 'conduct_matter',
  RecordableConductMatter = 'recordable_conduct_matter',
}

export enum CaseStatus {
  Open = 'open',
  UnderInvestigation = 'under_investigation',
  Suspended = 'suspended',
  AwaitingOutcome = 'awaiting_outcome',
  Closed = 'closed',
}

/** Standards of Professional Behaviour breached (Home Office misconduct return's allegation/breach type). */
export enum BreachType {
  HonestyAndIntegrity = 'honesty_and_integrity',
  AuthorityRespectCourtesy = 'authority_respect_courtesy',
  EqualityAndDiversity = 'equality_and_diversity',
  UseOfForce = 'use_of_force',
  OrdersAndInstructions = 'orders_and_instructions',
  DutiesAndResponsibilities = 'duties_and_responsibilities',
  Confidentiality = 'confidentiality',
  FitnessForWork = 'fitness_for_work',
  DiscreditableConduct = 'discreditable_conduct',
  ChallengingAndReporting = 'challenging_and_reporting',
}

/** Conduct Regulations 2020 severity assessment. */
export enum Severity {
  NoMisconduct = 'no_misconduct',
  PracticeRequiringImprovement = 'practice_requiring_improvement',
  Misconduct = 'misconduct',
  GrossMisconduct = 'gross_misconduct',
}

/** Mandatory IOPC referral criteria (Complaints and Misconduct Regulations 2020). */
export enum ReferralCriterion {
  /** Serious corruption: abuse of position for a sexual purpose or an improper emotional relationship. */
  ApspOrImproperRelationship = 'apsp_or_improper_relationship',
  SeriousCorruption = 'serious_corruption',
  SeriousSexualOffence = 'serious_sexual_offence',
  SeriousAssault = 'serious_assault',
  DeathOrSeriousInjury = 'death_or_serious_injury',
  DiscriminationAggravated = 'discrimination_aggravated',
  RelevantOffence = 'relevant_offence',
  ChiefOfficer = 'chief_officer',
  SameIncident = 'same_incident',
}

export enum ReferralBasis {
  Mandatory = 'mandatory',
  Voluntary = 'voluntary',
}

/** The IOPC's decision on the mode of investigation. */
export enum IopcDecision {
  Independent = 'independent',
  Directed = 'directed',
  Local = 'local',
  Returned = 'returned',
}

export enum CriminalOutcome {
  NoFurtherAction = 'no_further_action',
  Charged = 'charged',
  Convicted = 'convicted',
  Acquitted = 'acquitted',
  Caution = 'caution',
  Ongoing = 'ongoing',
}

export enum MisconductFinding {
  NoCaseToAnswer = 'no_case_to_answer',
  CaseToAnswer = 'case_to_answer',
}

export enum Proceedings {
  MisconductMeeting = 'misconduct_meeting',
  MisconductHearing = 'misconduct_hearing',
  AcceleratedHearing = 'accelerated_hearing',
}

export enum ProceedingsResult {
  Proven = 'proven',
  NotProven = 'not_proven',
}

/** Regime 2020 outcomes, plus the two regime 2012 also had (management_advice, dismissal_with_notice). */
export enum MisconductOutcome {
  NoFurtherAction = 'no_further_action',
  ManagementAdvice = 'management_advice',
  ReflectivePractice = 'reflective_practice',
  WrittenWarning = 'written_warning',
  FinalWrittenWarning = 'final_written_warning',
  ReductionInRank = 'reduction_in_rank',
  DismissalWithNotice = 'dismissal_with_notice',
  DismissalWithoutNotice = 'dismissal_without_notice',
}

/**
 * Which rules govern a subject's misconduct: the Police (Conduct) Regulations 2012 or 2020 (officers and
 * special constables, by the date the matter came to the force's attention), or the force's staff misconduct
 * procedure (police staff, PCSOs, volunteers, contractors). Derived, never chosen: see `regimeFor`.
 */
export enum ConductRegime {
  Regime2012 = '2012',
  Regime2020 = '2020',
  Staff = 'staff',
}

export enum AllegationResult {
  Substantiated = 'substantiated',
  Unsubstantiated = 'unsubstantiated',
  Unfounded = 'unfounded',
  MaliciousOrVexatious = 'malicious_or_vexatious',
}

export enum LeftService {
  Resigned = 'resigned',
  Retired = 'retired',
}

/** What a timeline event records. */
export enum CaseEventKind {
  Created = 'created',
  Updated = 'updated',
  SeverityAssessed = 'severity_assessed',
  StatusChanged = 'status_changed',
  ReferralRecorded = 'referral_recorded',
  ReferralDecision = 'referral_decision',
  NoReferralRecorded = 'no_referral_recorded',
  UpdateGiven = 'update_given',
  OutcomeRecorded = 'outcome_recorded',
  NoteAdded = 'note_added',
  BarredListReminder = 'barred_list_reminder',
  IntelligenceLinked = 'intelligence_linked',
  /** A supervisor who did not propose it confirmed a subject's outcome. */
  OutcomeConfirmed = 'outcome_confirmed',
  /** A supervisor corrected the recorded referral or IOPC decision (the earlier values are in the event). */
  ReferralCorrected = 'referral_corrected',
}

/** Who was given a progress update (every 28 days). */
export enum UpdateRecipient {
  Complainant = 'complainant',
  Subject = 'subject',
  Both = 'both',
}

export enum CaseAction {
  StartInvestigation = 'start-investigation',
  Suspend = 'suspend',
  Resume = 'resume',
  AwaitOutcome = 'await-outcome',
  Close = 'close',
}

export const DISMISSALS: readonly MisconductOutcome[] = [
  MisconductOutcome.DismissalWithNotice,
  MisconductOutcome.DismissalWithoutNotice,
];

export const includesCriminal = (t: CaseType): boolean => t !== CaseType.Misconduct;
export const includesMisconduct = (t: CaseType): boolean => t !== CaseType.Criminal;
