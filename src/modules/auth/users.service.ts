import { randomBytes } from 'node:crypto';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import type { Role } from '../../common/auth/roles.js';
import type { Page } from '../../common/pagination.js';
import { CommonError, ProblemException, problems } from '../../common/problem.js';
import { AppConfig } from '../../config/app-config.js';
import { Transactions } from '../../database/database.module.js';
import { AuditService } from '../audit/audit.service.js';
import { type AuditEntry, AuditOutcome } from '../audit/audit.types.js';
import { WorkforceService } from '../workforce/workforce.service.js';
import { AuthError, SessionEnd, USER_RESOURCE, UserAudit } from './auth.codes.js';
import type {
  CreatedUser,
  CreateUserRequest,
  LinkWorkforceMemberRequest,
  PasswordReset,
  ResetPasswordRequest,
  UpdateRolesRequest,
  UserQuery,
  UserView,
} from './dto/user.dto.js';
import { LoginLockout } from './login-lockout.js';
import { PasswordService } from './password.service.js';
import { conflictingRoles } from './separation-of-duties.js';
import { TokenService } from './token.service.js';
import { type UserRow, UsersRepository } from './users.repository.js';

const toView = (row: UserRow): UserView => ({
  id: row.id,
  email: row.email,
  displayName: row.display_name,
  roles: row.roles,
  enabled: row.enabled,
  workforceMemberId: row.workforce_member_id,
  lockedUntil: row.locked_until ? row.locked_until.toISOString() : null,
  version: row.version,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/** A user as other modules name them (no email). */
export interface UserName {
  id: string;
  displayName: string;
  roles: Role[];
  enabled: boolean;
}

const generatePassword = (): string => randomBytes(18).toString('base64url');

/**
 * The admins' user management. Every change is audited; role, password and status changes end sessions.
 * Separation of duties: no admin changes their own roles, workforce link, password (that is
 * `POST /auth/password`, which checks the current one) or lock, and role combinations that defeat oversight
 * are refused (`separation-of-duties.ts`). Every refusal is audited as `denied`, on its own (the request
 * fails); every change and its audit row are one `Transactions.write`, every read and its row one
 * `Transactions.read`.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly tx: Transactions,
    private readonly users: UsersRepository,
    private readonly passwords: PasswordService,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    private readonly workforce: WorkforceService,
    private readonly lockout: LoginLockout,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /**
   * For other modules assigning work (a case's investigator or supervisor, a report's analyst): 400 naming
   * `field` unless `userId` is an enabled user with one of `roles`; 422 `assignee_conflict_of_interest` when the
   * user is linked to one of `subjectIds` (nobody works on records about themselves).
   */
  async assertAssignable(
    tx: EntityManager,
    userId: string,
    field: string,
    roles: readonly Role[],
    subjectIds: readonly string[],
    wording: { rule: string; detail: string; conflict: string } = {
      rule: 'isCaseWorker',
      detail: `${field} must name an enabled user with role ${roles.join(' or ')}`,
      conflict: `${field} names a subject of the case`,
    },
  ): Promise<void> {
    const user = await this.users.assignable(tx, userId);
    if (!user || !user.enabled || !roles.some((r) => user.roles.includes(r))) {
      throw problems.invalid(field, wording.rule, wording.detail);
    }
    if (user.workforce_member_id && subjectIds.includes(user.workforce_member_id)) {
      throw problems.unprocessable(AuthError.AssigneeConflictOfInterest, wording.conflict);
    }
  }

  /** For other modules showing people: users' display names and roles (no emails), at most 200, by name. */
  async names(tx: EntityManager, filter: { role?: Role; ids?: string[] }): Promise<UserName[]> {
    const rows = await this.users.names(tx, filter);
    return rows.map((r) => ({ id: r.id, displayName: r.display_name, roles: r.roles, enabled: r.enabled }));
  }

  /** For set-based rules (ICT monitoring's case teams): the workforce member each of `ids` is linked to. */
  async workforceMembers(tx: EntityManager, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.users.workforceMembers(tx, [...new Set(ids)]);
    return new Map(rows.map((r) => [r.id, r.workforce_member_id]));
  }

  /** The display names of those of `ids` that are users, by id (e.g. the actors on a case's timeline). */
  async displayNames(tx: EntityManager, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.users.displayNames(tx, [...new Set(ids)]);
    return new Map(rows.map((r) => [r.id, r.display_name]));
  }

  async create(actor: Actor, body: CreateUserRequest): Promise<CreatedUser> {
    const email = body.email.toLowerCase();
    await this.assertRolesAllowed(actor, UserAudit.Create, null, body.roles, body.workforceMemberId);
    const password = body.password ?? generatePassword();
    if (body.password !== undefined)
      this.passwords.assertAcceptable(password, 'password', [email, body.displayName]);
    const passwordHash = await this.passwords.hash(password);
    const view = await this.tx.write(async (tx) => {
      if (body.workforceMemberId) await this.workforce.assertExists(tx, body.workforceMemberId);
      if (await this.users.emailTaken(tx, email)) {
        throw problems.conflict(AuthError.EmailTaken, 'A user with this email already exists');
      }
      const row = await this.users.create(tx, {
        email,
        displayName: body.displayName,
        roles: body.roles,
        passwordHash,
        workforceMemberId: body.workforceMemberId ?? null,
      });
      await this.audit.record(tx, actor, this.entry(UserAudit.Create, row.id, { roles: body.roles }));
      return toView(row);
    });
    return body.password === undefined ? { ...view, generatedPassword: password } : view;
  }

  async list(actor: Actor, query: UserQuery): Promise<Page<UserView>> {
    return this.tx.read(async (tx) => {
      const page = await this.users.list(tx, query);
      const items = page.items.map(toView);
      await this.audit.record(tx, actor, {
        action: UserAudit.List,
        resourceType: USER_RESOURCE,
        details: { returned: items.map((u) => u.id) },
      });
      return { items, nextCursor: page.nextCursor };
    });
  }

  async get(actor: Actor, id: string): Promise<UserView> {
    return this.tx.read(async (tx) => {
      const user = await this.find(tx, id);
      await this.audit.record(tx, actor, this.entry(UserAudit.Read, id));
      return user;
    });
  }

  async setRoles(actor: Actor, id: string, body: UpdateRolesRequest): Promise<UserView> {
    await this.refuseSelf(
      actor,
      id,
      UserAudit.Roles,
      AuthError.CannotChangeOwnRoles,
      'You cannot change your own roles',
    );
    await this.assertRolesAllowed(actor, UserAudit.Roles, id, body.roles);
    return this.change(actor, id, UserAudit.Roles, { roles: body.roles }, (tx) =>
      this.users.setRoles(tx, id, body.version, body.roles),
    );
  }

  async linkWorkforceMember(actor: Actor, id: string, body: LinkWorkforceMemberRequest): Promise<UserView> {
    const concerned = body.workforceMemberId ? [body.workforceMemberId] : [];
    await this.refuseSelf(
      actor,
      id,
      UserAudit.LinkWorkforceMember,
      AuthError.CannotChangeOwnWorkforceLink,
      'You cannot change the workforce record your own account is linked to',
      concerned,
    );
    return this.change(
      actor,
      id,
      UserAudit.LinkWorkforceMember,
      {},
      async (tx) => {
        if (body.workforceMemberId) await this.workforce.assertExists(tx, body.workforceMemberId);
        // The link changes what the user may see: their tokens are re-issued with the new rule.
        return this.users.linkWorkforceMember(tx, id, body.version, body.workforceMemberId);
      },
      concerned,
    );
  }

  async setEnabled(actor: Actor, id: string, enabled: boolean): Promise<UserView> {
    if (!enabled && id === actor.userId) {
      await this.auditRefusal(actor, UserAudit.Disable, id, AuthError.CannotDisableSelf);
      throw problems.conflict(AuthError.CannotDisableSelf, 'You cannot disable your own account');
    }
    // Enabling clears a login lock: never one's own (a stolen token would lift the lock on its guesses).
    if (enabled) {
      await this.refuseSelf(
        actor,
        id,
        UserAudit.Enable,
        AuthError.CannotEnableSelf,
        'You cannot unlock your own account',
      );
    }
    return this.tx.write(async (tx) => {
      const row = await this.users.setEnabled(tx, id, enabled);
      if (!row) throw problems.notFound('user');
      if (!enabled) await this.tokens.revoke(tx, { userId: id }, SessionEnd.Disabled);
      else await this.lockout.clear(row.email);
      await this.audit.record(tx, actor, this.entry(enabled ? UserAudit.Enable : UserAudit.Disable, id));
      return toView(row);
    });
  }

  async resetPassword(actor: Actor, id: string, body: ResetPasswordRequest): Promise<PasswordReset> {
    await this.refuseSelf(
      actor,
      id,
      UserAudit.PasswordReset,
      AuthError.CannotResetOwnPassword,
      'Change your own password with POST /auth/password, which asks for the current one',
    );
    const password = body.password ?? generatePassword();
    return this.tx.write(async (tx) => {
      const user = await this.find(tx, id);
      if (body.password !== undefined) {
        this.passwords.assertAcceptable(password, 'password', [user.email, user.displayName]);
      }
      await this.users.setPassword(tx, id, await this.passwords.hash(password), true);
      await this.tokens.revoke(tx, { userId: id }, SessionEnd.PasswordReset);
      await this.lockout.clear(user.email);
      await this.audit.record(tx, actor, this.entry(UserAudit.PasswordReset, id));
      return body.password === undefined ? { generatedPassword: password } : {};
    });
  }

  /** A change at the version the admin read: 404 when the user does not exist, 409 when the version is stale. */
  private async change(
    actor: Actor,
    id: string,
    action: UserAudit,
    details: Record<string, unknown>,
    update: (tx: EntityManager) => Promise<UserRow | undefined>,
    subjectIds: string[] = [],
  ): Promise<UserView> {
    return this.tx.write(async (tx) => {
      const row = await update(tx);
      if (!row) {
        await this.find(tx, id); // 404 when it does not exist
        throw problems.staleVersion();
      }
      // Each change here bumps the user's auth version: this process stops trusting its cached check now.
      this.tokens.forgetUser(id);
      await this.audit.record(tx, actor, { ...this.entry(action, id, details), subjectIds });
      return toView(row);
    });
  }

  /** A change an admin may make to others' accounts but never to their own: 403, audited as `denied`. */
  private async refuseSelf(
    actor: Actor,
    id: string,
    action: UserAudit,
    code: AuthError,
    detail: string,
    subjectIds: string[] = [],
  ): Promise<void> {
    if (id !== actor.userId) return;
    // The account is the caller's own: the row names their workforce record beside any other concerned.
    const concerned = [
      ...new Set([...(actor.workforceMemberId ? [actor.workforceMemberId] : []), ...subjectIds]),
    ];
    await this.auditRefusal(actor, action, id, code, {}, concerned);
    throw new ProblemException({ status: HttpStatus.FORBIDDEN, code, detail });
  }

  /** Role combinations that defeat oversight: 422 `separation_of_duties` naming `roles`, audited as `denied`. */
  private async assertRolesAllowed(
    actor: Actor,
    action: UserAudit,
    id: string | null,
    roles: Role[],
    workforceMemberId?: string,
  ): Promise<void> {
    const conflicts = conflictingRoles(roles, this.config.ALLOW_AUDITOR_WITH_CASEWORK);
    if (conflicts.length === 0) return;
    const concerned = id
      ? await this.tx.read((tx) => this.users.workforceMemberOf(tx, id))
      : workforceMemberId;
    await this.auditRefusal(
      actor,
      action,
      id,
      CommonError.SeparationOfDuties,
      { roles },
      concerned ? [concerned] : [],
    );
    const message = `roles may not combine ${conflicts.map(([a, b]) => `${a} with ${b}`).join(', nor ')}: an auditor would audit their own casework (ALLOW_AUDITOR_WITH_CASEWORK allows it)`;
    throw new ProblemException({
      status: HttpStatus.UNPROCESSABLE_ENTITY,
      code: CommonError.SeparationOfDuties,
      detail: message,
      errors: [{ field: 'roles', rule: 'separationOfDuties', message }],
    });
  }

  private auditRefusal(
    actor: Actor,
    action: UserAudit,
    id: string | null,
    reason: AuthError | CommonError,
    details: Record<string, unknown> = {},
    subjectIds: string[] = [],
  ): Promise<void> {
    return this.audit.recordAlone(actor, {
      action,
      resourceType: USER_RESOURCE,
      resourceId: id,
      outcome: AuditOutcome.Denied,
      subjectIds,
      details: { reason, ...details },
    });
  }

  private async find(tx: EntityManager, id: string): Promise<UserView> {
    const row = await this.users.find(tx, id);
    if (!row) throw problems.notFound('user');
    return toView(row);
  }

  private entry(action: UserAudit, id: string, details: Record<string, unknown> = {}): AuditEntry {
    return { action, resourceType: USER_RESOURCE, resourceId: id, details };
  }
}
