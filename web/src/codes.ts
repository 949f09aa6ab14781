import type { Schemas } from './api/client';

/** The API's codes (typed against openapi.json: a renamed code fails the typecheck). */
export const CATEGORIES: Schemas['CorruptionCategory'][] = [
  'abuse_of_position_sexual',
  'infiltration',
  'disclosure_of_information',
  'perverting_justice',
  'sexual_misconduct',
  'drugs',
  'theft_fraud',
  'misuse_of_systems',
  'abuse_of_authority',
  'inappropriate_association',
  'vulnerability',
  'assisting_offenders',
  'other',
];
export const RECEIPT_METHODS: Schemas['ReceiptMethod'][] = [
  'in_person',
  'telephone',
  'email',
  'letter',
  'online_form',
  'reporting_line',
  'system_alert',
  'referral',
  'other',
];
export const SOURCE_TYPES: Schemas['SourceType'][] = [
  'colleague',
  'member_of_public',
  'anonymous',
  'partner_agency',
  'ict_monitoring',
  'covert_source',
  'other_force',
  'complaint',
  'self_declaration',
  'iopc',
  'other',
];
export const OPEN_STATES: Schemas['OpenIntelligenceState'][] = [
  'received',
  'in_assessment',
  'awaiting_review',
  'development',
];
export const INTEL_STATES: Schemas['IntelligenceState'][] = [
  ...OPEN_STATES,
  'no_further_action',
  'referred_to_case',
  'disseminated',
];
export const DECISIONS: Schemas['ReviewDecision'][] = [
  'no_further_action',
  'development',
  'referred_to_case',
  'disseminated',
];
export const SUBJECT_ROLES: Schemas['SubjectRole'][] = ['subject', 'associate', 'witness', 'other'];
export const CASE_STATUSES: Schemas['CaseStatus'][] = [
  'open',
  'under_investigation',
  'suspended',
  'awaiting_outcome',
  'closed',
];
export const CASE_TYPES: Schemas['CaseType'][] = ['criminal', 'misconduct', 'criminal_and_misconduct'];
export const MATTER_TYPES: Schemas['MatterType'][] = [
  'complaint',
  'conduct_matter',
  'recordable_conduct_matter',
];
export const IOPC_DECISIONS: Schemas['IopcDecision'][] = ['independent', 'directed', 'local', 'returned'];
export const SEVERITIES: Schemas['Severity'][] = [
  'no_misconduct',
  'practice_requiring_improvement',
  'misconduct',
  'gross_misconduct',
];
export const CRITERIA: Schemas['ReferralCriterion'][] = [
  'apsp_or_improper_relationship',
  'serious_corruption',
  'serious_sexual_offence',
  'serious_assault',
  'death_or_serious_injury',
  'discrimination_aggravated',
  'relevant_offence',
  'chief_officer',
  'same_incident',
];
export const CRIMINAL_OUTCOMES: Schemas['CriminalOutcome'][] = [
  'no_further_action',
  'charged',
  'convicted',
  'acquitted',
  'caution',
  'ongoing',
];
export const FINDINGS: Schemas['MisconductFinding'][] = ['no_case_to_answer', 'case_to_answer'];
export const PROCEEDINGS: Schemas['Proceedings'][] = [
  'misconduct_meeting',
  'misconduct_hearing',
  'accelerated_hearing',
];
export const PROCEEDINGS_RESULTS: Schemas['ProceedingsResult'][] = ['proven', 'not_proven'];
export const MISCONDUCT_OUTCOMES: Schemas['MisconductOutcome'][] = [
  'no_further_action',
  'management_advice',
  'reflective_practice',
  'written_warning',
  'final_written_warning',
  'reduction_in_rank',
  'dismissal_with_notice',
  'dismissal_without_notice',
];
export const ALLEGATION_RESULTS: Schemas['AllegationResult'][] = [
  'substantiated',
  'unsubstantiated',
  'unfounded',
  'malicious_or_vexatious',
];
export const LEVELS: Schemas['VettingLevel'][] = ['RV', 'MV', 'NPPV1', 'NPPV2', 'NPPV3', 'CTC', 'SC', 'DV'];
export const ALERT_KINDS: Schemas['AlertKind'][] = [
  'renewal_due',
  'overdue',
  'below_required',
  'review_required',
];
export const ROLES: Schemas['Role'][] = ['analyst', 'supervisor', 'vetting_officer', 'auditor', 'admin'];
