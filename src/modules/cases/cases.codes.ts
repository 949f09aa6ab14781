import { CaseAction } from './cases.enums.js';

/** The `code` of every problem the cases module answers (problem+json), by name. */
export enum CaseError {
  CaseClosed = 'case_closed',
  ReferralDecisionRequired = 'referral_decision_required',
  CaseNotReadyToClose = 'case_not_ready_to_close',
  ReferralExists = 'referral_exists',
  ReferralNotRequired = 'referral_not_required',
  MandatoryReferralNeedsCriteria = 'mandatory_referral_needs_criteria',
  NoReferral = 'no_referral',
  ReferralAlreadyDecided = 'referral_already_decided',
  DecisionBeforeReferral = 'decision_before_referral',
  OutcomeNotAllowed = 'outcome_not_allowed',
  OutcomeAlreadyConfirmed = 'outcome_already_confirmed',
  ConfirmerIsProposer = 'confirmer_is_proposer',
  SubjectHasOutcome = 'subject_has_outcome',
  ReferralLink = 'referral_link',
  ReportHasNoSubjects = 'report_has_no_subjects',
}

/** What still stops a case from closing (the `missing` list of `case_not_ready_to_close`). */
export enum CloseBlocker {
  SupervisorMissing = 'supervisor_missing',
  OutcomeMissing = 'outcome_missing',
  OutcomeIncomplete = 'outcome_incomplete',
  OutcomeUnconfirmed = 'outcome_unconfirmed',
}

/** The audit actions of the cases module (the trail's `action`, also the denied row's). */
export enum CaseAudit {
  Create = 'case.create',
  Read = 'case.read',
  List = 'case.list',
  Update = 'case.update',
  Timeline = 'case.timeline',
  /** The case file (PDF), an export naming the case's people. */
  Export = 'case.export',
  Severity = 'case.severity',
  Referral = 'case.referral',
  ReferralDecision = 'case.referral_decision',
  ReferralCorrection = 'case.referral_correction',
  NoReferral = 'case.no_referral',
  Outcome = 'case.outcome',
  OutcomeConfirm = 'case.outcome_confirm',
  UpdateGiven = 'case.update_given',
  Note = 'case.note',
  LinkIntelligence = 'case.link_intelligence',
  StartInvestigation = 'case.start-investigation',
  Suspend = 'case.suspend',
  Resume = 'case.resume',
  AwaitOutcome = 'case.await-outcome',
  Close = 'case.close',
}

/** The audit action of each lifecycle action. */
export const ACTION_AUDIT: Record<CaseAction, CaseAudit> = {
  [CaseAction.StartInvestigation]: CaseAudit.StartInvestigation,
  [CaseAction.Suspend]: CaseAudit.Suspend,
  [CaseAction.Resume]: CaseAudit.Resume,
  [CaseAction.AwaitOutcome]: CaseAudit.AwaitOutcome,
  [CaseAction.Close]: CaseAudit.Close,
};

/** The audit rows' resource type for a case. */
export const CASE_RESOURCE = 'case';
