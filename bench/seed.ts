import type pg from 'pg';
import { say } from './lib.js';

export interface SeedStep {
  label: string;
  /** Rows at full scale; multiplied by the scale factor. */
  rows: number;
  sql: (n: number) => string[];
}

/**
 * PostgreSQL-side generation (generate_series), one step per table, in dependency order. Modules add their
 * steps here; each must be fast at full scale (the whole seed runs in under 5 minutes here).
 */
export const SEED: SeedStep[] = [
  {
    label: 'workforce members',
    rows: 30_000,
    sql: (n) => [
      `INSERT INTO workforce_member (member_type, staff_number, given_name, family_name, rank_or_grade, start_date)
       SELECT (ARRAY['officer','officer','officer','staff','staff','special_constable','pcso','volunteer','contractor'])[1 + i % 9]::member_type,
              'B' || lpad(i::text, 7, '0'), 'Given' || i, 'Family' || (i % 5000), 'Grade ' || (i % 12),
              date '2000-01-01' + (i % 9000)
         FROM generate_series(1, ${n}) i`,
    ],
  },
  {
    label: 'audit events (5M, triggers bypassed: the seeded part of the chain is not verifiable)',
    rows: 5_000_000,
    sql: (n) => [
      `SET session_replication_role = replica`,
      `INSERT INTO audit_event (seq, occurred_at, user_id, roles, action, resource_type, resource_id, subject_ids, outcome, request_id, details, prev_hash, hash)
       SELECT i, now() - make_interval(secs => (${n} - i) * 60), NULL, ARRAY['analyst'],
              (ARRAY['intelligence.read','intelligence.queue','case.read','user.list','auth.login'])[1 + i % 5],
              (ARRAY['intelligence','intelligence','case','user','user'])[1 + i % 5],
              NULL, '{}'::uuid[], 'allowed', 'bench-' || i, '{}'::jsonb,
              sha256(int8send(i - 1)), sha256(int8send(i))
         FROM generate_series(1, ${n}) i`,
      `RESET session_replication_role`,
    ],
  },
];

export async function seed(db: pg.Pool, scale: number): Promise<void> {
  const started = Date.now();
  for (const step of SEED) {
    const n = Math.max(1, Math.round(step.rows * scale));
    const t0 = Date.now();
    process.stdout.write(`  seeding ${step.label}: ${n.toLocaleString('en-GB')} rows… `);
    const client = await db.connect();
    try {
      for (const statement of step.sql(n)) await client.query(statement);
    } finally {
      client.release();
    }
    say(`${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  const client = await db.connect();
  await client.query('ANALYZE');
  client.release();
  say(`  seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
