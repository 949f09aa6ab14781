import { readFileSync } from 'node:fs';
import { dropDatabase } from '../setup/test-db.mjs';

const STATE_FILE = new URL('../../.playwright/state.json', import.meta.url);

export default async function globalTeardown(): Promise<void> {
  const state = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as { database: string; pid: number };
  try {
    process.kill(state.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  await new Promise((r) => setTimeout(r, 1000));
  await dropDatabase(state.database);
}
