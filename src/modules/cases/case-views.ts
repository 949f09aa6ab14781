import type { JsonValue } from '../../database/db.js';
import { formatFinancialYear } from '../figures/financial-year.js';
import type { CaseType, Severity } from './cases.enums.js';
import type { CaseSummaryRow } from './cases.repository.js';
import type { CaseEventRow } from './case-timeline.repository.js';
import type { CaseSummaryView } from './dto/case.dto.js';
import type { OutcomeView } from './dto/outcome.dto.js';
import type { ReferralView } from './dto/referral.dto.js';
import type { TimelineEventView } from './dto/timeline.dto.js';
import type { OutcomeRow, SeverityRow } from './outcomes.repository.js';
import { missingForClosure, type OutcomeFacts } from './outcome-rules.js';
import type { ReferralRow } from './referral.repository.js';

/** Rows to the API's views: dates as ISO strings, financial years as labels, nothing else. */

export const isoOrNull = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** The users a summary names (investigator and supervisor), for one batched lookup of display names. */
export const usersOf = (rows: readonly CaseSummaryRow[]): string[] =>
  rows.flatMap((r) => [r.investigator_id, r.supervisor_id].filter((u) => u !== null));

export function toSummary(r: CaseSummaryRow, people: ReadonlyMap<string, string>): CaseSummaryView {
  const person = (id: string | null): string | null => (id === null ? null : (people.get(id) ?? null));
  return {
    id: r.id,
    reference: r.reference,
    caseType: r.case_type,
    matterType: r.matter_type,
    status: r.status,
    primaryCategory: r.primary_category,
    categories: r.categories,
    workforceMemberIds: r.subject_ids,
    investigatorId: r.investigator_id,
    investigatorName: person(r.investigator_id),
    supervisorId: r.supervisor_id,
    supervisorName: person(r.supervisor_id),
    severity: r.severity,
    referralRequired: r.referral_required,
    iopcDecision: r.iopc_decision,
    recordedAt: r.recorded_at.toISOString(),
    recordedFinancialYear: formatFinancialYear(r.recorded_financial_year),
    timeliness: {
      lastUpdateAt: isoOrNull(r.last_update_at),
      nextUpdateDue: r.next_update_due,
      updateOverdue: r.update_overdue,
      pccReportDue: r.pcc_report_due,
      pastPccMark: r.past_pcc_mark,
    },
    version: r.version,
  };
}

export const toReferral = (r: ReferralRow): ReferralView => ({
  id: r.id,
  referredOn: r.referred_on,
  financialYear: formatFinancialYear(r.referred_financial_year),
  basis: r.basis,
  criteria: r.criteria,
  reason: r.reason,
  iopcReference: r.iopc_reference,
  decision: r.decision,
  decidedOn: r.decided_on,
  recordedBy: r.recorded_by,
  decisionRecordedBy: r.decision_recorded_by,
});

/** What the outcome rules judge of a saved outcome. */
export const outcomeFacts = (r: OutcomeRow): OutcomeFacts => ({
  criminalOutcome: r.criminal_outcome,
  misconductFinding: r.misconduct_finding,
  proceedings: r.proceedings,
  proceedingsResult: r.proceedings_result,
  misconductOutcome: r.misconduct_outcome,
  regime: r.regime,
  allegationResult: r.allegation_result,
  leftService: r.left_service,
  wouldHaveBeenDismissed: r.would_have_been_dismissed,
  barredListDate: r.barred_list_on,
  advisoryListDate: r.advisory_list_on,
});

/** The users an outcome names (its proposer and confirmer), for one batched lookup of display names. */
export const outcomeUsersOf = (rows: readonly OutcomeRow[]): string[] =>
  rows.flatMap((r) => [r.recorded_by, ...(r.confirmed_by ? [r.confirmed_by] : [])]);

export const toOutcome = (
  r: OutcomeRow,
  caseType: CaseType,
  people: ReadonlyMap<string, string>,
): OutcomeView => ({
  id: r.id,
  workforceMemberId: r.workforce_member_id,
  memberType: r.member_type,
  criminalOutcome: r.criminal_outcome,
  misconductFinding: r.misconduct_finding,
  proceedings: r.proceedings,
  proceedingsResult: r.proceedings_result,
  misconductOutcome: r.misconduct_outcome,
  regime: r.regime,
  allegationResult: r.allegation_result,
  leftService: r.left_service,
  leftServiceOn: r.left_service_on,
  wouldHaveBeenDismissed: r.would_have_been_dismissed,
  barredListOn: r.barred_list_on,
  advisoryListOn: r.advisory_list_on,
  severity: r.severity,
  missing: [...missingForClosure(outcomeFacts(r), caseType), ...(r.confirmed_at ? [] : ['confirmation'])],
  confirmed: !!r.confirmed_at,
  confirmedAt: isoOrNull(r.confirmed_at),
  confirmedBy: r.confirmed_by,
  confirmedByName: (r.confirmed_by && people.get(r.confirmed_by)) ?? null,
  finalisedAt: isoOrNull(r.finalised_at),
  recordedBy: r.recorded_by,
  recordedByName: people.get(r.recorded_by) ?? null,
  recordedAt: r.recorded_at.toISOString(),
  version: r.version,
});

/** A subject's current severity from the case's history (oldest first): the last one naming them or everyone. */
export function currentSeverity(history: readonly SeverityRow[], memberId: string): Severity | null {
  let current: Severity | null = null;
  for (const h of history) {
    if (!h.workforce_member_id || h.workforce_member_id === memberId) current = h.severity;
  }
  return current;
}

/** An event's details as the API shows them: always an object. */
const detailsOf = (d: JsonValue): Record<string, unknown> =>
  typeof d === 'object' && d !== null && !Array.isArray(d) ? d : {};

export const toEvent = (r: CaseEventRow, actorNames: ReadonlyMap<string, string>): TimelineEventView => ({
  id: r.id,
  kind: r.kind,
  occurredAt: r.occurred_at.toISOString(),
  actorId: r.actor_id,
  actorName: (r.actor_id && actorNames.get(r.actor_id)) ?? null,
  details: detailsOf(r.details),
  note: r.note,
});
