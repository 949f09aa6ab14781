import { toCsv } from '../../common/csv.js';
import type { FigureColumn, FigureRow, FigureTable, MisconductReturn } from './dto/figures.dto.js';
import type { SqlColumn } from './figures.repository.js';
import { jsonColumns } from './figures.service.js';

/**
 * The OpenAPI examples of the figures (issue 27): one row of each table, built from the table's real column
 * list (so a column added to a figure is in its example at once) with the values a mid-sized force's unit
 * might see in a year, written here under the columns' CSV (snake_case) names and answered under their JSON
 * (camelCase) keys, as the routes answer. The CSV examples are the same rows written by `toCsv`, as the routes
 * write them.
 */
const KEYS: FigureRow = {
  financial_year: '2025/26',
  member_type: 'all',
  period: '2026-05',
  as_of: '2026-05-31',
};

/** One year's IOPC referrals: 41 cases, 46 people in them (decisions and results add up to the totals). */
export const REFERRALS: FigureRow = {
  ...KEYS,
  referrals: 41,
  mandatory: 37,
  voluntary: 4,
  iopc_independent: 3,
  iopc_directed: 9,
  iopc_local: 21,
  iopc_returned: 2,
  iopc_decision_awaited: 6,
  substantiated: 8,
  unsubstantiated: 5,
  unfounded: 6,
  malicious_or_vexatious: 3,
  pending: 19,
  subjects: 46,
  misconduct_pending: 20,
  misconduct_no_case_to_answer: 9,
  misconduct_not_proven: 3,
  misconduct_no_further_action: 4,
  misconduct_reflective_practice: 3,
  misconduct_written_warning: 2,
  misconduct_final_written_warning: 1,
  misconduct_dismissal_without_notice: 2,
  misconduct_would_have_been_dismissed: 1,
  misconduct_not_applicable: 2,
  criminal_pending: 5,
  criminal_no_further_action: 3,
  criminal_charged: 2,
  criminal_convicted: 1,
  criminal_not_applicable: 35,
};

/** One year's people in cases: 58, of whom 39 finalised. */
export const CASES: FigureRow = {
  ...KEYS,
  people: 58,
  pending: 19,
  finalised: 39,
  no_case_to_answer: 22,
  case_to_answer: 17,
  meetings: 9,
  meetings_proven: 6,
  hearings: 7,
  hearings_proven: 5,
  hearings_gross_misconduct_proven: 4,
  accelerated_hearings: 1,
  accelerated_hearings_proven: 1,
  proven: 12,
  not_proven: 5,
  outcome_no_further_action: 1,
  outcome_reflective_practice: 2,
  outcome_written_warning: 3,
  outcome_final_written_warning: 2,
  outcome_dismissal_without_notice: 4,
  would_have_been_dismissed: 1,
  left_service: 3,
  barred_list: 4,
  advisory_list: 1,
  allegation_substantiated: 12,
  allegation_unsubstantiated: 9,
  allegation_unfounded: 14,
  allegation_malicious_or_vexatious: 4,
  allegation_pending: 19,
  criminal_no_further_action: 6,
  criminal_charged: 2,
  criminal_convicted: 1,
  criminal_caution: 1,
  criminal_ongoing: 3,
};

/** One year's intelligence: 1,214 reports, APSP and misuse of systems the largest categories. */
export const INTELLIGENCE: FigureRow = {
  ...KEYS,
  received: 1214,
  category_abuse_of_position_sexual: 236,
  category_infiltration: 18,
  category_disclosure_of_information: 171,
  category_perverting_justice: 22,
  category_sexual_misconduct: 97,
  category_drugs: 88,
  category_theft_fraud: 64,
  category_misuse_of_systems: 205,
  category_abuse_of_authority: 41,
  category_inappropriate_association: 163,
  category_vulnerability: 59,
  category_assisting_offenders: 27,
  category_other: 23,
  source_colleague: 402,
  source_member_of_public: 131,
  source_anonymous: 208,
  source_partner_agency: 44,
  source_ict_monitoring: 236,
  source_covert_source: 19,
  source_other_force: 27,
  source_complaint: 58,
  source_self_declaration: 71,
  source_iopc: 6,
  source_other: 12,
  graded_3x5x2: 1214,
  graded_5x5x5: 0,
  graded_3x5x2_percent: '100.0',
  no_further_action: 611,
  development: 188,
  referred_to_case: 97,
  disseminated: 231,
  open: 87,
  median_days_to_decision: 19,
  p90_days_to_decision: 52,
};

/** Vetting at a month end: 89.5% up to date ("more than 10% not up to date"). */
export const VETTING: FigureRow = {
  ...KEYS,
  workforce: 2984,
  up_to_date: 2671,
  renewal_due: 131,
  not_up_to_date: 313,
  overdue: 184,
  below_required: 58,
  no_clearance: 71,
  compliance_percent: '89.5',
};

/** The unit's capacity at a month end: six analysts, nine investigators. */
export const CAPACITY: FigureRow = {
  ...KEYS,
  analysts: 6,
  open_intelligence: 41,
  intelligence_per_analyst: '6.8',
  oldest_intelligence_days: 63,
  intelligence_past_target: 7,
  open_cases: 52,
  investigators: 9,
  cases_per_investigator: '5.8',
  unassigned_cases: 3,
  oldest_case_days: 402,
  cases_past_target: 4,
};

/** One row of the misconduct return: a dismissal after a hearing for APSP, finalised in 2025/26. */
const RETURN_ROW: FigureRow = {
  financial_year: '2025/26',
  case_reference: 'CASE-2025-M4X9TB',
  matter_type: 'conduct_matter',
  case_type: 'misconduct',
  primary_category: 'abuse_of_position_sexual',
  breach_type: 'discreditable_conduct',
  referral_basis: 'mandatory',
  iopc_decision: 'directed',
  misconduct_finding: 'case_to_answer',
  proceedings: 'misconduct_hearing',
  proceedings_result: 'proven',
  severity: 'gross_misconduct',
  misconduct_outcome: 'dismissal_without_notice',
  regime: '2020',
  allegation_result: 'substantiated',
  member_type: 'officer',
  recorded_on: '2025-04-14',
  finalised_on: '2026-02-20',
  days_to_finalise: 312,
  ever_suspended: false,
  criminal_outcome: null,
  left_service: null,
  would_have_been_dismissed: null,
  on_barred_list: true,
  on_advisory_list: false,
};

/** A row of a table with these columns, by JSON key: the value above for each column, 0 for a count not listed. */
export const exampleRow = (columns: FigureColumn[], basis: string, values: FigureRow): FigureRow =>
  Object.fromEntries(
    columns.map(({ key, csvHeader }) => [key, csvHeader === 'basis' ? basis : (values[csvHeader] ?? 0)]),
  );

/** A figure table as the JSON answer gives it: one year's row and the total row. */
export function tableExample(
  figure: string,
  basis: string,
  unit: string,
  sqlColumns: SqlColumn[],
  values: FigureRow,
  monthly = false,
): FigureTable {
  const columns = jsonColumns(sqlColumns);
  const row = exampleRow(columns, basis, values);
  return {
    figure,
    basis,
    basisDescription:
      basis === 'recorded'
        ? 'Counted in the financial year the record was made (UK local time)'
        : 'Taken at the end of each month, and now',
    unit,
    filters: { from: '2025/26', to: '2025/26', category: null, department: null, memberType: null },
    callerRecordsExcluded: false,
    asOf: '2026-06-05',
    asAt: '2026-06-05T08:00:00.000Z',
    columns,
    rows: [row],
    total: monthly ? null : { ...row, financialYear: 'total' },
  };
}

/** The CSV a figure route writes for `tableExample` (rows, then the total row). */
export const tableCsv = (table: FigureTable): string =>
  toCsv(
    table.columns.map((c) => c.key),
    [...table.rows, ...(table.total ? [table.total] : [])],
    table.columns.map((c) => c.csvHeader),
  );

/** The misconduct return's example, as JSON. */
export const returnExample = (sqlColumns: SqlColumn[]): MisconductReturn => {
  const columns = jsonColumns(sqlColumns);
  return {
    figure: 'misconduct_return',
    year: '2025/26',
    basis: 'finalised',
    callerRecordsExcluded: false,
    columns,
    rows: [exampleRow(columns, 'finalised', RETURN_ROW)],
  };
};

/** The misconduct return's example, as the CSV it is by default. */
export const returnCsv = (sqlColumns: SqlColumn[]): string => {
  const { columns, rows } = returnExample(sqlColumns);
  return toCsv(
    columns.map((c) => c.key),
    rows,
    columns.map((c) => c.csvHeader),
  );
};
