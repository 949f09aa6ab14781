import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sql } from 'kysely';
import pg from 'pg';
import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config.js';
import { db, execute, first, one } from './sql.js';

/**
 * The database boundary. The API and the worker log in as `lantern_app` (DATABASE_URL): LOGIN, no superuser,
 * no CREATEROLE, no membership in the owner role, only the grants the migrations give it (no UPDATE, DELETE
 * or TRUNCATE on the audit trail, no DDL, no CREATE in the schema). The migrations, `npm run demo` and the
 * bench's seeding log in as the schema owner (DATABASE_OWNER_URL). What the app needs beyond its grants runs
 * in SECURITY DEFINER functions owned by the owner (`search_path = public, pg_temp`).
 */
export const APP_ROLE = 'lantern_app';

/** `url` logging in as `user`, with `password` or without one. */
export function loginAs(url: string, user: string, password = ''): string {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  return u.toString();
}

/**
 * The owner's login: DATABASE_OWNER_URL, or else DATABASE_URL's server and database as `postgres` without a
 * password (PostgreSQL's superuser on a developer machine with local trust auth).
 */
export function databaseOwnerUrl(config: DatabaseConfig): string {
  return config.DATABASE_OWNER_URL || loginAs(config.DATABASE_URL, 'postgres');
}

interface RoleCheck {
  role: string;
  superuser: boolean;
  createrole: boolean;
  bypassrls: boolean;
  owner: boolean;
  owner_name: string | null;
  create: boolean;
}

/** What a login may do, as `applicationRoleProblem` judges it (the catalogs are not in the generated types). */
const ROLE_CHECK =
  sql<RoleCheck>`SELECT current_user::text AS role, r.rolsuper AS superuser, r.rolcreaterole AS createrole,
    r.rolbypassrls AS bypassrls, coalesce(pg_has_role(current_user, c.relowner, 'MEMBER'), false) AS owner,
    pg_get_userbyid(c.relowner)::text AS owner_name, has_schema_privilege('public', 'CREATE') AS create
  FROM pg_roles r LEFT JOIN pg_class c ON c.oid = to_regclass('public.audit_event')
  WHERE r.rolname = current_user`.compile(db);

/** Why a login must not run the application (a sentence naming DATABASE_URL), or null when it may. */
export function applicationRoleProblem(check: RoleCheck): string | null {
  const wrong = [
    check.superuser && 'is a superuser',
    check.createrole && 'may create roles',
    check.bypassrls && 'bypasses row-level security',
    check.owner && `has the rights of the schema owner (${check.owner_name ?? 'unknown'})`,
    check.create && 'may create objects in schema public',
  ].filter((w): w is string => typeof w === 'string');
  if (wrong.length === 0) return null;
  return (
    `DATABASE_URL logs in as "${check.role}", which ${wrong.join(', ')}: the API and worker must log in as ` +
    `${APP_ROLE} (created by the migrations); the owner's login is DATABASE_OWNER_URL, for migrations only`
  );
}

/** At start of the API and the worker: refuse to run with the owner's rights (see `applicationRoleProblem`). */
@Injectable()
export class ApplicationRoleCheck implements OnModuleInit {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    const check = await first(this.dataSource.manager, ROLE_CHECK);
    const problem = check ? applicationRoleProblem(check) : `DATABASE_URL's role is not in pg_roles`;
    if (problem) throw new Error(problem);
  }
}

/** Connects as `url`: the check's row, or the connection's error code (e.g. 28P01, a wrong password). */
async function checkLogin(url: string): Promise<RoleCheck | { error: string; message: string }> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<RoleCheck>(ROLE_CHECK.sql);
    return rows[0];
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return { error: e.code ?? 'unknown', message: e.message ?? String(error) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * After the migrations, as the owner: makes sure the application can log in with DATABASE_URL and runs with
 * none of the owner's rights. When DATABASE_URL logs in as `lantern_app` with a password the role does not
 * have yet, the role gets it (roles are cluster-wide: it is changed only when logging in fails, so concurrent
 * runs on one cluster, e.g. parallel test runs, change nothing). Without a password, the server's own
 * authentication applies (trust on a developer machine). Throws with a sentence naming what is wrong.
 */
export async function ensureAppLogin(owner: DataSource, config: DatabaseConfig): Promise<void> {
  const app = new URL(config.DATABASE_URL);
  const user = decodeURIComponent(app.username);
  const password = decodeURIComponent(app.password);
  let check = await checkLogin(config.DATABASE_URL);
  if ('error' in check && user === APP_ROLE && password !== '' && ['28P01', '28000'].includes(check.error)) {
    // The statement is made by PostgreSQL's own quoting (format %I, %L), the password a bound value until then.
    const alter = await one(
      owner.manager,
      sql<{
        statement: string;
      }>`SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', ${APP_ROLE}::text, ${password}::text) AS statement`.compile(
        db,
      ),
    );
    await execute(owner.manager, sql.raw(alter.statement).compile(db));
    check = await checkLogin(config.DATABASE_URL);
  }
  if ('error' in check) {
    throw new Error(
      `The application cannot log in with DATABASE_URL (as "${user}"): ${check.message}` +
        (password === '' ? ' (give DATABASE_URL a password for the migrations to set)' : ''),
    );
  }
  const problem = applicationRoleProblem(check);
  if (problem) throw new Error(problem);
}
