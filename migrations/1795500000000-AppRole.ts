import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The role the application runs as (it logs in as it since migration 1795552000000). Migrations run as the
 * owner; the app gets DML on tables by default, and later migrations take away what it must not do
 * (e.g. UPDATE/DELETE/TRUNCATE on the audit trail).
 */
export class AppRole1795500000000 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    // Roles are cluster-wide: another database migrating at the same time may create it first.
    await q.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lantern_app') THEN
        CREATE ROLE lantern_app NOLOGIN;
      END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END $$`);
    await q.query(`GRANT USAGE ON SCHEMA public TO lantern_app`);
    await q.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO lantern_app`,
    );
    await q.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO lantern_app`,
    );
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO lantern_app`);
    // The role must be grantable to whoever the app logs in as (in development: the superuser).
    await q.query(
      `DO $$ BEGIN EXECUTE format('GRANT lantern_app TO %I', current_user); EXCEPTION WHEN others THEN NULL; END $$`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM lantern_app`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM lantern_app`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON FUNCTIONS FROM lantern_app`);
    await q.query(`REVOKE USAGE ON SCHEMA public FROM lantern_app`);
  }
}
