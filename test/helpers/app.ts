import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import type { DestinationStream } from 'pino';
import { createApp } from '../../src/app.js';
import { type AppConfig, loadConfig } from '../../src/config/app-config.js';
import { appUrlFor, createDatabase, dropDatabase, TEST_DB_PREFIX } from '../setup/test-db.mjs';

let counter = 0;

export interface TestDatabase {
  name: string;
  /** The owner's (superuser's) login on the test database: DATABASE_OWNER_URL. */
  url: string;
  /** The application's login (lantern_app), as the API and worker connect: DATABASE_URL. */
  appUrl: string;
  /** A superuser pool on the test database, for arranging and inspecting state directly. */
  pool: pg.Pool;
  drop(): Promise<void>;
}

/** A database of this test file's own, cloned from the run's freshly migrated template. */
export async function cloneDatabase(): Promise<TestDatabase> {
  const runId = process.env.LANTERN_TEST_RUN;
  const template = process.env.LANTERN_TEST_TEMPLATE;
  if (!runId || !template) throw new Error('e2e tests run under Jest globalSetup (npm test)');
  const name = `${TEST_DB_PREFIX}${runId}_w${process.env.JEST_WORKER_ID ?? '0'}_${++counter}${randomBytes(3).toString('hex')}`;
  const url = await createDatabase(name, template);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  // An idle connection ended by the server (the database dropped WITH (FORCE) at teardown, a backend
  // terminated by a test) is no failure of the test's own; without a listener the pool's 'error' event
  // would crash the test file (seen once in CI: 57P01 during the Redis-outage test's teardown).
  pool.on('error', () => undefined);
  return {
    name,
    url,
    appUrl: appUrlFor(name),
    pool,
    drop: async () => {
      await pool.end();
      await dropDatabase(name);
    },
  };
}

export function testConfig(db: TestDatabase, overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    // The app logs in as lantern_app, as in production: every e2e test runs without the owner's rights.
    DATABASE_URL: db.appUrl,
    DATABASE_OWNER_URL: db.url,
    DATABASE_POOL_SIZE: '5',
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: db.name,
    JWT_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  db: TestDatabase;
  close(): Promise<void>;
}

/** The real API (Fastify, PostgreSQL, Redis) on a database of its own, served in-process via inject. */
export async function startApp(
  overrides: Record<string, string> = {},
  options: { logDestination?: DestinationStream } = {},
): Promise<TestApp> {
  const db = await cloneDatabase();
  const config = testConfig(db, overrides);
  const app = await createApp(config, {
    logs: options.logDestination !== undefined,
    logDestination: options.logDestination,
  });
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    config,
    db,
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}

/**
 * Runs `work` while audit rows matching `when` (a trigger condition over NEW, e.g. `NEW.user_id = '…'`) are
 * refused where they are sealed into the chain (BEFORE INSERT on audit_event), then lifts the refusal.
 */
export async function whileAuditRefused(
  pool: pg.Pool,
  when: string,
  work: () => Promise<void>,
): Promise<void> {
  await pool.query(
    `CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'audit refused by the test'; END $$;
     CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_event
       FOR EACH ROW WHEN (${when}) EXECUTE FUNCTION test_refuse_audit();`,
  );
  try {
    await work();
  } finally {
    await pool.query('DROP TRIGGER test_refuse_audit ON audit_event; DROP FUNCTION test_refuse_audit();');
  }
}
