// Plain ESM so that Jest's globalSetup (loaded by Node itself) and the tests share it; no imports from src/.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export const TEST_DB_PREFIX = 'lantern_test_';

/** Where the test databases live: TEST_DATABASE_URL's server (its database is only used to connect). */
export function adminUrl() {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** The helpers never touch a database whose name does not mark it as a test one. */
export function assertTestDatabase(name) {
  if (!name.startsWith(TEST_DB_PREFIX) || !/^[a-z0-9_]+$/.test(name)) {
    throw new Error(`Refusing to use database "${name}": test databases are named ${TEST_DB_PREFIX}*`);
  }
}

export function urlFor(database) {
  assertTestDatabase(database);
  const url = new URL(adminUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * The application's login on a test database, as the API and worker connect in production: role lantern_app
 * (created by the migrations), without a password (the test server trusts local connections).
 */
export function appUrlFor(database) {
  const url = new URL(urlFor(database));
  url.username = 'lantern_app';
  url.password = '';
  return url.toString();
}

export async function withAdmin(work) {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createDatabase(name, template) {
  assertTestDatabase(name);
  if (template) assertTestDatabase(template);
  await withAdmin((c) => c.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`));
  return urlFor(name);
}

export async function dropDatabase(name) {
  assertTestDatabase(name);
  await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

export async function listDatabases(prefix) {
  return withAdmin(async (c) => {
    const { rows } = await c.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${prefix}%`]);
    return rows.map((r) => r.datname);
  });
}

/**
 * Runs the compiled migrations (npm test builds first) as a deploy does (`npm run migration:run`): as the
 * owner, then a check that the application's login works and has none of the owner's rights.
 */
export async function migrate(database) {
  await run(process.execPath, ['dist/src/scripts/migrate.js'], {
    env: { ...process.env, DATABASE_OWNER_URL: urlFor(database), DATABASE_URL: appUrlFor(database) },
  });
}
