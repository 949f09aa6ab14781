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
});
