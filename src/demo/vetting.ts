import { sql } from 'kysely';
import { DEFAULT_VETTING_RULES } from '../config/vetting-rules.js';
import { type DemoSeeder, run } from './demo-context.js';

/**
 * Clearances for the demo workforce, as a force's vetting unit leaves them: everyone cleared at the level
 * their post requires, each clearance lasting its level's renewal period and granted on a date spread over
 * that period (the last renewal: the one before it is kept, superseded); about one in ten not up to date
 * (as the inspection found: "over 10%"): lapsed renewals, people holding a level below their post's (moved
 * posts) and a few new starters still waiting; some renewals falling due inside the warning window; and one
 * declaration with its review_required alert. Only people without clearances get them. The other alerts come
 * from the worker's sweep (it runs at start of the demo and hourly).
 */
export const vettingDemo: DemoSeeder = async ({ manager, users, log }) => {
  const officer = users.vetting_officer ?? null;
  const months = DEFAULT_VETTING_RULES.renewalMonths;
  const [{ n }] = await run(
    manager,
    sql<{ n: string }>`WITH period AS (
       SELECT l.level::vetting_level AS level, l.months
         FROM unnest(${Object.keys(months)}::text[], ${Object.values(months)}::int[]) AS l(level, months)
     ), people AS (
       SELECT m.id, p.required_level, abs(hashtext('vet' || m.staff_number)) AS h, m.start_date
         FROM workforce_member m JOIN post p ON p.id = m.post_id
        WHERE m.leave_date IS NULL
          AND NOT EXISTS (SELECT 1 FROM vetting_clearance c WHERE c.workforce_member_id = m.id)
     ), planned AS (
       SELECT x.id, x.h, x.start_date,
              -- 6% of those posts held on a level below the post's (an MV, SC or NPPV3 post held on RV, NPPV2 or CTC)
              CASE WHEN x.h % 100 < 6 AND x.required_level IN ('MV', 'SC', 'NPPV3')
                   THEN CASE x.required_level WHEN 'MV' THEN 'RV' WHEN 'SC' THEN 'CTC' ELSE 'NPPV2' END
                   ELSE x.required_level::text END::vetting_level AS level,
              -- 8% lapsed (expired up to a year ago); the rest part-way through their period
              x.h / 100 % 100 < 8 AS lapsed,
              (x.h / 10000 % 10000) / 10000.0 AS through
         FROM people x
        WHERE x.h / 1000000 % 100 >= 2 -- 2%: new starters, vetting still in progress (no clearance)
     ), dated AS (
       SELECT pl.*, pr.months,
              CASE WHEN pl.lapsed THEN current_date - make_interval(months => pr.months) - make_interval(days => 1 + (pl.h % 365)::int)
                   ELSE current_date - make_interval(days => 1 + floor(pl.through * (pr.months * 30.4 - 2))::int) END::date AS granted_on
         FROM planned pl JOIN period pr ON pr.level = pl.level
     ), current AS (
       INSERT INTO vetting_clearance (workforce_member_id, level, granted_on, expires_on, recorded_by, recorded_at)
       SELECT d.id, d.level, d.granted_on, (d.granted_on + make_interval(months => d.months))::date, ${officer}::uuid,
              d.granted_on + interval '10 hours'
         FROM dated d
       RETURNING id, workforce_member_id, level, granted_on
     ), previous AS (
       -- the clearance each renewal replaced, for those who have been in post longer than one period
       INSERT INTO vetting_clearance (workforce_member_id, level, granted_on, expires_on, superseded_on, superseded_by_id,
                                      recorded_by, recorded_at)
       SELECT c.workforce_member_id, c.level, g.granted_on, (g.granted_on + make_interval(months => pr.months))::date,
              c.granted_on, c.id, ${officer}::uuid, g.granted_on + interval '10 hours'
         FROM current c JOIN period pr ON pr.level = c.level
         JOIN workforce_member w ON w.id = c.workforce_member_id
         CROSS JOIN LATERAL (SELECT (c.granted_on + interval '20 days' - make_interval(months => pr.months))::date AS granted_on) g
        WHERE w.start_date < g.granted_on
       RETURNING 1
     )
     SELECT ((SELECT count(*) FROM current) + (SELECT count(*) FROM previous))::text AS n`,
  );
  const [declared] = await run(
    manager,
    sql<{
      id: string;
    }>`SELECT d.id FROM vetting_declaration d JOIN workforce_member m ON m.id = d.workforce_member_id WHERE m.staff_number = '10412'`,
  );
  if (!declared) {
    await run(
      manager,
      sql`WITH d AS (
         INSERT INTO vetting_declaration (workforce_member_id, category, declared_on, description, recorded_by)
         SELECT id, 'association', current_date - 3, 'Declared a new partner who has a conviction for fraud', ${officer}::uuid
           FROM workforce_member WHERE staff_number = '10412' RETURNING id, workforce_member_id)
       INSERT INTO vetting_alert (workforce_member_id, kind, due_on, source_type, source_id)
       SELECT workforce_member_id, 'review_required', current_date, 'declaration', id FROM d`,
    );
  }
  log(`vetting: ${n} clearances added`);
};
