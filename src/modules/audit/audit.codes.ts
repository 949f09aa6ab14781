/** The audit module's own error codes (the shared ones are `CommonError`). */
export enum AuditError {
  ExportTooLarge = 'export_too_large',
}

/** The audit rows the audit module writes about itself and about refused routes. */
export enum AuditAction {
  /** A caller refused by role (the access guard). */
  AccessDenied = 'access.denied',
  Search = 'audit.search',
  Export = 'audit.export',
  Verify = 'audit.verify',
}

/** What the audit module's rows are about. */
export enum AuditResource {
  Route = 'route',
  AuditEvent = 'audit_event',
}
