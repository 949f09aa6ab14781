import { sql } from 'kysely';
import { type DemoContext, type DemoSeeder, run } from './demo-context.js';
import { generatedMembersSql, DEMO_LINKED_STAFF_NUMBER, DEMO_UNIT } from './workforce.js';
import { dedupeReferencesSql, randomReferenceSql } from './references.js';
import { ASSESSMENTS, filledSql, NARRATIVES, perCategorySql, RECIPIENTS } from './texts.js';

/** How many reports the demo unit holds: five years of a mid-sized force's CCU (about 360 a year). */
export const DEMO_REPORTS = 1800;
/** Five years, in days. */
export const DEMO_SPAN_DAYS = 1826;
const DEMO_ANALYSTS = 5;
/** Every demo report's source details start with this: the data is fictional (and reruns recognise it). */
export const FICTIONAL = 'Fictional demo data';
/** The 3x5x2 scheme's introduction (domain.md: "since 2016"): older reports keep their 5x5x5 grades. */
export const THREE_BY_FIVE_BY_TWO_FROM = '2016-01-01';
/** The assessment target (days from receipt), as configured by default: the queue's overdue line. */
const TARGET_DAYS = 28;

/** Category shares of the intake, in percent: the emphasis on APSP, as in the inspection. */
const CATEGORY_SHARES: [string, number][] = [
  ['abuse_of_position_sexual', 18],
  ['disclosure_of_information', 14],
  ['misuse_of_systems', 14],
  ['inappropriate_association', 10],
  ['drugs', 8],
  ['theft_fraud', 8],
  ['sexual_misconduct', 7],
  ['abuse_of_authority', 5],
  ['vulnerability', 5],
  ['assisting_offenders', 3],
  ['perverting_justice', 3],
  ['infiltration', 2],
  ['other', 3],
];
/** How likely a subject's run of reports ends in a case, per category (percent). */
const REFERRAL_SHARES: Record<string, number> = {
  abuse_of_position_sexual: 40,
  sexual_misconduct: 30,
  perverting_justice: 30,
  theft_fraud: 25,
  assisting_offenders: 25,
  drugs: 25,
  infiltration: 20,
  disclosure_of_information: 15,
  abuse_of_authority: 15,
  misuse_of_systems: 12,
  inappropriate_association: 10,
  vulnerability: 5,
  other: 5,
};
/** Likely sources per category (drawn evenly from the list). */
const SOURCES: Record<string, string[]> = {
  abuse_of_position_sexual: [
    'member_of_public',
    'partner_agency',
    'partner_agency',
    'colleague',
    'complaint',
    'anonymous',
    'iopc',
  ],
  misuse_of_systems: ['ict_monitoring', 'ict_monitoring', 'ict_monitoring', 'colleague', 'anonymous'],
  disclosure_of_information: ['colleague', 'anonymous', 'ict_monitoring', 'covert_source', 'other_force'],
  inappropriate_association: ['covert_source', 'anonymous', 'colleague', 'other_force', 'self_declaration'],
  drugs: ['anonymous', 'covert_source', 'partner_agency', 'colleague', 'other_force'],
  theft_fraud: ['colleague', 'anonymous', 'other'],
  sexual_misconduct: ['colleague', 'colleague', 'anonymous', 'complaint'],
  abuse_of_authority: ['complaint', 'member_of_public', 'iopc', 'colleague'],
  vulnerability: ['colleague', 'self_declaration', 'anonymous', 'partner_agency'],
  assisting_offenders: ['covert_source', 'other_force', 'anonymous'],
  perverting_justice: ['colleague', 'member_of_public', 'complaint'],
  infiltration: ['covert_source', 'other_force', 'anonymous'],
  other: ['colleague', 'member_of_public', 'other'],
};

/** 100 entries: one category drawn from it by `hash % 100` follows CATEGORY_SHARES. */
const CATEGORY_DRAW = CATEGORY_SHARES.flatMap(([c, n]) => Array<string>(n).fill(c));

/**
 * Demo intelligence: five years of a CCU's reports. Generated as subjects' stories: most people named in one
 * to three reports months apart, a few repeat subjects (with an older, 5x5x5-graded report from before 2016),
 * some reports about nobody identified yet. Each report moves through the lifecycle at its own pace
 * (assessment times log-normal around three weeks, with a long tail), so the open queue is what a unit keeps
 * up with: the reports still inside their assessment, plus recent development work. A story that ends in a
 * case has its last report referred (the cases demo opens the case from it). Set-based (generate_series) and
 * idempotent: a second run finds the demo reports and adds nothing.
 */
export const seedIntelligence: DemoSeeder = (ctx: DemoContext) =>
  seedIntelligenceReports(ctx, DEMO_REPORTS, DEMO_SPAN_DAYS, DEMO_LINKED_STAFF_NUMBER);

/**
 * The demo seeder at any size and span (the bench seeds 1,000,000 over ten years the same way). With
 * `linkedStaffNumber`, the first story is one open report about that person (the demo's linked analyst).
 */
export async function seedIntelligenceReports(
  ctx: DemoContext,
  count: number,
  spanDays = DEMO_SPAN_DAYS,
  linkedStaffNumber?: string,
): Promise<void> {
  const { manager: m, users } = ctx;
  const [{ n }] = await run(
    m,
    sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM intelligence_report WHERE source_details LIKE ${`${FICTIONAL}%`}`,
  );
  if (n > 0) {
    ctx.log(`demo intelligence: ${n} reports already there`);
    return;
  }

  // Small statements whose estimates (temporary tables, generate_series) look big: JIT compiling them costs
  // seconds and saves nothing.
  await run(m, sql`SET LOCAL jit = off`);

  // Workforce: the workforce demo's when present, otherwise generated people (the bench: one in 25 reports).
  const [{ members }] = await run(
    m,
    sql<{ members: number }>`SELECT count(*)::int AS members FROM workforce_member`,
  );
  const wanted = Math.max(400, Math.ceil(count / 25));
  if (members < wanted) {
    await run(m, sql.raw(generatedMembersSql('DEMO-', 5, String(wanted))));
  }

  // A unit of analysts (the demo creates them with its users; elsewhere they share the analyst's password).
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
  const supervisors = Object.entries(users)
    .filter(([key]) => key.startsWith('supervisor'))
    .sort()
    .map(([, id]) => id);

  // The stories: one per subject (or unidentified person), with how many reports, the category, the gap
  // between reports, where in the span it falls (a mix of even and mid-span-weighted: the intake rises and
  // eases, as the inspection's referral table does) and whether it ends in a case.
  const stories = Math.ceil(count / 1.45);
  const linked = linkedStaffNumber !== undefined;
  await run(
    m,
    sql`CREATE TEMPORARY TABLE demo_story ON COMMIT DROP AS
     WITH s AS (
       SELECT s, abs(hashtext('story' || s)) AS h, abs(hashtext('story-k' || s)) AS hk,
              abs(hashtext('story-c' || s)) AS hc, abs(hashtext('story-t' || s)) AS ht,
              abs(hashtext('story-u' || s)) AS hu
         FROM generate_series(1, ${stories}::int) s
     ), shaped AS (
       SELECT s.*,
              CASE WHEN s.s = 1 AND ${linked} THEN 'misuse_of_systems'
                   ELSE (${CATEGORY_DRAW}::text[])[1 + s.hc % 100] END AS category,
              CASE WHEN s.s = 1 AND ${linked} THEN 1
                   WHEN s.hk % 1000 < 8 THEN 5 + (s.hk / 1000) % 5
                   WHEN s.hk % 100 < 62 THEN 1 WHEN s.hk % 100 < 86 THEN 2 WHEN s.hk % 100 < 96 THEN 3
                   ELSE 4 END AS k,
              20 + s.ht % 150 AS gap,
              CASE WHEN s.hu % 10 < 7 THEN (s.hu / 2 % 10000) / 10000.0
                   ELSE ((s.hu / 2 % 10000) + (s.ht / 7 % 10000)) / 20000.0 END AS w
         FROM s
     )
     SELECT sh.s, sh.h, sh.category, sh.k, sh.gap,
            CASE WHEN sh.s = 1 AND ${linked} THEN 9
                 ELSE (sh.k - 1) * sh.gap + (${spanDays}::int - (sh.k - 1) * sh.gap) * sh.w END AS first_age,
            -- unidentified: nobody named yet (never referred)
            sh.h % 100 < 5 AND NOT (sh.s = 1 AND ${linked}) AS unidentified,
            sh.h / 100 % 100 < CASE sh.category ${sql.raw(
              Object.entries(REFERRAL_SHARES)
                .map(([c, p]) => `WHEN '${c}' THEN ${p}`)
                .join(' '),
            )} ELSE 0 END AND NOT (sh.s = 1 AND ${linked}) AS refers
       FROM shaped sh`,
  );
  await run(m, sql`ANALYZE demo_story`);
  // The reports: numbered over the stories' reports, the first `count` of them.
  const sources = perCategorySql('c.category', SOURCES, 'c.h_src');
  await run(
    m,
    sql`CREATE TEMPORARY TABLE demo_intel ON COMMIT DROP AS
    WITH seq AS (
      SELECT st.*, j, row_number() OVER (ORDER BY st.s, j) AS g
        FROM demo_story st CROSS JOIN LATERAL generate_series(0, st.k - 1) j
    ), base AS (
      SELECT q.*, abs(hashtext('age' || q.g)) AS h_age, abs(hashtext('cat' || q.g)) AS h_cat,
             abs(hashtext('src' || q.g)) AS h_src, abs(hashtext('grd' || q.g)) AS h_grd,
             abs(hashtext('vul' || q.g)) AS h_vul, abs(hashtext('st' || q.g)) AS h_st,
             abs(hashtext('who' || q.g)) AS h_who, abs(hashtext('sub' || q.g)) AS h_sub,
             abs(hashtext('d1' || q.g)) AS h_d1, abs(hashtext('d2' || q.g)) AS h_d2
        FROM seq q WHERE q.g <= ${count}::int
    ), aged AS (
      SELECT b.*,
             -- a repeat subject's first report is older history, from before 3x5x2
             CASE WHEN b.k >= 5 AND b.j = 0 THEN (current_date - date '2013-03-01') - b.h_age % 900
                  ELSE b.first_age - b.j * b.gap END AS age_days,
             CASE WHEN b.j = 0 OR b.h_cat % 10 < 7 THEN b.category
                  ELSE (${CATEGORY_DRAW}::text[])[1 + b.h_cat / 10 % 100] END AS cat,
             -- the time from receipt to the supervisor's decision: log-normal, median 21 days, long tail
             CASE WHEN b.s = 1 AND ${linked} THEN 30
                  ELSE LEAST(365, GREATEST(3, 21 * exp(0.65 * sqrt(-2 * ln((1 + b.h_d1 % 9999) / 10000.0))
                                                   * cos(2 * pi() * (b.h_d2 % 10000) / 10000.0)))) END AS decide_days
        FROM base b
    ), timed AS (
      SELECT a.*, now() - make_interval(days => floor(a.age_days)::int, mins => a.h_age % 1440) AS received_at
        FROM aged a
    ), c AS (
      SELECT t.*, t.received_at + t.decide_days * interval '1 day' AS decided_at,
             extract(epoch FROM now() - t.received_at) / 86400.0 / t.decide_days AS progress
        FROM timed t
    )
    SELECT c.g, c.s, c.j, c.k, gen_random_uuid() AS id, c.received_at, c.decide_days, c.unidentified,
           c.cat::corruption_category AS category,
           CASE WHEN c.h_cat % 5 = 0 THEN ARRAY[(ARRAY['misuse_of_systems','inappropriate_association','vulnerability'])[1 + c.h_cat / 5 % 3]]::corruption_category[]
                ELSE '{}'::corruption_category[] END AS secondary,
           (CASE WHEN c.cat = c.category THEN ${sql.raw(sources)}
                 ELSE (ARRAY['colleague','anonymous','member_of_public'])[1 + c.h_src % 3] END)::intelligence_source_type AS source_type,
           c.received_at < ${THREE_BY_FIVE_BY_TWO_FROM}::timestamptz AS legacy,
           c.h_grd, c.h_vul, c.h_who, c.h_sub, c.h_src, c.h_st,
           (c.cat = 'abuse_of_position_sexual' AND c.h_vul % 10 < 6) OR (c.cat = 'sexual_misconduct' AND c.h_vul % 5 = 0)
             OR c.h_vul % 30 = 0 AS vulnerable,
           CASE WHEN c.progress >= 1 THEN NULL
                WHEN c.progress < 0.15 THEN 'received'
                WHEN c.progress < 0.75 THEN 'in_assessment'
                ELSE 'awaiting_review' END AS open_state,
           c.decided_at,
           CASE WHEN c.progress < 1 THEN NULL
                WHEN c.refers AND NOT c.unidentified AND c.j = c.k - 1 THEN 'referred_to_case'
                WHEN c.decided_at > now() - interval '90 days' AND c.h_st % 100 < 30 THEN 'development'
                WHEN c.h_st % 100 < 62 THEN 'no_further_action'
                ELSE 'disseminated' END AS decision,
           ${sql.raw(randomReferenceSql('INT', `EXTRACT(YEAR FROM c.received_at AT TIME ZONE 'UTC')::int`))} AS reference
      FROM c`,
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
  const team = sql`${analysts}::uuid[]`;
  const size = sql`${analysts.length}::int`;
  const bosses = sql`${supervisors.length ? supervisors : [users.supervisor]}::uuid[]`;
  const bossCount = sql`${Math.max(1, supervisors.length)}::int`;
  const narrative = filledSql(perCategorySql('d.category::text', NARRATIVES, 'd.h_src / 7'), 'd.h_st / 3');
  await run(
    m,
    sql`WITH staged AS (
       SELECT d.*, COALESCE(d.decision, d.open_state) AS state_raw,
              d.open_state IS DISTINCT FROM 'received' AS assigned,
              d.open_state IS NULL OR d.open_state = 'awaiting_review' AS submitted,
              d.decision IS NOT NULL AS decided,
              CASE WHEN d.s = 1 AND ${linked} THEN (${team})[1] ELSE (${team})[1 + d.h_who % ${size}] END AS analyst,
              (${bosses})[1 + d.h_who / 7 % ${bossCount}] AS boss
         FROM demo_intel d
     ), inserted AS (
     INSERT INTO intelligence_report (id, reference, state, received_at, receipt_method, source_type, source_details,
        grading_scheme, source_evaluation, intelligence_assessment, handling_code, handling_conditions,
        primary_category, secondary_categories, vulnerable_person, vulnerable_person_note, narrative, recorded_by,
        assignee_id, assigned_at, assigned_by, submitted_at, submitted_by, reviewed_at, reviewed_by, decision,
        review_date, referred_case_id, created_at, updated_at)
     SELECT d.id, d.reference, d.state_raw::intelligence_state, d.received_at,
            (CASE d.source_type WHEN 'ict_monitoring' THEN 'system_alert' WHEN 'anonymous' THEN 'reporting_line'
                  WHEN 'partner_agency' THEN (ARRAY['email','referral','telephone'])[1 + d.h_src / 3 % 3]
                  WHEN 'iopc' THEN 'referral' WHEN 'other_force' THEN 'email'
                  WHEN 'complaint' THEN (ARRAY['online_form','letter','telephone'])[1 + d.h_src / 3 % 3]
                  WHEN 'member_of_public' THEN (ARRAY['telephone','online_form','in_person','email'])[1 + d.h_src / 3 % 4]
                  WHEN 'covert_source' THEN 'in_person'
                  ELSE (ARRAY['in_person','email','telephone'])[1 + d.h_src / 3 % 3] END)::intelligence_receipt_method,
            d.source_type,
            ${FICTIONAL}::text || ': source record ' || (d.h_src % 9000 + 1000),
            CASE WHEN d.legacy THEN '5x5x5' ELSE '3x5x2' END::grading_scheme,
            CASE WHEN d.legacy THEN (ARRAY['A','B','B','C','C','D'])[1 + d.h_grd % 6]
                 WHEN d.source_type = 'ict_monitoring' THEN '1'
                 WHEN d.source_type IN ('anonymous', 'member_of_public') THEN (ARRAY['2','2','2','3'])[1 + d.h_grd % 4]
                 ELSE (ARRAY['1','1','2','2','3'])[1 + d.h_grd % 5] END,
            CASE WHEN d.legacy THEN (ARRAY['1','2','2','3','3','4'])[1 + (d.h_grd / 7) % 6]
                 WHEN d.source_type = 'ict_monitoring' THEN 'A'
                 ELSE (ARRAY['A','B','B','C','C','C','D','E'])[1 + (d.h_grd / 7) % 8] END,
            CASE WHEN d.legacy THEN (ARRAY['1','1','2','3','4'])[1 + (d.h_grd / 11) % 5]
                 WHEN (d.h_grd / 11) % 7 = 0 THEN 'C' ELSE 'P' END,
            CASE WHEN NOT d.legacy AND (d.h_grd / 11) % 7 = 0 THEN 'Not to be shared outside law enforcement without the CCU''s agreement' END,
            d.category, d.secondary, d.vulnerable,
            CASE WHEN d.vulnerable THEN (ARRAY['The person is a victim of domestic abuse','The person is a witness in a current case',
                                               'The person is supported by a mental health service'])[1 + d.h_vul / 3 % 3] END,
            ${sql.raw(narrative)},
            (${team})[1 + d.h_src % ${size}],
            CASE WHEN d.assigned THEN d.analyst END,
            CASE WHEN d.assigned THEN d.received_at + d.decide_days * 0.15 * interval '1 day' END,
            CASE WHEN d.assigned THEN d.boss END,
            CASE WHEN d.submitted THEN d.received_at + d.decide_days * 0.75 * interval '1 day' END,
            CASE WHEN d.submitted THEN d.analyst END,
            CASE WHEN d.decided THEN d.decided_at END,
            CASE WHEN d.decided THEN d.boss END,
            d.decision::intelligence_decision,
            CASE WHEN d.decision = 'development' THEN (d.decided_at + make_interval(days => 35 + d.h_st % 63))::date END,
            NULL, -- referred_case_id: the cases demo opens the case and links it
            d.received_at, CASE WHEN d.decided THEN d.decided_at ELSE d.received_at END
       FROM staged d
     RETURNING id, received_at, ARRAY[primary_category] || secondary_categories, decision, submitted_by, submitted_at,
               reviewed_by, reviewed_at, review_date, referred_case_id)
     INSERT INTO demo_report SELECT *, gen_random_uuid() FROM inserted`,
  );
  await run(m, sql`ANALYZE demo_report`);

  // Subjects: the story's person on each of its reports (none while unidentified); one report in twenty names
  // a second subject, one in twelve an associate. The pool leaves out the unit's own people, except for the
  // linked analyst's one story. Someone picked twice for one report is named once, as its subject.
  await run(
    m,
    sql`CREATE TEMPORARY TABLE demo_subject ON COMMIT DROP AS
     WITH pool AS (
       SELECT id, row_number() OVER (ORDER BY abs(hashtext('pool' || staff_number)), staff_number) AS rn
         FROM workforce_member WHERE staff_number <> ALL (${DEMO_UNIT.map((u) => u.staffNumber)}::text[])
     ), size AS (SELECT count(*) AS n FROM pool),
     picks AS (
       SELECT d.id AS report_id, 1 + (d.s - 1) % size.n AS rn, 'subject'::intelligence_subject_role AS role, 0 AS o
         FROM demo_intel d, size WHERE NOT d.unidentified AND NOT (d.s = 1 AND ${linked})
       UNION ALL
       SELECT d.id, 1 + d.h_sub % size.n, 'subject', 1 FROM demo_intel d, size
        WHERE NOT d.unidentified AND d.h_sub / 3 % 20 = 0 AND NOT (d.s = 1 AND ${linked})
       UNION ALL
       SELECT d.id, 1 + d.h_sub / 7 % size.n, 'associate', 2 FROM demo_intel d, size
        WHERE d.h_sub / 11 % 12 = 0 AND NOT (d.s = 1 AND ${linked})
     ), named AS (
       SELECT p.report_id, pool.id AS workforce_member_id, p.role, p.o FROM picks p JOIN pool ON pool.rn = p.rn
       UNION ALL
       SELECT d.id, w.id, 'subject', 0 FROM demo_intel d JOIN workforce_member w ON w.staff_number = ${linkedStaffNumber ?? null}::text
        WHERE d.s = 1 AND ${linked}
     )
     SELECT DISTINCT ON (n.report_id, n.workforce_member_id) n.report_id, n.workforce_member_id, n.role
       FROM named n ORDER BY n.report_id, n.workforce_member_id, n.o`,
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
     SELECT report_id, workforce_member_id, role FROM demo_subject`,
  );

  // Assessments for everything past assessment, reviews for everything decided.
  const assessment = perCategorySql('r.categories[1]::text', ASSESSMENTS);
  await run(
    m,
    sql`INSERT INTO intelligence_assessment (id, report_id, version_no, assessment_text, recommended_decision, submitted_by,
                                          submitted_at)
     SELECT r.assessment_id, r.id, 1,
            ${sql.raw(assessment)} || ' ' ||
            CASE COALESCE(r.decision, 'development')
              WHEN 'no_further_action' THEN 'Not corroborated: no further action recommended, the report kept for any later pattern.'
              WHEN 'development' THEN 'Further enquiries recommended before a decision.'
              WHEN 'disseminated' THEN 'Recommend dissemination under the handling code.'
              ELSE 'Recommend referral for investigation.' END,
            COALESCE(r.decision, 'development'), r.submitted_by, r.submitted_at
       FROM demo_report r WHERE r.submitted_at IS NOT NULL`,
  );
  const recipient = perCategorySql('r.categories[1]::text', RECIPIENTS, '0', `'Divisional command team'`);
  await run(
    m,
    sql`INSERT INTO intelligence_review (report_id, assessment_id, decision, reason, review_date, case_id, recipient,
                                      reviewed_by, reviewed_at)
     SELECT r.id, r.assessment_id, r.decision,
            CASE r.decision WHEN 'no_further_action' THEN 'Not substantiated by the enquiries made'
                            WHEN 'development' THEN 'Enquiries to complete before a decision'
                            WHEN 'referred_to_case' THEN 'Sufficient to investigate' END,
            r.review_date, r.referred_case_id,
            CASE WHEN r.decision = 'disseminated' THEN ${sql.raw(recipient)} END,
            r.reviewed_by, r.reviewed_at
       FROM demo_report r WHERE r.decision IS NOT NULL`,
  );
  const [{ open, overdue }] = await run(
    m,
    sql<{ open: number; overdue: number }>`SELECT count(*)::int AS open,
            count(*) FILTER (WHERE CASE WHEN state = 'development' THEN review_date < current_date
                                        ELSE received_at < now() - make_interval(days => ${TARGET_DAYS}::int) END)::int AS overdue
       FROM intelligence_report WHERE state IN ('received', 'in_assessment', 'awaiting_review', 'development')`,
  );
  ctx.log(`demo intelligence: ${count} reports (${open} open in the queue, ${overdue} overdue)`);
}
