import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 26, case work that follows the regulations:
 * - `conduct_regime` gains `staff` (the force's staff misconduct procedure: police staff, PCSOs, volunteers,
 *   contractors); the regime is derived by the service and stored with each outcome.
 * - Severity is assessed per subject: `case_severity_assessment.workforce_member_id` (NULL: every subject of the
 *   case at the time, as all earlier assessments were). Each outcome stores the subject's severity then
 *   (`case_subject_outcome.severity`), which the figures read.
 * - Outcomes are proposed and then confirmed by a supervisor who did not propose them:
 *   `case_subject_outcome.confirmed_at/confirmed_by`. `finalised_at` is now set only on confirmation, and the
 *   referral facts read confirmed outcomes only. Outcomes recorded before this migration were counted as final
 *   already: they are kept as confirmed when recorded, with no confirmer (`confirmed_by` NULL).
 * - Timeline kinds `outcome_confirmed` and `referral_corrected`.
 * Enum values added here are not removed by `down` (PostgreSQL cannot drop an enum value).
 */
export class OutcomeConfirmationAndSubjectSeverity1795572600000 implements MigrationInterface {
  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TYPE "public"."conduct_regime" ADD VALUE IF NOT EXISTS 'staff'`);
    await q.query(`ALTER TYPE "public"."case_event_kind" ADD VALUE IF NOT EXISTS 'outcome_confirmed'`);
    await q.query(`ALTER TYPE "public"."case_event_kind" ADD VALUE IF NOT EXISTS 'referral_corrected'`);

    await q.query(`ALTER TABLE "case_severity_assessment" ADD "workforce_member_id" uuid`);
    await q.query(
      `ALTER TABLE "case_severity_assessment" ADD CONSTRAINT "fk_case_severity_assessment_member" FOREIGN KEY ("workforce_member_id") REFERENCES "workforce_member"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );

    await q.query(`ALTER TABLE "case_subject_outcome" ADD "severity" "public"."case_severity"`);
    await q.query(`ALTER TABLE "case_subject_outcome" ADD "confirmed_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "case_subject_outcome" ADD "confirmed_by" uuid`);
    await q.query(
      `ALTER TABLE "case_subject_outcome" ADD CONSTRAINT "fk_case_subject_outcome_confirmed_by" FOREIGN KEY ("confirmed_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `UPDATE case_subject_outcome o SET severity = c.severity, confirmed_at = o.recorded_at
         FROM case_record c WHERE c.id = o.case_id`,
    );

    // The referral facts: confirmed outcomes only (a proposal counts as pending), and refreshed when an
    // outcome's confirmation changes.
    await q.query(referralFactsOf('AND o.confirmed_at IS NOT NULL'));
    await q.query(onOutcome([...OUTCOME_COLUMNS, 'confirmed_at']));
    await q.query(`SELECT referral_fact_refresh(ARRAY(SELECT case_id FROM iopc_referral))`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(onOutcome(OUTCOME_COLUMNS));
    await q.query(referralFactsOf(''));
    await q.query(`SELECT referral_fact_refresh(ARRAY(SELECT case_id FROM iopc_referral))`);
    await q.query(
      `ALTER TABLE "case_subject_outcome" DROP CONSTRAINT "fk_case_subject_outcome_confirmed_by"`,
    );
    await q.query(`ALTER TABLE "case_subject_outcome" DROP COLUMN "confirmed_by"`);
    await q.query(`ALTER TABLE "case_subject_outcome" DROP COLUMN "confirmed_at"`);
    await q.query(`ALTER TABLE "case_subject_outcome" DROP COLUMN "severity"`);
    await q.query(
      `ALTER TABLE "case_severity_assessment" DROP CONSTRAINT "fk_case_severity_assessment_member"`,
    );
    await q.query(`ALTER TABLE "case_severity_assessment" DROP COLUMN "workforce_member_id"`);
  }
}

const OUTCOME_COLUMNS = [
  'case_id',
  'workforce_member_id',
  'allegation_result',
  'misconduct_finding',
  'proceedings_result',
  'misconduct_outcome',
  'would_have_been_dismissed',
  'criminal_outcome',
];

/** referral_fact_on_outcome as in 1795545000000-ReferralFacts, with these columns. */
const onOutcome = (columns: string[]): string => `CREATE OR REPLACE FUNCTION referral_fact_on_outcome()
  RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM referral_fact_refresh(ARRAY(SELECT DISTINCT case_id FROM new_rows));
        ELSIF TG_OP = 'UPDATE' THEN
          PERFORM referral_fact_refresh(ARRAY(
            SELECT unnest(ARRAY[n.case_id, o.case_id]) FROM new_rows n JOIN old_rows o ON o.id = n.id
             WHERE (${columns.map((c) => `n.${c}`).join(', ')}) IS DISTINCT FROM (${columns.map((c) => `o.${c}`).join(', ')})
            UNION SELECT case_id FROM new_rows WHERE id NOT IN (SELECT id FROM old_rows)
            UNION SELECT case_id FROM old_rows WHERE id NOT IN (SELECT id FROM new_rows)));
        ELSE
          PERFORM referral_fact_refresh(ARRAY(SELECT DISTINCT case_id FROM old_rows));
        END IF;
        RETURN NULL;
      END $$`;

/** referral_facts_of as in 1795545000000-ReferralFacts, with a condition on the outcome joined. */
const referralFactsOf = (
  outcomeCondition: string,
): string => `CREATE OR REPLACE FUNCTION referral_facts_of(p_case_ids uuid[]) RETURNS SETOF referral_fact
      LANGUAGE sql STABLE AS $$
      SELECT x.case_id, x.workforce_member_id, x.referred_financial_year, x.finalised_financial_year,
             x.basis, x.decision, x.open,
             CASE WHEN x.open THEN 'pending'
                  ELSE CASE min(x.allegation_rank) OVER (PARTITION BY x.case_id)
                         WHEN 1 THEN 'substantiated' WHEN 2 THEN 'unsubstantiated' WHEN 3 THEN 'unfounded'
                         WHEN 4 THEN 'malicious_or_vexatious' ELSE 'pending' END
             END,
             row_number() OVER (PARTITION BY x.case_id ORDER BY x.workforce_member_id NULLS FIRST) = 1,
             x.misconduct, x.criminal, x.primary_category, x.categories
        FROM (
          SELECT ref.case_id, cs.workforce_member_id, ref.referred_financial_year, c.finalised_financial_year,
                 ref.basis, ref.decision, c.finalised_at IS NULL AS open,
                 CASE o.allegation_result WHEN 'substantiated' THEN 1 WHEN 'unsubstantiated' THEN 2
                      WHEN 'unfounded' THEN 3 WHEN 'malicious_or_vexatious' THEN 4 END AS allegation_rank,
                 CASE WHEN cs.workforce_member_id IS NULL THEN NULL
                      WHEN c.case_type = 'criminal' THEN 'not_applicable'
                      WHEN o.misconduct_finding IS NULL THEN 'pending'
                      WHEN o.misconduct_finding = 'no_case_to_answer' THEN 'no_case_to_answer'
                      WHEN o.proceedings_result IS NULL THEN 'pending'
                      WHEN o.proceedings_result = 'not_proven' THEN 'not_proven'
                      WHEN o.misconduct_outcome IS NOT NULL THEN o.misconduct_outcome::text
                      WHEN o.would_have_been_dismissed THEN 'would_have_been_dismissed'
                      ELSE 'pending' END AS misconduct,
                 CASE WHEN cs.workforce_member_id IS NULL THEN NULL
                      WHEN c.case_type = 'misconduct' THEN 'not_applicable'
                      WHEN o.criminal_outcome IS NULL OR o.criminal_outcome = 'ongoing' THEN 'pending'
                      ELSE o.criminal_outcome::text END AS criminal,
                 c.primary_category, c.categories
            FROM iopc_referral ref
            JOIN case_record c ON c.id = ref.case_id
            LEFT JOIN case_subject cs ON cs.case_id = c.id
            LEFT JOIN case_subject_outcome o
              ON o.case_id = cs.case_id AND o.workforce_member_id = cs.workforce_member_id ${outcomeCondition}
           WHERE ref.case_id = ANY (p_case_ids)
        ) x
    $$`;
