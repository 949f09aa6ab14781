import { Injectable } from '@nestjs/common';
import { type Selectable, sql, type SqlBool } from 'kysely';
import type { EntityManager } from 'typeorm';
import type { Role } from '../../common/auth/roles.js';
import { type Keyset, type Page, pageOf } from '../../common/pagination.js';
import type { AppUser } from '../../database/db.js';
import { all, allPrepared, db, execute, first, one } from '../../database/sql.js';
import type { UserQuery } from './dto/user.dto.js';

/** user_role[] as text[]: pg has no parser for the enum's array type and would answer the literal '{a,b}'. */
const ROLES = sql<Role[]>`roles::text[]`.as('roles');

const USER_COLUMNS = [
  'id',
  'email',
  'display_name',
  'enabled',
  'workforce_member_id',
  'locked_until',
  'version',
  'created_at',
  'updated_at',
] as const;

/** A user as the admins see it (no password hash). */
export type UserRow = Pick<Selectable<AppUser>, (typeof USER_COLUMNS)[number]> & { roles: Role[] };

const BY_EMAIL: Keyset = {
  columns: [
    { expr: 'u.email', type: 'text' },
    { expr: 'u.id', type: 'uuid' },
  ],
  direction: 'ASC',
};

/** LIKE's own characters in a prefix, escaped (with `ESCAPE '\'`). */
const escapeLike = (s: string): string => s.replace(/[\\%_]/g, '\\$&');

/** app_user: accounts, their roles, their login lock as admins see it, their password hashes. */
@Injectable()
export class UsersRepository {
  find(tx: EntityManager, id: string): Promise<UserRow | undefined> {
    return first(
      tx,
      db
        .selectFrom('app_user as u')
        .select([...USER_COLUMNS, ROLES])
        .where('u.id', '=', id),
    );
  }

  list(tx: EntityManager, q: UserQuery): Promise<Page<UserRow>> {
    let query = db.selectFrom('app_user as u').select([...USER_COLUMNS, ROLES]);
    if (q.role) query = query.where(sql<boolean>`u.roles @> ARRAY[${q.role}::user_role]`);
    if (q.enabled !== undefined) query = query.where('u.enabled', '=', q.enabled);
    if (q.emailPrefix) {
      query = query.where(sql<boolean>`u.email LIKE ${`${escapeLike(q.emailPrefix)}%`} ESCAPE '\\'`);
    }
    return pageOf(tx, query, BY_EMAIL, q, (row) => row);
  }

  async emailTaken(tx: EntityManager, email: string): Promise<boolean> {
    const row = await first(tx, db.selectFrom('app_user').select('id').where('email', '=', email));
    return row !== undefined;
  }

  create(
    tx: EntityManager,
    user: {
      email: string;
      displayName: string;
      roles: Role[];
      passwordHash: string;
      workforceMemberId: string | null;
    },
  ): Promise<UserRow> {
    return one(
      tx,
      db
        .insertInto('app_user')
        .values({
          email: user.email,
          display_name: user.displayName,
          roles: user.roles,
          password_hash: user.passwordHash,
          workforce_member_id: user.workforceMemberId,
        })
        .returning([...USER_COLUMNS, ROLES]),
    );
  }

  /** New roles at `version` (none changed when stale); the user's tokens are re-issued with them. */
  setRoles(tx: EntityManager, id: string, version: number, roles: Role[]): Promise<UserRow | undefined> {
    return first(
      tx,
      db
        .updateTable('app_user')
        .set((eb) => ({
          roles,
          auth_version: eb('auth_version', '+', 1),
          version: eb('version', '+', 1),
          updated_at: sql`now()`,
        }))
        .where('id', '=', id)
        .where('version', '=', version)
        .returning([...USER_COLUMNS, ROLES]),
    );
  }

  /** A new workforce link at `version`: it changes what the user may see, so their tokens are re-issued. */
  linkWorkforceMember(
    tx: EntityManager,
    id: string,
    version: number,
    workforceMemberId: string | null,
  ): Promise<UserRow | undefined> {
    return first(
      tx,
      db
        .updateTable('app_user')
        .set((eb) => ({
          workforce_member_id: workforceMemberId,
          auth_version: eb('auth_version', '+', 1),
          version: eb('version', '+', 1),
          updated_at: sql`now()`,
        }))
        .where('id', '=', id)
        .where('version', '=', version)
        .returning([...USER_COLUMNS, ROLES]),
    );
  }

  /** Enables (lifting a login lock) or disables (ending the user's tokens) the account. */
  setEnabled(tx: EntityManager, id: string, enabled: boolean): Promise<UserRow | undefined> {
    return first(
      tx,
      db
        .updateTable('app_user')
        .set((eb) => ({
          enabled,
          auth_version: enabled ? eb.ref('auth_version') : eb('auth_version', '+', 1),
          failed_logins: 0,
          locked_until: null,
          version: eb('version', '+', 1),
          updated_at: sql`now()`,
        }))
        .where('id', '=', id)
        .returning([...USER_COLUMNS, ROLES]),
    );
  }

  /**
   * A new password hash, lifting a login lock (an admin's reset) or not (the user's own change); the
   * user's tokens stop working. The new auth version, or undefined when there is no such user.
   */
  async setPassword(
    tx: EntityManager,
    id: string,
    passwordHash: string,
    unlock: boolean,
  ): Promise<number | undefined> {
    const row = await first(
      tx,
      db
        .updateTable('app_user')
        .set((eb) => ({
          password_hash: passwordHash,
          auth_version: eb('auth_version', '+', 1),
          ...(unlock ? { failed_logins: 0, locked_until: null } : {}),
          version: eb('version', '+', 1),
          updated_at: sql`now()`,
        }))
        .where('id', '=', id)
        .returning('auth_version'),
    );
    return row?.auth_version;
  }

  /** What a login checks: the hash, whether the account may log in, its auth version. */
  loginCandidate(tx: EntityManager, email: string) {
    return first(
      tx,
      db
        .selectFrom('app_user')
        .select(['id', 'password_hash', 'enabled', 'auth_version', 'display_name'])
        .where('email', '=', email),
    );
  }

  async idByEmail(tx: EntityManager, email: string): Promise<string | undefined> {
    return (await first(tx, db.selectFrom('app_user').select('id').where('email', '=', email)))?.id;
  }

  /** What a password change checks against (the hash) and keeps out of the new password (email, name). */
  credentials(tx: EntityManager, id: string) {
    return first(
      tx,
      db.selectFrom('app_user').select(['password_hash', 'email', 'display_name']).where('id', '=', id),
    );
  }

  /** What assigning work to the user checks: their roles, whether enabled, their workforce record. */
  assignable(tx: EntityManager, id: string) {
    return first(
      tx,
      db.selectFrom('app_user').select([ROLES, 'enabled', 'workforce_member_id']).where('id', '=', id),
    );
  }

  async workforceMemberOf(tx: EntityManager, id: string): Promise<string | null | undefined> {
    const row = await first(tx, db.selectFrom('app_user').select('workforce_member_id').where('id', '=', id));
    return row?.workforce_member_id;
  }

  /**
   * Mirrors the lockout's count into the row (what admins see as `lockedUntil`): locked for `lockMinutes`
   * from now once the count reaches `maxFailures`, unlocked when it falls below.
   */
  async settleLock(
    tx: EntityManager,
    id: string,
    count: number,
    maxFailures: number,
    lockMinutes: number,
  ): Promise<void> {
    await execute(
      tx,
      db
        .updateTable('app_user')
        .set({
          failed_logins: count,
          locked_until:
            count >= maxFailures ? sql<Date>`now() + make_interval(mins => ${lockMinutes}::int)` : null,
        })
        .where('id', '=', id),
    );
  }

  /** Display names and roles (no emails), by role and/or ids, in name order, at most 200. */
  names(tx: EntityManager, filter: { role?: Role; ids?: string[] }) {
    let query = db
      .selectFrom('app_user as u')
      .select(['u.id', 'u.display_name', ROLES, 'u.enabled'])
      .orderBy('u.display_name')
      .orderBy('u.id')
      .limit(200);
    if (filter.role) query = query.where(sql<boolean>`${filter.role}::user_role = ANY(u.roles)`);
    if (filter.ids) query = query.where(sql<boolean>`u.id = ANY(${filter.ids}::uuid[])`);
    return all(tx, query);
  }

  /** The display names of those of `ids` that are users (no limit: every actor a timeline names). */
  displayNames(tx: EntityManager, ids: readonly string[]) {
    // One prepared statement whatever the number of ids (pages of the queue name their assignees).
    return allPrepared(
      tx,
      db
        .selectFrom('app_user')
        .select(['id', 'display_name'])
        .where(sql<SqlBool>`id = ANY (${[...ids]}::uuid[])`),
    );
  }

  /** The workforce members `ids` are linked to (users without a link are left out). */
  workforceMembers(tx: EntityManager, ids: readonly string[]) {
    return all(
      tx,
      db
        .selectFrom('app_user')
        .select(['id', sql<string>`workforce_member_id`.as('workforce_member_id')])
        .where('id', 'in', [...ids])
        .where('workforce_member_id', 'is not', null),
    );
  }
}
