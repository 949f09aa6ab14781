import { Role } from '../../common/auth/roles.js';

/**
 * Role combinations that defeat oversight: an auditor reads the trail of who did what, so an auditor who also
 * works intelligence and cases (analyst) or approves them (supervisor) would audit their own work.
 */
export const CONFLICTING_ROLES: readonly (readonly [Role, Role])[] = [
  [Role.Auditor, Role.Analyst],
  [Role.Auditor, Role.Supervisor],
];

/**
 * The conflicting pairs among `roles` (none when `allowAuditorWithCasework`, ALLOW_AUDITOR_WITH_CASEWORK,
 * lets a small unit combine them).
 */
export function conflictingRoles(
  roles: readonly Role[],
  allowAuditorWithCasework: boolean,
): (readonly [Role, Role])[] {
  if (allowAuditorWithCasework) return [];
  return CONFLICTING_ROLES.filter(([a, b]) => roles.includes(a) && roles.includes(b));
}
