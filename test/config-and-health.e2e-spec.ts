import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { runtimeOf } from '../src/common/runtime.js';
import { startApp } from './helpers/app.js';
import { call, expectProblem } from './helpers/http.js';
import { withAdmin } from './setup/test-db.mjs';

const run = promisify(execFile);
const entry = async (script: string, env: Record<string, string>) =>
  run(process.execPath, [script], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 }).then(
    (r) => ({ code: 0, stderr: r.stderr }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );

describe('configuration', () => {
  const secret = { JWT_SECRET: 'x'.repeat(40) };
  it.each([
    ['dist/src/main.js', { ...secret, DATABASE_URL: 'nonsense' }, 'DATABASE_URL'],
    ['dist/src/worker.js', { ...secret, REDIS_URL: 'http://nope' }, 'REDIS_URL'],
    ['dist/src/main.js', { JWT_SECRET: 'short' }, 'JWT_SECRET'],
    ['dist/src/main.js', {}, 'JWT_SECRET'],
    ['dist/src/main.js', { ...secret, PORT: 'eighty' }, 'PORT'],
  ])(
    '%s with a bad %j stops with exit code 1 and one line naming the variable',
    async (script, env, name) => {
      const result = await entry(script, env);
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(name);
    },
  );
});

describe('runtime flags', () => {
  const read = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
  const flagsOf = (command: string[]) => command.filter((arg) => arg.startsWith('--'));
  const packageJson = new URL('../package.json', import.meta.url);
  const api = runtimeOf(packageJson);

  it('runs the API and worker with the same Node flags and malloc settings in npm start, the Dockerfile and compose', () => {
    expect(api.flags).toEqual([
      '--max-old-space-size=512',
      '--no-allocation-site-pretenuring',
      '--max-semi-space-size=16',
    ]);
    expect(api.env).toEqual({ MALLOC_TRIM_THRESHOLD_: '131072' });
    expect(runtimeOf(packageJson, 'start:worker')).toEqual(api);
    const dockerfile = read('Dockerfile');
    // The image sets the same environment; compose runs the image, so its containers inherit it.
    expect([...dockerfile.matchAll(/^ENV (MALLOC_\S+)$/gm)].map((m) => m[1])).toEqual(
      Object.entries(api.env).map(([name, value]) => `${name}=${value}`),
    );
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1];
    expect(flagsOf(JSON.parse(cmd ?? '[]') as string[])).toEqual(api.flags);
    // The image's documented commands (its header comment) and compose's api and worker commands.
    const documented = [...dockerfile.matchAll(/^#\s+(?:API \(default\)|worker):\s+(node .*)$/gm)];
    const composed = [...read('docker-compose.yml').matchAll(/^\s+command:\s*(\[\s*'node',[^\]]*\])/gm)];
    expect(documented).toHaveLength(2);
    expect(composed).toHaveLength(2);
    for (const [, line] of documented) expect(flagsOf(line.split(/\s+/))).toEqual(api.flags);
    for (const [, list] of composed) {
      // A flow sequence, on one line or wrapped by Prettier (with a trailing comma).
      const json = list.replaceAll("'", '"').replace(/,\s*\]$/, ']');
      expect(flagsOf(JSON.parse(json) as string[])).toEqual(api.flags);
    }
  });

  it('uses only flags this Node accepts', async () => {
    await expect(run(process.execPath, [...api.flags, '-e', '0'])).resolves.toBeDefined();
    // An unknown V8 flag is refused, so the check above can fail.
    await expect(run(process.execPath, ['--no-such-v8-flag', '-e', '0'])).rejects.toThrow();
  });
});

describe('readiness', () => {
  it('answers 503 naming Redis when Redis is unreachable', async () => {
    const t = await startApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const res = await call(t.app, 'GET', '/health/ready');
      expectProblem(res, 503, 'dependency_unavailable');
      expect(res.body.detail).toContain('Redis');
      expect(res.body.detail).not.toContain('PostgreSQL');
      expect(res.body.checks).toEqual({ postgres: 'up', redis: 'down' });
      expect((await call(t.app, 'GET', '/health/live')).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('answers 503 naming PostgreSQL when the database goes away', async () => {
    const t = await startApp();
    try {
      expect((await call(t.app, 'GET', '/health/ready')).status).toBe(200);
      // Make the database refuse connections and end the open ones.
      await withAdmin(async (c) => {
        await c.query(`ALTER DATABASE ${t.db.name} ALLOW_CONNECTIONS false`);
        await c.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
          [t.db.name],
        );
      });
      const res = await call(t.app, 'GET', '/health/ready');
      expectProblem(res, 503, 'dependency_unavailable');
      expect(res.body.detail).toContain('PostgreSQL');
      expect(res.body.checks).toEqual({ postgres: 'down', redis: 'up' });
    } finally {
      await withAdmin((c) => c.query(`ALTER DATABASE ${t.db.name} ALLOW_CONNECTIONS true`));
      await t.close();
    }
  });
});

describe('npm run demo without its services', () => {
  it.each([
    [{ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/lantern_demo' }, 'PostgreSQL is not reachable'],
    [{ REDIS_URL: 'redis://127.0.0.1:1' }, 'Redis is not reachable'],
  ])('%j: one clear line with how to start it, exit 1', async (env, message) => {
    const result = await entry('dist/src/scripts/demo.js', env);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual([expect.stringContaining(message)]);
    expect(lines[0]).toMatch(/start it/);
  });
});
