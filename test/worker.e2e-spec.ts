import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { NestFactory } from '@nestjs/core';
import { Queue } from 'bullmq';
import { QUEUES } from '../src/common/queues.js';
import { WorkerModule } from '../src/worker.module.js';
import { cloneDatabase, testConfig } from './helpers/app.js';

describe('worker process', () => {
  it('registers exactly one scheduler per audit job however many workers start, and shuts down cleanly', async () => {
    const db = await cloneDatabase();
    const config = testConfig(db);
    const workers = await Promise.all(
      [1, 2].map(async () => {
        const ctx = await NestFactory.createApplicationContext(WorkerModule.register(config), {
          logger: false,
        });
        await ctx.init();
        return ctx;
      }),
    );
    const queue = new Queue(QUEUES.audit, {
      connection: { host: '127.0.0.1', port: 6379 },
      prefix: `${config.REDIS_PREFIX}:bull`,
    });
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(
        schedulers
          .map((s) => [s.key, s.pattern ?? null, s.every ?? null])
          .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      ).toEqual([
        ['audit-subjects-flush', null, 5000],
        ['audit-verify', '30 2 * * *', null],
      ]);
    } finally {
      await queue.close();
      for (const w of workers) await w.close();
      await db.drop();
    }
  });
});

describe('API process', () => {
  it('shuts down cleanly on SIGTERM', async () => {
    const db = await cloneDatabase();
    const port = 30000 + Math.floor(Math.random() * 20000);
    const child = spawn(process.execPath, ['dist/src/main.js'], {
      env: {
        ...process.env,
        DATABASE_URL: db.appUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        JWT_SECRET: 'y'.repeat(40),
        LOG_LEVEL: 'silent',
        REDIS_PREFIX: db.name,
      },
      stdio: 'ignore',
    });
    try {
      let ready = false;
      // (A deadline, not a timing check: on a loaded machine the API has taken over 20 s to start.)
      for (let i = 0; i < 600 && !ready; i++) {
        ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
          (r) => r.ok,
          () => false,
        );
        if (!ready) await new Promise((r) => setTimeout(r, 100));
      }
      expect(ready).toBe(true);
      child.kill('SIGTERM');
      const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
      expect(code === 0 || signal === 'SIGTERM' || code === 143).toBe(true);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await db.drop();
    }
  });

  it('on SIGTERM finishes the request in flight before it exits (issue 28)', async () => {
    const db = await cloneDatabase();
    const port = 30000 + Math.floor(Math.random() * 20000);
    const child = spawn(process.execPath, ['dist/src/main.js'], {
      env: {
        ...process.env,
        DATABASE_URL: db.appUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        JWT_SECRET: 'z'.repeat(40),
        LOG_LEVEL: 'silent',
        REDIS_PREFIX: db.name,
      },
      stdio: 'ignore',
    });
    const holder = await db.pool.connect();
    try {
      let ready = false;
      for (let i = 0; i < 600 && !ready; i++) {
        ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
          (r) => r.ok,
          () => false,
        );
        if (!ready) await new Promise((r) => setTimeout(r, 100));
      }
      expect(ready).toBe(true);
      const exited = once(child, 'exit');
      // The audit chain's lock (migration 1795500001000), held here: a failed login's audit row waits for it
      // at commit, so the request is in flight for as long as the test wants.
      await holder.query('SELECT pg_advisory_lock(7461626001)');
      const inFlight = fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'nobody@test.lantern', password: 'not-the-password-1' }),
      });
      for (let i = 0; i < 300; i++) {
        const { rows } = await holder.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND usename = 'lantern_app' AND wait_event = 'advisory'`,
        );
        if (rows[0].n > 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
      expect(child.exitCode).toBeNull(); // still draining
      await holder.query('SELECT pg_advisory_unlock(7461626001)');
      const answer = await inFlight;
      expect(answer.status).toBe(401); // answered in full, its audit row sealed
      const [code, signal] = (await exited) as [number | null, string | null];
      expect(code === 0 || signal === 'SIGTERM' || code === 143).toBe(true);
      const { rows } = await db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_event WHERE action LIKE 'auth.%'`,
      );
      expect(rows[0].n).toBeGreaterThanOrEqual(1);
    } finally {
      holder.release();
      if (child.exitCode === null) child.kill('SIGKILL');
      await db.drop();
    }
  });
});
