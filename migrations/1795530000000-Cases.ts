import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cases, IOPC referrals, per-subject outcomes, severity history and the case timeline. Financial years
 * and timeliness dates are kept by triggers so that figures are plain SQL aggregates over indexed columns.
 */
export class Cases1795530000000 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "case_reference_counter" ("year" integer NOT NULL, "last_value" integer NOT NULL, CONSTRAINT "PK_d968fa00d1db46027ab7577f424" PRIMARY KEY ("year"))`,
    );
    await q.query(
      `CREATE TYPE "public"."case_type" AS ENUM('criminal', 'misconduct', 'criminal_and_misconduct')`,
    );
    await q.query(
      `CREATE TYPE "public"."case_matter_type" AS ENUM('complaint', 'conduct_matter', 'recordable_conduct_matter')`,
    );
    await q.query(
      `CREATE TYPE "public"."case_status" AS ENUM('open', 'under_investigation', 'suspended', 'awaiting_outcome', 'closed')`,
    );
    await q.query(
      `CREATE TYPE "public"."case_category" AS ENUM('abuse_of_position_sexual', 'infiltration', 'disclosure_of_information', 'perverting_justice', 'sexual_misconduct', 'drugs', 'theft_fraud', 'misuse_of_systems', 'abuse_of_authority', 'inappropriate_association', 'vulnerability', 'assisting_offenders', 'other')`,
    );
    await q.query(
      `CREATE TYPE "public"."case_breach_type" AS ENUM('honesty_and_integrity', 'authority_respect_courtesy', 'equality_and_diversity', 'use_of_force', 'orders_and_instructions', 'duties_and_responsibilities', 'confidentiality', 'fitness_for_work', 'discreditable_conduct', 'challenging_and_reporting')`,
    );
    await q.query(
      `CREATE TYPE "public"."referral_criterion" AS ENUM('apsp_or_improper_relationship', 'serious_corruption', 'serious_sexual_offence', 'serious_assault', 'death_or_serious_injury', 'discrimination_aggravated', 'relevant_offence', 'chief_officer', 'same_incident')`,
    );
    await q.query(
      `CREATE TYPE "public"."case_severity" AS ENUM('no_misconduct', 'practice_requiring_improvement', 'misconduct', 'gross_misconduct')`,
    );
    await q.query(
      `CREATE TABLE "case_record" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "reference" character varying(20) NOT NULL, "reference_year" integer NOT NULL, "reference_number" integer NOT NULL, "case_type" "public"."case_type" NOT NULL, "matter_type" "public"."case_matter_type" NOT NULL, "status" "public"."case_status" NOT NULL DEFAULT 'open', "suspended_from" "public"."case_status", "suspension_reason" text, "allegation_summary" text NOT NULL, "primary_category" "public"."case_category" NOT NULL, "categories" "public"."case_category" array NOT NULL, "breach_type" "public"."case_breach_type", "referral_facts" "public"."referral_criterion" array NOT NULL DEFAULT '{}', "referral_criteria_met" "public"."referral_criterion" array NOT NULL DEFAULT '{}', "referral_required" boolean NOT NULL DEFAULT false, "no_referral_reason" text, "no_referral_by" uuid, "no_referral_at" TIMESTAMP WITH TIME ZONE, "investigator_id" uuid, "supervisor_id" uuid, "severity" "public"."case_severity", "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "recorded_financial_year" integer NOT NULL, "investigation_started_at" TIMESTAMP WITH TIME ZONE, "finalised_at" TIMESTAMP WITH TIME ZONE, "finalised_financial_year" integer, "ever_suspended" boolean NOT NULL DEFAULT false, "last_update_at" TIMESTAMP WITH TIME ZONE, "next_update_due" date NOT NULL, "pcc_report_due" date NOT NULL, "barred_list_reminder_at" TIMESTAMP WITH TIME ZONE, "created_by" uuid NOT NULL, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c690854c14a2669a8ea6deb7e5c" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_case_record_reference" ON "case_record"  ("reference") `);
    await q.query(
      `CREATE UNIQUE INDEX "uq_case_record_year_number" ON "case_record"  ("reference_year", "reference_number") `,
    );
    await q.query(
      `CREATE INDEX "ix_case_record_finalised_fy" ON "case_record"  ("finalised_financial_year", "case_type") `,
    );
    await q.query(
      `CREATE INDEX "ix_case_record_recorded_fy" ON "case_record"  ("recorded_financial_year", "case_type") `,
    );
    await q.query(
      `CREATE INDEX "ix_case_record_investigator" ON "case_record"  ("investigator_id", "recorded_at", "id") `,
    );
    await q.query(
      `CREATE INDEX "ix_case_record_status_recorded" ON "case_record"  ("status", "recorded_at", "id") `,
    );
    await q.query(`CREATE INDEX "ix_case_record_recorded" ON "case_record"  ("recorded_at", "id") `);
    await q.query(
      `CREATE TABLE "case_subject" ("case_id" uuid NOT NULL, "workforce_member_id" uuid NOT NULL, "added_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_7400b41a26c8174763df60b0f45" PRIMARY KEY ("case_id", "workforce_member_id"))`,
    );
    await q.query(`CREATE INDEX "ix_case_subject_member" ON "case_subject"  ("workforce_member_id") `);
    await q.query(
      `CREATE TABLE "case_intelligence" ("case_id" uuid NOT NULL, "report_id" uuid NOT NULL, "linked_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a7a025fbdbb7774b4b172531c8d" PRIMARY KEY ("case_id", "report_id"))`,
    );
    await q.query(`CREATE INDEX "ix_case_intelligence_report" ON "case_intelligence"  ("report_id") `);
    await q.query(
      `CREATE TABLE "case_severity_assessment" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "case_id" uuid NOT NULL, "severity" "public"."case_severity" NOT NULL, "reason" text NOT NULL, "assessed_by" uuid NOT NULL, "assessed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e47dfb7d29c3fe36129ac5a3f47" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "ix_case_severity_assessment_case" ON "case_severity_assessment"  ("case_id", "assessed_at") `,
    );
    await q.query(
      `CREATE TYPE "public"."case_event_kind" AS ENUM('created', 'updated', 'severity_assessed', 'status_changed', 'referral_recorded', 'referral_decision', 'no_referral_recorded', 'update_given', 'outcome_recorded', 'note_added', 'barred_list_reminder', 'intelligence_linked')`,
    );
    await q.query(
      `CREATE TABLE "case_event" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "case_id" uuid NOT NULL, "kind" "public"."case_event_kind" NOT NULL, "actor_id" uuid, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), "details" jsonb NOT NULL DEFAULT '{}', "note" text, CONSTRAINT "PK_5b6e18b2d4fd178711a2269645e" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_case_event_case" ON "case_event"  ("case_id", "occurred_at", "id") `);
    await q.query(`CREATE TYPE "public"."referral_basis" AS ENUM('mandatory', 'voluntary')`);
    await q.query(
      `CREATE TYPE "public"."iopc_decision" AS ENUM('independent', 'directed', 'local', 'returned')`,
    );
    await q.query(
      `CREATE TABLE "iopc_referral" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "case_id" uuid NOT NULL, "referred_on" date NOT NULL, "referred_financial_year" integer NOT NULL, "basis" "public"."referral_basis" NOT NULL, "criteria" "public"."referral_criterion" array NOT NULL DEFAULT '{}', "reason" text, "iopc_reference" character varying(64), "decision" "public"."iopc_decision", "decided_on" date, "recorded_by" uuid NOT NULL, "decision_recorded_by" uuid, "decision_recorded_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_39a3e53f360d8223379aba472ec" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_iopc_referral_case" ON "iopc_referral"  ("case_id") `);
    await q.query(
      `CREATE INDEX "ix_iopc_referral_fy" ON "iopc_referral"  ("referred_financial_year", "decision") `,
    );
    await q.query(
      `CREATE TYPE "public"."criminal_outcome" AS ENUM('no_further_action', 'charged', 'convicted', 'acquitted', 'caution', 'ongoing')`,
    );
    await q.query(`CREATE TYPE "public"."misconduct_finding" AS ENUM('no_case_to_answer', 'case_to_answer')`);
    await q.query(
      `CREATE TYPE "public"."misconduct_proceedings" AS ENUM('misconduct_meeting', 'misconduct_hearing', 'accelerated_hearing')`,
    );
    await q.query(`CREATE TYPE "public"."proceedings_result" AS ENUM('proven', 'not_proven')`);
    await q.query(
      `CREATE TYPE "public"."misconduct_outcome" AS ENUM('no_further_action', 'management_advice', 'reflective_practice', 'written_warning', 'final_written_warning', 'reduction_in_rank', 'dismissal_with_notice', 'dismissal_without_notice')`,
    );
    await q.query(`CREATE TYPE "public"."conduct_regime" AS ENUM('2012', '2020')`);
    await q.query(
      `CREATE TYPE "public"."allegation_result" AS ENUM('substantiated', 'unsubstantiated', 'unfounded', 'malicious_or_vexatious')`,
    );
    await q.query(`CREATE TYPE "public"."left_service" AS ENUM('resigned', 'retired')`);
    await q.query(
      `CREATE TABLE "case_subject_outcome" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "case_id" uuid NOT NULL, "workforce_member_id" uuid NOT NULL, "member_type" "public"."member_type" NOT NULL, "criminal_outcome" "public"."criminal_outcome", "misconduct_finding" "public"."misconduct_finding", "proceedings" "public"."misconduct_proceedings", "proceedings_result" "public"."proceedings_result", "misconduct_outcome" "public"."misconduct_outcome", "regime" "public"."conduct_regime", "allegation_result" "public"."allegation_result", "left_service" "public"."left_service", "left_service_on" date, "would_have_been_dismissed" boolean NOT NULL DEFAULT false, "barred_list_on" date, "advisory_list_on" date, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "recorded_financial_year" integer NOT NULL, "finalised_at" TIMESTAMP WITH TIME ZONE, "finalised_financial_year" integer, "recorded_by" uuid NOT NULL, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_38bf2db847d2433ea3f3af4f72a" PRIMARY KEY ("case_id", "workforce_member_id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_case_subject_outcome_id" ON "case_subject_outcome" ("id")`);
    await q.query(
      `CREATE INDEX "ix_case_subject_outcome_member" ON "case_subject_outcome"  ("workforce_member_id") `,
    );
    await q.query(
      `CREATE INDEX "ix_case_subject_outcome_finalised_fy" ON "case_subject_outcome"  ("finalised_financial_year", "proceedings", "misconduct_outcome") `,
    );
    await q.query(
      `CREATE INDEX "ix_case_subject_outcome_recorded_fy" ON "case_subject_outcome"  ("recorded_financial_year", "allegation_result") `,
    );
    await q.query(
      `ALTER TABLE "case_record" ADD CONSTRAINT "fk_case_record_no_referral_by" FOREIGN KEY ("no_referral_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "case_record" ADD CONSTRAINT "fk_case_record_investigator" FOREIGN KEY ("investigator_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "case_record" ADD CONSTRAINT "fk_case_record_supervisor" FOREIGN KEY ("supervisor_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "case_record" ADD CONSTRAINT "fk_case_record_created_by" FOREIGN KEY ("created_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "case_subject" ADD CONSTRAINT "fk_case_subject_case" FOREIGN KEY ("case_id") REFERENCES "case_record"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "case_subject" ADD CONSTRAINT "fk_case_subject_member" FOREIGN KEY ("workforce_member_id") REFERENCES "workforce_member"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "case_intelligence" ADD CONSTRAINT "fk_case_intelligence_case" FOREIGN KEY ("case_id") REFERENCES "case_record"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "case_severity_assessment" ADD CONSTRAINT "fk_case_severity_assessment_case" FOREIGN KEY ("case_id") REFERENCES "case_record"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "case_severity_assessment" ADD CONSTRAINT "fk_case_severity_assessment_user" FOREIGN KEY ("assessed_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "case_event" ADD CONSTRAINT "fk_case_event_case" FOREIGN KEY ("case_id") REFERENCES "case_record"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "case_event" ADD CONSTRAINT "fk_case_event_actor" FOREIGN KEY ("actor_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "iopc_referral" ADD CONSTRAINT "fk_iopc_referral_case" FOREIGN KEY ("case_id") REFERENCES "case_record"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "iopc_referral" ADD CONSTRAINT "fk_iopc_referral_recorded_by" FOREIGN KEY ("recorded_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "iopc_referral" ADD CONSTRAINT "fk_iopc_referral_decision_by" FOREIGN KEY ("decision_recorded_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "case_subject_outcome" ADD CONSTRAINT "fk_case_subject_outcome_subject" FOREIGN KEY ("case_id", "workforce_member_id") REFERENCES "case_subject"("case_id","workforce_member_id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "case_subject_outcome" ADD CONSTRAINT "fk_case_subject_outcome_recorded_by" FOREIGN KEY ("recorded_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );

    // Hand-made: the UK financial year (1 April - 31 March, in UK local time) as its starting year.
    await q.query(`CREATE FUNCTION case_financial_year(ts timestamptz) RETURNS integer
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT (extract(year FROM ts AT TIME ZONE 'Europe/London')::int
          - CASE WHEN extract(month FROM ts AT TIME ZONE 'Europe/London') < 4 THEN 1 ELSE 0 END)
      $$`);
    await q.query(`CREATE FUNCTION case_financial_year(d date) RETURNS integer
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT (extract(year FROM d)::int - CASE WHEN extract(month FROM d) < 4 THEN 1 ELSE 0 END)
      $$`);
    await q.query(`CREATE FUNCTION case_record_derive() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.recorded_financial_year := case_financial_year(NEW.recorded_at);
        NEW.finalised_financial_year := case_financial_year(NEW.finalised_at);
        NEW.next_update_due := (COALESCE(NEW.last_update_at, NEW.recorded_at) AT TIME ZONE 'Europe/London')::date + 28;
        NEW.pcc_report_due := ((NEW.recorded_at AT TIME ZONE 'Europe/London')::date + interval '12 months')::date;
        RETURN NEW;
      END $$`);
    await q.query(
      `CREATE TRIGGER case_record_derive BEFORE INSERT OR UPDATE ON case_record FOR EACH ROW EXECUTE FUNCTION case_record_derive()`,
    );
    await q.query(`CREATE FUNCTION iopc_referral_derive() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.referred_financial_year := case_financial_year(NEW.referred_on);
        RETURN NEW;
      END $$`);
    await q.query(
      `CREATE TRIGGER iopc_referral_derive BEFORE INSERT OR UPDATE ON iopc_referral FOR EACH ROW EXECUTE FUNCTION iopc_referral_derive()`,
    );
    await q.query(`CREATE FUNCTION case_subject_outcome_derive() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.recorded_financial_year := case_financial_year(NEW.recorded_at);
        NEW.finalised_financial_year := case_financial_year(NEW.finalised_at);
        RETURN NEW;
      END $$`);
    await q.query(
      `CREATE TRIGGER case_subject_outcome_derive BEFORE INSERT OR UPDATE ON case_subject_outcome FOR EACH ROW EXECUTE FUNCTION case_subject_outcome_derive()`,
    );
    await q.query(`CREATE INDEX "ix_case_record_categories" ON "case_record" USING gin ("categories")`);
    await q.query(
      `CREATE INDEX "ix_case_record_update_due" ON "case_record" ("next_update_due") WHERE status <> 'closed'`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "case_subject_outcome"`);
    await q.query(`DROP TABLE "iopc_referral"`);
    await q.query(`DROP TABLE "case_event"`);
    await q.query(`DROP TABLE "case_severity_assessment"`);
    await q.query(`DROP TABLE "case_intelligence"`);
    await q.query(`DROP TABLE "case_subject"`);
    await q.query(`DROP TABLE "case_record"`);
    await q.query(`DROP TABLE "case_reference_counter"`);
    await q.query(`DROP FUNCTION case_subject_outcome_derive()`);
    await q.query(`DROP FUNCTION iopc_referral_derive()`);
    await q.query(`DROP FUNCTION case_record_derive()`);
    await q.query(`DROP FUNCTION case_financial_year(date)`);
    await q.query(`DROP FUNCTION case_financial_year(timestamptz)`);
    await q.query(`DROP TYPE "public"."case_type"`);
    await q.query(`DROP TYPE "public"."case_matter_type"`);
    await q.query(`DROP TYPE "public"."case_status"`);
    await q.query(`DROP TYPE "public"."case_category"`);
    await q.query(`DROP TYPE "public"."case_breach_type"`);
    await q.query(`DROP TYPE "public"."referral_criterion"`);
    await q.query(`DROP TYPE "public"."case_severity"`);
    await q.query(`DROP TYPE "public"."case_event_kind"`);
    await q.query(`DROP TYPE "public"."referral_basis"`);
    await q.query(`DROP TYPE "public"."iopc_decision"`);
    await q.query(`DROP TYPE "public"."criminal_outcome"`);
    await q.query(`DROP TYPE "public"."misconduct_finding"`);
    await q.query(`DROP TYPE "public"."misconduct_proceedings"`);
    await q.query(`DROP TYPE "public"."proceedings_result"`);
    await q.query(`DROP TYPE "public"."misconduct_outcome"`);
    await q.query(`DROP TYPE "public"."conduct_regime"`);
    await q.query(`DROP TYPE "public"."allegation_result"`);
    await q.query(`DROP TYPE "public"."left_service"`);
  }
}
