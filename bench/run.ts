import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { promisify } from 'node:util';
import argon2 from 'argon2';
import pg from 'pg';
import { encodeCursor } from '../src/common/pagination.js';
import { londonDateOf } from '../src/common/clock.js';
import { ARGON2_OPTIONS } from '../src/modules/auth/password.service.js';
import { AUDIT_INSERT_SQL, OPEN_SQL, rawAuditValues } from './baseline.js';
import { browserScenarios } from './browser.js';
import { type FiguresBenchScenario, figuresBenchScenarios } from './figures.js';
import { SNAPSHOT_SQL } from '../src/modules/vetting/snapshots.repository.js';
import { snapshotWindowStart } from '../src/modules/vetting/snapshots.service.js';
import { db as kysely } from '../src/database/sql.js';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CoreModule } from '../src/common/core.module.js';
import { loadConfig } from '../src/config/app-config.js';
import { APP_ROLE, loginAs } from '../src/database/app-role.js';
import { AuditModule } from '../src/modules/audit/audit.module.js';
import { VettingCoreModule } from '../src/modules/vetting/vetting.module.js';
import { SweepService } from '../src/modules/vetting/sweep.service.js';
import {
  drainCopy,
  freePort,
  load,
  loadRounds,
  median,
  pool,
  request,
  type Result,
  say,
  start,
  time,
  timeAfterIdle,
  timeRotation,
  waitFor,
} from './lib.js';
import { monitoringScenarios } from './monitoring.js';
import { seed, typeormFor } from './seed.js';
import { rawSweep, type RawSweep, resetSweeps, vacuumSweepTables } from './sweep.js';

/**
 * `npm run bench [-- --small] [--reuse] [--check] [--skip-monitoring]`: Lantern at a force's scale against the raw SQL it wraps,
 * in one run on one machine. Prints one table and writes bench/results.json; exits non-zero only with
 * --check when a target is missed.
 */
const args = new Set(process.argv.slice(2));
const small = args.has('--small');
const scale = small ? 0.01 : 1;
const server = process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
const dbName = process.env.BENCH_DATABASE ?? (small ? 'lantern_bench_small' : 'lantern_bench');
/** The owner's login (migrations, seeding, the raw scenarios' own pool) and the application's (API, sweep). */
const dbUrl = `${server}/${dbName}`;
const appUrl = loginAs(dbUrl, APP_ROLE);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const results: Result[] = [];
/** Seconds of each load test (the bench's own test shortens it). */
const duration = Number(process.env.BENCH_DURATION_SECONDS ?? (small ? 3 : 10));
const run = promisify(execFile);

const record = (r: Omit<Result, 'ratio' | 'pass'> & { better: 'lower' | 'higher'; limit?: number }): void => {
  const ratio =
    r.baseline === null ? null : r.better === 'lower' ? r.lantern / r.baseline : r.lantern / r.baseline;
  const pass =
    r.limit === undefined
      ? null
      : r.better === 'lower'
        ? (ratio ?? r.lantern) <= r.limit
        : (ratio ?? r.lantern) >= r.limit;
  results.push({
    scenario: r.scenario,
    lantern: r.lantern,
    baseline: r.baseline,
    unit: r.unit,
    ratio,
    target: r.target,
    pass,
  });
};

/** Creates (or with --reuse keeps) the bench database and migrates it; true when it must be seeded. */
async function prepareDatabase(): Promise<boolean> {
  const admin = new pg.Client({ connectionString: `${server}/postgres` });
  await admin.connect();
  const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName])).rowCount === 1;
  const reuse = args.has('--reuse') && exists;
  if (!reuse) {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${dbName}`);
  }
  await admin.end();
  await run(process.execPath, ['dist/src/scripts/migrate.js'], {
    env: { ...process.env, DATABASE_OWNER_URL: dbUrl, DATABASE_URL: appUrl },
  });
  say(reuse ? `reusing ${dbName} (migrated)` : `created ${dbName}`);
  return !reuse;
}

/**
 * The figures read from a read model (vetting compliance by month end, from the worker's snapshots): first
 * the worker's computation of the missing snapshots (timed until none is missing), then, in rotation, the
 * request, the read model's own SQL, the straightforward SQL over the base tables (its oracle) and the floor
 * of an audited request. Rows: the request's p50 ≤ 100 ms; ≤ 0.2× the straightforward SQL; ≤ the read model's
 * SQL + the floor + 2 ms.
 */
async function vettingSnapshotScenarios(
  db: pg.Pool,
  figures: FiguresBenchScenario[],
  get: (path: string) => () => Promise<unknown>,
  floor: () => Promise<unknown>,
): Promise<void> {
  const today = londonDateOf(new Date());
  const { sql, parameters } = SNAPSHOT_SQL.missing(snapshotWindowStart(today), today).compile(kysely);
  const t0 = Date.now();
  let dates = 0;
  for (;;) {
    const missing = (await db.query(sql, [...parameters])).rowCount ?? 0;
    dates = Math.max(dates, missing);
    if (missing === 0) break;
    if (Date.now() - t0 > 15 * 60_000) throw new Error('the worker did not compute the vetting snapshots');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const seconds = (Date.now() - t0) / 1000;
  record({
    scenario: `vetting compliance snapshots: the worker computes the ${dates} missing dates (month ends of ten financial years and today; 0 when already there)`,
    lantern: seconds,
    baseline: null,
    unit: 's',
    target: '—',
    better: 'lower',
  });
  for (const f of figures.filter((x) => x.oracle)) {
    const oracle = f.oracle!;
    const lantern = get(f.path);
    const model = () => db.query(f.sql.text, f.sql.values);
    const base = () => db.query(oracle.text, oracle.values);
    const runs = (await time(base, 1, 0)) > 500 ? 7 : 25;
    const [ls, ms, bs, fs] = await timeRotation([lantern, model, base, floor], runs, 2);
    const [lanternMs, modelMs, baseMs, floorMs] = [median(ls), median(ms), median(bs), median(fs)];
    record({
      scenario: `${f.name}: p50 single request (snapshots)`,
      lantern: lanternMs,
      baseline: null,
      unit: 'ms',
      target: '≤ 100 ms',
      better: 'lower',
      limit: 100,
    });
    record({
      scenario: `${f.name}: vs the straightforward SQL over the base tables (${baseMs.toFixed(1)} ms)`,
      lantern: lanternMs,
      baseline: baseMs,
      unit: 'ms',
      target: '≤ 0.2× base-table SQL',
      better: 'lower',
      limit: 0.2,
    });
    record({
      scenario: `${f.name}: vs its read model's SQL ${modelMs.toFixed(2)} ms + floor ${floorMs.toFixed(2)} ms + 2 ms`,
      lantern: lanternMs,
      baseline: modelMs + floorMs + 2,
      unit: 'ms',
      target: '≤ read model SQL + floor + 2 ms',
      better: 'lower',
      limit: 1,
    });
  }
}

/**
 * The vetting sweep, before the worker starts (its start-up sweep would otherwise be the first run):
 * Lantern's SweepService (the code the worker runs) vs the same statements (SWEEP_SQL, same order, same lock)
 * raw on a pg connection, rolled back. Each round starts from "no sweep has run" (resetSweeps: so even with
 * --reuse the first run is a true first run, over everyone); the raw first run is rolled back and its dead
 * rows vacuumed, so both first runs face the same work. Then a rerun with nothing new (the incremental sweep:
 * nobody changed, no date crossed), Lantern and raw. Medians of three rounds.
 */
async function sweepScenarios(db: pg.Pool): Promise<void> {
  // The business dates the API's Clock answers (London).
  const today = londonDateOf(new Date());
  const tomorrow = londonDateOf(new Date(Date.now() + 86_400_000));
  const config = loadConfig({
    DATABASE_URL: appUrl,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: `lantern_bench_${process.pid}`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
  });
  @Module({ imports: [CoreModule.register(config, 'worker'), AuditModule, VettingCoreModule] })
  class SweepBenchModule {}
  const ctx = await NestFactory.createApplicationContext(SweepBenchModule, { logger: false });
  const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
  const rounds: { rawFirst: number; first: number; rerun: number; rawRerun: number; nextDay: number }[] = [];
  let raised = 0;
  let nextDay: RawSweep | null = null;
  try {
    const sweeper = ctx.get(SweepService);
    for (let round = 0; round < 3; round++) {
      await resetSweeps(db);
      const rawFirst = await rawSweep(db, today);
      if (rawFirst.scope !== 'everyone') throw new Error('the raw first sweep did not look at everyone');
      await vacuumSweepTables(db);
      const t0 = process.hrtime.bigint();
      const first = await sweeper.sweep(today, null, 'bench-first');
      const lanternFirst = ms(t0);
      const t1 = process.hrtime.bigint();
      const again = await sweeper.sweep(today, null, 'bench-rerun');
      const lanternRerun = ms(t1);
      const rawRerun = await rawSweep(db, today);
      if (again.raised + again.resolved > 0 || rawRerun.raised + rawRerun.resolved > 0) {
        throw new Error('a rerun with nothing new raised or resolved alerts');
      }
      // Informative: tomorrow's sweep (the people one of whose dates falls tomorrow), raw, rolled back.
      nextDay = await rawSweep(db, tomorrow);
      raised = first.raised;
      rounds.push({
        rawFirst: rawFirst.ms,
        first: lanternFirst,
        rerun: lanternRerun,
        rawRerun: rawRerun.ms,
        nextDay: nextDay.ms,
      });
    }
  } finally {
    await ctx.close();
  }
  const med = (k: keyof (typeof rounds)[number]) => median(rounds.map((r) => r[k]));
  say(`  sweep raised ${raised.toLocaleString('en-GB')} alerts (medians of ${rounds.length} rounds)`);
  say(
    `  tomorrow's sweep (raw, rolled back): ${med('nextDay').toFixed(0)} ms, ${nextDay?.raised ?? 0} raised, ${nextDay?.resolved ?? 0} resolved`,
  );
  record({
    scenario: `vetting sweep, first run (${raised.toLocaleString('en-GB')} alerts)`,
    lantern: med('first'),
    baseline: med('rawFirst'),
    unit: 'ms',
    target: '≤ 1.3× raw',
    better: 'lower',
    limit: 1.3,
  });
  record({
    scenario: 'vetting sweep, rerun (nothing new)',
    lantern: med('rerun'),
    baseline: med('rawRerun'),
    unit: 'ms',
    target: '—',
    better: 'lower',
  });
  results.push({
    scenario: 'vetting sweep rerun ÷ first run',
    lantern: med('rerun') / med('first'),
    baseline: null,
    unit: '×',
    ratio: null,
    target: '< 0.15',
    pass: med('rerun') / med('first') < 0.15,
  });
}

async function main(): Promise<void> {
  say(
    `Lantern bench — ${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  const fresh = await prepareDatabase();
  const db = pool(dbUrl, 4);

  // Users to log in as (one per role, fresh passwords for this run).
  const password = randomBytes(12).toString('base64url');
  const hash = await argon2.hash(password, ARGON2_OPTIONS);
  const users: Record<string, string> = {};
  for (const role of ['analyst', 'supervisor', 'vetting_officer', 'auditor', 'admin']) {
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO app_user (email, display_name, roles, password_hash) VALUES ($1, $2, ARRAY[$3]::user_role[], $4)
       ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash, failed_logins = 0, locked_until = NULL
       RETURNING id`,
      [`${role}@bench.lantern`, `Bench ${role}`, role, hash],
    );
    users[role] = rows[0].id;
  }
  if (fresh) {
    say(`seeding ${dbName} at ${small ? '1/100' : 'full'} scale`);
    const typeorm = await typeormFor(dbUrl).initialize();
    await seed({ db, typeorm, users }, scale);
    await typeorm.destroy();
  }

  await sweepScenarios(db);

  const port = await freePort();
  const env = {
    DATABASE_URL: appUrl,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: `lantern_bench_${process.pid}`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
    DATABASE_POOL_SIZE: '10',
    // The bench logs in once per role and runs for longer than a console session's 15 minutes on a
    // loaded machine; its tokens must outlive the run rather than expire between phases.
    JWT_ACCESS_TTL_SECONDS: '14400',
  };
  // The API with the raw baseline routes beside it, in its own process (bench/api.ts).
  const api = start('dist/bench/api.js', env);
  const worker = start('dist/src/worker.js', env);
  const base = `http://127.0.0.1:${port}`;
  /** Peak RSS of each process per phase, so that a memory miss names the scenario behind it. */
  const memory: { phase: string; apiMb: number; workerMb: number }[] = [];
  const phase = (label: string): void => {
    const row = { phase: label, apiMb: api.phasePeakRssMb(), workerMb: worker.phasePeakRssMb() };
    memory.push(row);
    say(`  ${label}: API peak ${row.apiMb.toFixed(0)} MB, worker peak ${row.workerMb.toFixed(0)} MB`);
  };
  try {
    await waitFor(async () => Boolean(await request(`${base}/health/ready`)), 'API');
    // The worker's first reminders sweep over the seeded decade (every open report past its assessment target,
    // every case update due) raises tens of thousands of reminders in one transaction at start-up. It is timed
    // here, and waited for, so that it does not fall inside the load scenarios below. With --reuse they were
    // raised by an earlier run and nothing new is due.
    const raised = async () =>
      Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM notification')).rows[0].n);
    const remindersStart = Date.now();
    let reminders = await raised();
    const already = reminders > 0;
    // Bounded: data with nothing due raises nothing, and the run goes on after the wait.
    if (!already) {
      await waitFor(async () => (reminders = await raised()) > 0, 'reminders', 120).catch(() => undefined);
    }
    record({
      scenario: already
        ? `reminders: the worker's first sweep at start-up (${reminders.toLocaleString('en-GB')} raised by an earlier run: --reuse)`
        : `reminders: the worker's first sweep at start-up over the seeded records, one transaction (${reminders.toLocaleString('en-GB')} raised)`,
      lantern: already ? 0 : Date.now() - remindersStart,
      baseline: null,
      unit: 'ms',
      target: '—',
      better: 'lower',
    });
    const json = { 'content-type': 'application/json' };
    const login = async (role: string) => {
      const body = JSON.stringify({ email: `${role}@bench.lantern`, password });
      const res = await request(`${base}/api/v1/auth/login`, { method: 'POST', headers: json, body });
      return (JSON.parse(res.toString()) as { accessToken: string }).accessToken;
    };
    const tokens: Record<string, string> = { admin: await login('admin'), auditor: await login('auditor') };
    phase('start-up');
    const bearer = (token?: string): Record<string, string> =>
      token ? { authorization: `Bearer ${token}` } : {};
    const get = (path: string, token?: string) => () => request(`${base}${path}`, { headers: bearer(token) });
    const post = (path: string, body: string, token?: string) => () =>
      request(`${base}${path}`, { method: 'POST', headers: { ...json, ...bearer(token) }, body });

    /**
     * An audited page over HTTP vs its bare raw route, at 16 connections: req/s, p99/p50, errors. Judged
     * against the raw route as issue #9 defines it (query and audit insert in one transaction); the same
     * route without BEGIN/COMMIT, as Lantern's reads run (`Transactions.read`), is shown beside it.
     */
    const compareLoad = async (name: string, lantern: string, raw: string, token: string): Promise<void> => {
      await get(lantern, token)();
      const [l, r, a] = await loadRounds(
        [
          { url: `${base}${lantern}`, headers: { authorization: `Bearer ${token}` } },
          { url: `${base}${raw}` },
          { url: `${base}${raw}${raw.includes('?') ? '&' : '?'}autocommit=1` },
        ],
        { connections: 16, duration },
      );
      record({
        scenario: `${name}: req/s @16`,
        lantern: l.rps,
        baseline: r.rps,
        unit: 'req/s',
        target: '≥ 0.8× raw',
        better: 'higher',
        limit: 0.8,
      });
      record({
        scenario: `${name}: req/s @16 vs the raw route without BEGIN/COMMIT`,
        lantern: l.rps,
        baseline: a.rps,
        unit: 'req/s',
        target: '—',
        better: 'higher',
      });
      record({
        // The raw route's own tail under the same load, for comparison (the audit chain serialises both).
        scenario: `${name}: p99/p50 @16 (raw route: ${(r.p99 / Math.max(r.p50, 1)).toFixed(2)}; p50 ${l.p50.toFixed(1)} ms vs ${r.p50.toFixed(1)} ms)`,
        lantern: l.p99 / Math.max(l.p50, 1),
        baseline: null,
        unit: '×',
        target: '< 3',
        better: 'lower',
        limit: 3,
      });
      record({
        scenario: `${name}: errors @16`,
        lantern: l.errors + l.non2xx,
        baseline: null,
        unit: 'n',
        target: '0',
        better: 'lower',
        limit: 0,
      });
    };

    // Login, with the argon2id cost on its own.
    const argonMs = await time(() => argon2.verify(hash, password), 10, 2);
    const loginMs = await time(() => login('analyst'), 10, 2);
    record({
      scenario: 'login (POST /auth/login)',
      lantern: loginMs,
      baseline: argonMs,
      unit: 'ms',
      target: 'argon2id verify shown as baseline',
      better: 'lower',
    });

    // A list page with its audit row, over HTTP, vs the bare raw route (requests/s at 16 connections).
    for (const [name, lantern, raw, token] of [
      ['users page (admin)', '/api/v1/users?limit=50', '/bench/raw/users', tokens.admin],
      [
        'audit events page (auditor)',
        '/api/v1/audit/events?limit=50',
        '/bench/raw/audit-events',
        tokens.auditor,
      ],
    ] as const) {
      await compareLoad(name, lantern, raw, token);
      phase(name);
    }

    // The intelligence queue (supervisor): first page and a deep page, Lantern vs the raw route.
    tokens.supervisor = await login('supervisor');
    tokens.analyst = await login('analyst');
    const [{ depth }] = (
      await db.query<{ depth: string }>(
        `SELECT count(*)::text AS depth FROM intelligence_report r WHERE ${OPEN_SQL}`,
      )
    ).rows;
    const deepAt = Math.max(0, Math.floor(Number(depth) * 0.95) - 1);
    const { rows: deepKey } = await db.query<{ k0: string; k1: string; k2: string }>(
      `SELECT r.urgency_rank::text AS k0, r.received_at::text AS k1, r.id::text AS k2 FROM intelligence_report r
        WHERE ${OPEN_SQL} ORDER BY r.urgency_rank, r.received_at, r.id LIMIT 1 OFFSET ${deepAt}`,
    );
    const deepCursor = deepKey[0] ? encodeCursor([deepKey[0].k0, deepKey[0].k1, deepKey[0].k2]) : '';
    const deepPage = Math.floor(deepAt / 50) + 2;
    for (const [name, suffix] of [
      ['queue first page', ''],
      [
        `queue page ${deepPage.toLocaleString('en-GB')} of ${Math.ceil(Number(depth) / 50).toLocaleString('en-GB')}`,
        `cursor=${deepCursor}`,
      ],
    ] as const) {
      await compareLoad(
        name,
        `/api/v1/intelligence/queue?limit=50&${suffix}`,
        `/bench/raw/queue?${suffix}`,
        tokens.supervisor,
      );
      phase(name);
    }
    // The queue against a plain page (issue 25): its first and deep pages and the users page, 50 rows each
    // (the seeded unit's users, bench/seed.ts), in rotation under the same load.
    const [usersLoad, ...queueLoads] = await loadRounds(
      [
        { url: `${base}/api/v1/users?limit=50`, headers: bearer(tokens.admin) },
        { url: `${base}/api/v1/intelligence/queue?limit=50`, headers: bearer(tokens.supervisor) },
        {
          url: `${base}/api/v1/intelligence/queue?limit=50&cursor=${deepCursor}`,
          headers: bearer(tokens.supervisor),
        },
      ],
      { connections: 16, duration },
    );
    for (const [name, q] of [
      ['queue first page', queueLoads[0]],
      ['queue deep page', queueLoads[1]],
    ] as const) {
      record({
        scenario: `${name} vs the users page, 50 rows each, in rotation: req/s @16 (p50 ${q.p50.toFixed(1)} ms vs ${usersLoad.p50.toFixed(1)} ms; p99/p50 ${(q.p99 / Math.max(q.p50, 1)).toFixed(2)})`,
        lantern: q.rps,
        baseline: usersLoad.rps,
        unit: 'req/s',
        target: '≥ 0.6× the users page',
        better: 'higher',
        limit: 0.6,
      });
    }
    phase('queue vs users page');
    record({
      scenario: 'queue summary',
      lantern: await time(get('/api/v1/intelligence/queue/summary', tokens.supervisor)),
      baseline: null,
      unit: 'ms',
      target: '< 100 ms',
      better: 'lower',
      limit: 100,
    });
    record({
      scenario: 'search (50 results)',
      lantern: await time(get('/api/v1/intelligence/search?q=cocaine&limit=50', tokens.supervisor)),
      baseline: null,
      unit: 'ms',
      target: '< 200 ms',
      better: 'lower',
      limit: 200,
    });
    const { rows: busiest } = await db.query<{ id: string }>(
      `SELECT workforce_member_id AS id FROM intelligence_subject GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
    );
    if (busiest[0]) {
      record({
        scenario: 'subject profile (most-reported person)',
        lantern: await time(get(`/api/v1/workforce/${busiest[0].id}/profile`, tokens.supervisor)),
        baseline: null,
        unit: 'ms',
        target: '—',
        better: 'lower',
      });
    }

    phase('queue summary, search, subject profile');

    // An intelligence write with its audit row (and reference, validation) vs a plain insert.
    const reportBody = {
      receivedAt: new Date(Date.now() - 86_400_000).toISOString(),
      receiptMethod: 'telephone',
      sourceType: 'colleague',
      sourceDetails: 'Source: bench',
      grading: { scheme: '3x5x2', sourceEvaluation: '2', intelligenceAssessment: 'B', handlingCode: 'P' },
      primaryCategory: 'disclosure_of_information',
      narrative: 'The subject was seen looking up a relative on the police national computer.',
    };
    const report = JSON.stringify(reportBody);
    // Lantern's statement is prepared (`Transactions.write` of one statement); the judged baseline is the plain insert
    // as written, and the same insert prepared is timed in the same rotation and shown beside it.
    const plain = JSON.stringify({ ...reportBody, recordedBy: users.analyst });
    const [ws, ps, pps, ps2] = await timeRotation(
      [
        post('/api/v1/intelligence', report, tokens.analyst),
        post('/bench/raw/intelligence', plain),
        post('/bench/raw/intelligence?prepared=1', plain),
        post('/bench/raw/intelligence', plain),
      ],
      100,
      10,
    );
    const [writeMs, plainMs, preparedMs] = [median(ws), median([...ps, ...ps2]), median(pps)];
    record({
      scenario: `intelligence write + audit vs plain insert (the plain insert prepared: ${preparedMs.toFixed(2)} ms, ${(writeMs / preparedMs).toFixed(2)}×)`,
      lantern: writeMs,
      baseline: plainMs,
      unit: 'ms',
      target: '< 1.5× (audit overhead)',
      better: 'lower',
      limit: 1.5,
    });

    phase('intelligence writes');

    // A case outcome write now also maintains the read models (referral_fact, case_person_fact and
    // case_figure_total, in its own transaction): the UPDATE of a confirmed outcome's recorded result with its
    // triggers vs the same UPDATE of the same row as a plain one (triggers off: session_replication_role =
    // replica), each in its own transaction, rolled back (the statement's own cost, no commit or HTTP request to
    // share), in rotation; and, shown beside them, with referral_fact's triggers only (before issue 25).
    // Each on its own connection, as an API connection runs: changing session_replication_role resets the
    // session's plan cache, and ALTER TABLE invalidates the table's plans, so on one shared connection every
    // write with triggers was replanning the triggers' statements (measured: ~5 ms of the 6 ms, docs/benchmarks.md).
    // The referral-only write runs after the rotation in one transaction that disables the other triggers, each
    // write in a savepoint rolled back (its ALTER TABLE holds a lock the other writes would wait for).
    const { rows: outcomeRows } = await db.query<{ case_id: string; member: string }>(
      `SELECT o.case_id, o.workforce_member_id AS member FROM case_subject_outcome o
         JOIN iopc_referral r ON r.case_id = o.case_id
        WHERE o.confirmed_at IS NOT NULL ORDER BY o.case_id LIMIT 1`,
    );
    if (outcomeRows[0]) {
      const { case_id: caseId, member } = outcomeRows[0];
      const outcomeUpdate = `UPDATE case_subject_outcome
          SET allegation_result = CASE WHEN allegation_result = 'substantiated' THEN 'unsubstantiated' ELSE 'substantiated' END::allegation_result,
              version = version + 1, updated_at = now()
        WHERE case_id = $1 AND workforce_member_id = $2`;
      const withTriggers = await db.connect();
      const plain = await db.connect();
      try {
        await plain.query('SET session_replication_role = replica');
        const timed = async (client: pg.PoolClient): Promise<number> => {
          const t0 = process.hrtime.bigint();
          await client.query(outcomeUpdate, [caseId, member]);
          return Number(process.hrtime.bigint() - t0) / 1e6;
        };
        const write = async (client: pg.PoolClient): Promise<number> => {
          await client.query('BEGIN');
          const ms = await timed(client);
          await client.query('ROLLBACK');
          return ms;
        };
        const times = { all: [] as number[], plain: [] as number[], referral: [] as number[] };
        for (let i = 0; i < 5; i++) await write(withTriggers);
        for (let i = 0; i < 5; i++) await write(plain);
        for (let i = 0; i < 100; i++) {
          times.all.push(await write(withTriggers));
          times.plain.push(await write(plain));
        }
        await withTriggers.query('BEGIN');
        await withTriggers.query('ALTER TABLE case_subject_outcome DISABLE TRIGGER case_person_fact_update');
        for (let i = 0; i < 105; i++) {
          await withTriggers.query('SAVEPOINT w');
          const ms = await timed(withTriggers);
          await withTriggers.query('ROLLBACK TO SAVEPOINT w');
          if (i >= 5) times.referral.push(ms);
        }
        await withTriggers.query('ROLLBACK');
        record({
          scenario: `case outcome write (its read models maintained by triggers) vs a plain update of the same row (statement only, rolled back; with referral_fact's triggers alone, as before issue 25: ${median(times.referral).toFixed(2)} ms)`,
          lantern: median(times.all),
          baseline: median(times.plain),
          unit: 'ms',
          target: '≤ 2×',
          better: 'lower',
          limit: 2,
        });
      } finally {
        await plain.query('RESET session_replication_role').catch(() => undefined);
        withTriggers.release();
        plain.release();
      }
    }

    // Timing parity (issue 22): a supervisor linked to a workforce member W reads a report about W (hidden) and
    // one that does not exist, in rotation. Both go through AccessService.requireVisible: one query, one denied
    // audit row, the same 404; the two medians should match (no target: an explanation, not a test).
    const { rows: aboutW } = await db.query<{ report_id: string; member: string }>(
      `SELECT report_id, workforce_member_id AS member FROM intelligence_subject LIMIT 1`,
    );
    if (aboutW[0]) {
      await db.query(
        `INSERT INTO app_user (email, display_name, roles, password_hash, workforce_member_id)
         VALUES ('conflicted@bench.lantern', 'Bench conflicted supervisor', ARRAY['supervisor']::user_role[], $1, $2)
         ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash, failed_logins = 0,
           locked_until = NULL, workforce_member_id = EXCLUDED.workforce_member_id`,
        [hash, aboutW[0].member],
      );
      const conflicted = await login('conflicted');
      const parityRuns = small ? 30 : 200;
      const [hiddenReads, missingReads] = await timeRotation(
        [aboutW[0].report_id, randomUUID()].map(
          (id) => () =>
            request(`${base}/api/v1/intelligence/${id}`, { headers: bearer(conflicted), expectStatus: 404 }),
        ),
        parityRuns,
        5,
      );
      const [hiddenMs, missingMs] = [median(hiddenReads), median(missingReads)];
      record({
        scenario: `direct read by a conflicted user: hidden report vs missing one (median of ${parityRuns} each: ${hiddenMs.toFixed(2)} ms vs ${missingMs.toFixed(2)} ms)`,
        lantern: hiddenMs,
        baseline: missingMs,
        unit: 'ms',
        target: '≈ 1× (the same work)',
        better: 'lower',
      });
    }

    // Figures: each endpoint over HTTP vs exactly the SQL aggregate it runs, raw on a pg connection (for
    // the CSV written by PostgreSQL, its COPY, the output drained).
    // The fixed cost of an audited figure request, which no figure can go below (its floor): an authenticated
    // request (GET /auth/me: the guard and one small query), plus, where the audit row follows the query (the
    // misconduct return names the people it read), that audit row inserted and committed durably (raw, on
    // the bench's pool). A table's audit row is written while its query runs (`Transactions.read` with its audit).
    // First the floor back to back (and GET /auth/me with fetch, the client the bench used before), for
    // reference.
    const me = get('/api/v1/auth/me', tokens.supervisor);
    const meMs = await time(me, 25, 3);
    const meFetchMs = await time(
      async () =>
        (await fetch(`${base}/api/v1/auth/me`, { headers: bearer(tokens.supervisor) })).arrayBuffer(),
      25,
      3,
    );
    const auditInsert = () => db.query(AUDIT_INSERT_SQL, rawAuditValues('bench.floor', 'figures', [], {}));
    const auditMs = await time(auditInsert, 25, 3);
    record({
      scenario: `floor of an audited request, back to back: GET /auth/me ${meMs.toFixed(2)} ms (with fetch ${meFetchMs.toFixed(2)} ms; + a durable audit insert ${auditMs.toFixed(2)} ms where it follows the query)`,
      lantern: meMs,
      baseline: null,
      unit: 'ms',
      target: '—',
      better: 'lower',
    });
    // How this machine treats a process woken after an idle wait (no target: it explains the timed rows).
    const selectOne = () => db.query('SELECT 1');
    const rawAfter: number[] = [];
    const meAfter: number[] = [];
    for (const ms of [0, 50, 1000]) {
      const runs = ms >= 1000 ? 5 : 9;
      rawAfter.push(await timeAfterIdle(selectOne, ms, runs));
      meAfter.push(await timeAfterIdle(me, ms, runs));
    }
    const show = (v: number[]) => v.map((x) => x.toFixed(2)).join(' / ');
    record({
      scenario: `wake after idle (0 / 50 / 1000 ms idle before each call): raw SELECT 1 ${show(rawAfter)} ms; GET /auth/me ${show(meAfter)} ms`,
      lantern: meAfter[1],
      baseline: null,
      unit: 'ms',
      target: '—',
      better: 'lower',
    });
    // Then each figure in rotation with its straightforward SQL over the base tables, its floor and its read
    // model's own SQL: Lantern, raw, floor, raw, model, so that Lantern's request and the floor's both come after
    // a query, with the API idle meanwhile, as they would in the pair alone. A request made after an idle wait
    // costs more than back to back on a VM (each process woken, its caches cold): the floor measured so is what
    // the figure's request cannot go below in this comparison. Issue 25's targets: a figure table's p50 ≤ 100 ms
    // and ≤ 0.2× the straightforward SQL; and ≤ its read model's SQL + the floor + 2 ms (what the HTTP request,
    // auth and audit cannot avoid). A figure with no read model yet runs the straightforward SQL itself (its
    // "model" is that SQL). The misconduct return is a row-level export, not an aggregate: ≤ 1.2× its raw COPY.
    const figures = figuresBenchScenarios(londonDateOf(new Date()));
    await vettingSnapshotScenarios(db, figures, (path) => get(path, tokens.supervisor), me);
    for (const f of figures) {
      if (f.oracle) continue; // read from a read model: vettingSnapshotScenarios
      const copy = f.copy;
      const lantern = get(f.path, tokens.supervisor);
      const raw = () => (copy ? drainCopy(db, copy) : db.query(f.sql.text, f.sql.values));
      const modelSql = f.model ?? f.sql;
      const model = () => db.query(modelSql.text, modelSql.values);
      // Where the audit row follows the query, it names the people the rows are about (the misconduct
      // return: thousands), and sealing that row is work the request cannot skip: the floor's insert names
      // the same people.
      const named = f.auditFollows
        ? [
            ...new Set(
              (await db.query<{ workforce_member_id: string }>(f.sql.text, f.sql.values)).rows.map(
                (r) => r.workforce_member_id,
              ),
            ),
          ]
        : [];
      const floor = f.auditFollows
        ? async () => {
            await me();
            await db.query(AUDIT_INSERT_SQL, rawAuditValues('bench.floor', 'figures', named, {}));
          }
        : me;
      // The slow figures (seconds) 7 times each; the fast ones, where noise weighs more, 25.
      const runs = (await time(raw, 1, 0)) > 500 ? 7 : 25;
      if (f.auditFollows) {
        const [ls, rs, fs, rs2] = await timeRotation([lantern, raw, floor, raw], runs, 2);
        const [lanternMs, rawMs, floorMs] = [median(ls), median([...rs, ...rs2]), median(fs)];
        record({
          scenario: `${f.name} (floor after the raw query, with an audit row naming its ${named.length.toLocaleString('en-GB')} people: ${floorMs.toFixed(2)} ms; best over it: ${((rawMs + floorMs) / rawMs).toFixed(2)}×)`,
          lantern: lanternMs,
          baseline: rawMs,
          unit: 'ms',
          target: '≤ 1.2× raw (an export, not an aggregate)',
          better: 'lower',
          limit: 1.2,
        });
        continue;
      }
      const [ls, rs, fs, rs2, ms] = await timeRotation([lantern, raw, floor, raw, model], runs, 2);
      const [lanternMs, rawMs, floorMs, modelMs] = [
        median(ls),
        median([...rs, ...rs2]),
        median(fs),
        median(ms),
      ];
      const ratio = lanternMs / rawMs;
      results.push({
        scenario: `${f.name}: p50 vs the straightforward SQL over the base tables${f.model ? '' : ' (no read model yet: the endpoint runs that SQL)'}`,
        lantern: lanternMs,
        baseline: rawMs,
        unit: 'ms',
        ratio,
        target: '≤ 100 ms and ≤ 0.2×',
        pass: lanternMs <= 100 && ratio <= 0.2,
      });
      const allowed = modelMs + floorMs + 2;
      record({
        scenario: `${f.name}: vs its read model's SQL ${modelMs.toFixed(2)} ms + floor ${floorMs.toFixed(2)} ms + 2 ms`,
        lantern: lanternMs,
        baseline: allowed,
        unit: 'ms',
        target: '≤ model SQL + floor + 2 ms',
        better: 'lower',
        limit: 1,
      });
    }

    // The same two referrals figures under load (16 connections), against a bare route in the API doing the
    // same work raw (the SQL aggregate and the audit insert at once), so that the cost of an HTTP request is
    // on both sides and the ratio is Lantern's own (guard, validation, shaping, its pool). Not judged: the
    // issue's target is the single request against the SQL alone, above.
    for (const f of figures.filter((x) => x.path.startsWith('/api/v1/figures/referrals?'))) {
      const [l, r] = await loadRounds(
        [
          { url: `${base}${f.path}`, headers: { authorization: `Bearer ${tokens.supervisor}` } },
          { url: `${base}/bench/raw/figures/referrals?${f.path.split('?')[1]}` },
        ],
        { connections: 16, duration },
      );
      record({
        scenario: `${f.name} under load: req/s @16 vs a bare route doing the same raw (p50 ${l.p50.toFixed(1)} ms vs ${r.p50.toFixed(1)} ms; errors ${l.errors + l.non2xx} / ${r.errors + r.non2xx})`,
        lantern: l.rps,
        baseline: r.rps,
        unit: 'req/s',
        target: '—',
        better: 'higher',
      });
    }

    phase('figures');

    // Concurrent load at 16 and 64 connections on an audited read.
    for (const connections of [16, 64]) {
      const l = await load(
        { url: `${base}/api/v1/auth/me`, headers: { authorization: `Bearer ${tokens.admin}` } },
        { connections, duration },
      );
      record({
        scenario: `GET /auth/me @${connections}: req/s (p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms)`,
        lantern: l.rps,
        baseline: null,
        unit: 'req/s',
        target: 'no errors',
        better: 'higher',
      });
      record({
        scenario: `GET /auth/me @${connections}: errors`,
        lantern: l.errors + l.non2xx,
        baseline: null,
        unit: 'n',
        target: '0',
        better: 'lower',
        limit: 0,
      });
      phase(`GET /auth/me @${connections}`);
    }

    // The console in Chromium: first load of the queue and of a case page (bench/browser.ts). In --small mode
    // too, once each (the harness must not rot, and the JavaScript sent does not depend on the data's scale);
    // skipped with one line when there is no Chromium or no built console.
    const { rows: openCase } = await db.query<{ id: string }>(
      `SELECT id FROM case_record WHERE status <> 'closed' ORDER BY recorded_at DESC LIMIT 1`,
    );
    if (openCase.length === 0) say('browser row skipped: no open case to load');
    else
      await browserScenarios({
        base: `http://localhost:${port}`,
        email: 'supervisor@bench.lantern',
        password,
        caseId: openCase[0].id,
        runs: small ? 1 : 5,
        record,
        say,
      });
    phase('browser');
  } finally {
    await api.stop();
    await worker.stop();
    await db.end();
  }
  record({
    scenario: 'API peak RSS',
    lantern: api.peakRssMb(),
    baseline: null,
    unit: 'MB',
    target: '< 300',
    better: 'lower',
    limit: 300,
  });
  record({
    scenario: 'worker peak RSS',
    lantern: worker.peakRssMb(),
    baseline: null,
    unit: 'MB',
    target: '< 300',
    better: 'lower',
    limit: 300,
  });

  // ICT monitoring (issue 29) on a database of its own, after the API and worker above have stopped
  // (bench/monitoring.ts; `--skip-monitoring` leaves it out).
  if (!args.has('--skip-monitoring'))
    await monitoringScenarios({ small, server, database: `${dbName}_monitoring`, redisUrl, record });

  const fmt = (n: number | null) => (n === null ? '—' : n >= 100 ? n.toFixed(0) : n.toFixed(2));
  const rows = results.map((r) => [
    r.scenario,
    `${fmt(r.lantern)} ${r.unit}`,
    r.baseline === null ? '—' : `${fmt(r.baseline)} ${r.unit}`,
    fmt(r.ratio),
    r.target,
    r.pass === null ? '—' : r.pass ? 'pass' : 'FAIL',
  ]);
  const header = ['scenario', 'Lantern', 'baseline', 'ratio', 'target', 'result'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  say('');
  say(line(header));
  say(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  rows.forEach((r) => say(line(r)));
  writeFileSync(
    process.env.BENCH_RESULTS ?? new URL('../../bench/results.json', import.meta.url),
    `${JSON.stringify({ measuredAt: new Date().toISOString(), small, machine: { cpu: cpus()[0]?.model ?? null, cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version }, results, memory }, null, 2)}\n`,
  );
  const failed = results.filter((r) => r.pass === false);
  if (args.has('--check') && failed.length > 0) {
    say(`${failed.length} target(s) missed`);
    process.exitCode = 1;
  }
}

await main();
