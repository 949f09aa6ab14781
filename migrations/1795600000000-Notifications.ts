import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reminders and escalation (issue 26): the worker raises a notification once per kind, record, due date and
 * recipient (`uq_notification_key`), so a restart or a Redis outage never raises or delivers one twice.
 * - `notification`: the in-app inbox (read_at), the digest it went out in (digest_on), its resolution
 *   (resolved_on: the thing it reminded of was done, or the record closed).
 * - `notification_digest`: one morning e-mail per person and day (its outbox message is written in the same
 *   transaction, key `notification-digest:<user>:<date>`).
 * Owned by the notifications module (ADR 0002).
 */
export class Notifications1795600000000 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TYPE "public"."notification_kind" AS ENUM ('subject_update_due', 'subject_update_overdue', 'complainant_update_due', 'complainant_update_overdue', 'pcc_mark_due', 'pcc_mark_passed', 'development_review_due', 'development_review_overdue', 'assessment_target_due', 'assessment_target_overdue')`,
    );
    await q.query(`CREATE TYPE "public"."notification_record_type" AS ENUM ('case', 'intelligence_report')`);
    await q.query(
      `CREATE TABLE "notification" (
         "id" uuid NOT NULL DEFAULT gen_random_uuid(),
         "kind" "public"."notification_kind" NOT NULL,
         "record_type" "public"."notification_record_type" NOT NULL,
         "record_id" uuid NOT NULL,
         "reference" character varying(40) NOT NULL,
         "due_on" date NOT NULL,
         "recipient_id" uuid NOT NULL,
         "escalated" boolean NOT NULL DEFAULT false,
         "raised_on" date NOT NULL,
         "raised_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
         "read_at" TIMESTAMP WITH TIME ZONE,
         "resolved_on" date,
         "digest_on" date,
         CONSTRAINT "pk_notification" PRIMARY KEY ("id"),
         CONSTRAINT "fk_notification_recipient" FOREIGN KEY ("recipient_id") REFERENCES "app_user"("id") ON DELETE CASCADE
       )`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "uq_notification_key" ON "notification" ("kind", "record_id", "due_on", "recipient_id")`,
    );
    await q.query(
      `CREATE INDEX "ix_notification_inbox" ON "notification" ("recipient_id", "raised_at" DESC, "id" DESC)`,
    );
    await q.query(
      `CREATE INDEX "ix_notification_open" ON "notification" ("record_id") WHERE resolved_on IS NULL`,
    );
    await q.query(
      `CREATE INDEX "ix_notification_undigested" ON "notification" ("recipient_id") WHERE digest_on IS NULL`,
    );
    await q.query(
      `CREATE TABLE "notification_digest" (
         "recipient_id" uuid NOT NULL,
         "digest_on" date NOT NULL,
         "items" integer NOT NULL,
         "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
         CONSTRAINT "pk_notification_digest" PRIMARY KEY ("recipient_id", "digest_on"),
         CONSTRAINT "fk_notification_digest_recipient" FOREIGN KEY ("recipient_id") REFERENCES "app_user"("id") ON DELETE CASCADE
       )`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "notification_digest"`);
    await q.query(`DROP TABLE "notification"`);
    await q.query(`DROP TYPE "public"."notification_record_type"`);
    await q.query(`DROP TYPE "public"."notification_kind"`);
  }
}
