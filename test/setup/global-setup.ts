import { createDatabase, dropDatabase, listDatabases, migrate, TEST_DB_PREFIX } from './test-db.mjs';

/** Once per run: a template database, freshly migrated, that every test file clones. */
export default async function globalSetup(): Promise<void> {
  const runId = `${Date.now().toString(36)}${process.pid}`;
  process.env.LANTERN_TEST_RUN = runId;
  // Leftovers of runs killed before their teardown (older than an hour; the run id starts with its time).
  for (const name of await listDatabases(TEST_DB_PREFIX)) {
    const started = parseInt(name.slice(TEST_DB_PREFIX.length, TEST_DB_PREFIX.length + 8), 36);
    if (Number.isFinite(started) && Date.now() - started > 3600_000) await dropDatabase(name);
  }
  const template = `${TEST_DB_PREFIX}${runId}_tpl`;
  process.env.LANTERN_TEST_TEMPLATE = template;
  await createDatabase(template);
  await migrate(template);
}
