import type pg from 'pg';
import { DataSource } from 'typeorm';
import { databaseOptions } from '../src/database/data-source.js';
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
