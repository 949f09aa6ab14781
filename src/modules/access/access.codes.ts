/** Why the access gate refused a record (the `reason` of its denied audit row). */
export enum AccessAudit {
  /** Missing or hidden alike: the two are never told apart. */
  NotVisible = 'not_visible',
}
