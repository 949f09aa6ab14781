/** The problem codes the intelligence module answers with (the `code` of its problem+json). */
export enum IntelligenceError {
  NotYourReport = 'not_your_report',
  SourceDetailsProtected = 'source_details_protected',
  NotAssignee = 'not_assignee',
  OwnAssessment = 'own_assessment',
  HandlingConditionsNotConfirmed = 'handling_conditions_not_confirmed',
  HandlingForbidsDissemination = 'handling_forbids_dissemination',
  HandlingInternalOnly = 'handling_internal_only',
}

/** The audit actions the intelligence module writes, all on resource type `INTELLIGENCE_RESOURCE`. */
export enum IntelligenceAudit {
  Create = 'intelligence.create',
  Read = 'intelligence.read',
  Update = 'intelligence.update',
  Assign = 'intelligence.assign',
  SubmitForReview = 'intelligence.submit_for_review',
  Review = 'intelligence.review',
  SendBack = 'intelligence.send_back',
  Queue = 'intelligence.queue',
  QueueSummary = 'intelligence.queue_summary',
  Search = 'intelligence.search',
  List = 'intelligence.list',
}

/** The audit rows' resource type for a report. */
export const INTELLIGENCE_RESOURCE = 'intelligence_report';
