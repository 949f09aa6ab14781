/** Lantern users' roles (domain.md, "People and roles"). A user may hold several. */
export enum Role {
  Analyst = 'analyst',
  Supervisor = 'supervisor',
  VettingOfficer = 'vetting_officer',
  Auditor = 'auditor',
  Admin = 'admin',
}

export const ALL_ROLES: readonly Role[] = Object.values(Role);
