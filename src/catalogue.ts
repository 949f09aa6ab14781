import { CommonError } from './common/problem.js';
import { RecordKind } from './modules/access/access.policy.js';
import { AuditAction, AuditError, AuditResource } from './modules/audit/audit.codes.js';
import { AuthAudit, AuthError, USER_RESOURCE, UserAudit } from './modules/auth/auth.codes.js';
import { CASE_RESOURCE, CaseAudit, CaseError } from './modules/cases/cases.codes.js';
import { DirectoryAudit, DirectoryResource } from './modules/directory/directory.codes.js';
import { FIGURES_RESOURCE, FiguresAudit } from './modules/figures/figures.codes.js';
import { HealthError } from './modules/health/health.codes.js';
import {
  INTELLIGENCE_RESOURCE,
  IntelligenceAudit,
  IntelligenceError,
} from './modules/intelligence/intelligence.codes.js';
import {
  MonitoringAudit,
  MonitoringError,
  MonitoringResource,
} from './modules/monitoring/monitoring.codes.js';
import { NotificationsAudit, NotificationsResource } from './modules/notifications/notifications.codes.js';
import { PROFILE_RESOURCE, ProfileAudit } from './modules/profile/profile.codes.js';
import { VettingAudit, VettingError, VettingResource } from './modules/vetting/vetting.codes.js';
import { WorkforceAudit, WorkforceError, WorkforceResource } from './modules/workforce/workforce.codes.js';

/**
 * The one catalogue of Lantern's error codes, audit actions and audited resource types, gathered from each module's `<feature>.codes.ts`
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

/**
 * Every `resourceType` an audit event can carry: each module's resource enum or constant, and the access
 * policy's record kinds (a refused read names the kind of record refused).
 */
export const AUDIT_RESOURCE_ENUMS = {
  AuditResource,
  DirectoryResource,
  MonitoringResource,
  NotificationsResource,
  VettingResource,
  WorkforceResource,
  RecordKind,
  Others: {
    CASE_RESOURCE,
    USER_RESOURCE,
    PROFILE_RESOURCE,
    INTELLIGENCE_RESOURCE,
    FIGURES_RESOURCE,
  },
} as const;

const valuesOf = (enums: Record<string, Record<string, string>>): string[] =>
  [...new Set(Object.values(enums).flatMap((e) => Object.values(e)))].sort();

/** Every `code` a problem+json answer can carry. */
export const ERROR_CODES = valuesOf(ERROR_ENUMS);

/** Every `action` an audit event can carry. */
export const AUDIT_ACTIONS = valuesOf(AUDIT_ACTION_ENUMS);

/** Every `resourceType` an audit event can carry. */
export const AUDIT_RESOURCE_TYPES = valuesOf(AUDIT_RESOURCE_ENUMS);
