export enum AuditOutcome {
  Allowed = 'allowed',
  Denied = 'denied',
  Failed = 'failed',
}

/** What a service tells the audit trail about one read or write. */
export interface AuditEntry {
  /** Verb in the form `<resource>.<verb>`, e.g. `intelligence.read`, `user.create`, `auth.login`. */
  action: string;
  resourceType: string;
  resourceId?: string | null;
  /** Workforce members the record concerns: answers "who looked at anything about X". */
  subjectIds?: string[];
  outcome?: AuditOutcome;
  /** Ids returned by a list or search, filters used, reasons: never intelligence text or personal data. */
  details?: Record<string, unknown>;
}
