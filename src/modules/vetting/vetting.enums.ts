// Vetting levels are also what configuration (VETTING_RULES) names, so they live below the modules.
export { ALL_LEVELS, VettingLevel } from '../../common/domain/vetting-level.js';

/** A person's vetting state, computed in one place: the SQL function `vetting_states_at(date)`. */
export enum VettingState {
  UpToDate = 'up_to_date',
  RenewalDue = 'renewal_due',
  Overdue = 'overdue',
  BelowRequired = 'below_required',
  /** No clearance in force, and the post requires no level (with a level required: below_required). */
  NoClearance = 'no_clearance',
  /** Left the service: from their leaving date on, out of every compliance count. */
  Left = 'left',
}

/** A clearance's status at a date, computed from its dates by `vetting_clearance_status(...)`. */
export enum ClearanceStatus {
  Active = 'active',
  Expired = 'expired',
  Withdrawn = 'withdrawn',
  Superseded = 'superseded',
}

export enum AlertKind {
  RenewalDue = 'renewal_due',
  Overdue = 'overdue',
  BelowRequired = 'below_required',
  ReviewRequired = 'review_required',
}

export enum AlertStatus {
  Open = 'open',
  Acknowledged = 'acknowledged',
  Resolved = 'resolved',
}

/** What a review_required alert came from. */
export enum AlertSource {
  Declaration = 'declaration',
  MisconductOutcome = 'misconduct_outcome',
}

/** Change-of-circumstances declarations (the vetting code's notifiable changes). */
export enum DeclarationCategory {
  Relationship = 'relationship',
  Association = 'association',
  Financial = 'financial',
  CriminalMatter = 'criminal_matter',
  BusinessInterest = 'business_interest',
  Residence = 'residence',
  Other = 'other',
}
