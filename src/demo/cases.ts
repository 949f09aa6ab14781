import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { dedupeReferencesSql, randomReferenceSql } from './references.js';
import { type DemoSeeder, type Fragment, run } from './demo-context.js';
import { FICTIONAL } from './intelligence.js';
import { CASE_SUMMARIES, perCategorySql } from './texts.js';

const CASES = 160;
const CASE_SUBJECTS = 40;

/** The staff number of case subject `g` (SQL) of `people` (SQL): DCASE0001, or wider for 10,000 and more. */
const caseSubjectNumber = (g: Fragment, people: Fragment): Fragment =>
  sql`'DCASE' || lpad((${g})::text, greatest(4, length((${people})::text)), '0')`;

/** Who works the cases: the analysts (investigators, by turns) and the supervisors. */
interface CaseTeam {
  analysts: string[];
  supervisors: string[];
}

const teamOf = (users: Record<string, string>, prefix: string): string[] =>
  Object.entries(users)
    .filter(([key]) => key.startsWith(prefix))
    .sort()
    .map(([, id]) => id);

/**
 * Demo cases, opened from the intelligence the unit referred: each report decided "referred to case" opens one
 * case, a day or few after the decision, about the people that report names as its subjects, and is linked to
 * it both ways. Each case then runs its course at its own pace (three to nineteen months): the older ones are
 * closed with outcomes, the recent ones open, under investigation, suspended or awaiting an outcome; IOPC
 * referrals (mandatory for APSP and serious corruption, some voluntary) with their decisions and the recent
 * ones pending; outcomes of every kind, and the allegation results the Federation asks to see. Runs once: a
 * second run finds the cases of the demo's reports and adds nothing.
 */
export const seedCases: DemoSeeder = async (ctx) => {
  const { manager: m, users } = ctx;
  const team: CaseTeam = {
    analysts: (
      await run(
        m,
        sql<{
          id: string;
        }>`SELECT id FROM app_user WHERE id = ${users.analyst} OR email LIKE 'analyst-%@demo.lantern.local' ORDER BY email`,
      )
    ).map((r) => r.id),
    supervisors: teamOf(users, 'supervisor'),
  };
  const [{ n }] = await run(
    m,
    sql<{ n: number }>`SELECT count(DISTINCT referred_case_id)::int AS n FROM intelligence_report
      WHERE referred_case_id IS NOT NULL AND source_details LIKE ${`${FICTIONAL}%`}`,
  );
  if (n > 0) {
    ctx.log(`demo cases: ${n} already present`);
    return;
  }
  await run(m, sql`SET LOCAL jit = off`); // (as the intelligence demo: small statements, big estimates)
  await run(m, sql`DROP TABLE IF EXISTS pg_temp.demo_case`);
  await run(
    m,
    sql`CREATE TEMPORARY TABLE demo_case ON COMMIT DROP AS
     WITH spec AS (
       SELECT row_number() OVER (ORDER BY r.reviewed_at, r.id)::int AS i, r.id AS report_id, r.primary_category,
              GREATEST(r.reviewed_at, LEAST(r.reviewed_at + make_interval(days => 1 + abs(hashtext(r.id::text)) % 4),
                                            now() - interval '1 hour')) AS recorded_at
         FROM intelligence_report r
        WHERE r.state = 'referred_to_case' AND r.referred_case_id IS NULL AND r.source_details LIKE ${`${FICTIONAL}%`}
     )
     ${shapedCasesSql()}`,
  );
  const count = await insertStagedCases(m, team);
  // The subjects: the people the referring report names as its subjects.
  await run(
    m,
    sql`INSERT INTO case_subject (case_id, workforce_member_id, added_at)
     SELECT k.id, s.workforce_member_id, c.recorded_at
       FROM demo_case_key k JOIN demo_case d ON d.i = k.i JOIN case_record c ON c.id = k.id
       JOIN intelligence_subject s ON s.report_id = d.report_id AND s.role = 'subject'`,
  );
  await completeCases(m, team);
  await linkReferredIntelligence(m);
  const [{ outcomes }] = await run(
    m,
    sql<{ outcomes: number }>`SELECT count(*)::int AS outcomes FROM case_subject_outcome
      WHERE case_id IN (SELECT id FROM demo_case_key)`,
  );
  ctx.log(`demo cases: ${count} cases opened from referred intelligence, ${outcomes} outcomes`);
};

/**
 * The rest of each staged case (from `spec`: i, recorded_at, primary_category, and report_id or NULL): type,
 * matter, the facts and criteria of an IOPC referral, how long it runs and so its status today, its reference.
 */
function shapedCasesSql(): Fragment {
  return sql`, facts AS (
       SELECT s.*,
              (ARRAY['criminal','misconduct','criminal_and_misconduct','misconduct'])[1 + s.i % 4]::case_type AS case_type,
              (ARRAY['complaint','conduct_matter','recordable_conduct_matter'])[1 + (s.i / 4) % 3]::case_matter_type AS matter_type,
              CASE WHEN s.i % 9 = 0 THEN ARRAY['serious_assault']::referral_criterion[]
                   WHEN s.i % 31 = 0 THEN ARRAY['chief_officer']::referral_criterion[]
                   WHEN s.i % 29 = 0 THEN ARRAY['discrimination_aggravated']::referral_criterion[]
                   ELSE '{}'::referral_criterion[] END AS facts,
              -- how long the case runs: three to nineteen months
              90 + (s.i * 37) % 480 AS duration,
              extract(epoch FROM now() - s.recorded_at) / 86400.0 AS age
         FROM spec s
     ), shaped AS (
       SELECT f.*,
              CASE WHEN f.age > f.duration THEN
                     CASE WHEN f.i % 17 = 0 THEN 'suspended' WHEN f.i % 23 = 0 THEN 'awaiting_outcome' ELSE 'closed' END
                   WHEN f.age < 21 THEN 'open'
                   WHEN f.age > 0.8 * f.duration THEN 'awaiting_outcome'
                   WHEN f.i % 9 = 0 THEN 'suspended'
                   ELSE 'under_investigation' END::case_status AS status,
              ARRAY(SELECT DISTINCT x FROM unnest(
                      CASE WHEN f.primary_category = 'abuse_of_position_sexual' THEN ARRAY['apsp_or_improper_relationship']::referral_criterion[]
                           WHEN f.primary_category IN ('perverting_justice','assisting_offenders','infiltration') THEN ARRAY['serious_corruption']::referral_criterion[]
                           ELSE '{}'::referral_criterion[] END || f.facts) x ORDER BY x) AS criteria
         FROM facts f
     ), numbered AS (
       SELECT sh.*, extract(year FROM sh.recorded_at AT TIME ZONE 'Europe/London')::int AS year FROM shaped sh
     )
     SELECT n.*, ${sql.raw(randomReferenceSql('CASE', 'n.year'))} AS reference FROM numbered n`;
}

/**
 * Inserts the cases staged in `demo_case` (references drawn again where taken) and keeps their ids with their
 * numbers in `demo_case_key`; the investigator by turns among the analysts. Returns how many.
 */
async function insertStagedCases(m: EntityManager, team: CaseTeam): Promise<number> {
  await run(m, sql.raw(dedupeReferencesSql('demo_case', 'i', 'case_record')));
  const analysts = sql`${team.analysts}::uuid[]`;
  const supervisors = sql`${team.supervisors}::uuid[]`;
  const summary = perCategorySql('primary_category::text', CASE_SUMMARIES);
  await run(m, sql`DROP TABLE IF EXISTS pg_temp.demo_case_key`);
  await run(
    m,
    sql`CREATE TEMPORARY TABLE demo_case_key ON COMMIT DROP AS
     WITH ins AS (
     INSERT INTO case_record (reference, reference_year, reference_number, case_type, matter_type, status,
       suspended_from, suspension_reason, ever_suspended, allegation_summary, primary_category, categories, breach_type,
       referral_facts, referral_criteria_met, referral_required, investigator_id, supervisor_id, severity, recorded_at,
       recorded_financial_year, investigation_started_at, finalised_at, last_update_at, next_update_due, pcc_report_due, created_by)
     SELECT reference, year, NULL, case_type, matter_type, status,
            CASE WHEN status = 'suspended' THEN 'under_investigation'::case_status END,
            CASE WHEN status = 'suspended' THEN 'Awaiting the outcome of the criminal trial' END,
            status = 'suspended' OR i % 7 = 0,
            ${sql.raw(summary)},
            primary_category,
            CASE WHEN i % 3 = 0 AND primary_category <> 'inappropriate_association'
                 THEN ARRAY[primary_category, 'inappropriate_association']::corruption_category[]
                 ELSE ARRAY[primary_category] END,
            (ARRAY['honesty_and_integrity','authority_respect_courtesy','equality_and_diversity','use_of_force',
                   'orders_and_instructions','duties_and_responsibilities','confidentiality','fitness_for_work',
                   'discreditable_conduct','challenging_and_reporting'])[1 + i % 10]::case_breach_type,
            facts, criteria, cardinality(criteria) > 0,
            (${analysts})[1 + abs(hashtext('inv' || i)) % cardinality(${analysts})],
            CASE WHEN status IN ('closed','awaiting_outcome') OR i % 2 = 0
                 THEN (${supervisors})[1 + i % cardinality(${supervisors})] END,
            (ARRAY['no_misconduct','practice_requiring_improvement','misconduct','gross_misconduct'])[1 + i % 4]::case_severity,
            recorded_at, 0,
            CASE WHEN status <> 'open' THEN LEAST(recorded_at + interval '21 days', now()) END,
            CASE WHEN status = 'closed' THEN LEAST(recorded_at + make_interval(days => duration), now() - interval '1 day') END,
            CASE WHEN status = 'closed' THEN LEAST(recorded_at + make_interval(days => duration - 7), now() - interval '1 day')
                 WHEN i % 3 <> 0 THEN GREATEST(recorded_at, now() - make_interval(days => 1 + i % 35)) END,
            (GREATEST(recorded_at, now() - make_interval(days => 1 + i % 35)) + interval '28 days')::date,
            (recorded_at + interval '12 months')::date,
            (${analysts})[1 + abs(hashtext('inv' || i)) % cardinality(${analysts})]
       FROM demo_case ORDER BY i
     RETURNING id, reference)
     SELECT ins.id, d.i FROM ins JOIN demo_case d ON d.reference = ins.reference`,
  );
  const [{ n }] = await run(m, sql<{ n: number }>`SELECT count(*)::int AS n FROM demo_case_key`);
  return n;
}

/**
 * The cases' subjects for the bench: `people` workforce members, mostly officers (staff numbers DCASE0001...),
 * each the subject of several of its generated cases, as a force's decade of cases has.
 */
export async function seedCaseSubjects(m: EntityManager, people = CASE_SUBJECTS): Promise<void> {
  await run(
    m,
    sql`INSERT INTO workforce_member (member_type, staff_number, given_name, family_name, rank_or_grade)
     SELECT CASE WHEN g % 4 = 0 THEN 'staff' WHEN g % 13 = 0 THEN 'pcso' ELSE 'officer' END::member_type,
            ${caseSubjectNumber(sql`g`, sql`${people}::int`)},
            (ARRAY['Sam','Alex','Jo','Chris','Pat','Robin','Jamie','Morgan'])[1 + g % 8],
            (ARRAY['Hughes','Patel','Okafor','Walsh','Nowak','Evans','Clarke','Ahmed','Taylor','Reid'])[1 + g % 10],
            CASE WHEN g % 4 = 0 THEN 'Grade ' || (3 + g % 4) ELSE (ARRAY['PC','PC','PC','DC','PS','DS','Insp'])[1 + g % 7] END
       FROM generate_series(1, ${people}::int) g
     ON CONFLICT (staff_number) DO NOTHING`,
  );
}

/**
 * The bench's case generator (50,000 cases the same way as the demo's, spread evenly from April 2016 to last
 * week, every financial year from 2016/17), over `people` subjects made by `seedCaseSubjects` with the same
 * number: one each, every seventh case two.
 */
export async function generateCases(
  m: EntityManager,
  analyst: string,
  supervisor: string,
  count = CASES,
  people = CASE_SUBJECTS,
): Promise<void> {
  const team: CaseTeam = { analysts: [analyst], supervisors: [supervisor] };
  await run(m, sql`DROP TABLE IF EXISTS pg_temp.demo_case`);
  await run(
    m,
    sql`CREATE TEMPORARY TABLE demo_case ON COMMIT DROP AS
     WITH spec AS (
       SELECT i, NULL::uuid AS report_id,
              timestamptz '2016-04-03 10:00+01' + (i - 1) * ((now() - interval '6 days' - timestamptz '2016-04-03 10:00+01') / (${count}::int - 1)) AS recorded_at,
              (ARRAY['abuse_of_position_sexual','infiltration','disclosure_of_information','perverting_justice',
                     'sexual_misconduct','drugs','theft_fraud','misuse_of_systems','abuse_of_authority',
                     'inappropriate_association','vulnerability','assisting_offenders','other'])[1 + i % 13]::corruption_category AS primary_category
         FROM generate_series(1, ${count}::int) i
     )
     ${shapedCasesSql()}`,
  );
  await insertStagedCases(m, team);
  await run(
    m,
    sql`INSERT INTO case_subject (case_id, workforce_member_id, added_at)
     SELECT k.id, w.id, c.recorded_at
       FROM demo_case_key k JOIN case_record c ON c.id = k.id
       JOIN workforce_member w ON w.staff_number IN (
              ${caseSubjectNumber(sql`1 + k.i % ${people}::int`, sql`${people}::int`)},
              CASE WHEN k.i % 7 = 0 THEN ${caseSubjectNumber(sql`1 + (k.i + 11) % ${people}::int`, sql`${people}::int`)} END)
     ON CONFLICT DO NOTHING`,
  );
  await completeCases(m, team);
}

/**
 * Referrals, outcomes, severity history and the timeline of the cases in `demo_case_key`: referrals where
 * required once investigation started (or on half of the open ones), with every IOPC decision and the recent ones
 * pending; some voluntary ones; some required cases explained instead. Nothing dated after now.
 */
async function completeCases(m: EntityManager, team: CaseTeam): Promise<void> {
  const supervisor = team.supervisors[0];
  // Referrals: required ones once investigation started (or on half of the open ones), with every IOPC
  // decision and the recent ones pending; some voluntary ones; some required cases explained instead.
  await run(
    m,
    sql`WITH demo AS (
       SELECT c.*, k.i FROM case_record c JOIN demo_case_key k ON k.id = c.id
     )
     INSERT INTO iopc_referral (case_id, referred_on, referred_financial_year, basis, criteria, reason, iopc_reference,
       decision, decided_on, recorded_by, decision_recorded_by, decision_recorded_at, created_at)
     SELECT d.id, LEAST(d.recorded_at + interval '5 days', now())::date, 0,
            CASE WHEN d.referral_required THEN 'mandatory' ELSE 'voluntary' END::referral_basis,
            d.referral_criteria_met,
            CASE WHEN NOT d.referral_required THEN 'Gravity of the allegation and public confidence' END,
            'IOPC-' || d.reference_year || '-' || lpad(d.i::text, 5, '0'),
            CASE WHEN d.recorded_at + make_interval(days => 20 + d.i * 13 % 120) < now() - interval '1 day'
                 THEN (ARRAY['independent','directed','local','returned'])[1 + d.i % 4]::iopc_decision END,
            CASE WHEN d.recorded_at + make_interval(days => 20 + d.i * 13 % 120) < now() - interval '1 day' THEN (d.recorded_at + make_interval(days => 20 + d.i * 13 % 120))::date END,
            d.investigator_id,
            CASE WHEN d.recorded_at + make_interval(days => 20 + d.i * 13 % 120) < now() - interval '1 day' THEN d.investigator_id END,
            CASE WHEN d.recorded_at + make_interval(days => 20 + d.i * 13 % 120) < now() - interval '1 day' THEN d.recorded_at + make_interval(days => 20 + d.i * 13 % 120) + interval '1 day' END,
            LEAST(d.recorded_at + interval '5 days', now())
       FROM demo d
      WHERE (d.referral_required AND d.i % 19 <> 0 AND (d.status <> 'open' OR d.i % 2 = 0))
         OR (NOT d.referral_required AND d.i % 10 = 3)`,
  );
  await run(
    m,
    sql`UPDATE case_record c SET no_referral_reason = 'Supervisor review: the conduct does not meet the threshold on the facts',
            no_referral_by = COALESCE(c.supervisor_id, ${supervisor}::uuid), no_referral_at = LEAST(c.recorded_at + interval '7 days', now())
      WHERE c.id IN (SELECT id FROM demo_case_key) AND c.referral_required AND c.status <> 'open'
        AND NOT EXISTS (SELECT 1 FROM iopc_referral r WHERE r.case_id = c.id)`,
  );

  // Outcomes: complete for closed cases, partial (proceedings pending) for cases awaiting outcome. Each
  // template is one kind of outcome; all of them are allowed by the regulation rules (outcome-rules.ts).
  await run(
    m,
    sql`WITH t (k, finding, proceedings, result, outcome2020, outcome2012, allegation, left_service, would_dismiss, barred, advisory) AS (
       VALUES
         (0, 'no_case_to_answer', NULL, NULL, NULL, NULL, 'unfounded', NULL, false, false, false),
         (1, 'no_case_to_answer', NULL, NULL, NULL, NULL, 'malicious_or_vexatious', NULL, false, false, false),
         (2, 'case_to_answer', 'misconduct_meeting', 'not_proven', 'no_further_action', 'no_further_action', 'unsubstantiated', NULL, false, false, false),
         (3, 'case_to_answer', 'misconduct_meeting', 'proven', 'reflective_practice', 'management_advice', 'substantiated', NULL, false, false, false),
         (4, 'case_to_answer', 'misconduct_meeting', 'proven', 'written_warning', 'written_warning', 'substantiated', NULL, false, false, false),
         (5, 'case_to_answer', 'misconduct_meeting', 'proven', 'final_written_warning', 'final_written_warning', 'substantiated', NULL, false, false, false),
         (6, 'case_to_answer', 'misconduct_hearing', 'proven', 'final_written_warning', 'final_written_warning', 'substantiated', NULL, false, false, false),
         (7, 'case_to_answer', 'misconduct_hearing', 'proven', 'reduction_in_rank', 'reduction_in_rank', 'substantiated', NULL, false, false, false),
         (8, 'case_to_answer', 'misconduct_hearing', 'proven', 'dismissal_without_notice', 'dismissal_with_notice', 'substantiated', NULL, false, true, false),
         (9, 'case_to_answer', 'accelerated_hearing', 'proven', 'dismissal_without_notice', 'dismissal_without_notice', 'substantiated', NULL, false, true, false),
         (10, 'case_to_answer', 'misconduct_hearing', 'proven', NULL, NULL, 'substantiated', 'resigned', true, true, true),
         (11, 'case_to_answer', 'misconduct_hearing', 'not_proven', 'no_further_action', 'no_further_action', 'unsubstantiated', 'retired', false, false, true),
         (12, 'no_case_to_answer', NULL, NULL, NULL, NULL, 'unsubstantiated', NULL, false, false, false),
         (13, 'case_to_answer', 'accelerated_hearing', 'proven', 'final_written_warning', 'final_written_warning', 'substantiated', NULL, false, false, false)
     ), demo AS (
       SELECT c.*, s.workforce_member_id, w.member_type,
              k.i,
              row_number() OVER (PARTITION BY c.id ORDER BY s.workforce_member_id)::int AS sn,
              CASE WHEN w.member_type NOT IN ('officer', 'special_constable') THEN 'staff'
                   WHEN (c.recorded_at AT TIME ZONE 'Europe/London')::date >= date '2020-02-01' THEN '2020'
                   ELSE '2012' END::conduct_regime AS regime
         FROM case_record c JOIN demo_case_key k ON k.id = c.id JOIN case_subject s ON s.case_id = c.id
         JOIN workforce_member w ON w.id = s.workforce_member_id
        WHERE c.status IN ('closed', 'awaiting_outcome', 'suspended')
     ), chosen AS (
       SELECT d.*, t.*, d.case_type <> 'criminal' AS misconduct, d.case_type <> 'misconduct' AS criminal,
              d.status = 'closed' AS complete,
              -- the staff procedure has no accelerated hearing
              CASE WHEN d.regime = 'staff' AND t.proceedings = 'accelerated_hearing' THEN 'misconduct_hearing'
                   ELSE t.proceedings END AS proc
         FROM demo d JOIN t ON t.k = (d.i * 3 + d.sn) % 14
        WHERE d.status = 'closed' OR d.i % 2 = 0
     )
     INSERT INTO case_subject_outcome (case_id, workforce_member_id, member_type, criminal_outcome, misconduct_finding,
       proceedings, proceedings_result, misconduct_outcome, regime, allegation_result, left_service, left_service_on,
       would_have_been_dismissed, barred_list_on, advisory_list_on, recorded_at, recorded_financial_year, finalised_at,
       recorded_by, created_at, severity, confirmed_at, confirmed_by)
     SELECT ch.id, ch.workforce_member_id, ch.member_type,
            CASE WHEN NOT ch.criminal THEN NULL
                 WHEN NOT ch.complete THEN (ARRAY['ongoing','charged'])[1 + ch.i % 2]
                 WHEN ch.allegation = 'substantiated' THEN (ARRAY['convicted','caution','charged'])[1 + ch.i % 3]
                 ELSE (ARRAY['no_further_action','acquitted'])[1 + (ch.i / 2) % 2] END::criminal_outcome,
            CASE WHEN ch.misconduct THEN ch.finding END::misconduct_finding,
            CASE WHEN ch.misconduct THEN ch.proc END::misconduct_proceedings,
            CASE WHEN ch.misconduct AND ch.complete THEN ch.result END::proceedings_result,
            CASE WHEN ch.misconduct AND ch.complete AND ch.result IS NOT NULL THEN
                   CASE WHEN ch.member_type <> 'officer' AND ch.outcome2020 = 'reduction_in_rank' THEN 'final_written_warning'
                        WHEN ch.regime = '2020' THEN ch.outcome2020 ELSE ch.outcome2012 END END::misconduct_outcome,
            ch.regime,
            CASE WHEN NOT ch.complete THEN NULL
                 WHEN ch.misconduct THEN ch.allegation
                 WHEN ch.allegation = 'substantiated' THEN 'substantiated'
                 ELSE (ARRAY['unsubstantiated','unfounded','malicious_or_vexatious'])[1 + ch.i % 3] END::allegation_result,
            CASE WHEN ch.misconduct THEN ch.left_service END::left_service,
            CASE WHEN ch.misconduct AND ch.left_service IS NOT NULL THEN LEAST(ch.recorded_at + interval '45 days', now())::date END,
            ch.misconduct AND ch.complete AND ch.would_dismiss,
            CASE WHEN ch.misconduct AND ch.complete AND ch.barred AND ch.i % 5 <> 0 THEN (COALESCE(ch.finalised_at, now()) - interval '1 day')::date END,
            CASE WHEN ch.misconduct AND ch.advisory THEN LEAST(ch.recorded_at + interval '50 days', now())::date END,
            COALESCE(ch.finalised_at, now() - interval '3 days'), 0,
            CASE WHEN ch.complete THEN ch.finalised_at END,
            ch.investigator_id, COALESCE(ch.finalised_at, now() - interval '3 days'),
            -- the subject's severity leads to the proceedings: a meeting for misconduct, a hearing for gross
            CASE WHEN NOT ch.misconduct OR ch.proc IS NULL THEN ch.severity
                 WHEN ch.proc = 'misconduct_meeting' THEN 'misconduct' ELSE 'gross_misconduct' END::case_severity,
            -- closed cases: confirmed by the supervisor (the analyst proposed); the others are still proposals
            CASE WHEN ch.complete THEN ch.finalised_at END,
            CASE WHEN ch.complete THEN COALESCE(ch.supervisor_id, ${supervisor}::uuid) END
       FROM chosen ch`,
  );
  // Dismissals (or would-have-been dismissals) without a Barred List entry raise the case's reminder.
  await run(
    m,
    sql`UPDATE case_record c SET barred_list_reminder_at = o.first
       FROM (SELECT case_id, min(recorded_at) AS first FROM case_subject_outcome
              WHERE barred_list_on IS NULL
                AND (misconduct_outcome IN ('dismissal_with_notice','dismissal_without_notice') OR would_have_been_dismissed)
              GROUP BY case_id) o
      WHERE o.case_id = c.id AND c.id IN (SELECT id FROM demo_case_key)`,
  );

  // Severity history and the timeline.
  await run(
    m,
    sql`INSERT INTO case_severity_assessment (case_id, severity, reason, assessed_by, assessed_at)
     SELECT c.id, c.severity, 'Initial assessment on the information available', c.investigator_id, LEAST(c.recorded_at + interval '2 days', now())
       FROM case_record c WHERE c.id IN (SELECT id FROM demo_case_key) AND c.severity IS NOT NULL`,
  );
  // Per subject: where the proceedings followed a reassessment of that person.
  await run(
    m,
    sql`INSERT INTO case_severity_assessment (case_id, workforce_member_id, severity, reason, assessed_by, assessed_at)
     SELECT o.case_id, o.workforce_member_id, o.severity, 'Reassessed for this person on the investigation''s findings',
            COALESCE(c.supervisor_id, ${supervisor}::uuid), LEAST(c.recorded_at + interval '3 days', now())
       FROM case_subject_outcome o JOIN case_record c ON c.id = o.case_id
      WHERE c.id IN (SELECT id FROM demo_case_key) AND o.severity IS NOT NULL AND o.severity IS DISTINCT FROM c.severity`,
  );
  await run(
    m,
    sql`INSERT INTO case_event (case_id, kind, actor_id, occurred_at, details, note)
     SELECT c.id, e.kind::case_event_kind, e.actor, e.at, e.details, e.note
       FROM case_record c
       LEFT JOIN iopc_referral r ON r.case_id = c.id
       CROSS JOIN LATERAL (VALUES
         ('created', c.investigator_id, c.recorded_at, jsonb_build_object('reference', c.reference, 'caseType', c.case_type,
            'referralRequired', c.referral_required, 'criteriaMet', to_jsonb(c.referral_criteria_met::text[])), NULL::text),
         ('severity_assessed', c.investigator_id, LEAST(c.recorded_at + interval '2 days', now()), jsonb_build_object('severity', c.severity),
            'Initial assessment on the information available'),
         ('referral_recorded', c.investigator_id, r.created_at, jsonb_build_object('basis', r.basis, 'criteria', to_jsonb(r.criteria::text[]),
            'referredOn', r.referred_on), NULL),
         ('referral_decision', c.investigator_id, r.decision_recorded_at, jsonb_build_object('decision', r.decision, 'decidedOn', r.decided_on), NULL),
         ('no_referral_recorded', COALESCE(c.supervisor_id, ${supervisor}::uuid), c.no_referral_at, jsonb_build_object('criteriaMet', to_jsonb(c.referral_criteria_met::text[])),
            c.no_referral_reason),
         ('status_changed', c.investigator_id, c.investigation_started_at, jsonb_build_object('action', 'start-investigation', 'from', 'open',
            'to', 'under_investigation'), NULL),
         ('update_given', c.investigator_id, c.last_update_at, jsonb_build_object('recipients', 'both'), NULL),
         ('status_changed', COALESCE(c.supervisor_id, ${supervisor}::uuid), c.finalised_at, jsonb_build_object('action', 'close', 'from', 'awaiting_outcome', 'to', 'closed'), NULL)
       ) AS e (kind, actor, at, details, note)
      WHERE c.id IN (SELECT id FROM demo_case_key) AND e.at IS NOT NULL AND (e.kind <> 'severity_assessed' OR c.severity IS NOT NULL)`,
  );
  await run(
    m,
    sql`INSERT INTO case_event (case_id, kind, actor_id, occurred_at, details)
     SELECT o.case_id, 'outcome_recorded', o.recorded_by, o.recorded_at,
            jsonb_build_object('workforceMemberId', o.workforce_member_id, 'misconductOutcome', o.misconduct_outcome,
                               'proceedings', o.proceedings, 'allegationResult', o.allegation_result)
       FROM case_subject_outcome o JOIN case_record c ON c.id = o.case_id WHERE c.id IN (SELECT id FROM demo_case_key)`,
  );
}

/**
 * The reports that opened the demo's cases are linked to them both ways (their review rows are append-only and
 * keep no case id: the report and case_intelligence carry the link), and so are the earlier reports naming the
 * same subjects (the intelligence the case starts from).
 */
async function linkReferredIntelligence(m: EntityManager): Promise<void> {
  await run(
    m,
    sql`WITH linked AS (
       UPDATE intelligence_report r SET referred_case_id = k.id
         FROM demo_case d JOIN demo_case_key k ON k.i = d.i
        WHERE r.id = d.report_id RETURNING r.id, r.referred_case_id, r.reviewed_at
     ), earlier AS (
       SELECT DISTINCT l.referred_case_id AS case_id, o.report_id, l.reviewed_at
         FROM linked l JOIN intelligence_subject s ON s.report_id = l.id AND s.role = 'subject'
         JOIN intelligence_subject o ON o.workforce_member_id = s.workforce_member_id AND o.report_id <> l.id
         JOIN intelligence_report e ON e.id = o.report_id AND e.received_at < l.reviewed_at
     ), links AS (
       INSERT INTO case_intelligence (case_id, report_id, linked_at)
       SELECT l.referred_case_id, l.id, c.recorded_at + interval '1 minute' FROM linked l JOIN case_record c ON c.id = l.referred_case_id
       UNION
       SELECT e.case_id, e.report_id, c.recorded_at + interval '1 minute' FROM earlier e JOIN case_record c ON c.id = e.case_id
       ON CONFLICT DO NOTHING RETURNING case_id, report_id, linked_at
     )
     INSERT INTO case_event (case_id, kind, actor_id, occurred_at, details)
     SELECT k.case_id, 'intelligence_linked', c.investigator_id, k.linked_at, jsonb_build_object('reportIds', jsonb_agg(k.report_id))
       FROM links k JOIN case_record c ON c.id = k.case_id GROUP BY k.case_id, c.investigator_id, k.linked_at`,
  );
}
