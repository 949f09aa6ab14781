/** What a notification reminds of, and whether it is ahead of the date or past it. */
export enum NotificationKind {
  SubjectUpdateDue = 'subject_update_due',
  SubjectUpdateOverdue = 'subject_update_overdue',
  ComplainantUpdateDue = 'complainant_update_due',
  ComplainantUpdateOverdue = 'complainant_update_overdue',
  PccMarkDue = 'pcc_mark_due',
  PccMarkPassed = 'pcc_mark_passed',
  DevelopmentReviewDue = 'development_review_due',
  DevelopmentReviewOverdue = 'development_review_overdue',
  AssessmentTargetDue = 'assessment_target_due',
  AssessmentTargetOverdue = 'assessment_target_overdue',
}

/** The record a notification is about. */
export enum NotificationRecordType {
  Case = 'case',
  IntelligenceReport = 'intelligence_report',
}
