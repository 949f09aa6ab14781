import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Advisory lock key that serialises appends to the audit chain (only from insert to commit). */
const AUDIT_CHAIN_LOCK = 7_461_626_001;

/** Users, sessions, the minimal workforce record users link to, and the tamper-evident audit trail. */
export class IdentityAndAudit1795500001000 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TYPE "public"."member_type" AS ENUM('officer', 'staff', 'special_constable', 'pcso', 'volunteer', 'contractor')`,
    );
    await q.query(
      `CREATE TABLE "workforce_member" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "member_type" "public"."member_type" NOT NULL, "staff_number" character varying(32) NOT NULL, "given_name" character varying(100) NOT NULL, "family_name" character varying(100) NOT NULL, "rank_or_grade" character varying(100), "start_date" date, "leave_date" date, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_986f8e9ca6bb3d1eb457801d1d5" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "uq_workforce_member_staff_number" ON "workforce_member"  ("staff_number") `,
    );
    await q.query(
      `CREATE TYPE "public"."user_role" AS ENUM('analyst', 'supervisor', 'vetting_officer', 'auditor', 'admin')`,
    );
    await q.query(
      `CREATE TABLE "app_user" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" character varying(254) NOT NULL, "display_name" character varying(200) NOT NULL, "roles" "public"."user_role" array NOT NULL, "password_hash" text NOT NULL, "enabled" boolean NOT NULL DEFAULT true, "workforce_member_id" uuid, "failed_logins" integer NOT NULL DEFAULT '0', "locked_until" TIMESTAMP WITH TIME ZONE, "auth_version" integer NOT NULL DEFAULT '1', "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_22a5c4a3d9b2fb8e4e73fc4ada1" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_app_user_email" ON "app_user"  ("email") `);
    await q.query(
      `CREATE TABLE "auth_session" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_reason" character varying(32), "client_address" character varying(64), CONSTRAINT "PK_19354ed146424a728c1112a8cbf" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_auth_session_user" ON "auth_session"  ("user_id") `);
    await q.query(
      `CREATE TABLE "refresh_token" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "session_id" uuid NOT NULL, "token_hash" character(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_b575dd3c21fb0831013c909e7fe" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_refresh_token_session" ON "refresh_token"  ("session_id") `);
    await q.query(`CREATE UNIQUE INDEX "uq_refresh_token_hash" ON "refresh_token"  ("token_hash") `);
    await q.query(
      `ALTER TABLE "app_user" ADD CONSTRAINT "fk_app_user_workforce_member" FOREIGN KEY ("workforce_member_id") REFERENCES "workforce_member"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "auth_session" ADD CONSTRAINT "fk_auth_session_user" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "refresh_token" ADD CONSTRAINT "fk_refresh_token_session" FOREIGN KEY ("session_id") REFERENCES "auth_session"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );

    // The audit trail: append-only, hash-chained. Each row's hash covers its content and the previous
    // row's hash; seq is gap-free (taken under the chain lock, so a rolled-back insert leaves no hole).
    await q.query(`CREATE TYPE "public"."audit_outcome" AS ENUM('allowed', 'denied', 'failed')`);
    await q.query(`CREATE TABLE "audit_event" (
      "seq" bigint NOT NULL DEFAULT 0,
      "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(),
      "user_id" uuid,
      "roles" text array NOT NULL DEFAULT '{}',
      "action" character varying(64) NOT NULL,
      "resource_type" character varying(64) NOT NULL,
      "resource_id" character varying(64),
      "subject_ids" uuid array NOT NULL DEFAULT '{}',
      "outcome" "public"."audit_outcome" NOT NULL,
      "request_id" character varying(128),
      "client_address" character varying(64),
      "details" jsonb NOT NULL DEFAULT '{}',
      "prev_hash" bytea NOT NULL DEFAULT '\\x',
      "hash" bytea NOT NULL DEFAULT '\\x',
      CONSTRAINT "pk_audit_event" PRIMARY KEY ("seq"))`);
    await q.query(`CREATE INDEX "ix_audit_event_user" ON "audit_event" ("user_id", "seq")`);
    await q.query(
      `CREATE INDEX "ix_audit_event_resource" ON "audit_event" ("resource_type", "resource_id", "seq")`,
    );
    await q.query(`CREATE INDEX "ix_audit_event_subjects" ON "audit_event" USING gin ("subject_ids")`);
    await q.query(`CREATE INDEX "ix_audit_event_occurred_at" ON "audit_event" ("occurred_at")`);

    await q.query(`CREATE FUNCTION audit_event_digest(e audit_event) RETURNS bytea
      LANGUAGE sql IMMUTABLE AS $$
        SELECT sha256(e.prev_hash || convert_to(jsonb_build_array(
          e.seq, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), e.user_id, e.roles,
          e.action, e.resource_type, e.resource_id, e.subject_ids, e.outcome, e.request_id, e.client_address,
          e.details)::text, 'UTF8'))
      $$`);
    // One insert per statement (the AuditService's way): the lock is held from the insert to the commit,
    // so audited transactions insert their audit row last.
    await q.query(`CREATE FUNCTION audit_event_chain() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      DECLARE last_seq bigint; last_hash bytea;
      BEGIN
        PERFORM pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK});
        SELECT seq, hash INTO last_seq, last_hash FROM audit_event ORDER BY seq DESC LIMIT 1;
        NEW.seq := COALESCE(last_seq, 0) + 1;
        NEW.occurred_at := clock_timestamp();
        NEW.prev_hash := COALESCE(last_hash, decode(repeat('00', 32), 'hex'));
        NEW.hash := audit_event_digest(NEW);
        RETURN NEW;
      END $$`);
    await q.query(
      `CREATE TRIGGER audit_event_chain BEFORE INSERT ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_event_chain()`,
    );
    await q.query(`CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(
      `CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()`,
    );
    await q.query(
      `CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()`,
    );
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM PUBLIC, lantern_app`);
    await q.query(`GRANT SELECT, INSERT ON audit_event TO lantern_app`);

    // The first sequence number where the chain fails, and why; no row when the chain is whole.
    await q.query(`CREATE FUNCTION audit_verify() RETURNS TABLE (seq bigint, problem text, checked bigint)
      LANGUAGE sql STABLE AS $$
        WITH chain AS (
          SELECT e.seq, e.prev_hash, e.hash, audit_event_digest(e) AS digest,
                 lag(e.seq) OVER w AS prev_seq, lag(e.hash) OVER w AS prev_stored
          FROM audit_event e WINDOW w AS (ORDER BY e.seq)
        ), verdict AS (
          SELECT CASE
                   WHEN c.seq <> COALESCE(c.prev_seq, 0) + 1 THEN COALESCE(c.prev_seq, 0) + 1
                   ELSE c.seq END AS seq,
                 CASE
                   WHEN c.seq <> COALESCE(c.prev_seq, 0) + 1 THEN 'missing'
                   WHEN c.prev_hash <> COALESCE(c.prev_stored, decode(repeat('00', 32), 'hex')) THEN 'broken_link'
                   WHEN c.hash <> c.digest THEN 'altered'
                 END AS problem
          FROM chain c
        )
        SELECT v.seq, v.problem, (SELECT count(*) FROM audit_event) FROM verdict v
        WHERE v.problem IS NOT NULL ORDER BY v.seq LIMIT 1
      $$`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION audit_verify()`);
    await q.query(`DROP TABLE "audit_event"`);
    await q.query(`DROP FUNCTION audit_event_append_only()`);
    await q.query(`DROP FUNCTION audit_event_chain()`);
    await q.query(`DROP FUNCTION audit_event_digest(audit_event)`);
    await q.query(`DROP TYPE "public"."audit_outcome"`);

    await q.query(`ALTER TABLE "refresh_token" DROP CONSTRAINT "fk_refresh_token_session"`);
    await q.query(`ALTER TABLE "auth_session" DROP CONSTRAINT "fk_auth_session_user"`);
    await q.query(`ALTER TABLE "app_user" DROP CONSTRAINT "fk_app_user_workforce_member"`);
    await q.query(`DROP INDEX "public"."uq_refresh_token_hash"`);
    await q.query(`DROP INDEX "public"."ix_refresh_token_session"`);
    await q.query(`DROP TABLE "refresh_token"`);
    await q.query(`DROP INDEX "public"."ix_auth_session_user"`);
    await q.query(`DROP TABLE "auth_session"`);
    await q.query(`DROP INDEX "public"."uq_app_user_email"`);
    await q.query(`DROP TABLE "app_user"`);
    await q.query(`DROP TYPE "public"."user_role"`);
    await q.query(`DROP INDEX "public"."uq_workforce_member_staff_number"`);
    await q.query(`DROP TABLE "workforce_member"`);
    await q.query(`DROP TYPE "public"."member_type"`);
  }
}
