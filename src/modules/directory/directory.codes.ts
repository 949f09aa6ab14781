/** The audit actions of the directory. */
export enum DirectoryAudit {
  PeopleLookup = 'workforce_member.lookup',
  ReferenceLookup = 'reference.lookup',
}

/** What the directory's audit rows are about (besides the kinds of record a reference names). */
export enum DirectoryResource {
  WorkforceMember = 'workforce_member',
  /** A reference that found nothing the caller may see. */
  Reference = 'reference',
}
