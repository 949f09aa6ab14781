import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Corruption intelligence: graded reports, their subjects, links, possible duplicates, every assessment
 * version and review, and the per-year reference counter. Hand-written beyond the generated DDL: the trigger
 * that keeps `urgency_rank` (queue order) and `search_vector` (full-text search) in step with the report.
 */
export class Intelligence1795520000000 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TYPE "public"."intelligence_state" AS ENUM('received', 'in_assessment', 'awaiting_review', 'no_further_action', 'development', 'referred_to_case', 'disseminated')`,
    );
    await q.query(
      `CREATE TYPE "public"."intelligence_receipt_method" AS ENUM('in_person', 'telephone', 'email', 'letter', 'online_form', 'reporting_line', 'system_alert', 'referral', 'other')`,
    );
    await q.query(
      `CREATE TYPE "public"."intelligence_source_type" AS ENUM('colleague', 'member_of_public', 'anonymous', 'partner_agency', 'ict_monitoring', 'covert_source', 'other_force', 'complaint', 'self_declaration', 'iopc', 'other')`,
    );
    await q.query(`CREATE TYPE "public"."grading_scheme" AS ENUM('3x5x2', '5x5x5')`);
    await q.query(
      `CREATE TYPE "public"."intelligence_category" AS ENUM('abuse_of_position_sexual', 'infiltration', 'disclosure_of_information', 'perverting_justice', 'sexual_misconduct', 'drugs', 'theft_fraud', 'misuse_of_systems', 'abuse_of_authority', 'inappropriate_association', 'vulnerability', 'assisting_offenders', 'other')`,
    );
    await q.query(
      `CREATE TYPE "public"."intelligence_decision" AS ENUM('no_further_action', 'development', 'referred_to_case', 'disseminated')`,
    );
    await q.query(
      `CREATE TABLE "intelligence_report" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "reference" character varying(20) NOT NULL, "state" "public"."intelligence_state" NOT NULL DEFAULT 'received', "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, "receipt_method" "public"."intelligence_receipt_method" NOT NULL, "source_type" "public"."intelligence_source_type" NOT NULL, "source_details" text, "grading_scheme" "public"."grading_scheme" NOT NULL, "source_evaluation" character varying(1) NOT NULL, "intelligence_assessment" character varying(1) NOT NULL, "handling_code" character varying(1) NOT NULL, "handling_conditions" text, "primary_category" "public"."intelligence_category" NOT NULL, "secondary_categories" "public"."intelligence_category" array NOT NULL DEFAULT '{}', "vulnerable_person" boolean NOT NULL DEFAULT false, "vulnerable_person_note" text, "narrative" text NOT NULL, "urgency_rank" smallint NOT NULL DEFAULT '2', "search_vector" tsvector, "recorded_by" uuid NOT NULL, "assignee_id" uuid, "assigned_at" TIMESTAMP WITH TIME ZONE, "assigned_by" uuid, "submitted_at" TIMESTAMP WITH TIME ZONE, "submitted_by" uuid, "reviewed_at" TIMESTAMP WITH TIME ZONE, "reviewed_by" uuid, "decision" "public"."intelligence_decision", "review_date" date, "referred_case_id" uuid, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_intelligence_report_urgency" CHECK (urgency_rank BETWEEN 0 AND 2), CONSTRAINT "ck_intelligence_report_narrative_length" CHECK (char_length(narrative) BETWEEN 1 AND 50000), CONSTRAINT "PK_1a661878157e818b7c705cef2d9" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "uq_intelligence_report_reference" ON "intelligence_report"  ("reference") `,
    );
    await q.query(
      `CREATE INDEX "ix_intelligence_report_search" ON "intelligence_report" USING gin ("search_vector") `,
    );
    await q.query(
      `CREATE INDEX "ix_intelligence_report_assignee" ON "intelligence_report"  ("assignee_id", "state") `,
    );
    await q.query(
      `CREATE INDEX "ix_intelligence_report_received" ON "intelligence_report"  ("received_at", "id") `,
    );
    await q.query(
      `CREATE INDEX "ix_intelligence_report_open_summary" ON "intelligence_report"  ("state", "assignee_id", "received_at", "review_date") WHERE state IN ('received', 'in_assessment', 'awaiting_review', 'development')`,
    );
    await q.query(
      `CREATE INDEX "ix_intelligence_report_queue" ON "intelligence_report"  ("urgency_rank", "received_at", "id") WHERE state IN ('received', 'in_assessment', 'awaiting_review', 'development')`,
    );
    await q.query(
      `CREATE TABLE "intelligence_reference_counter" ("year" integer NOT NULL, "last_value" integer NOT NULL, CONSTRAINT "ck_intelligence_reference_counter_positive" CHECK (last_value > 0), CONSTRAINT "PK_93567feec5ee83c997229b8f538" PRIMARY KEY ("year"))`,
    );
    await q.query(
      `CREATE TYPE "public"."intelligence_subject_role" AS ENUM('subject', 'associate', 'witness', 'other')`,
    );
    await q.query(
      `CREATE TABLE "intelligence_subject" ("report_id" uuid NOT NULL, "workforce_member_id" uuid NOT NULL, "role" "public"."intelligence_subject_role" NOT NULL, CONSTRAINT "PK_9e985f9e08c951f12726434acf9" PRIMARY KEY ("report_id", "workforce_member_id"))`,
    );
    await q.query(
      `CREATE INDEX "ix_intelligence_subject_member" ON "intelligence_subject"  ("workforce_member_id", "report_id") `,
    );
    await q.query(
      `CREATE TABLE "intelligence_link" ("report_id" uuid NOT NULL, "linked_report_id" uuid NOT NULL, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_intelligence_link_not_self" CHECK (report_id <> linked_report_id), CONSTRAINT "PK_e906b1aecb33d21b5f79f14996d" PRIMARY KEY ("report_id", "linked_report_id"))`,
    );
    await q.query(
      `CREATE INDEX "ix_intelligence_link_linked" ON "intelligence_link"  ("linked_report_id", "report_id") `,
    );
    await q.query(
      `CREATE TABLE "intelligence_duplicate" ("report_id" uuid NOT NULL, "related_report_id" uuid NOT NULL, CONSTRAINT "ck_intelligence_duplicate_not_self" CHECK (report_id <> related_report_id), CONSTRAINT "PK_d596514db56e015f8b8e91c988e" PRIMARY KEY ("report_id", "related_report_id"))`,
    );
    await q.query(
      `CREATE INDEX "ix_intelligence_duplicate_related" ON "intelligence_duplicate"  ("related_report_id", "report_id") `,
    );
    await q.query(
      `CREATE TABLE "intelligence_assessment" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "report_id" uuid NOT NULL, "version_no" integer NOT NULL, "assessment_text" text NOT NULL, "recommended_decision" "public"."intelligence_decision" NOT NULL, "submitted_by" uuid NOT NULL, "submitted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a39c1fda23b6f8879706d2e417f" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "uq_intelligence_assessment_version" ON "intelligence_assessment"  ("report_id", "version_no") `,
    );
    await q.query(
      `CREATE TABLE "intelligence_review" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "report_id" uuid NOT NULL, "assessment_id" uuid NOT NULL, "decision" "public"."intelligence_decision" NOT NULL, "reason" text, "review_date" date, "case_id" uuid, "recipient" character varying(200), "reviewed_by" uuid NOT NULL, "reviewed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c5932cc94eecabda86166923776" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "ix_intelligence_review_report" ON "intelligence_review"  ("report_id", "reviewed_at") `,
    );
    await q.query(
      `ALTER TABLE "intelligence_report" ADD CONSTRAINT "fk_intelligence_report_recorded_by" FOREIGN KEY ("recorded_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "intelligence_report" ADD CONSTRAINT "fk_intelligence_report_assignee" FOREIGN KEY ("assignee_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "intelligence_subject" ADD CONSTRAINT "fk_intelligence_subject_report" FOREIGN KEY ("report_id") REFERENCES "intelligence_report"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "intelligence_subject" ADD CONSTRAINT "fk_intelligence_subject_member" FOREIGN KEY ("workforce_member_id") REFERENCES "workforce_member"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "intelligence_link" ADD CONSTRAINT "fk_intelligence_link_report" FOREIGN KEY ("report_id") REFERENCES "intelligence_report"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "intelligence_link" ADD CONSTRAINT "fk_intelligence_link_linked" FOREIGN KEY ("linked_report_id") REFERENCES "intelligence_report"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "intelligence_duplicate" ADD CONSTRAINT "fk_intelligence_duplicate_report" FOREIGN KEY ("report_id") REFERENCES "intelligence_report"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "intelligence_duplicate" ADD CONSTRAINT "fk_intelligence_duplicate_related" FOREIGN KEY ("related_report_id") REFERENCES "intelligence_report"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "intelligence_assessment" ADD CONSTRAINT "fk_intelligence_assessment_report" FOREIGN KEY ("report_id") REFERENCES "intelligence_report"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "intelligence_assessment" ADD CONSTRAINT "fk_intelligence_assessment_submitted_by" FOREIGN KEY ("submitted_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "intelligence_review" ADD CONSTRAINT "fk_intelligence_review_report" FOREIGN KEY ("report_id") REFERENCES "intelligence_report"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "intelligence_review" ADD CONSTRAINT "fk_intelligence_review_assessment" FOREIGN KEY ("assessment_id") REFERENCES "intelligence_assessment"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "intelligence_review" ADD CONSTRAINT "fk_intelligence_review_reviewed_by" FOREIGN KEY ("reviewed_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );

    await q.query(`CREATE FUNCTION intelligence_report_derive() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE apsp boolean;
      BEGIN
        apsp := NEW.primary_category = 'abuse_of_position_sexual'
             OR 'abuse_of_position_sexual' = ANY (NEW.secondary_categories);
        NEW.urgency_rank := CASE
          WHEN NEW.vulnerable_person AND apsp THEN 0
          WHEN NEW.vulnerable_person OR apsp THEN 1
          ELSE 2 END;
        IF TG_OP = 'INSERT' OR NEW.narrative IS DISTINCT FROM OLD.narrative
           OR NEW.reference IS DISTINCT FROM OLD.reference THEN
          NEW.search_vector := setweight(to_tsvector('simple', NEW.reference), 'A')
                            || setweight(to_tsvector('english', NEW.narrative), 'B');
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(
      `CREATE TRIGGER intelligence_report_derive BEFORE INSERT OR UPDATE ON intelligence_report FOR EACH ROW EXECUTE FUNCTION intelligence_report_derive()`,
    );
    // Assessment versions and reviews are a record of what was decided: never changed or removed by the app.
    await q.query(`REVOKE UPDATE, DELETE ON intelligence_assessment, intelligence_review FROM lantern_app`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER intelligence_report_derive ON intelligence_report`);
    await q.query(`DROP FUNCTION intelligence_report_derive()`);
    await q.query(`ALTER TABLE "intelligence_review" DROP CONSTRAINT "fk_intelligence_review_reviewed_by"`);
    await q.query(`ALTER TABLE "intelligence_review" DROP CONSTRAINT "fk_intelligence_review_assessment"`);
    await q.query(`ALTER TABLE "intelligence_review" DROP CONSTRAINT "fk_intelligence_review_report"`);
    await q.query(
      `ALTER TABLE "intelligence_assessment" DROP CONSTRAINT "fk_intelligence_assessment_submitted_by"`,
    );
    await q.query(
      `ALTER TABLE "intelligence_assessment" DROP CONSTRAINT "fk_intelligence_assessment_report"`,
    );
    await q.query(`ALTER TABLE "intelligence_duplicate" DROP CONSTRAINT "fk_intelligence_duplicate_related"`);
    await q.query(`ALTER TABLE "intelligence_duplicate" DROP CONSTRAINT "fk_intelligence_duplicate_report"`);
    await q.query(`ALTER TABLE "intelligence_link" DROP CONSTRAINT "fk_intelligence_link_linked"`);
    await q.query(`ALTER TABLE "intelligence_link" DROP CONSTRAINT "fk_intelligence_link_report"`);
    await q.query(`ALTER TABLE "intelligence_subject" DROP CONSTRAINT "fk_intelligence_subject_member"`);
    await q.query(`ALTER TABLE "intelligence_subject" DROP CONSTRAINT "fk_intelligence_subject_report"`);
    await q.query(`ALTER TABLE "intelligence_report" DROP CONSTRAINT "fk_intelligence_report_assignee"`);
    await q.query(`ALTER TABLE "intelligence_report" DROP CONSTRAINT "fk_intelligence_report_recorded_by"`);
    await q.query(`DROP INDEX "public"."ix_intelligence_review_report"`);
    await q.query(`DROP TABLE "intelligence_review"`);
    await q.query(`DROP INDEX "public"."uq_intelligence_assessment_version"`);
    await q.query(`DROP TABLE "intelligence_assessment"`);
    await q.query(`DROP INDEX "public"."ix_intelligence_duplicate_related"`);
    await q.query(`DROP TABLE "intelligence_duplicate"`);
    await q.query(`DROP INDEX "public"."ix_intelligence_link_linked"`);
    await q.query(`DROP TABLE "intelligence_link"`);
    await q.query(`DROP INDEX "public"."ix_intelligence_subject_member"`);
    await q.query(`DROP TABLE "intelligence_subject"`);
    await q.query(`DROP TYPE "public"."intelligence_subject_role"`);
    await q.query(`DROP TABLE "intelligence_reference_counter"`);
    await q.query(`DROP INDEX "public"."ix_intelligence_report_queue"`);
    await q.query(`DROP INDEX "public"."ix_intelligence_report_open_summary"`);
    await q.query(`DROP INDEX "public"."ix_intelligence_report_received"`);
    await q.query(`DROP INDEX "public"."ix_intelligence_report_assignee"`);
    await q.query(`DROP INDEX "public"."ix_intelligence_report_search"`);
    await q.query(`DROP INDEX "public"."uq_intelligence_report_reference"`);
    await q.query(`DROP TABLE "intelligence_report"`);
    await q.query(`DROP TYPE "public"."intelligence_decision"`);
    await q.query(`DROP TYPE "public"."intelligence_category"`);
    await q.query(`DROP TYPE "public"."grading_scheme"`);
    await q.query(`DROP TYPE "public"."intelligence_source_type"`);
    await q.query(`DROP TYPE "public"."intelligence_receipt_method"`);
    await q.query(`DROP TYPE "public"."intelligence_state"`);
  }
}
