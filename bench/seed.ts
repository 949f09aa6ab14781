import type pg from 'pg';
import { DataSource } from 'typeorm';
import { databaseOptions } from '../src/database/data-source.js';
import { generateCases, seedCaseSubjects } from '../src/modules/cases/cases.demo.js';
import { seedIntelligenceReports } from '../src/modules/intelligence/intelligence.demo.js';
import { say } from './lib.js';

export interface SeedContext {
  db: pg.Pool;
  /** A TypeORM connection, for steps that reuse a module's demo seeder at scale. */
  typeorm: DataSource;
  users: Record<string, string>;
}

export interface SeedStep {
  label: string;
  /** Rows at full scale; multiplied by the scale factor. */
  rows: number;
  run: (ctx: SeedContext, n: number) => Promise<void>;
}

const sql = (statements: (n: number) => string[]) => async (ctx: SeedContext, n: number) => {
  const client = await ctx.db.connect();
  try {
    for (const statement of statements(n)) await client.query(statement);
  } finally {
    client.release();
  }
};

/**
 * PostgreSQL-side generation (generate_series), one step per table, in dependency order. Where a module's
 * demo seeder is set-based it is reused at scale, so the bench data has the demo's shape.
 */
export const SEED: SeedStep[] = [
  {
    label: 'intelligence reports over ten years (and their subjects: one person in 25 of the workforce)',
    rows: 1_000_000,
    run: async (ctx, n) =>
      ctx.typeorm.transaction((manager) =>
        seedIntelligenceReports({ manager, users: ctx.users, log: () => undefined }, n, 3650),
      ),
  },
  {
    label: 'cases since 2016/17 with referrals, IOPC decisions and outcomes (the cases demo generator)',
    rows: 50_000,
    run: async (ctx, n) =>
      ctx.typeorm.transaction(async (manager) => {
        await seedCaseSubjects(manager);
        await generateCases(manager, ctx.users.analyst, ctx.users.supervisor, Math.max(n, 20));
      }),
  },
  {
    label:
      'posts and 1,000,000 clearances in their history (8 levels × generations per person; 200,000 active ones due or overdue)',
    rows: 1_000_000,
    run: sql(() => [
      `INSERT INTO department (code, name) SELECT 'BD' || d, 'Bench department ' || d FROM generate_series(1, 20) d
         ON CONFLICT (code) DO NOTHING`,
      `INSERT INTO post (code, title, department_id, required_level)
       SELECT 'BP' || p, 'Bench post ' || p, (SELECT id FROM department WHERE code = 'BD' || (1 + p % 20)),
              (ARRAY['RV','MV','NPPV2','SC','MV'])[1 + p % 5]::vetting_level
         FROM generate_series(1, 200) p ON CONFLICT (code) DO NOTHING`,
      `UPDATE workforce_member w SET post_id = p.id, department_id = p.department_id
         FROM (SELECT id, row_number() OVER (ORDER BY id) AS i FROM workforce_member) m
         JOIN post p ON p.code = 'BP' || (1 + m.i % 200)
        WHERE w.id = m.id`,
      // Per person: 8 levels with 3 generations each (and a 4th of RV): 25 clearances. The newest generation
      // of each level is active; 5 in 8 of those are due (inside 90 days) or overdue.
      `INSERT INTO vetting_clearance (id, workforce_member_id, level, granted_on, expires_on, superseded_on, superseded_by_id)
       WITH m AS (SELECT id, row_number() OVER (ORDER BY id) AS i FROM workforce_member),
       g AS (
         SELECT m.id AS member, m.i, l, gen, CASE WHEN l = 0 THEN 4 ELSE 3 END AS gens,
                abs(hashtext(m.i || '-' || l)) AS h
           FROM m CROSS JOIN generate_series(0, 7) l CROSS JOIN generate_series(0, 3) gen
          WHERE gen < CASE WHEN l = 0 THEN 4 ELSE 3 END
       ), dated AS (
         SELECT g.*,
                CASE WHEN g.h % 8 < 5 THEN current_date + (g.h % 180)::int - 90
                     ELSE current_date + 200 + (g.h % 2000)::int END AS active_expiry
           FROM g
       )
       SELECT md5('c' || d.member || d.l || '-' || d.gen)::uuid, d.member,
              (ARRAY['RV','MV','NPPV1','NPPV2','NPPV3','CTC','SC','DV'])[1 + d.l]::vetting_level,
              (d.active_expiry - make_interval(years => 3 * (d.gens - d.gen)))::date,
              (d.active_expiry - make_interval(years => 3 * (d.gens - 1 - d.gen)))::date,
              CASE WHEN d.gen < d.gens - 1 THEN (d.active_expiry - make_interval(years => 3 * (d.gens - 1 - d.gen)))::date END,
              CASE WHEN d.gen < d.gens - 1 THEN md5('c' || d.member || d.l || '-' || (d.gen + 1))::uuid END
         FROM dated d`,
    ]),
  },
  {
    label: 'audit events (triggers bypassed: the seeded part of the chain is not verifiable)',
    rows: 5_000_000,
    run: sql((n) => [
      `SET session_replication_role = replica`,
      `INSERT INTO audit_event (seq, occurred_at, user_id, roles, action, resource_type, resource_id, subject_ids, outcome, request_id, details, prev_hash, hash)
       SELECT i, now() - make_interval(secs => (${n} - i) * 60), NULL, ARRAY['analyst'],
              (ARRAY['intelligence.read','intelligence.queue','case.read','user.list','auth.login'])[1 + i % 5],
              (ARRAY['intelligence_report','intelligence_report','case','user','user'])[1 + i % 5],
              NULL, '{}'::uuid[], 'allowed', 'bench-' || i, '{}'::jsonb,
              sha256(int8send(i - 1)), sha256(int8send(i))
         FROM generate_series(1, ${n}) i`,
      `RESET session_replication_role`,
    ]),
  },
];

export async function seed(ctx: SeedContext, scale: number): Promise<void> {
  const started = Date.now();
  for (const step of SEED) {
    const n = Math.max(1, Math.round(step.rows * scale));
    const t0 = Date.now();
    process.stdout.write(`  seeding ${step.label}: ${n.toLocaleString('en-GB')} rows… `);
    await step.run(ctx, n);
    say(`${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  await ctx.db.query('VACUUM ANALYZE');
  say(`  seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

export function typeormFor(url: string): DataSource {
  return new DataSource({
    ...databaseOptions({ DATABASE_URL: url, DATABASE_POOL_SIZE: 2, DATABASE_ROLE: '' }, 'lantern-bench-seed'),
  });
}
