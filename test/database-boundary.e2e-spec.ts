import { spawn } from 'node:child_process';
import { DataSource, QueryFailedError } from 'typeorm';
import { Role } from '../src/common/auth/roles.js';
import { startApp, type TestApp } from './helpers/app.js';
import { call, userWith } from './helpers/http.js';

/**
 * Issue 22, finding 9: the API and the worker log in as lantern_app, so SQL on an application connection
 * cannot take the owner's rights (it used to log in as the superuser and `SET ROLE lantern_app`, which any
 * statement could undo with `SET ROLE postgres`, then disable the audit trigger and rewrite the trail).
 */
describe('the database boundary', () => {
  let t: TestApp;
  let owner: string;
  /** Runs `sql` on a connection of the app's own pool: 'done', or the PostgreSQL error code. */
  const onAppConnection = async (sql: string): Promise<string> => {
    const runner = t.app.get(DataSource).createQueryRunner();
    try {
      await runner.query(sql);
      return 'done';
    } catch (error) {
      if (error instanceof QueryFailedError) return (error.driverError as { code: string }).code;
      throw error;
    } finally {
      await runner.release();
    }
  };

  beforeAll(async () => {
    t = await startApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    const { rows } = await t.db.pool.query<{ owner: string }>(
      `SELECT tableowner AS owner FROM pg_tables WHERE schemaname = 'public' AND tablename = 'audit_event'`,
    );
    owner = rows[0].owner;
  });
  afterAll(() => t.close());

  it('connects the app as lantern_app itself, not as the owner switching roles', async () => {
    const [who] = await t.app
      .get(DataSource)
      .query<{ current: string; session: string }[]>(
        `SELECT current_user AS current, session_user AS session`,
      );
    expect(who).toEqual({ current: 'lantern_app', session: 'lantern_app' });
    expect(owner).not.toBe('lantern_app');
  });

  it('gives lantern_app no superuser, no role creation and no membership in the owner role', async () => {
    const { rows } = await t.db.pool.query(
      `SELECT r.rolcanlogin AS login, r.rolsuper AS superuser, r.rolcreaterole AS createrole,
              r.rolcreatedb AS createdb, r.rolbypassrls AS bypassrls, r.rolreplication AS replication,
              pg_has_role('lantern_app', $1, 'MEMBER') AS owner_member,
              pg_has_role('lantern_app', 'postgres', 'MEMBER') AS postgres_member,
              (SELECT count(*)::int FROM pg_class c WHERE c.relowner = r.oid) AS owns
       FROM pg_roles r WHERE r.rolname = 'lantern_app'`,
      [owner],
    );
    expect(rows).toEqual([
      {
        login: true,
        superuser: false,
        createrole: false,
        createdb: false,
        bypassrls: false,
        replication: false,
        owner_member: false,
        postgres_member: false,
        owns: 0,
      },
    ]);
  });

  it.each([
    ['SET ROLE to the owner', () => `SET ROLE "${owner}"`],
    ['SET ROLE postgres', () => 'SET ROLE postgres'],
    ['SET SESSION AUTHORIZATION', () => `SET SESSION AUTHORIZATION "${owner}"`],
    ['ALTER TABLE', () => 'ALTER TABLE audit_event ADD COLUMN forged text'],
    ['disabling the trail’s triggers', () => 'ALTER TABLE audit_event DISABLE TRIGGER ALL'],
    ['dropping the append-only trigger', () => 'DROP TRIGGER audit_event_no_change ON audit_event'],
    ['replacing the append-only function', () => 'ALTER FUNCTION audit_event_append_only() RENAME TO gone'],
    ['skipping triggers by replication role', () => 'SET session_replication_role = replica'],
    ['UPDATE of the trail', () => `UPDATE audit_event SET action = 'forged'`],
    ['DELETE from the trail', () => 'DELETE FROM audit_event'],
    ['TRUNCATE of the trail', () => 'TRUNCATE audit_event'],
    ['INSERT into the trail past the seal', () => `INSERT INTO audit_event (action) VALUES ('forged')`],
    ['CREATE in the schema', () => 'CREATE TABLE public.forged (id int)'],
    ['CREATE in the schema (unqualified)', () => 'CREATE TABLE forged (id int)'],
    [
      'CREATE FUNCTION in the schema',
      () => 'CREATE FUNCTION public.forged() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$',
    ],
    ['CREATE SCHEMA', () => 'CREATE SCHEMA forged'],
    ['granting itself a role', () => `GRANT "${owner}" TO lantern_app`],
  ])('refuses %s on an app connection', async (_what, sql) => {
    expect(await onAppConnection(sql())).toBe('42501');
  });

  it('lets the owner’s functions search the session’s temporary tables last, so a shadow table takes nothing', async () => {
    // Every SECURITY DEFINER function, those of later migrations too.
    const { rows: definers } = await t.db.pool.query<{ name: string; config: string[] | null }>(
      `SELECT p.oid::regprocedure::text AS name, p.proconfig AS config FROM pg_proc p
       WHERE p.prosecdef AND p.pronamespace = 'public'::regnamespace ORDER BY 1`,
    );
    expect(definers.length).toBeGreaterThan(0);
    for (const f of definers)
      expect({ f: f.name, config: f.config }).toEqual({
        f: f.name,
        config: expect.arrayContaining(['search_path=public, pg_temp']),
      });

    // A temporary audit_event on an app connection: the seal (the owner's function) still writes the real one.
    const runner = t.app.get(DataSource).createQueryRunner();
    try {
      await runner.query(`CREATE TEMPORARY TABLE audit_event (user_id uuid, roles text[], action text,
        resource_type text, resource_id text, subject_ids uuid[], outcome audit_outcome, request_id text,
        client_address text, details jsonb)`);
      await runner.query(`INSERT INTO audit_event_pending (action, resource_type, outcome, request_id)
        VALUES ('user.read', 'user', 'allowed', 'shadow-1')`);
      const [shadow] = (await runner.query(`SELECT count(*)::int AS n FROM pg_temp.audit_event`)) as {
        n: number;
      }[];
      expect(shadow.n).toBe(0);
      await runner.query('DROP TABLE pg_temp.audit_event');
    } finally {
      await runner.release();
    }
    const { rows } = await t.db.pool.query(
      `SELECT count(*)::int AS n FROM audit_event WHERE request_id = 'shadow-1'`,
    );
    expect(rows[0].n).toBe(1);
  });

  it('works as lantern_app: a login and an audited read succeed, and the trail verifies', async () => {
    const admin = await userWith(t, [Role.Admin]);
    const auditor = await userWith(t, [Role.Auditor]);
    const listed = await call(t.app, 'GET', '/api/v1/users', {
      token: admin.token,
      headers: { 'x-request-id': 'boundary-read-1' },
    });
    expect(listed.status).toBe(200);
    const { rows } = await t.db.pool.query(
      `SELECT action, outcome FROM audit_event WHERE request_id = 'boundary-read-1'`,
    );
    expect(rows).toEqual([{ action: 'user.list', outcome: 'allowed' }]);
    const logins = await t.db.pool.query(
      `SELECT count(*)::int AS n FROM audit_event WHERE action = 'auth.login' AND user_id = $1`,
      [admin.id],
    );
    expect(logins.rows[0].n).toBe(1);
    const verified = await call(t.app, 'GET', '/api/v1/audit/verify', { token: auditor.token });
    expect(verified.body).toMatchObject({ valid: true });
  });

  it.each(['dist/src/main.js', 'dist/src/worker.js'])(
    '%s refuses to start when DATABASE_URL logs in with the owner’s rights',
    async (script) => {
      const child = spawn(process.execPath, [script], {
        env: {
          PATH: process.env.PATH ?? '',
          DATABASE_URL: t.db.url,
          REDIS_URL: t.config.REDIS_URL,
          REDIS_PREFIX: `${t.config.REDIS_PREFIX}_refused`,
          JWT_SECRET: 'z'.repeat(40),
          PORT: String(30000 + Math.floor(Math.random() * 20000)),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'silent',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      clearTimeout(timer);
      expect(code).toBe(1);
      expect(stderr).toContain('is a superuser');
      expect(stderr).toContain('lantern_app');
    },
  );
});
