import { Redis } from 'ioredis';
import { dropDatabase, listDatabases, TEST_DB_PREFIX } from './test-db.mjs';

/** Leaves nothing behind: this run's databases and Redis keys. */
export default async function globalTeardown(): Promise<void> {
  const runId = process.env.LANTERN_TEST_RUN;
  if (!runId) return;
  for (const name of await listDatabases(`${TEST_DB_PREFIX}${runId}`)) await dropDatabase(name);

  const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${TEST_DB_PREFIX}${runId}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
}
