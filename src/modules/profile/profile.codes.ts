/** The audit action of the subject profile (a read of everything about one person). */
export enum ProfileAudit {
  Read = 'workforce.profile',
}

/** The profile's audit rows name the workforce member read about. */
export const PROFILE_RESOURCE = 'workforce_member';
