import { sql } from 'kysely';
import { type DemoContext, type DemoSeeder, run } from './demo-context.js';
import { generatedMembersSql } from './workforce.js';
import { dedupeReferencesSql, randomReferenceSql } from './references.js';

/** How many graded reports the demo unit holds (about four years of a mid-sized force's intelligence). */
export const DEMO_REPORTS = 6000;
const DEMO_ANALYSTS = 5;
const MARKER = '[demo] ';

/**
 * Demo intelligence: several thousand graded reports across every category, source type, state and age, with
 * subjects (some people recurring, as in a real unit), assessments, reviews, possible duplicates and an
 * open queue with an overdue backlog spread over several analysts. Set-based (generate_series) and
 * idempotent: a second run finds the demo reports and adds nothing.
 */
export const seedIntelligence: DemoSeeder = (ctx: DemoContext) => seedIntelligenceReports(ctx, DEMO_REPORTS);

/** The demo seeder at any size (the bench seeds 1,000,000 the same way). */
export async function seedIntelligenceReports(
  ctx: DemoContext,
  count: number,
  spanDays = 1460,
): Promise<void> {
  const { manager: m, users } = ctx;
  const [{ n }] = await run(
    m,
    sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM intelligence_report WHERE narrative LIKE ${`${MARKER}%`}`,
  );
  if (n > 0) {
    ctx.log(`demo intelligence: ${n} reports already there`);
    return;
  }

  // Workforce: the workforce module's demo data when present, otherwise a minimal demo workforce.
  const [{ members }] = await run(
    m,
    sql<{ members: number }>`SELECT count(*)::int AS members FROM workforce_member`,
  );
  // About one person in 25 reports, as in a real force (1M reports ~ 40,000 people).
  const wanted = Math.max(400, Math.ceil(count / 25));
  if (members < wanted) {
    await run(m, sql.raw(generatedMembersSql('DEMO-', 5, String(wanted))));
  }

  // A unit of analysts (sharing the demo analyst's password) so the queue shows capacity per analyst.
  await run(
    m,
    sql`INSERT INTO app_user (email, display_name, roles, password_hash)
     SELECT 'analyst-' || g || '@demo.lantern.local', 'Demo analyst ' || g, ARRAY['analyst']::user_role[], u.password_hash
       FROM generate_series(2, ${DEMO_ANALYSTS}::int) g CROSS JOIN app_user u WHERE u.id = ${users.analyst}
     ON CONFLICT (email) DO NOTHING`,
  );
  const analysts = (
    await run(
      m,
      sql<{
        id: string;
      }>`SELECT id FROM app_user WHERE id = ${users.analyst} OR email LIKE 'analyst-%@demo.lantern.local' ORDER BY email`,
    )
  ).map((r) => r.id);

  // The reports' attributes, drawn deterministically from hashes of the row number.
  await run(
    m,
    sql`CREATE TEMPORARY TABLE demo_intel ON COMMIT DROP AS
    WITH base AS (
      SELECT g,
             abs(hashtext('age' || g)) AS h_age, abs(hashtext('cat' || g)) AS h_cat,
             abs(hashtext('src' || g)) AS h_src, abs(hashtext('grd' || g)) AS h_grd,
             abs(hashtext('vul' || g)) AS h_vul, abs(hashtext('st' || g)) AS h_st,
             abs(hashtext('who' || g)) AS h_who, abs(hashtext('sub' || g)) AS h_sub
        FROM generate_series(1, ${sql.lit(Number(count))}) g
    ), aged AS (
      SELECT b.*,
             -- Most reports are months or years old (and closed); a recent tail forms the open queue.
             CASE WHEN b.h_age % 100 < 12 THEN b.h_age % 75 ELSE 30 + b.h_age % ${sql.lit(Math.max(60, Math.floor(spanDays) - 30))} END AS age_days,
             (ARRAY['abuse_of_position_sexual','abuse_of_position_sexual','infiltration','disclosure_of_information',
                    'disclosure_of_information','disclosure_of_information','perverting_justice','sexual_misconduct',
                    'drugs','drugs','theft_fraud','theft_fraud','misuse_of_systems','misuse_of_systems',
                    'misuse_of_systems','abuse_of_authority','inappropriate_association','inappropriate_association',
                    'vulnerability','assisting_offenders','other'])[1 + b.h_cat % 21]::corruption_category AS category
        FROM base b
    )
    SELECT a.g, gen_random_uuid() AS id,
           now() - make_interval(days => a.age_days, mins => a.h_age % 1440) AS received_at,
           a.age_days, a.category,
           CASE WHEN a.h_cat % 5 = 0 THEN ARRAY[(ARRAY['misuse_of_systems','inappropriate_association','vulnerability'])[1 + a.h_cat % 3]]::corruption_category[]
                ELSE '{}'::corruption_category[] END AS secondary,
           (ARRAY['colleague','colleague','member_of_public','anonymous','anonymous','partner_agency','ict_monitoring',
                  'ict_monitoring','covert_source','other_force','complaint','self_declaration','iopc','other'])[1 + a.h_src % 14]::intelligence_source_type AS source_type,
           (ARRAY['in_person','telephone','email','letter','online_form','reporting_line','system_alert','referral','other'])[1 + a.h_src % 9]::intelligence_receipt_method AS receipt_method,
           -- Legacy 5x5x5 grades on the oldest records.
           (a.age_days > 1200 AND a.h_grd % 3 = 0) AS legacy,
           a.h_grd,
           (a.category = 'abuse_of_position_sexual' AND a.h_vul % 3 = 0) OR a.h_vul % 25 = 0 AS vulnerable,
           CASE
             WHEN a.age_days < 75 THEN
               (ARRAY['received','received','in_assessment','in_assessment','in_assessment','awaiting_review',
                      'development','no_further_action','disseminated','referred_to_case'])[1 + a.h_st % 10]
             WHEN a.h_st % 40 = 0 THEN (ARRAY['received','in_assessment','awaiting_review','development'])[1 + (a.h_st / 40) % 4]
             -- (old development items have been decided since: a closed one keeps its final decision)
             ELSE (ARRAY['no_further_action','no_further_action','no_further_action','no_further_action',
                         'disseminated','disseminated','referred_to_case'])[1 + a.h_st % 7]
           END AS state_raw,
           a.h_who, a.h_sub, a.h_src, a.h_st,
           -- A random reference (src/common/reference.ts), of the year received.
           ${sql.raw(randomReferenceSql('INT', `EXTRACT(YEAR FROM (now() - make_interval(days => a.age_days, mins => a.h_age % 1440)) AT TIME ZONE 'UTC')::int`))} AS reference
      FROM aged a`,
  );
  await run(m, sql.raw(dedupeReferencesSql('demo_intel', 'g', 'intelligence_report')));
  await run(m, sql`ANALYZE demo_intel`);

  // What the later statements need of each report, kept as it is inserted (no rescans of the wide table).
  await run(
    m,
    sql`CREATE TEMPORARY TABLE demo_report (id uuid, received_at timestamptz,
      categories corruption_category[], decision intelligence_decision, submitted_by uuid, submitted_at timestamptz,
      reviewed_by uuid, reviewed_at timestamptz, review_date date, referred_case_id uuid, assessment_id uuid) ON COMMIT DROP`,
  );
  // The demo's analysts, and how many: who each report is assigned to, by its hash.
  const team = sql`${analysts}::uuid[]`;
  const size = sql`${analysts.length}::int`;
  const supervisor = sql`${users.supervisor}::uuid`;
  await run(
    m,
    sql`WITH inserted AS (
     INSERT INTO intelligence_report (id, reference, state, received_at, receipt_method, source_type, source_details,
        grading_scheme, source_evaluation, intelligence_assessment, handling_code, handling_conditions,
        primary_category, secondary_categories, vulnerable_person, vulnerable_person_note, narrative, recorded_by,
        assignee_id, assigned_at, assigned_by, submitted_at, submitted_by, reviewed_at, reviewed_by, decision,
        review_date, referred_case_id, created_at, updated_at)
     SELECT d.id,
            d.reference,
            d.state_raw::intelligence_state, d.received_at, d.receipt_method, d.source_type,
            'Demo source record ' || (d.h_src % 900 + 100),
            CASE WHEN d.legacy THEN '5x5x5' ELSE '3x5x2' END::grading_scheme,
            CASE WHEN d.legacy THEN (ARRAY['A','B','B','C','D','E'])[1 + d.h_grd % 6]
                 ELSE (ARRAY['1','2','2','2','3'])[1 + d.h_grd % 5] END,
            CASE WHEN d.legacy THEN (ARRAY['1','2','2','3','4','5'])[1 + (d.h_grd / 7) % 6]
                 ELSE (ARRAY['A','B','B','C','C','D','E'])[1 + (d.h_grd / 7) % 7] END,
            CASE WHEN d.legacy THEN (ARRAY['1','1','2','3','4','5'])[1 + (d.h_grd / 11) % 6]
                 WHEN (d.h_grd / 11) % 6 = 0 THEN 'C' ELSE 'P' END,
            CASE WHEN NOT d.legacy AND (d.h_grd / 11) % 6 = 0 THEN 'Share with law enforcement partners only' END,
            d.category, d.secondary, d.vulnerable,
            CASE WHEN d.vulnerable THEN 'A person in a vulnerable position is involved' END,
            ${sql.raw(narrativeSql())},
            (${team})[1 + d.h_who % ${size}],
            CASE WHEN d.state_raw <> 'received' THEN (${team})[1 + (d.h_who / 3) % ${size}] END,
            CASE WHEN d.state_raw <> 'received' THEN LEAST(d.received_at + interval '2 days', now()) END,
            CASE WHEN d.state_raw <> 'received' THEN ${supervisor} END,
            CASE WHEN d.state_raw NOT IN ('received', 'in_assessment') THEN LEAST(d.received_at + interval '12 days', now()) END,
            CASE WHEN d.state_raw NOT IN ('received', 'in_assessment') THEN (${team})[1 + (d.h_who / 3) % ${size}] END,
            CASE WHEN d.state_raw NOT IN ('received', 'in_assessment', 'awaiting_review') THEN LEAST(d.received_at + interval '20 days', now()) END,
            CASE WHEN d.state_raw NOT IN ('received', 'in_assessment', 'awaiting_review') THEN ${supervisor} END,
            CASE WHEN d.state_raw NOT IN ('received', 'in_assessment', 'awaiting_review') THEN d.state_raw::intelligence_decision END,
            CASE WHEN d.state_raw = 'development' THEN (d.received_at + make_interval(days => 20 + d.h_st % 60))::date END,
            NULL, -- referred_case_id: the cases demo links referred reports to its cases
            d.received_at, d.received_at
       FROM demo_intel d
     RETURNING id, received_at, ARRAY[primary_category] || secondary_categories, decision, submitted_by, submitted_at,
               reviewed_by, reviewed_at, review_date, referred_case_id)
     INSERT INTO demo_report SELECT *, gen_random_uuid() FROM inserted`,
  );
  await run(m, sql`ANALYZE demo_report`);
  // Subjects: most reports name one person, some two, a few nobody yet; a fifth concern a few recurring people (40 in
  // the demo's 6000 reports). Someone picked twice for one report is named once, as its subject.
  const recurring = Math.max(40, Math.ceil(count / 150));
  await run(
    m,
    sql`CREATE TEMPORARY TABLE demo_subject ON COMMIT DROP AS
     WITH pool AS (SELECT id, row_number() OVER (ORDER BY staff_number) AS rn
                     FROM workforce_member),
     picks AS (
       SELECT d.id AS report_id,
              CASE WHEN d.h_sub % 5 = 0 THEN 1 + d.h_sub % ${recurring}::int ELSE 1 + (d.h_sub / 5) END AS pick,
              'subject'::intelligence_subject_role AS role
         FROM demo_intel d WHERE d.h_sub % 13 <> 0
       UNION ALL
       SELECT d.id, 1 + (d.h_sub / 17), 'associate' FROM demo_intel d WHERE d.h_sub % 4 = 1
     )
     SELECT DISTINCT ON (p.report_id, pool.id) p.report_id, pool.id AS workforce_member_id, p.role
       FROM picks p JOIN pool ON pool.rn = 1 + (p.pick - 1) % (SELECT count(*) FROM workforce_member)
      ORDER BY p.report_id, pool.id, p.role`,
  );

  // Possible duplicates, as recording would have found them: an earlier report (within 90 days) naming the same
  // person with a category in common, among the demo's reports and any already recorded. Worked out before the
  // demo's subjects are stored, in one pass over everyone named in date order: each row carries the reports that
  // named the same person in the 90 days up to it (a window, not a self-join of everyone's reports).
  await run(
    m,
    sql`INSERT INTO intelligence_duplicate (report_id, related_report_id)
     WITH named AS (
       SELECT s.workforce_member_id, s.report_id, r.received_at, r.categories, true AS demo
         FROM demo_subject s JOIN demo_report r ON r.id = s.report_id
       UNION ALL
       SELECT s.workforce_member_id, s.report_id, r.received_at, ARRAY[r.primary_category] || r.secondary_categories, false
         FROM intelligence_subject s JOIN intelligence_report r ON r.id = s.report_id
     ), windowed AS (
       SELECT n.report_id, n.received_at, n.categories, n.demo,
              array_agg(n.report_id) OVER w AS ids, array_agg(n.received_at) OVER w AS ats,
              array_agg(array_to_string(n.categories, ',')) OVER w AS cats
         FROM named n
       WINDOW w AS (PARTITION BY n.workforce_member_id ORDER BY n.received_at
                    RANGE BETWEEN interval '90 days' PRECEDING AND CURRENT ROW)
     )
     SELECT DISTINCT n.report_id, o.report_id
       FROM windowed n CROSS JOIN LATERAL unnest(n.ids, n.ats, n.cats) AS o(report_id, received_at, categories)
      WHERE n.demo AND o.received_at < n.received_at
        AND string_to_array(o.categories, ',')::corruption_category[] && n.categories
     ON CONFLICT DO NOTHING`,
  );
  await run(
    m,
    sql`INSERT INTO intelligence_subject (report_id, workforce_member_id, role)
     SELECT report_id, workforce_member_id, role FROM demo_subject
     ON CONFLICT DO NOTHING`,
  );

  // Assessments for everything past assessment, reviews for everything decided.
  const assessment = `${MARKER}Assessment: enquiries made with the source and systems checked; recommendation follows the grading.`;
  await run(
    m,
    sql`INSERT INTO intelligence_assessment (id, report_id, version_no, assessment_text, recommended_decision, submitted_by,
                                          submitted_at)
     SELECT r.assessment_id, r.id, 1, ${assessment}::text,
            COALESCE(r.decision, 'development'), r.submitted_by, r.submitted_at
       FROM demo_report r WHERE r.submitted_at IS NOT NULL`,
  );
  await run(
    m,
    sql`INSERT INTO intelligence_review (report_id, assessment_id, decision, reason, review_date, case_id, recipient,
                                      reviewed_by, reviewed_at)
     SELECT r.id, r.assessment_id, r.decision,
            CASE WHEN r.decision = 'no_further_action' THEN 'Not substantiated by the enquiries made' END,
            r.review_date, r.referred_case_id,
            CASE WHEN r.decision = 'disseminated' THEN 'Regional organised crime unit' END,
            r.reviewed_by, r.reviewed_at
       FROM demo_report r WHERE r.decision IS NOT NULL`,
  );
  const [{ open }] = await run(
    m,
    sql<{ open: number }>`SELECT count(*)::int AS open FROM intelligence_report
      WHERE state IN ('received', 'in_assessment', 'awaiting_review', 'development')`,
  );
  ctx.log(`demo intelligence: ${count} reports (${open} open in the queue)`);
}

/** A plausible account per category (all demo text starts with the marker, so reruns recognise it). */
function narrativeSql(): string {
  const text: Record<string, string> = {
    abuse_of_position_sexual:
      'Officer is alleged to have contacted a victim of domestic abuse on a personal phone after attending her call, sending messages of a sexual nature.',
    infiltration:
      'Information suggests an applicant has family links to an organised crime group and did not declare them during vetting.',
    disclosure_of_information:
      'Staff member believed to have passed details of an ongoing investigation to a relative connected to the suspect.',
    perverting_justice:
      'Officer is reported to have altered a witness statement and discouraged a witness from attending court.',
    sexual_misconduct:
      'Colleague reports repeated unwanted sexual comments and touching by a supervisor during night shifts.',
    drugs: 'Anonymous caller states the officer buys cocaine from a local dealer and uses it at weekends.',
    theft_fraud: 'Audit found overtime claims for shifts not worked and fuel card use on rest days.',
    misuse_of_systems:
      'Monitoring hit: repeated searches of the police national computer and force systems for a neighbour with no policing purpose.',
    abuse_of_authority:
      'Member of the public reports an officer threatened arrest to settle a private dispute over a car sale.',
    inappropriate_association:
      'Officer seen regularly socialising with a known drug supplier and a convicted burglar at a gym.',
    vulnerability:
      'Staff member has significant gambling debts and has asked colleagues for loans; possible risk of coercion.',
    assisting_offenders: 'Intelligence that a PCSO warned a suspect of a planned warrant at his address.',
    other: 'Concern raised about a contractor with unsupervised access to the custody suite.',
  };
  const cases = Object.entries(text)
    .map(([category, t]) => `WHEN '${category}' THEN '${t.replace(/'/g, "''")}'`)
    .join(' ');
  return `'${MARKER}' || CASE d.category::text ${cases} END || ' Report ' || d.g || '.'`;
}
