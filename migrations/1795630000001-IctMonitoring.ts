import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 29, ICT access monitoring (docs/monitoring.md):
 * - `monitoring_source`: the force systems that send events, each with its own API key (SHA-256 of a 256-bit
 *   random key; the key itself is shown once).
 * - `monitoring_access_event`, `monitoring_contact_event`: partitioned by London day on `occurred_at`
 *   (declarative RANGE partitioning); partitions are made ahead by `monitoring_ensure_partitions` (SECURITY
 *   DEFINER: the app cannot CREATE) and dropped past the retention period by `monitoring_drop_partitions`.
 *   Idempotency per (source, event id): a unique index on a partitioned table must contain the partition key,
 *   so the key is (source_id, event_id, occurred_at): an event sent again with the same time is ignored.
 * - `monitoring_rule`: each rule's thresholds and plain-language reason, disabled until a supervisor enables it.
 * - `monitoring_flag`: at most one per (rule, member, window_start).
 * - `monitoring_declared_association`: people a member has declared an association with (vetting declarations
 *   carry free text only), matched to the person references the force systems use.
 * - `monitoring_state`: the worker's watermark (events loaded up to when have been evaluated).
 * - A system user, `ict-monitoring@system.lantern` (no roles, disabled), records the leads the worker raises.
 */
export class IctMonitoring1795630000001 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TYPE "public"."monitoring_access_action" AS ENUM('view', 'search', 'print', 'export')`,
    );
    await q.query(
      `CREATE TYPE "public"."monitoring_contact_channel" AS ENUM('call', 'message', 'email', 'visit')`,
    );
    await q.query(
      `CREATE TYPE "public"."monitoring_rule_code" AS ENUM('self_lookup', 'declared_association', 'vulnerable_repeat_access', 'vulnerable_contact', 'out_of_hours_burst')`,
    );
    await q.query(`CREATE TABLE "monitoring_source" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
      "name" varchar(100) NOT NULL,
      "key_hash" bytea NOT NULL,
      "key_prefix" varchar(12) NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "created_by" uuid REFERENCES "app_user"("id"),
      "rotated_at" timestamptz,
      "revoked_at" timestamptz,
      CONSTRAINT "uq_monitoring_source_name" UNIQUE ("name"))`);
    await q.query(`CREATE UNIQUE INDEX "uq_monitoring_source_key" ON "monitoring_source" ("key_hash")`);
    await q.query(`CREATE SEQUENCE "monitoring_event_seq"`);
    await q.query(`CREATE TABLE "monitoring_access_event" (
      "source_id" uuid NOT NULL,
      "event_id" varchar(200) NOT NULL,
      "occurred_at" timestamptz NOT NULL,
      "member_id" uuid,
      "user_ref" varchar(100) NOT NULL,
      "action" "public"."monitoring_access_action" NOT NULL,
      "record_type" varchar(100) NOT NULL,
      "record_id" varchar(200) NOT NULL,
      "incident_ref" varchar(200),
      "people" jsonb NOT NULL DEFAULT '[]',
      "vulnerable" boolean NOT NULL DEFAULT false,
      "loaded_at" timestamptz NOT NULL DEFAULT now()
    ) PARTITION BY RANGE ("occurred_at")`);
    await q.query(`CREATE TABLE "monitoring_contact_event" (
      "source_id" uuid NOT NULL,
      "event_id" varchar(200) NOT NULL,
      "occurred_at" timestamptz NOT NULL,
      "member_id" uuid,
      "user_ref" varchar(100) NOT NULL,
      "channel" "public"."monitoring_contact_channel" NOT NULL,
      "incident_ref" varchar(200),
      "people" jsonb NOT NULL DEFAULT '[]',
      "vulnerable" boolean NOT NULL DEFAULT false,
      "loaded_at" timestamptz NOT NULL DEFAULT now()
    ) PARTITION BY RANGE ("occurred_at")`);
    for (const table of ['monitoring_access_event', 'monitoring_contact_event']) {
      await q.query(
        `CREATE UNIQUE INDEX "uq_${table}" ON "${table}" ("source_id", "event_id", "occurred_at")`,
      );
      await q.query(`CREATE INDEX "ix_${table}_member" ON "${table}" ("member_id", "occurred_at")`);
      await q.query(`CREATE INDEX "ix_${table}_loaded" ON "${table}" ("loaded_at")`);
    }
    await q.query(`CREATE TABLE "monitoring_rule" (
      "code" "public"."monitoring_rule_code" NOT NULL PRIMARY KEY,
      "enabled" boolean NOT NULL DEFAULT false,
      "thresholds" jsonb NOT NULL,
      "reason" varchar(500) NOT NULL,
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      "updated_by" uuid REFERENCES "app_user"("id"),
      "version" integer NOT NULL DEFAULT 1)`);
    await q.query(`INSERT INTO monitoring_rule (code, thresholds, reason) VALUES
      ('self_lookup', '{"minEvents": 1}', 'Looked up records naming themselves'),
      ('declared_association', '{"minEvents": 1}', 'Looked up records of a person they have declared an association with'),
      ('vulnerable_repeat_access', '{"minDays": 3, "windowDays": 14}', 'Repeatedly accessed the records of the same vulnerable person with no duty link (no incident or investigation involving them)'),
      ('vulnerable_contact', '{"minEvents": 1}', 'Contacted a vulnerable victim outside any incident'),
      ('out_of_hours_burst', '{"minEvents": 50, "startHour": 22, "endHour": 6}', 'Ran a burst of searches or exports out of hours')`);
    await q.query(`CREATE TABLE "monitoring_flag" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
      "rule_code" "public"."monitoring_rule_code" NOT NULL,
      "member_id" uuid NOT NULL REFERENCES "workforce_member"("id"),
      "window_start" date NOT NULL,
      "window_end" date NOT NULL,
      "reason" varchar(500) NOT NULL,
      "event_count" integer NOT NULL,
      "events" jsonb NOT NULL,
      "report_id" uuid REFERENCES "intelligence_report"("id"),
      "raised_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "uq_monitoring_flag" UNIQUE ("rule_code", "member_id", "window_start"))`);
    await q.query(`CREATE INDEX "ix_monitoring_flag_raised" ON "monitoring_flag" ("raised_at", "id")`);
    await q.query(
      `CREATE INDEX "ix_monitoring_flag_unreported" ON "monitoring_flag" ("raised_at") WHERE report_id IS NULL`,
    );
    await q.query(`CREATE TABLE "monitoring_declared_association" (
      "id" uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
      "member_id" uuid NOT NULL REFERENCES "workforce_member"("id"),
      "person_ref" varchar(200) NOT NULL,
      "declared_on" date NOT NULL,
      CONSTRAINT "uq_monitoring_declared_association" UNIQUE ("member_id", "person_ref"))`);
    await q.query(`CREATE TABLE "monitoring_state" (
      "id" integer NOT NULL PRIMARY KEY CHECK (id = 1),
      "evaluated_to" timestamptz NOT NULL)`);
    await q.query(`INSERT INTO monitoring_state (id, evaluated_to) VALUES (1, '1970-01-01T00:00:00Z')`);
    await q.query(`INSERT INTO app_user (email, display_name, roles, password_hash, enabled)
      VALUES ('ict-monitoring@system.lantern', 'ICT monitoring (system)', '{}', '!', false)`);
    await q.query(`CREATE OR REPLACE FUNCTION public.monitoring_ensure_partitions(p_from date, p_to date)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
DECLARE
  d date;
  t text;
  made integer := 0;
BEGIN
  IF p_to - p_from > 366 THEN
    RAISE EXCEPTION 'monitoring_ensure_partitions: at most 366 days at once';
  END IF;
  d := p_from;
  WHILE d <= p_to LOOP
    FOREACH t IN ARRAY ARRAY['monitoring_access_event', 'monitoring_contact_event'] LOOP
      IF to_regclass(format('public.%I', t || '_' || to_char(d, 'YYYYMMDD'))) IS NULL THEN
        EXECUTE format('CREATE TABLE IF NOT EXISTS public.%I PARTITION OF public.%I FOR VALUES FROM (%L) TO (%L)',
          t || '_' || to_char(d, 'YYYYMMDD'), t,
          d::timestamp AT TIME ZONE 'Europe/London', (d + 1)::timestamp AT TIME ZONE 'Europe/London');
        made := made + 1;
      END IF;
    END LOOP;
    d := d + 1;
  END LOOP;
  RETURN made;
END $function$
`);
    await q.query(`CREATE OR REPLACE FUNCTION public.monitoring_drop_partitions(p_before date)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
DECLARE
  part record;
  dropped integer := 0;
BEGIN
  FOR part IN
    SELECT c.relname
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
      JOIN pg_class p ON p.oid = i.inhparent
     WHERE p.relname IN ('monitoring_access_event', 'monitoring_contact_event')
       AND c.relname ~ '_[0-9]{8}$'
       AND to_date(right(c.relname, 8), 'YYYYMMDD') < p_before
  LOOP
    EXECUTE format('DROP TABLE public.%I', part.relname);
    dropped := dropped + 1;
  END LOOP;
  RETURN dropped;
END $function$
`);
    for (const fn of ['monitoring_ensure_partitions(date, date)', 'monitoring_drop_partitions(date)']) {
      await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await q.query(`GRANT EXECUTE ON FUNCTION ${fn} TO lantern_app`);
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION monitoring_drop_partitions(date)`);
    await q.query(`DROP FUNCTION monitoring_ensure_partitions(date, date)`);
    await q.query(`DELETE FROM app_user WHERE email = 'ict-monitoring@system.lantern'`);
    for (const t of [
      'monitoring_state',
      'monitoring_declared_association',
      'monitoring_flag',
      'monitoring_rule',
      'monitoring_contact_event',
      'monitoring_access_event',
      'monitoring_source',
    ])
      await q.query(`DROP TABLE "${t}"`);
    await q.query(`DROP SEQUENCE "monitoring_event_seq"`);
    await q.query(`DROP TYPE "public"."monitoring_rule_code"`);
    await q.query(`DROP TYPE "public"."monitoring_contact_channel"`);
    await q.query(`DROP TYPE "public"."monitoring_access_action"`);
  }
}
