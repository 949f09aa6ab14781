/** What a member did with a record in a force system. */
export enum AccessAction {
  View = 'view',
  Search = 'search',
  Print = 'print',
  Export = 'export',
}

/** How a member was in contact with a member of the public. */
export enum ContactChannel {
  Call = 'call',
  Message = 'message',
  Email = 'email',
  Visit = 'visit',
}

/** The role of a person on a record or in a contact. */
export enum PersonRole {
  Victim = 'victim',
  Witness = 'witness',
  Suspect = 'suspect',
  Other = 'other',
}

/** The monitoring rules (docs/monitoring.md): each is configuration in `monitoring_rule`. */
export enum RuleCode {
  SelfLookup = 'self_lookup',
  DeclaredAssociation = 'declared_association',
  VulnerableRepeatAccess = 'vulnerable_repeat_access',
  VulnerableContact = 'vulnerable_contact',
  OutOfHoursBurst = 'out_of_hours_burst',
  OpenCaseLookup = 'open_case_lookup',
}
