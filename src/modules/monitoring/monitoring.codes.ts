/** The monitoring module's problem codes. */
export enum MonitoringError {
  InvalidSourceKey = 'invalid_source_key',
  SourceRevoked = 'source_revoked',
}

/** The monitoring module's audit actions. */
export enum MonitoringAudit {
  SourceCreate = 'monitoring_source.create',
  SourceList = 'monitoring_source.list',
  SourceRotate = 'monitoring_source.rotate',
  SourceRevoke = 'monitoring_source.revoke',
  EventsIngest = 'monitoring_event.ingest',
  RuleList = 'monitoring_rule.list',
  RuleUpdate = 'monitoring_rule.update',
  RuleTrial = 'monitoring_rule.trial',
  FlagList = 'monitoring_flag.list',
  FlagRead = 'monitoring_flag.read',
  FlagLead = 'monitoring_flag.lead',
}

/** The resource types monitoring's audit rows name. */
export enum MonitoringResource {
  Source = 'monitoring_source',
  Event = 'monitoring_event',
  Rule = 'monitoring_rule',
  Flag = 'monitoring_flag',
}
