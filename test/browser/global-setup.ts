import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { appUrlFor, createDatabase, migrate, TEST_DB_PREFIX } from '../setup/test-db.mjs';

const PORT = Number(process.env.LANTERN_BROWSER_PORT ?? 4317);
export const STATE_FILE = new URL('../../.playwright/state.json', import.meta.url);

/** A fresh database with the demo data, and the API (as `npm start` runs it) serving the built console. */
export default async function globalSetup(): Promise<void> {
  const database = `${TEST_DB_PREFIX}${Date.now().toString(36)}${process.pid}_pw`;
  const url = await createDatabase(database);
  await migrate(database);
  const password = randomBytes(12).toString('base64url');
  // Seeding as the owner (as npm run demo does); the API logs in as lantern_app, as in production.
  process.env.DATABASE_OWNER_URL = url;
  process.env.DATABASE_URL = appUrlFor(database);
  // The compiled API (npm test builds first), as the demo script loads it.
  const dist = new URL('../../dist/src/', import.meta.url).href;
  const { default: dataSource } = (await import(`${dist}database/data-source.js`)) as {
    default: import('typeorm').DataSource;
  };
  const { seedDemo } = (await import(`${dist}demo/seed.js`)) as {
    seedDemo: (db: import('typeorm').DataSource, password: string, log: (m: string) => void) => Promise<void>;
  };
  await dataSource.initialize();
  await seedDemo(dataSource, password, () => undefined);
  await dataSource.destroy();

  const api = spawn(process.execPath, ['dist/src/main.js'], {
    env: {
      ...process.env,
      DATABASE_URL: appUrlFor(database),
      DATABASE_OWNER_URL: '',
      PORT: String(PORT),
      HOST: '127.0.0.1',
      JWT_SECRET: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: false,
  });
  const base = `http://localhost:${PORT}`;
  for (let i = 0; i < 60; i++) {
    const ok = await fetch(`${base}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (api.exitCode !== null) throw new Error('The API exited at start (see above)');
    await new Promise((r) => setTimeout(r, 500));
  }
  mkdirSync(new URL('.', STATE_FILE), { recursive: true });
  writeFileSync(STATE_FILE, JSON.stringify({ database, password, pid: api.pid, base }));
  process.env.LANTERN_DEMO_PASSWORD = password;
}
