import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** The repository's root (this file runs from dist/src/scripts). */
export const root = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Runs `work` on a scratch database migrated from scratch by the compiled migrations (so what it sees is the
 * migrations' schema, not a local database's drift), then drops it. The server is DATABASE_OWNER_URL's, or a
 * developer machine's local one.
 */
export async function withMigratedScratchDatabase<T>(
  prefix: string,
  work: (ownerUrl: string) => Promise<T>,
): Promise<T> {
  const admin = process.env.DATABASE_OWNER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const appUrl = new URL(url);
  appUrl.username = 'lantern_app';
  appUrl.password = '';
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
    try {
      await run(process.execPath, ['dist/src/scripts/migrate.js'], {
        cwd: root,
        env: { ...process.env, DATABASE_OWNER_URL: url.toString(), DATABASE_URL: appUrl.toString() },
      });
      return await work(url.toString());
    } finally {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}
