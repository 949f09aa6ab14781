import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { adminUrl } from './setup/test-db.mjs';
import { freePort, waitFor } from './helpers/processes.js';

const run = promisify(execFile);
const entry = async (script: string, env: Record<string, string>) =>
  run(process.execPath, [script], {
    env: { PATH: process.env.PATH ?? '', JWT_SECRET: 'x'.repeat(40), LOG_LEVEL: 'silent', ...env },
    timeout: 60_000,
  }).then(
    (r) => ({ code: 0, stderr: r.stderr }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );

/** Start-up in one line (issue 28): a connection problem at start is one line naming it, and exit code 1. */
describe('start-up failures', () => {
  // The API and worker refuse the owner's login (issue 22): the database `postgres` as the application's.
  const postgres = new URL(adminUrl());
  postgres.pathname = '/postgres';
  postgres.username = 'lantern_app';
  const missing = new URL(adminUrl());
  missing.pathname = '/lantern_test_missing_db';

  it.each([
    [
      'dist/src/main.js',
      'an unreachable database',
      { DATABASE_URL: 'postgres://lantern@127.0.0.1:1/lantern' },
      'PostgreSQL at 127.0.0.1:1',
    ],
    [
      'dist/src/worker.js',
      'an unreachable database',
      { DATABASE_URL: 'postgres://lantern@127.0.0.1:1/lantern' },
      'PostgreSQL at 127.0.0.1:1',
    ],
    [
      'dist/src/main.js',
      'a non-numeric port in DATABASE_URL',
      { DATABASE_URL: 'postgres://lantern@127.0.0.1:abc/lantern' },
      'DATABASE_URL',
    ],
    [
      'dist/src/main.js',
      'a database that does not exist',
      { DATABASE_URL: missing.toString() },
      'does not exist',
    ],
  ])('%s with %s: one line naming it, exit code 1', async (script, _what, env, text) => {
    const result = await entry(script, env);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual([expect.stringContaining(text)]);
  });

  it('the API on a port in use: one line naming the port, exit code 1', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const result = await entry('dist/src/main.js', {
        DATABASE_URL: postgres.toString(),
        PORT: String(port),
        HOST: '127.0.0.1',
        REDIS_PREFIX: `lantern_test_startup_${port}`,
      });
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining(`Port ${port}`)]);
    } finally {
      blocker.close();
    }
  });

  it('the worker waits for Redis with one line per attempt, no stacks', async () => {
    const port = await freePort();
    let stderr = '';
    const child = spawn(process.execPath, ['dist/src/worker.js'], {
      env: {
        PATH: process.env.PATH ?? '',
        JWT_SECRET: 'x'.repeat(40),
        LOG_LEVEL: 'silent',
        DATABASE_URL: postgres.toString(),
        REDIS_URL: `redis://127.0.0.1:${port}`,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      await waitFor('two attempts', async () => stderr.trim().split('\n').length >= 2, 30_000);
      const lines = stderr.trim().split('\n');
      for (const line of lines)
        expect(line).toMatch(
          /^Redis at 127\.0\.0\.1:\d+ unreachable \(.*ECONNREFUSED.*\); attempt \d+, next in \d+s$/,
        );
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill('SIGKILL');
    }
  });
});
