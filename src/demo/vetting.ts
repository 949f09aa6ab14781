import { sql } from 'kysely';
import { type DemoSeeder, run } from './demo-context.js';

/**
 * Clearances for the demo workforce, spread so that the compliance figure and every alert kind show:
 * most in date, some inside the 90-day window, some expired, some below their post's level, a few with
 * none; and one declaration with its review_required alert. Only people without clearances get them.
 * The alerts themselves come from the worker's sweep (it runs at start of the demo and hourly).
 */
export const vettingDemo: DemoSeeder = async ({ manager, users, log }) => {
  const officer = users.vetting_officer ?? null;
  const [{ n }] = await run(
    manager,
    sql<{ n: string }>`WITH people AS (
       -- Numbered over everyone, so that who is left without a clearance (one in 25) does not change
       -- when the demo runs again: a rerun adds nothing.
       SELECT m.id, p.required_level, row_number() OVER (ORDER BY m.staff_number) AS i,
              EXISTS (SELECT 1 FROM vetting_clearance c WHERE c.workforce_member_id = m.id) AS cleared
         FROM workforce_member m LEFT JOIN post p ON p.id = m.post_id
        WHERE m.staff_number LIKE 'D%'
     ), planned AS (
       SELECT id, i,
              CASE WHEN i % 10 = 7 AND required_level IN ('MV', 'SC', 'NPPV3') THEN 'RV'
                   ELSE COALESCE(required_level, 'RV') END::vetting_level AS level,
              CASE WHEN i % 10 = 3 THEN current_date + (i % 80)::int + 1
                   WHEN i % 10 = 5 THEN current_date - (i % 200)::int - 1
                   ELSE current_date + 400 + (i * 13 % 1500)::int END AS expires_on
         FROM people WHERE i % 25 <> 0 AND NOT cleared
     ), ins AS (
       INSERT INTO vetting_clearance (workforce_member_id, level, granted_on, expires_on, recorded_by)
       SELECT id, level, LEAST(expires_on - interval '3 years', current_date)::date, expires_on, ${officer}::uuid FROM planned
       RETURNING 1)
     SELECT count(*)::text AS n FROM ins`,
  );
  const [declared] = await run(
    manager,
    sql<{
      id: string;
    }>`SELECT d.id FROM vetting_declaration d JOIN workforce_member m ON m.id = d.workforce_member_id WHERE m.staff_number = 'D1004'`,
  );
  if (!declared) {
    await run(
      manager,
      sql`WITH d AS (
         INSERT INTO vetting_declaration (workforce_member_id, category, declared_on, description, recorded_by)
         SELECT id, 'association', current_date - 3, 'Declared a new association (demo data)', ${officer}::uuid
           FROM workforce_member WHERE staff_number = 'D1004' RETURNING id, workforce_member_id)
       INSERT INTO vetting_alert (workforce_member_id, kind, due_on, source_type, source_id)
       SELECT workforce_member_id, 'review_required', current_date, 'declaration', id FROM d`,
    );
  }
  log(`vetting: ${n} clearances added`);
};
