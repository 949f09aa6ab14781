/**
 * Each PostgreSQL enum type and the TypeScript enum that names the same codes (name, and its module relative to
 * src/database/). `npm run db:types` types enum columns with these, so a row read through Kysely carries the
 * application's enum, not a bare string union; the `contracts` test checks that every pair holds the same
 * values, so the two cannot drift apart.
 */
export const ENUM_TYPES: Record<string, readonly [name: string, module: string]> = {
  allegation_result: ['AllegationResult', '../modules/cases/cases.enums.js'],
  audit_outcome: ['AuditOutcome', '../modules/audit/audit.types.js'],
  case_breach_type: ['BreachType', '../modules/cases/cases.enums.js'],
  case_event_kind: ['CaseEventKind', '../modules/cases/cases.enums.js'],
  case_matter_type: ['MatterType', '../modules/cases/cases.enums.js'],
  case_severity: ['Severity', '../modules/cases/cases.enums.js'],
  case_status: ['CaseStatus', '../modules/cases/cases.enums.js'],
  case_type: ['CaseType', '../modules/cases/cases.enums.js'],
  conduct_regime: ['ConductRegime', '../modules/cases/cases.enums.js'],
  corruption_category: ['CorruptionCategory', '../common/domain/corruption-category.js'],
  criminal_outcome: ['CriminalOutcome', '../modules/cases/cases.enums.js'],
  declaration_category: ['DeclarationCategory', '../modules/vetting/vetting.enums.js'],
  grading_scheme: ['GradingScheme', '../modules/intelligence/intelligence.enums.js'],
  intelligence_decision: ['ReviewDecision', '../modules/intelligence/intelligence.enums.js'],
  intelligence_receipt_method: ['ReceiptMethod', '../modules/intelligence/intelligence.enums.js'],
  intelligence_source_type: ['SourceType', '../modules/intelligence/intelligence.enums.js'],
  intelligence_state: ['IntelligenceState', '../modules/intelligence/intelligence.enums.js'],
  intelligence_subject_role: ['SubjectRole', '../modules/intelligence/intelligence.enums.js'],
  iopc_decision: ['IopcDecision', '../modules/cases/cases.enums.js'],
  left_service: ['LeftService', '../modules/cases/cases.enums.js'],
  member_type: ['MemberType', '../modules/workforce/workforce.enums.js'],
  misconduct_finding: ['MisconductFinding', '../modules/cases/cases.enums.js'],
  misconduct_outcome: ['MisconductOutcome', '../modules/cases/cases.enums.js'],
  misconduct_proceedings: ['Proceedings', '../modules/cases/cases.enums.js'],
  notification_kind: ['NotificationKind', '../modules/notifications/notifications.enums.js'],
  notification_record_type: ['NotificationRecordType', '../modules/notifications/notifications.enums.js'],
  proceedings_result: ['ProceedingsResult', '../modules/cases/cases.enums.js'],
  referral_basis: ['ReferralBasis', '../modules/cases/cases.enums.js'],
  referral_criterion: ['ReferralCriterion', '../modules/cases/cases.enums.js'],
  user_role: ['Role', '../common/auth/roles.js'],
  vetting_alert_kind: ['AlertKind', '../modules/vetting/vetting.enums.js'],
  vetting_alert_source: ['AlertSource', '../modules/vetting/vetting.enums.js'],
  vetting_alert_status: ['AlertStatus', '../modules/vetting/vetting.enums.js'],
  vetting_clearance_status: ['ClearanceStatus', '../modules/vetting/vetting.enums.js'],
  vetting_level: ['VettingLevel', '../modules/vetting/vetting.enums.js'],
  vetting_state: ['VettingState', '../modules/vetting/vetting.enums.js'],
};
