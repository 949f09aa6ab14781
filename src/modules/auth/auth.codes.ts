/** The auth module's error codes (the shared ones are `CommonError`). */
export enum AuthError {
  LoginLocked = 'login_locked',
  TooManyLoginAttempts = 'too_many_login_attempts',
  RateLimiterUnavailable = 'rate_limiter_unavailable',
  EmailTaken = 'email_taken',
  CannotChangeOwnRoles = 'cannot_change_own_roles',
  CannotChangeOwnWorkforceLink = 'cannot_change_own_workforce_link',
  CannotDisableSelf = 'cannot_disable_self',
  CannotEnableSelf = 'cannot_enable_self',
  CannotResetOwnPassword = 'cannot_reset_own_password',
  AssigneeConflictOfInterest = 'assignee_conflict_of_interest',
}

/** The audit actions of logging in and out. */
export enum AuthAudit {
  Login = 'auth.login',
  Refresh = 'auth.refresh',
  Logout = 'auth.logout',
  PasswordChange = 'auth.password_change',
}

/** The audit actions of the admins' user management. */
export enum UserAudit {
  Create = 'user.create',
  List = 'user.list',
  Read = 'user.read',
  Roles = 'user.roles',
  LinkWorkforceMember = 'user.link_workforce_member',
  Enable = 'user.enable',
  Disable = 'user.disable',
  PasswordReset = 'user.password_reset',
}

/** What every auth and user audit row is about. */
export const USER_RESOURCE = 'user';

/** Why a login, refresh or password change was refused (the `reason` of its denied audit row). */
export enum AuthDenial {
  UnknownEmail = 'unknown_email',
  BadPassword = 'bad_password',
  Disabled = 'disabled',
  Locked = 'locked',
  ReuseSessionRevoked = 'reuse_session_revoked',
  SessionEnded = 'session_ended',
  BadCurrentPassword = 'bad_current_password',
}

/** Why a session was ended (`auth_session.revoked_reason`). */
export enum SessionEnd {
  Logout = 'logout',
  RefreshReuse = 'refresh_reuse',
  PasswordChange = 'password_change',
  PasswordReset = 'password_reset',
  Disabled = 'disabled',
}
