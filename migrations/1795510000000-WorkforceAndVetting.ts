import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Departments, posts (with the vetting level each requires), the workforce member's department and post;
 * vetting clearances (a history: never overwritten), declarations, alerts, the outbox; the vetting rules
 * the SQL reads (synchronised from VETTING_RULES), and the one place a vetting state is computed:
 * `vetting_states_at(date)`.
 */
export class WorkforceAndVetting1795510000000 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    // --- Workforce ---
    await q.query(
      `CREATE TABLE "department" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "code" character varying(32) NOT NULL, "name" character varying(200) NOT NULL, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9a2213262c1593bffb581e382f5" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_department_code" ON "department"  ("code") `);
    await q.query(`CREATE INDEX "ix_department_name_id" ON "department"  ("name", "id") `);
    await q.query(
      `CREATE TYPE "public"."vetting_level" AS ENUM('RV', 'MV', 'NPPV1', 'NPPV2', 'NPPV3', 'CTC', 'SC', 'DV')`,
    );
    await q.query(
      `CREATE TABLE "post" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "code" character varying(32) NOT NULL, "title" character varying(200) NOT NULL, "department_id" uuid, "required_level" "public"."vetting_level", "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_be5fda3aac270b134ff9c21cdee" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_post_code" ON "post"  ("code") `);
    await q.query(`CREATE INDEX "ix_post_department" ON "post"  ("department_id") `);
    await q.query(`CREATE INDEX "ix_post_title_id" ON "post"  ("title", "id") `);
    await q.query(`ALTER TABLE "workforce_member" ADD "department_id" uuid`);
    await q.query(`ALTER TABLE "workforce_member" ADD "post_id" uuid`);
    await q.query(`CREATE INDEX "ix_workforce_member_department" ON "workforce_member"  ("department_id") `);
    await q.query(`CREATE INDEX "ix_workforce_member_post" ON "workforce_member"  ("post_id") `);
    await q.query(
      `ALTER TABLE "workforce_member" ADD CONSTRAINT "ck_workforce_member_dates" CHECK (leave_date IS NULL OR start_date IS NULL OR leave_date >= start_date)`,
    );
    await q.query(
      `ALTER TABLE "post" ADD CONSTRAINT "fk_post_department" FOREIGN KEY ("department_id") REFERENCES "department"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "workforce_member" ADD CONSTRAINT "fk_workforce_member_department" FOREIGN KEY ("department_id") REFERENCES "department"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "workforce_member" ADD CONSTRAINT "fk_workforce_member_post" FOREIGN KEY ("post_id") REFERENCES "post"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );

    // --- Clearances ---
    await q.query(
      `CREATE TABLE "vetting_clearance" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "workforce_member_id" uuid NOT NULL, "level" "public"."vetting_level" NOT NULL, "granted_on" date NOT NULL, "expires_on" date NOT NULL, "superseded_on" date, "superseded_by_id" uuid, "withdrawn_on" date, "withdrawal_reason" character varying(500), "recorded_by" uuid, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "PK_a1aa0e758019d07f0ca8c620f3c" PRIMARY KEY ("id"),
        CONSTRAINT "ck_vetting_clearance_expiry" CHECK (expires_on > granted_on),
        CONSTRAINT "ck_vetting_clearance_superseded" CHECK ((superseded_on IS NULL) = (superseded_by_id IS NULL) AND (superseded_on IS NULL OR superseded_on >= granted_on)),
        CONSTRAINT "ck_vetting_clearance_withdrawn" CHECK ((withdrawn_on IS NULL) = (withdrawal_reason IS NULL) AND (withdrawn_on IS NULL OR withdrawn_on >= granted_on)))`,
    );
    await q.query(
      `CREATE INDEX "ix_vetting_clearance_member_expiry" ON "vetting_clearance"  ("workforce_member_id", "expires_on") `,
    );
    await q.query(
      `ALTER TABLE "vetting_clearance" ADD CONSTRAINT "fk_vetting_clearance_member" FOREIGN KEY ("workforce_member_id") REFERENCES "workforce_member"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "vetting_clearance" ADD CONSTRAINT "fk_vetting_clearance_superseded_by" FOREIGN KEY ("superseded_by_id") REFERENCES "vetting_clearance"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "vetting_clearance" ADD CONSTRAINT "fk_vetting_clearance_recorded_by" FOREIGN KEY ("recorded_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );

    // --- Declarations ---
    await q.query(
      `CREATE TYPE "public"."declaration_category" AS ENUM('relationship', 'association', 'financial', 'criminal_matter', 'business_interest', 'residence', 'other')`,
    );
    await q.query(
      `CREATE TABLE "vetting_declaration" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "workforce_member_id" uuid NOT NULL, "category" "public"."declaration_category" NOT NULL, "declared_on" date NOT NULL, "description" text NOT NULL, "recorded_by" uuid, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d68c5f77a5b6e4d73f668604649" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "ix_vetting_declaration_member" ON "vetting_declaration"  ("workforce_member_id", "declared_on") `,
    );
    await q.query(
      `ALTER TABLE "vetting_declaration" ADD CONSTRAINT "fk_vetting_declaration_member" FOREIGN KEY ("workforce_member_id") REFERENCES "workforce_member"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "vetting_declaration" ADD CONSTRAINT "fk_vetting_declaration_recorded_by" FOREIGN KEY ("recorded_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );

    // --- Alerts ---
    await q.query(
      `CREATE TYPE "public"."vetting_alert_kind" AS ENUM('renewal_due', 'overdue', 'below_required', 'review_required')`,
    );
    await q.query(`CREATE TYPE "public"."vetting_alert_status" AS ENUM('open', 'acknowledged', 'resolved')`);
    await q.query(`CREATE TYPE "public"."vetting_alert_source" AS ENUM('declaration', 'misconduct_outcome')`);
    await q.query(
      `CREATE TABLE "vetting_alert" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "workforce_member_id" uuid NOT NULL, "kind" "public"."vetting_alert_kind" NOT NULL, "status" "public"."vetting_alert_status" NOT NULL DEFAULT 'open', "clearance_id" uuid, "level" "public"."vetting_level", "due_on" date NOT NULL, "source_type" "public"."vetting_alert_source", "source_id" uuid, "raised_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "acknowledged_at" TIMESTAMP WITH TIME ZONE, "acknowledged_by" uuid, "resolved_at" TIMESTAMP WITH TIME ZONE, "resolved_by" uuid, "resolution_reason" character varying(500), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "PK_eda0c848893c54404e0207590a8" PRIMARY KEY ("id"),
        CONSTRAINT "ck_vetting_alert_clearance" CHECK ((kind IN ('renewal_due', 'overdue')) = (clearance_id IS NOT NULL)),
        CONSTRAINT "ck_vetting_alert_source" CHECK ((kind = 'review_required') = (source_id IS NOT NULL) AND (source_id IS NULL) = (source_type IS NULL)),
        CONSTRAINT "ck_vetting_alert_resolved" CHECK ((status = 'resolved') = (resolved_at IS NOT NULL)))`,
    );
    await q.query(
      `CREATE INDEX "ix_vetting_alert_member" ON "vetting_alert"  ("workforce_member_id", "kind") `,
    );
    await q.query(`CREATE INDEX "ix_vetting_alert_due" ON "vetting_alert"  ("due_on", "id") `);
    // The last guards against raising an alert twice (a rerun, a retried job, two workers at once):
    // once per clearance and kind, ever; one open below_required per person; once per review source.
    await q.query(
      `CREATE UNIQUE INDEX "uq_vetting_alert_clearance_kind" ON "vetting_alert" ("clearance_id", "kind") WHERE clearance_id IS NOT NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "uq_vetting_alert_open_below_required" ON "vetting_alert" ("workforce_member_id") WHERE kind = 'below_required' AND status <> 'resolved'`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "uq_vetting_alert_source" ON "vetting_alert" ("source_type", "source_id") WHERE source_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX "ix_vetting_alert_unresolved" ON "vetting_alert" ("workforce_member_id", "kind") WHERE status <> 'resolved'`,
    );
    await q.query(
      `ALTER TABLE "vetting_alert" ADD CONSTRAINT "fk_vetting_alert_member" FOREIGN KEY ("workforce_member_id") REFERENCES "workforce_member"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "vetting_alert" ADD CONSTRAINT "fk_vetting_alert_clearance" FOREIGN KEY ("clearance_id") REFERENCES "vetting_clearance"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "vetting_alert" ADD CONSTRAINT "fk_vetting_alert_acknowledged_by" FOREIGN KEY ("acknowledged_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "vetting_alert" ADD CONSTRAINT "fk_vetting_alert_resolved_by" FOREIGN KEY ("resolved_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );

    // --- Outbox ---
    await q.query(
      `CREATE TABLE "outbox_message" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "topic" character varying(64) NOT NULL, "idempotency_key" character varying(128) NOT NULL, "payload" jsonb NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "delivered_at" TIMESTAMP WITH TIME ZONE, "last_error" character varying(500), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2f36ee5236f2793f3e7bd554589" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "uq_outbox_message_idempotency_key" ON "outbox_message"  ("idempotency_key") `,
    );
    await q.query(
      `CREATE INDEX "ix_outbox_message_pending" ON "outbox_message" ("next_attempt_at") WHERE delivered_at IS NULL`,
    );
    // Every new alert gets its outbox message in the same statement, whoever raises it (the sweep, a
    // declaration, the cases module): one statement-level trigger, set-based.
    await q.query(`CREATE FUNCTION vetting_alert_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO outbox_message (topic, idempotency_key, payload)
        SELECT 'vetting.alert.raised', 'vetting-alert-raised:' || n.id,
               jsonb_build_object('event', 'vetting.alert.raised', 'alertId', n.id, 'kind', n.kind,
                 'workforceMemberId', n.workforce_member_id, 'clearanceId', n.clearance_id, 'level', n.level,
                 'dueOn', n.due_on, 'raisedAt', n.raised_at)
        FROM new_alerts n
        ON CONFLICT (idempotency_key) DO NOTHING;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER vetting_alert_outbox AFTER INSERT ON vetting_alert
      REFERENCING NEW TABLE AS new_alerts FOR EACH STATEMENT EXECUTE FUNCTION vetting_alert_outbox()`);

    // --- Rules (synchronised from VETTING_RULES by the API and by every sweep) ---
    await q.query(`CREATE TABLE "vetting_level_rule" (
      "level" "public"."vetting_level" PRIMARY KEY,
      "renewal_months" integer NOT NULL CHECK (renewal_months > 0),
      "warning_days" integer NOT NULL CHECK (warning_days >= 0))`);
    await q.query(`CREATE TABLE "vetting_level_satisfies" (
      "held" "public"."vetting_level" NOT NULL, "required" "public"."vetting_level" NOT NULL,
      PRIMARY KEY ("held", "required"))`);
    await q.query(`INSERT INTO vetting_level_rule (level, renewal_months, warning_days) VALUES
      ('RV', 120, 90), ('MV', 84, 90), ('NPPV1', 36, 90), ('NPPV2', 36, 90), ('NPPV3', 60, 90),
      ('CTC', 60, 90), ('SC', 120, 90), ('DV', 84, 90)`);
    await q.query(`INSERT INTO vetting_level_satisfies (held, required) VALUES
      ('RV', 'RV'), ('MV', 'MV'), ('MV', 'RV'), ('NPPV1', 'NPPV1'), ('NPPV2', 'NPPV2'), ('NPPV2', 'NPPV1'),
      ('NPPV3', 'NPPV3'), ('NPPV3', 'NPPV2'), ('NPPV3', 'NPPV1'), ('CTC', 'CTC'), ('SC', 'SC'), ('SC', 'CTC'),
      ('DV', 'DV'), ('DV', 'SC'), ('DV', 'CTC')`);

    // --- The one place a vetting state is computed ---
    await q.query(
      `CREATE TYPE "public"."vetting_state" AS ENUM('up_to_date', 'renewal_due', 'overdue', 'below_required', 'none')`,
    );
    await q.query(
      `CREATE TYPE "public"."vetting_clearance_status" AS ENUM('active', 'expired', 'withdrawn', 'superseded')`,
    );
    // A clearance's status on a date, from its dates alone (history-safe).
    await q.query(`CREATE FUNCTION vetting_clearance_status(p_expires_on date, p_superseded_on date,
        p_withdrawn_on date, p_on date) RETURNS vetting_clearance_status LANGUAGE sql IMMUTABLE AS $$
      SELECT CASE
        WHEN p_withdrawn_on IS NOT NULL AND p_withdrawn_on <= p_on THEN 'withdrawn'
        WHEN p_superseded_on IS NOT NULL AND p_superseded_on <= p_on THEN 'superseded'
        WHEN p_expires_on <= p_on THEN 'expired'
        ELSE 'active' END::vetting_clearance_status
    $$`);
    // Every workforce member's vetting state on p_on. The relevant clearance is the one in force on p_on
    // (granted by then, not superseded or withdrawn by then) that meets the post's required level (any
    // level when the post requires none) and lasts longest. A SQL function of one SELECT: PostgreSQL
    // inlines it, so `WHERE workforce_member_id = $1` reaches the index.
    await q.query(`CREATE FUNCTION vetting_states_at(p_on date)
      RETURNS TABLE (workforce_member_id uuid, is_current boolean, department_id uuid, post_id uuid,
        member_type member_type, required_level vetting_level, state vetting_state, clearance_id uuid,
        clearance_level vetting_level, expires_on date)
      LANGUAGE sql STABLE AS $$
      SELECT m.id,
             (m.start_date IS NULL OR m.start_date <= p_on) AND (m.leave_date IS NULL OR m.leave_date > p_on),
             m.department_id, m.post_id, m.member_type, p.required_level,
             CASE
               WHEN b.id IS NULL THEN CASE WHEN p.required_level IS NULL THEN 'none' ELSE 'below_required' END
               WHEN b.expires_on <= p_on THEN 'overdue'
               WHEN b.expires_on - b.warning_days <= p_on THEN 'renewal_due'
               ELSE 'up_to_date'
             END::vetting_state,
             b.id, b.level, b.expires_on
      FROM workforce_member m
      LEFT JOIN post p ON p.id = m.post_id
      LEFT JOIN LATERAL (
        SELECT c.id, c.level, c.expires_on, r.warning_days
        FROM vetting_clearance c
        JOIN vetting_level_rule r ON r.level = c.level
        WHERE c.workforce_member_id = m.id
          AND c.granted_on <= p_on
          AND (c.superseded_on IS NULL OR c.superseded_on > p_on)
          AND (c.withdrawn_on IS NULL OR c.withdrawn_on > p_on)
          AND (p.required_level IS NULL OR EXISTS (
                SELECT 1 FROM vetting_level_satisfies s WHERE s.held = c.level AND s.required = p.required_level))
        ORDER BY c.expires_on DESC, c.id
        LIMIT 1
      ) b ON TRUE
    $$`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION vetting_states_at(date)`);
    await q.query(`DROP FUNCTION vetting_clearance_status(date, date, date, date)`);
    await q.query(`DROP TYPE "public"."vetting_clearance_status"`);
    await q.query(`DROP TYPE "public"."vetting_state"`);
    await q.query(`DROP TABLE "vetting_level_satisfies"`);
    await q.query(`DROP TABLE "vetting_level_rule"`);
    await q.query(`DROP TABLE "outbox_message"`);
    await q.query(`DROP TABLE "vetting_alert"`);
    await q.query(`DROP FUNCTION vetting_alert_outbox()`);
    await q.query(`DROP TYPE "public"."vetting_alert_source"`);
    await q.query(`DROP TYPE "public"."vetting_alert_status"`);
    await q.query(`DROP TYPE "public"."vetting_alert_kind"`);
    await q.query(`DROP TABLE "vetting_declaration"`);
    await q.query(`DROP TYPE "public"."declaration_category"`);
    await q.query(`DROP TABLE "vetting_clearance"`);
    await q.query(`ALTER TABLE "workforce_member" DROP CONSTRAINT "fk_workforce_member_post"`);
    await q.query(`ALTER TABLE "workforce_member" DROP CONSTRAINT "fk_workforce_member_department"`);
    await q.query(`ALTER TABLE "workforce_member" DROP CONSTRAINT "ck_workforce_member_dates"`);
    await q.query(`DROP INDEX "public"."ix_workforce_member_post"`);
    await q.query(`DROP INDEX "public"."ix_workforce_member_department"`);
    await q.query(`ALTER TABLE "workforce_member" DROP COLUMN "post_id"`);
    await q.query(`ALTER TABLE "workforce_member" DROP COLUMN "department_id"`);
    await q.query(`DROP TABLE "post"`);
    await q.query(`DROP TYPE "public"."vetting_level"`);
    await q.query(`DROP TABLE "department"`);
  }
}
