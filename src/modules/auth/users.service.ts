import { randomBytes } from 'node:crypto';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import type { Role } from '../../common/auth/roles.js';
import { type Keyset, type Page, paginate } from '../../common/pagination.js';
import { ProblemException, problems } from '../../common/problem.js';
import { AppConfig } from '../../config/app-config.js';
import { execute, Transactions } from '../../database/database.module.js';
import { all, db } from '../../database/sql.js';
import { AuditService } from '../audit/audit.service.js';
import { type AuditEntry, AuditOutcome } from '../audit/audit.types.js';
import { WorkforceService } from '../workforce/workforce.service.js';
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

const USER_COLUMNS = `u.id, u.email, u.display_name, u.roles::text[] AS roles, u.enabled, u.workforce_member_id,
  u.locked_until, u.version, u.created_at, u.updated_at`;

const BY_EMAIL: Keyset = {
  columns: [
    { expr: 'u.email', type: 'text' },
    { expr: 'u.id', type: 'uuid' },
  ],
  direction: 'ASC',
};

interface UserRow {
  id: string;
  email: string;
  display_name: string;
  roles: UserView['roles'];
  enabled: boolean;
  workforce_member_id: string | null;
  locked_until: Date | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const toView = (r: Record<string, unknown>): UserView => {
  const row = r as unknown as UserRow;
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    roles: row.roles,
    enabled: row.enabled,
    workforceMemberId: row.workforce_member_id,
    lockedUntil: row.locked_until ? new Date(row.locked_until).toISOString() : null,
    version: row.version,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
};

const generatePassword = (): string => randomBytes(18).toString('base64url');

/**
 * The admins' user management. Every change is audited; role, password and status changes end sessions.
 * Separation of duties: no admin changes their own roles, workforce link, password (that is
 * `POST /auth/password`, which checks the current one) or lock, and role combinations that defeat oversight
 * are refused (`separation-of-duties.ts`). Every refusal is audited as `denied`.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly tx: Transactions,
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
    manager: EntityManager,
    userId: string,
    field: string,
    roles: readonly Role[],
    subjectIds: readonly string[],
  ): Promise<void> {
    const [user] = await manager.query<
      { roles: Role[]; enabled: boolean; workforce_member_id: string | null }[]
    >(`SELECT roles::text[] AS roles, enabled, workforce_member_id FROM app_user WHERE id = $1`, [userId]);
    if (!user || !user.enabled || !roles.some((r) => user.roles.includes(r))) {
      throw problems.invalid(
        field,
        'isCaseWorker',
        `${field} must name an enabled user with role ${roles.join(' or ')}`,
      );
    }
    if (user.workforce_member_id && subjectIds.includes(user.workforce_member_id)) {
      throw problems.unprocessable('assignee_conflict_of_interest', `${field} names a subject of the case`);
    }
  }

  /** The display names of those of `ids` that are users, by id (e.g. the actors on a case's timeline). */
  async displayNames(tx: EntityManager, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await all(
      tx,
      db
        .selectFrom('app_user')
        .select(['id', 'display_name'])
        .where('id', 'in', [...new Set(ids)]),
    );
    return new Map(rows.map((r) => [r.id, r.display_name]));
  }

  async create(actor: Actor, body: CreateUserRequest): Promise<CreatedUser> {
    const email = body.email.toLowerCase();
    await this.assertRolesAllowed(actor, 'user.create', null, body.roles, body.workforceMemberId);
    const password = body.password ?? generatePassword();
    if (body.password !== undefined)
      this.passwords.assertAcceptable(password, 'password', [email, body.displayName]);
    const hash = await this.passwords.hash(password);
    const view = await this.tx.run(async (m) => {
      if (body.workforceMemberId) await this.workforce.assertExists(m, body.workforceMemberId);
      const [taken] = await m.query<unknown[]>(`SELECT 1 FROM app_user WHERE email = $1`, [email]);
      if (taken) throw problems.conflict('email_taken', 'A user with this email already exists');
      const [row] = await m.query<UserRow[]>(
        `INSERT INTO app_user AS u (email, display_name, roles, password_hash, workforce_member_id)
         VALUES ($1, $2, $3::user_role[], $4, $5) RETURNING ${USER_COLUMNS}`,
        [email, body.displayName, body.roles, hash, body.workforceMemberId ?? null],
      );
      await this.audit.record(m, actor, this.entry('user.create', row.id, { roles: body.roles }));
      return toView(row as unknown as Record<string, unknown>);
    });
    return body.password === undefined ? { ...view, generatedPassword: password } : view;
  }

  async list(actor: Actor, query: UserQuery): Promise<Page<UserView>> {
    return this.tx.read(async (m) => {
      const qb = m.createQueryBuilder().select(USER_COLUMNS).from('app_user', 'u');
      if (query.role) qb.andWhere('u.roles @> ARRAY[CAST(:role AS user_role)]', { role: query.role });
      if (query.enabled !== undefined) qb.andWhere('u.enabled = :enabled', { enabled: query.enabled });
      if (query.emailPrefix) {
        qb.andWhere(`u.email LIKE :prefix ESCAPE '\\'`, {
          prefix: `${query.emailPrefix.replace(/[\\%_]/g, '\\$&')}%`,
        });
      }
      const page = await paginate(qb, BY_EMAIL, query, toView);
      await this.audit.record(m, actor, {
        action: 'user.list',
        resourceType: 'user',
        details: { returned: page.items.map((u) => u.id) },
      });
      return page;
    });
  }

  async get(actor: Actor, id: string): Promise<UserView> {
    return this.tx.read(async (m) => {
      const user = await this.find(m, id);
      await this.audit.record(m, actor, this.entry('user.read', id));
      return user;
    });
  }

  async setRoles(actor: Actor, id: string, body: UpdateRolesRequest): Promise<UserView> {
    await this.refuseSelf(
      actor,
      id,
      'user.roles',
      'cannot_change_own_roles',
      'You cannot change your own roles',
    );
    await this.assertRolesAllowed(actor, 'user.roles', id, body.roles);
    return this.change(actor, id, body.version, 'user.roles', { roles: body.roles }, (m) =>
      execute<UserRow>(
        m,
        `UPDATE app_user u SET roles = $3::user_role[], auth_version = auth_version + 1, version = version + 1,
                updated_at = now() WHERE id = $1 AND version = $2 RETURNING ${USER_COLUMNS}`,
        [id, body.version, body.roles],
      ),
    );
  }

  async linkWorkforceMember(actor: Actor, id: string, body: LinkWorkforceMemberRequest): Promise<UserView> {
    await this.refuseSelf(
      actor,
      id,
      'user.link_workforce_member',
      'cannot_change_own_workforce_link',
      'You cannot change the workforce record your own account is linked to',
      body.workforceMemberId ? [body.workforceMemberId] : [],
    );
    return this.change(
      actor,
      id,
      body.version,
      'user.link_workforce_member',
      {},
      async (m) => {
        if (body.workforceMemberId) await this.workforce.assertExists(m, body.workforceMemberId);
        // The link changes what the user may see: their tokens are re-issued with the new rule.
        return execute<UserRow>(
          m,
          `UPDATE app_user u SET workforce_member_id = $3, auth_version = auth_version + 1, version = version + 1,
                updated_at = now() WHERE id = $1 AND version = $2 RETURNING ${USER_COLUMNS}`,
          [id, body.version, body.workforceMemberId],
        );
      },
      body.workforceMemberId ? [body.workforceMemberId] : [],
    );
  }

  async setEnabled(actor: Actor, id: string, enabled: boolean): Promise<UserView> {
    if (!enabled && id === actor.userId) {
      await this.auditRefusal(actor, 'user.disable', id, 'cannot_disable_self');
      throw problems.conflict('cannot_disable_self', 'You cannot disable your own account');
    }
    // Enabling clears a login lock: never one's own (a stolen token would lift the lock on its guesses).
    if (enabled) {
      await this.refuseSelf(
        actor,
        id,
        'user.enable',
        'cannot_enable_self',
        'You cannot unlock your own account',
      );
    }
    return this.tx.run(async (m) => {
      const { rows } = await execute<UserRow>(
        m,
        `UPDATE app_user u SET enabled = $2, auth_version = auth_version + CASE WHEN $2 THEN 0 ELSE 1 END,
                failed_logins = 0, locked_until = NULL, version = version + 1, updated_at = now()
          WHERE id = $1 RETURNING ${USER_COLUMNS}`,
        [id, enabled],
      );
      if (rows.length === 0) throw problems.notFound('user');
      if (!enabled) await this.tokens.revoke(m, { userId: id }, 'disabled');
      else await this.lockout.clear(rows[0].email);
      await this.audit.record(m, actor, this.entry(enabled ? 'user.enable' : 'user.disable', id));
      return toView(rows[0] as unknown as Record<string, unknown>);
    });
  }

  async resetPassword(actor: Actor, id: string, body: ResetPasswordRequest): Promise<PasswordReset> {
    await this.refuseSelf(
      actor,
      id,
      'user.password_reset',
      'cannot_reset_own_password',
      'Change your own password with POST /auth/password, which asks for the current one',
    );
    const password = body.password ?? generatePassword();
    return this.tx.run(async (m) => {
      const user = await this.find(m, id);
      if (body.password !== undefined) {
        this.passwords.assertAcceptable(password, 'password', [user.email, user.displayName]);
      }
      await m.query(
        `UPDATE app_user SET password_hash = $2, auth_version = auth_version + 1, failed_logins = 0,
                locked_until = NULL, version = version + 1, updated_at = now() WHERE id = $1`,
        [id, await this.passwords.hash(password)],
      );
      await this.tokens.revoke(m, { userId: id }, 'password_reset');
      await this.lockout.clear(user.email);
      await this.audit.record(m, actor, this.entry('user.password_reset', id));
      return body.password === undefined ? { generatedPassword: password } : {};
    });
  }

  private async change(
    actor: Actor,
    id: string,
    version: number,
    action: string,
    details: Record<string, unknown>,
    update: (m: EntityManager) => Promise<{ rows: UserRow[]; count: number }>,
    subjectIds: string[] = [],
  ): Promise<UserView> {
    return this.tx.run(async (m) => {
      const { rows } = await update(m);
      if (rows.length === 0) {
        await this.find(m, id); // 404 when it does not exist
        throw problems.staleVersion();
      }
      // Each change here bumps the user's auth version: this process stops trusting its cached check now.
      this.tokens.forgetUser(id);
      await this.audit.record(m, actor, { ...this.entry(action, id, details), subjectIds });
      return toView(rows[0] as unknown as Record<string, unknown>);
    });
  }

  /** A change an admin may make to others' accounts but never to their own: 403, audited as `denied`. */
  private async refuseSelf(
    actor: Actor,
    id: string,
    action: string,
    code: string,
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
    action: string,
    id: string | null,
    roles: Role[],
    workforceMemberId?: string,
  ): Promise<void> {
    const conflicts = conflictingRoles(roles, this.config.ALLOW_AUDITOR_WITH_CASEWORK);
    if (conflicts.length === 0) return;
    let concerned = workforceMemberId;
    if (id) {
      const [row] = await this.tx.dataSource.query<{ workforce_member_id: string | null }[]>(
        `SELECT workforce_member_id FROM app_user WHERE id = $1`,
        [id],
      );
      concerned = row?.workforce_member_id ?? undefined;
    }
    await this.auditRefusal(
      actor,
      action,
      id,
      'separation_of_duties',
      { roles },
      concerned ? [concerned] : [],
    );
    const message = `roles may not combine ${conflicts.map(([a, b]) => `${a} with ${b}`).join(', nor ')}: an auditor would audit their own casework (ALLOW_AUDITOR_WITH_CASEWORK allows it)`;
    throw new ProblemException({
      status: HttpStatus.UNPROCESSABLE_ENTITY,
      code: 'separation_of_duties',
      detail: message,
      errors: [{ field: 'roles', rule: 'separationOfDuties', message }],
    });
  }

  private auditRefusal(
    actor: Actor,
    action: string,
    id: string | null,
    reason: string,
    details: Record<string, unknown> = {},
    subjectIds: string[] = [],
  ): Promise<void> {
    return this.audit.recordAlone(actor, {
      action,
      resourceType: 'user',
      resourceId: id,
      outcome: AuditOutcome.Denied,
      subjectIds,
      details: { reason, ...details },
    });
  }

  private async find(m: EntityManager, id: string): Promise<UserView> {
    const [row] = await m.query<UserRow[]>(`SELECT ${USER_COLUMNS} FROM app_user u WHERE u.id = $1`, [id]);
    if (!row) throw problems.notFound('user');
    return toView(row as unknown as Record<string, unknown>);
  }

  private entry(action: string, id: string, details: Record<string, unknown> = {}): AuditEntry {
    return { action, resourceType: 'user', resourceId: id, details };
  }
}
