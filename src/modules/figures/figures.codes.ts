/** The audit actions of the figures module: one per figure, written with the filters used. */
export enum FiguresAudit {
  Referrals = 'figures.referrals',
  Cases = 'figures.cases',
  Intelligence = 'figures.intelligence',
  Vetting = 'figures.vetting',
  Capacity = 'figures.capacity',
  MisconductReturn = 'figures.misconduct_return',
}

/** The audit rows' resource type. */
export const FIGURES_RESOURCE = 'figures';

/**
 * The field rules a figures request can break (answered as `validation_failed`, the field and this rule in
 * `errors[]`), beyond the DTO's own.
 */
export enum FiguresRule {
  /** Not a financial year written `2017/18` (the DTO's own check, `isFinancialYear`). */
  IsFinancialYear = 'isFinancialYear',
  /** `to` is before `from`. */
  FinancialYearOrder = 'financialYearOrder',
  /** The range spans more financial years than the figure allows. */
  MaxFinancialYears = 'maxFinancialYears',
  /** `department` names no department. */
  Exists = 'exists',
}
