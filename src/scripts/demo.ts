import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { redisOptions } from '../common/redis/redis.module.js';
import { runtimeOf } from '../common/runtime.js';
import { type AppConfig, ConfigError, loadConfig } from '../config/app-config.js';
import { databaseOwnerUrl, ensureAppLogin } from '../database/app-role.js';
import dataSource from '../database/data-source.js';
import { DEMO_LOGINS, seedDemo } from '../demo/seed.js';

/**
 * `npm run demo`: creates the database if missing (`npm run demo -- --reset`: drops it first and starts
 * over), migrates it and makes sure the application's login works (as the owner, DATABASE_OWNER_URL), loads
 * the demo data (idempotent), then runs the API and the worker together until Ctrl-C, logging in as the
 * application (DATABASE_URL, `lantern_app`), with their logs at `warn` unless LOG_LEVEL says otherwise; the
 * banner (address, logins) comes last, once the API answers ready, so that nothing scrolls it away.
 */
const say = (line: string): boolean => process.stdout.write(`${line}\n`);
const fail = (line: string): never => {
  process.stderr.write(`${line}\n`);
  process.exit(1);
};

try {
  process.loadEnvFile();
} catch {
  // no .env: defaults and the environment
}
const reset = process.argv.includes('--reset');
// A demo run without a configured secret gets one of its own (tokens end with the run); quieter logs.
const env = {
  ...process.env,
  JWT_SECRET: process.env.JWT_SECRET ?? randomBytes(32).toString('hex'),
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
};
const configOrFail = (): AppConfig => {
  try {
    return loadConfig(env);
  } catch (error) {
    return fail(error instanceof ConfigError ? error.message : String(error));
  }
};
const config = configOrFail();
const { REDIS_URL, PORT } = config;

// 1. PostgreSQL and Redis answer, or one clear line saying how to start them.
const dbUrl = new URL(databaseOwnerUrl(config));
const database = dbUrl.pathname.slice(1);
const serverUrl = new URL(dbUrl);
serverUrl.pathname = '/postgres';
const admin = new pg.Client({ connectionString: serverUrl.toString(), connectionTimeoutMillis: 3000 });
await admin
  .connect()
  .catch(() =>
    fail(
      `PostgreSQL is not reachable at ${dbUrl.host} as ${dbUrl.username}: start it (e.g. pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set DATABASE_OWNER_URL and DATABASE_URL`,
    ),
  );
const redis = new Redis({ ...redisOptions(REDIS_URL), lazyConnect: true, retryStrategy: () => null });
redis.on('error', () => undefined);
await redis
  .connect()
  .then(() => redis.ping())
  .catch(() =>
    fail(
      `Redis is not reachable at ${new URL(REDIS_URL).host}: start it (e.g. redis-server --daemonize yes --bind 127.0.0.1 --port 6379) or set REDIS_URL`,
    ),
  );
redis.disconnect();

// 2. The database, created when missing (dropped first with --reset).
if (reset) {
  await admin
    .query(`DROP DATABASE IF EXISTS "${database.replace(/"/g, '""')}" WITH (FORCE)`)
    .catch((error: Error) => fail(`--reset: could not drop database ${database}: ${error.message}`));
  say(`--reset: dropped database ${database}`);
}
const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
if (!rowCount) {
  await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  say(`created database ${database}`);
}
await admin.end();

// 3. Migrations, as a deploy runs them (`npm run migration:run`: the owner's data source, then the
// application's login), then the demo data, as the owner.
const migrations: DataSource = await dataSource.initialize();
const ran = await migrations.runMigrations({ transaction: 'each' });
say(ran.length ? `applied ${ran.length} migration(s)` : 'database schema up to date');
await ensureAppLogin(migrations, config).catch((error: Error) => fail(error.message));
const password = randomBytes(12).toString('base64url');
await seedDemo(migrations, password, say);
await migrations.destroy();

// 4. The API and the worker, together, until Ctrl-C, run as `npm start` runs them (flags and environment),
// with the application's login only: the owner's stays here.
const dist = fileURLToPath(new URL('..', import.meta.url));
const runtime = runtimeOf(new URL('../../../package.json', import.meta.url));
const appEnv: NodeJS.ProcessEnv = { ...env };
delete appEnv.DATABASE_OWNER_URL;
const children: ChildProcess[] = ['main.js', 'worker.js'].map((entry) =>
  spawn(process.execPath, [...runtime.flags, `${dist}/${entry}`], {
    env: { ...appEnv, ...runtime.env },
    stdio: ['ignore', 'inherit', 'inherit'],
  }),
);
for (const child of children) {
  child.on('exit', (code) => {
    for (const other of children) if (other !== child) other.kill('SIGTERM');
    process.exitCode = code ?? 0;
  });
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => children.forEach((c) => c.kill('SIGTERM')));
}

// 5. The banner, last: once the API answers ready (or after a minute, whatever it answers).
const base = `http://localhost:${PORT}`;
const ready = async (): Promise<boolean> =>
  fetch(`${base}/health/ready`).then(
    (r) => r.ok,
    () => false,
  );
for (let i = 0; i < 120 && !(await ready()); i++) {
  if (children.some((c) => c.exitCode !== null)) break;
  await new Promise((r) => setTimeout(r, 500));
}
if (children.every((c) => c.exitCode === null)) {
  const width = Math.max(...DEMO_LOGINS.map((u) => u.email.length));
  say('');
  say(`Lantern is running: ${base}   (API ${base}/api/v1, health ${base}/health/ready)`);
  say(`API docs:           ${base}/api/docs`);
  say('The demo data is fictional: every person, place, report and case in it is invented.');
  say(`Demo logins (password for this run: ${password}):`);
  for (const u of DEMO_LOGINS) {
    say(`  ${u.role.padEnd(16)} ${u.note ? `${u.email.padEnd(width)}   (${u.note})` : u.email}`);
  }
  say('Press Ctrl-C to stop.');
}
