import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A real database boundary: the API and the worker log in as `lantern_app` themselves instead of logging in as
 * the owner (the superuser by default) and `SET ROLE lantern_app`, which any SQL on the connection could undo
 * (`SET ROLE postgres`, then disable the audit trigger and rewrite the trail).
 *
 * - `lantern_app` becomes a LOGIN role (NOSUPERUSER, NOCREATEDB, NOCREATEROLE, NOREPLICATION, NOBYPASSRLS),
 *   with only the grants it had. Its password, if the deployment uses one, is set from DATABASE_URL after
 *   the migrations (`ensureAppLogin`, src/database/app-role.ts), never written here.
 *   Roles are cluster-wide and several databases (parallel test runs, developers' worktrees) migrate on one
 *   cluster at once: the role is changed only when it differs, and a concurrent creation or change of it
 *   (duplicate_object, unique_violation, or "tuple concurrently updated", an internal_error) is looked at again.
 * - Nobody but the owner creates objects in schema public (PostgreSQL 15's default; older clusters granted
 *   it to PUBLIC).
 * - Every SECURITY DEFINER function searches `pg_temp` last: with `search_path = public` alone PostgreSQL
 *   searches the session's temporary schema first, so the app role could shadow `audit_event` with a
 *   temporary table and have the owner's functions (e.g. the audit seal) write or read that instead.
 *   A test (database-boundary) checks every such function, including those of later migrations.
 */
export class AppLoginRole1795552000000 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(`DO $$
      DECLARE
        attempt int;
      BEGIN
        FOR attempt IN 1..10 LOOP
          BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lantern_app') THEN
              CREATE ROLE lantern_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
            ELSIF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lantern_app' AND rolcanlogin
                              AND NOT (rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls)) THEN
              ALTER ROLE lantern_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
            END IF;
            RETURN;
          EXCEPTION WHEN duplicate_object OR unique_violation OR internal_error THEN
            -- Another database's migration created or changed the role at the same time: look again.
            PERFORM pg_sleep(0.05 * attempt);
          END;
        END LOOP;
        RAISE EXCEPTION 'could not make lantern_app a login role';
      END $$`);
    await q.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC, lantern_app`);
    await q.query(`DO $$
      DECLARE f regprocedure;
      BEGIN
        FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
                 WHERE p.prosecdef AND p.pronamespace = 'public'::regnamespace LOOP
          EXECUTE format('ALTER FUNCTION %s SET search_path = public, pg_temp', f);
        END LOOP;
      END $$`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DO $$
      DECLARE f regprocedure;
      BEGIN
        FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
                 WHERE p.prosecdef AND p.pronamespace = 'public'::regnamespace LOOP
          EXECUTE format('ALTER FUNCTION %s SET search_path = public', f);
        END LOOP;
      END $$`);
    // The role stays a login role: other databases on the cluster may be using it.
  }
}
