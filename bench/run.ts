import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { promisify } from 'node:util';
import argon2 from 'argon2';
import pg from 'pg';
import { ARGON2_OPTIONS } from '../src/modules/auth/password.service.js';
import { freePort, load, pool, type Result, say, start, time, waitFor } from './lib.js';
import { seed } from './seed.js';

/**
 * `npm run bench [-- --small] [--reuse] [--check]`: Lantern at a force's scale against the raw SQL it wraps,
 * in one run on one machine. Prints one table and writes bench/results.json; exits non-zero only with
 * --check when a target is missed.
 */
const args = new Set(process.argv.slice(2));
const small = args.has('--small');
const scale = small ? 0.01 : 1;
const server = process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
const dbName = process.env.BENCH_DATABASE ?? (small ? 'lantern_bench_small' : 'lantern_bench');
const dbUrl = `${server}/${dbName}`;
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

async function prepareDatabase(): Promise<void> {
  const admin = new pg.Client({ connectionString: `${server}/postgres` });
  await admin.connect();
  const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName])).rowCount === 1;
  const reuse = args.has('--reuse') && exists;
  if (!reuse) {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${dbName}`);
  }
  await admin.end();
  await run(
    process.execPath,
    ['node_modules/typeorm/cli.js', 'migration:run', '-d', 'dist/src/database/data-source.js'],
    {
      env: { ...process.env, DATABASE_URL: dbUrl },
    },
  );
  if (reuse) {
    say(`reusing ${dbName} (migrated)`);
    return;
  }
  say(`seeding ${dbName} at ${small ? '1/100' : 'full'} scale`);
  const db = pool(dbUrl, 2);
  await seed(db, scale);
  await db.end();
}

async function main(): Promise<void> {
  say(
    `Lantern bench — ${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  await prepareDatabase();
  const db = pool(dbUrl, 4);

  // Users to log in as (one per role, fresh passwords for this run).
  const password = randomBytes(12).toString('base64url');
  const hash = await argon2.hash(password, ARGON2_OPTIONS);
  for (const role of ['analyst', 'supervisor', 'vetting_officer', 'auditor', 'admin']) {
    await db.query(
      `INSERT INTO app_user (email, display_name, roles, password_hash) VALUES ($1, $2, ARRAY[$3]::user_role[], $4)
       ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash, failed_logins = 0, locked_until = NULL`,
      [`${role}@bench.lantern`, `Bench ${role}`, role, hash],
    );
  }

  const port = await freePort();
  const env = {
    DATABASE_URL: dbUrl,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: `lantern_bench_${process.pid}`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    BENCH_BASELINE_ROUTES: 'true',
    LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
    DATABASE_POOL_SIZE: '10',
  };
  const api = start('dist/src/main.js', env);
  const worker = start('dist/src/worker.js', env);
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => (await fetch(`${base}/health/ready`)).ok, 'API');
    const login = async (role: string) => {
      const res = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `${role}@bench.lantern`, password }),
      });
      return ((await res.json()) as { accessToken: string }).accessToken;
    };
    const tokens = { admin: await login('admin'), auditor: await login('auditor') };
    const get = (path: string, token?: string) => async () => {
      const res = await fetch(`${base}${path}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      if (!res.ok) throw new Error(`${path}: ${res.status}`);
      await res.arrayBuffer();
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
      await get(lantern, token)();
      const l = await load(`${base}${lantern}`, {
        connections: 16,
        duration,
        headers: { authorization: `Bearer ${token}` },
      });
      const r = await load(`${base}${raw}`, { connections: 16, duration });
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
        scenario: `${name}: p99/p50 @16`,
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
    }

    // Concurrent load at 16 and 64 connections on an audited read.
    for (const connections of [16, 64]) {
      const l = await load(`${base}/api/v1/auth/me`, {
        connections,
        duration,
        headers: { authorization: `Bearer ${tokens.admin}` },
      });
      record({
        scenario: `GET /auth/me @${connections}: req/s (p50 ${l.p50} ms, p99 ${l.p99} ms)`,
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
    }
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
    `${JSON.stringify({ measuredAt: new Date().toISOString(), small, machine: { cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version }, results }, null, 2)}\n`,
  );
  const failed = results.filter((r) => r.pass === false);
  if (args.has('--check') && failed.length > 0) {
    say(`${failed.length} target(s) missed`);
    process.exitCode = 1;
  }
}

await main();
