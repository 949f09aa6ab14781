import { CommonError } from './common/problem.js';
import { AuditAction, AuditError } from './modules/audit/audit.codes.js';
import { AuthAudit, AuthError, UserAudit } from './modules/auth/auth.codes.js';
import { CaseAudit, CaseError } from './modules/cases/cases.codes.js';
import { DirectoryAudit } from './modules/directory/directory.codes.js';
import { FiguresAudit } from './modules/figures/figures.codes.js';
import { HealthError } from './modules/health/health.codes.js';
import { IntelligenceAudit, IntelligenceError } from './modules/intelligence/intelligence.codes.js';
import { MonitoringAudit, MonitoringError } from './modules/monitoring/monitoring.codes.js';
import { NotificationsAudit } from './modules/notifications/notifications.codes.js';
import { ProfileAudit } from './modules/profile/profile.codes.js';
import { VettingAudit, VettingError } from './modules/vetting/vetting.codes.js';
import { WorkforceAudit, WorkforceError } from './modules/workforce/workforce.codes.js';

/**
 * The one catalogue of Lantern's error codes and audit actions, gathered from each module's `<feature>.codes.ts`
 * (the enums every throw and every audit row use). The OpenAPI document lists the codes as the problem's
 * `code` enum and the actions as the audit event's `action` enum (`buildOpenApiDocument`), and
 * src/catalogue.spec.ts checks their shape and that no two modules claim the same value.
 */
export const ERROR_ENUMS = {
  CommonError,
  AuditError,
  AuthError,
  CaseError,
  HealthError,
  IntelligenceError,
  MonitoringError,
  VettingError,
  WorkforceError,
} as const;

export const AUDIT_ACTION_ENUMS = {
  AuditAction,
  AuthAudit,
  UserAudit,
  CaseAudit,
  DirectoryAudit,
  FiguresAudit,
  IntelligenceAudit,
  MonitoringAudit,
  NotificationsAudit,
  ProfileAudit,
  VettingAudit,
  WorkforceAudit,
} as const;

const valuesOf = (enums: Record<string, Record<string, string>>): string[] =>
  [...new Set(Object.values(enums).flatMap((e) => Object.values(e)))].sort();

/** Every `code` a problem+json answer can carry. */
export const ERROR_CODES = valuesOf(ERROR_ENUMS);

/** Every `action` an audit event can carry. */
export const AUDIT_ACTIONS = valuesOf(AUDIT_ACTION_ENUMS);
