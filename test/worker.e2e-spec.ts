import { NestFactory } from '@nestjs/core';
import { Queue } from 'bullmq';
import { QUEUES } from '../src/common/queues.js';
import { WorkerModule } from '../src/worker.module.js';
import { cloneDatabase, testConfig } from './helpers/app.js';

describe('worker process', () => {
  it('registers exactly one audit-verify scheduler however many workers start, and shuts down cleanly', async () => {
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
      expect(schedulers.map((s) => [s.key, s.pattern])).toEqual([['audit-verify', '30 2 * * *']]);
    } finally {
      await queue.close();
      for (const w of workers) await w.close();
      await db.drop();
    }
  });
});
