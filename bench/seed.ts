import type pg from 'pg';
import { DataSource } from 'typeorm';
import { databaseOptions } from '../src/database/data-source.js';
import { generateCases, seedCaseSubjects } from '../src/demo/cases.js';
import { seedIntelligenceReports } from '../src/demo/intelligence.js';
import { generatedMembersSql } from '../src/demo/workforce.js';
import { inPgTransaction } from './baseline.js';
import { say } from './lib.js';
import type { RawBuilder } from 'kysely';
import { londonDateOf } from '../src/common/clock.js';
import { db as kysely } from '../src/database/sql.js';
import { SNAPSHOT_SQL } from '../src/modules/vetting/snapshots.repository.js';
import { snapshotWindowStart } from '../src/modules/vetting/snapshots.service.js';

export interface SeedContext {
  db: pg.Pool;
  /** A TypeORM connection, for steps that reuse a module's demo seeder at scale. */
  typeorm: DataSource;
  users: Record<string, string>;
  /**
   * Work that may finish while the next steps run (e.g. an index nothing seeded after it needs): seed() waits
   * for all of it before the final VACUUM.
   */
  later: (work: () => Promise<unknown>) => void;
}

export interface SeedStep {
  label: string;
  /** Rows at full scale; multiplied by the scale factor. */
  rows: number;
  run: (ctx: SeedContext, n: number) => Promise<void>;
  /**
   * Touches no table another step reads or writes: runs alongside the others (the machine has cores to spare),
   * and vacuums these tables when done, so the final VACUUM finds them all-visible.
   */
  alongside?: string[];
}

type Query = (text: string, params?: unknown[]) => Promise<unknown>;

/**
 * Bulk-load settings for one seeding transaction: memory for the sorts, hashes and index builds, and no JIT
 * (compiling each big statement costs more than it saves here).
 */
async function bulkSettings(query: Query): Promise<void> {
  for (const setting of [
    `SET LOCAL work_mem = '256MB'`,
    `SET LOCAL maintenance_work_mem = '1GB'`,
    `SET LOCAL jit = off`,
    `SET LOCAL synchronous_commit = off`,
  ]) {
    await query(setting);
  }
}

/**
 * Runs `load` with the tables' indexes and constraints (keys, unique, foreign keys, also those of other tables
 * pointing at them) dropped, then puts them back as they were (pg_get_indexdef / pg_get_constraintdef): one
 * sorted build per index and one validating join per key instead of maintaining and checking them row by row.
 * Without `keepKeys` the load must not rely on ON CONFLICT for these tables (the seeders it wraps produce no
 * duplicates); with it, primary keys and unique indexes stay, and only the other indexes and the tables' own
 * foreign keys go. Returns the `deferred` indexes' definitions, not rebuilt: for the caller to build after its
 * commit, beside the next steps.
 * In the seeding transaction, so a failure leaves the schema untouched. Bench only: the app's schema is its
 * migrations'.
 */
async function withoutIndexes(
  query: Query,
  tables: string[],
  load: () => Promise<void>,
  options: { keepKeys?: boolean; deferred?: (definition: string) => boolean } = {},
): Promise<string[]> {
  const keys = !options.keepKeys;
  const constraints = (await query(
    `SELECT conrelid::regclass::text AS tbl, format('%I', conname) AS name, pg_get_constraintdef(oid) AS definition,
            contype = 'f' AS foreign
       FROM pg_constraint
      WHERE ($2 AND contype IN ('p', 'u') AND conrelid = ANY ($1::regclass[]))
         OR (contype = 'f' AND (conrelid = ANY ($1::regclass[]) OR ($2 AND confrelid = ANY ($1::regclass[]))))
      ORDER BY contype = 'f' DESC`,
    [tables, keys],
  )) as { tbl: string; name: string; definition: string; foreign: boolean }[];
  const indexes = (await query(
    `SELECT format('%I', c.relname) AS name, pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = ANY ($1::regclass[]) AND ($2 OR NOT i.indisunique)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u'))`,
    [tables, keys],
  )) as { name: string; definition: string }[];
  // Foreign keys first (they depend on the keys), then the keys, then the other indexes; back in reverse.
  for (const k of constraints) await query(`ALTER TABLE ${k.tbl} DROP CONSTRAINT ${k.name}`);
  for (const i of indexes) await query(`DROP INDEX ${i.name}`);
  await load();
  for (const k of constraints.filter((c) => !c.foreign)) {
    await query(`ALTER TABLE ${k.tbl} ADD CONSTRAINT ${k.name} ${k.definition}`);
  }
  const deferred = indexes.filter((i) => options.deferred?.(i.definition)).map((i) => i.definition);
  for (const i of indexes) if (!deferred.includes(i.definition)) await query(i.definition);
  for (const k of constraints.filter((c) => c.foreign)) {
    await query(`ALTER TABLE ${k.tbl} ADD CONSTRAINT ${k.name} ${k.definition}`);
  }
  return deferred;
}

/** A step's statements in one transaction on a pool connection (so that SET LOCAL and the DDL roll back with it). */
const inTransaction =
  (work: (query: Query, n: number) => Promise<void>) =>
  (ctx: SeedContext, n: number): Promise<void> =>
    inPgTransaction(ctx.db, (client) =>
      work(async (text, params) => (await client.query(text, params)).rows as unknown, n),
    );

/** Statements run in one seeding transaction, with the tables' secondary indexes and own foreign keys set aside. */
const statements = (tables: string[], list: (n: number) => string[]) =>
  inTransaction(async (query, n) => {
    await bulkSettings(query);
    await withoutIndexes(
      query,
      tables,
      async () => {
        for (const statement of list(n)) await query(statement);
      },
      { keepKeys: true },
    );
  });

const INTELLIGENCE_TABLES = [
  'intelligence_report',
  'intelligence_subject',
  'intelligence_assessment',
  'intelligence_review',
  'intelligence_duplicate',
];

/** The figures' read-model triggers on intelligence_report, set aside during its bulk load. */
const FIGURE_TRIGGERS = ['intelligence_figure', 'capacity_figure'].flatMap((t) =>
  ['insert', 'update', 'delete'].map((event) => `${t}_${event}`),
);

const CASE_TABLES = [
  'case_record',
  'case_subject',
  'case_severity_assessment',
  'case_event',
  'iopc_referral',
  'case_subject_outcome',
];

/**
 * Runs `load` (bulk inserts and updates of the cases tables) with the triggers that keep the figures' case read
 * models (`referral_fact`, `case_person_fact`: src/modules/figures/sql/) disabled, then fills both at once from
 * the same derivations the triggers and the migrations' backfill use (`referral_facts_of`,
 * `case_person_facts_of`); `case_figure_total` follows from case_person_fact's own triggers, left on. Each
 * statement of the generator would otherwise refresh the derivation of every case it touched (five or six
 * times over 50,000 cases). In the seeding transaction: a failure leaves the triggers as they were.
 */
async function withReadModelsAfter(query: Query, load: () => Promise<unknown>): Promise<void> {
  const triggers = (await query(
    `SELECT t.tgrelid::regclass::text AS tbl, format('%I', t.tgname) AS name
       FROM pg_trigger t
      WHERE t.tgrelid = ANY ($1::regclass[]) AND NOT t.tgisinternal
        AND (t.tgname LIKE 'referral\\_fact\\_%' OR t.tgname LIKE 'case\\_person\\_fact\\_%')`,
    [CASE_TABLES],
  )) as { tbl: string; name: string }[];
  for (const t of triggers) await query(`ALTER TABLE ${t.tbl} DISABLE TRIGGER ${t.name}`);
  await load();
  for (const t of triggers) await query(`ALTER TABLE ${t.tbl} ENABLE TRIGGER ${t.name}`);
  await query(`DELETE FROM referral_fact`);
  await query(
    `INSERT INTO referral_fact SELECT * FROM referral_facts_of(ARRAY(SELECT case_id FROM iopc_referral))`,
  );
  await query(`DELETE FROM case_person_fact`);
  await query(
    `INSERT INTO case_person_fact SELECT * FROM case_person_facts_of(ARRAY(SELECT id FROM case_record))`,
  );
}

/**
 * PostgreSQL-side generation (generate_series), one step per table, in dependency order. Where a module's
 * demo seeder is set-based it is reused at scale, so the bench data has the demo's shape.
 */
export const SEED: SeedStep[] = [
  {
    label: 'intelligence reports over ten years (and their subjects: one person in 25 of the workforce)',
    rows: 1_000_000,
    run: async (ctx, n) => {
      const deferred = await ctx.typeorm.transaction(async (manager) => {
        const query: Query = (text, params) => manager.query(text, params);
        await bulkSettings(query);
        // The intelligence and capacity figures' read models are filled once, set-based, after the bulk load
        // (their statement triggers set aside meanwhile, in this transaction): the same derivations as the triggers.
        await query(
          `ALTER TABLE intelligence_report ${FIGURE_TRIGGERS.map((t) => `DISABLE TRIGGER ${t}`).join(', ')}`,
        );
        // The full-text index (the longest build) is built beside the next steps, which do not touch reports.
        const later = await withoutIndexes(
          query,
          INTELLIGENCE_TABLES,
          () => seedIntelligenceReports({ manager, users: ctx.users, log: () => undefined }, n, 3650),
          { deferred: (definition) => definition.includes('USING gin') },
        );
        await query(
          `ALTER TABLE intelligence_report ${FIGURE_TRIGGERS.map((t) => `ENABLE TRIGGER ${t}`).join(', ')}`,
        );
        await query(`SELECT intelligence_figure_refill()`);
        // The capacity model's cases side is empty here; the cases step adds to it through its triggers.
        await query(`SELECT capacity_figure_refill()`);
        return later;
      });
      for (const definition of deferred) {
        ctx.later(() =>
          inTransaction(async (query) => {
            await bulkSettings(query);
            await query(definition);
          })(ctx, n),
        );
      }
    },
  },
  {
    label:
      'cases since 2016/17 with referrals, IOPC decisions and outcomes (the cases demo generator), three subjects for every five cases',
    rows: 50_000,
    run: async (ctx, n) =>
      ctx.typeorm.transaction(async (manager) => {
        const query: Query = (text, params) => manager.query(text, params);
        await bulkSettings(query);
        // Three subjects for every five cases (every seventh case has two): most people once, some again.
        const cases = Math.max(n, 20);
        const people = Math.max(40, Math.round(cases * 0.6));
        await seedCaseSubjects(manager, people);
        // The generator's subjects rely on ON CONFLICT: the keys stay. The figures' read models are built once,
        // set-based, after the bulk inserts (withReadModelsAfter), not refreshed by each statement's triggers.
        await withReadModelsAfter(query, () =>
          withoutIndexes(
            query,
            CASE_TABLES,
            () => generateCases(manager, ctx.users.analyst, ctx.users.supervisor, cases, people),
            { keepKeys: true },
          ),
        );
      }),
  },
  {
    label:
      'the workforce on record over ten years: 100,000 people (the intelligence subjects topped up), ~30,000 serving, in 200 posts',
    rows: 100_000,
    run: statements(['workforce_member'], (n) => [
      `INSERT INTO department (code, name) SELECT 'BD' || d, 'Bench department ' || d FROM generate_series(1, 20) d
         ON CONFLICT (code) DO NOTHING`,
      `INSERT INTO post (code, title, department_id, required_level)
       SELECT 'BP' || p, 'Bench post ' || p, (SELECT id FROM department WHERE code = 'BD' || (1 + p % 20)),
              (ARRAY['RV','MV','NPPV2','SC','MV'])[1 + p % 5]::vetting_level
         FROM generate_series(1, 200) p ON CONFLICT (code) DO NOTHING`,
      generatedMembersSql('BW-', 6, `GREATEST(0, ${n} - (SELECT count(*) FROM workforce_member))::int`),
      // Everyone has a post and a start date; 7 in 10 have left (on a date after their start, before today).
      `UPDATE workforce_member w
          SET post_id = p.id, department_id = p.department_id,
              start_date = COALESCE(m.leave_on, current_date) - 30 - m.h % 12000, leave_date = m.leave_on
         FROM (SELECT id, row_number() OVER (ORDER BY id) AS i, abs(hashtext(id::text)) AS h,
                      CASE WHEN abs(hashtext(id::text)) % 10 < 7 THEN current_date - 1 - (abs(hashtext(id::text)) / 10) % 3650 END AS leave_on
                 FROM workforce_member) m
         JOIN post p ON p.code = 'BP' || (1 + m.i % 200)
        WHERE w.id = m.id`,
    ]),
  },
  {
    label:
      '1,000,000 clearances in their history (200,000 of the newest due or overdue; foreign-key checks and triggers bypassed: consistent by construction)',
    rows: 1_000_000,
    // Per person: 4 levels (RV, NPPV1, NPPV3, SC or MV, NPPV2, CTC, DV) with 3, 3, 2 and 2 generations: 10
    // clearances. The newest of each level is in force; half of those are due (expiring inside 90 days) or
    // overdue (expired up to 90 days ago), the rest expire in 91 days to ~2.7 years (granted in the past).
    run: statements(['vetting_clearance'], () => [
      // No sweep has completed on a freshly seeded database, so the first one looks at everyone: the marks
      // the clearance triggers would leave change nothing.
      `SET session_replication_role = replica`,
      `INSERT INTO vetting_clearance (id, workforce_member_id, level, granted_on, expires_on, superseded_on, superseded_by_id)
       WITH m AS (SELECT id, row_number() OVER (ORDER BY id) AS i FROM workforce_member),
       g AS (
         SELECT m.id AS member, m.i, j, (m.i % 2 + 2 * j)::int AS l, gen, CASE WHEN j < 2 THEN 3 ELSE 2 END AS gens,
                abs(hashtext(m.i || '-' || j)) AS h
           FROM m CROSS JOIN generate_series(0, 3) j CROSS JOIN generate_series(0, 2) gen
          WHERE gen < CASE WHEN j < 2 THEN 3 ELSE 2 END
       ), dated AS (
         SELECT g.*,
                CASE WHEN g.h % 2 = 0 THEN current_date + ((g.h / 2) % 180)::int - 90
                     ELSE current_date + 91 + ((g.h / 2) % 900)::int END AS active_expiry
           FROM g
       )
       SELECT md5('c' || d.member || d.l || '-' || d.gen)::uuid, d.member,
              (ARRAY['RV','MV','NPPV1','NPPV2','NPPV3','CTC','SC','DV'])[1 + d.l]::vetting_level,
              (d.active_expiry - make_interval(years => 3 * (d.gens - d.gen)))::date,
              (d.active_expiry - make_interval(years => 3 * (d.gens - 1 - d.gen)))::date,
              CASE WHEN d.gen < d.gens - 1 THEN (d.active_expiry - make_interval(years => 3 * (d.gens - 1 - d.gen)))::date END,
              CASE WHEN d.gen < d.gens - 1 THEN md5('c' || d.member || d.l || '-' || (d.gen + 1))::uuid END
         FROM dated d`,
      `RESET session_replication_role`,
    ]),
  },
  {
    // A force's counter-corruption, professional standards and vetting staff and its auditors: the users page
    // is a full page of 50, as the queue's is (before, the bench's users page listed its 11 own accounts).
    // None can sign in: the password hash is not one argon2 can verify. None is a supervisor: the reminders
    // tell every supervisor of a record that names none, and the worker's first sweep (and the webhook relay
    // running through the load scenarios after it) stays the size earlier runs measured.
    label: "Lantern's own users: the unit's analysts, vetting officers, auditors and administrators",
    rows: 150,
    alongside: ['app_user'],
    run: inTransaction(async (query, n) => {
      await query(
        `INSERT INTO app_user (email, display_name, roles, password_hash)
         SELECT 'user' || i || '@unit.bench.lantern', 'Unit user ' || i,
                ARRAY[(ARRAY['analyst','analyst','analyst','analyst','vetting_officer','auditor','analyst','analyst','vetting_officer','admin'])[1 + i % 10]]::user_role[],
                'not-a-password-hash'
           FROM generate_series(1, ${n}) i
         ON CONFLICT (email) DO NOTHING`,
      );
    }),
  },
  {
    label: 'audit events (triggers bypassed: the seeded part of the chain is not verifiable)',
    rows: 5_000_000,
    alongside: ['audit_event'],
    run: inTransaction(async (query, n) => {
      await bulkSettings(query);
      await query(`SET LOCAL session_replication_role = replica`);
      await withoutIndexes(query, ['audit_event'], async () => {
        await query(
          `INSERT INTO audit_event (seq, occurred_at, user_id, roles, action, resource_type, resource_id, subject_ids, outcome, request_id, details, prev_hash, hash)
           SELECT i, now() - make_interval(secs => (${n} - i) * 60), NULL, ARRAY['analyst'],
                  (ARRAY['intelligence.read','intelligence.queue','case.read','user.list','auth.login'])[1 + i % 5],
                  (ARRAY['intelligence_report','intelligence_report','case','user','user'])[1 + i % 5],
                  NULL, '{}'::uuid[], 'allowed', 'bench-' || i, '{}'::jsonb,
                  sha256(int8send(i - 1)), sha256(int8send(i))
             FROM generate_series(1, ${n}) i`,
        );
      });
    }),
  },
];

export async function seed(base: Omit<SeedContext, 'later'>, scale: number): Promise<void> {
  const started = Date.now();
  const pending: Promise<unknown>[] = [];
  const later = (work: () => Promise<unknown>): void => {
    const running = work();
    running.catch(() => undefined); // reported by the Promise.all below, not as an unhandled rejection
    pending.push(running);
  };
  const ctx: SeedContext = { ...base, later };
  const runStep = async (step: SeedStep): Promise<void> => {
    const n = Math.max(1, Math.round(step.rows * scale));
    const t0 = Date.now();
    await step.run(ctx, n);
    say(
      `  seeded ${step.label}: ${n.toLocaleString('en-GB')} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
  };
  const inOrder = async (steps: SeedStep[]): Promise<void> => {
    for (const step of steps) {
      await runStep(step);
      if (step.alongside?.length) await ctx.db.query(`VACUUM ANALYZE ${step.alongside.join(', ')}`);
    }
  };
  // Two lanes: the steps that depend on each other in order, and the independent ones beside them.
  await Promise.all([inOrder(SEED.filter((s) => !s.alongside)), inOrder(SEED.filter((s) => s.alongside))]);
  await Promise.all(pending);
  const t0 = Date.now();
  await ctx.db.query('VACUUM ANALYZE');
  say(`  vacuumed and analysed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  // The vetting compliance snapshots (read model), as the worker computes them: the same statements.
  const t1 = Date.now();
  const today = londonDateOf(new Date());
  const run = async <R>(q: RawBuilder<R>): Promise<R[]> => {
    const { sql, parameters } = q.compile(kysely);
    return (await ctx.db.query(sql, [...parameters])).rows as R[];
  };
  const dates = await run(SNAPSHOT_SQL.missing(snapshotWindowStart(today), today));
  for (const { as_of } of dates) {
    await run(SNAPSHOT_SQL.claim(as_of));
    await run(SNAPSHOT_SQL.compute(as_of));
  }
  await ctx.db.query('ANALYZE vetting_compliance_month, vetting_compliance_snapshot');
  say(`  vetting compliance snapshots: ${dates.length} dates in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  say(`  seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

export function typeormFor(url: string): DataSource {
  return new DataSource({
    // The owner's login: the seed writes what the application may not (e.g. the audit trail's history).
    ...databaseOptions({ DATABASE_URL: url, DATABASE_POOL_SIZE: 2 }, 'lantern-bench-seed'),
  });
}
