/** The vetting module's problem codes (the `code` of its problem+json answers). */
export enum VettingError {
  ReviewByRequired = 'review_by_required',
  NewerClearanceExists = 'newer_clearance_exists',
  ClearanceEnded = 'clearance_ended',
}

/** The vetting module's audit actions. */
export enum VettingAudit {
  AlertList = 'vetting_alert.list',
  AlertRead = 'vetting_alert.read',
  AlertAcknowledge = 'vetting_alert.acknowledge',
  AlertResolve = 'vetting_alert.resolve',
  ClearanceCreate = 'vetting_clearance.create',
  ClearanceList = 'vetting_clearance.list',
  ClearanceRead = 'vetting_clearance.read',
  ClearanceWithdraw = 'vetting_clearance.withdraw',
  DeclarationCreate = 'vetting_declaration.create',
  DeclarationList = 'vetting_declaration.list',
  Compliance = 'vetting.compliance',
  Sweep = 'vetting.sweep',
  CheckPerson = 'vetting.check_person',
}

/** The resource types vetting's audit rows name. */
export enum VettingResource {
  Alert = 'vetting_alert',
  Clearance = 'vetting_clearance',
  Declaration = 'vetting_declaration',
  Compliance = 'vetting_compliance',
}
