import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { cloneDatabase, type TestDatabase } from './helpers/app.js';
import { freePort, PrivateRedis, type Proc, startNode, stopProc, waitFor } from './helpers/processes.js';

/**
 * Graceful, bounded shutdown of the worker (issue 28): it exits within its deadline even with Redis down, and
 * a webhook that never answers neither holds a transaction nor the shutdown. Real worker processes.
 */
describe('worker shutdown', () => {
  let db: TestDatabase;
  let worker: Proc | undefined;
  const redis = { server: undefined as PrivateRedis | undefined };

  beforeEach(async () => {
    db = await cloneDatabase();
  });
  afterEach(async () => {
    await stopProc(worker, 'SIGKILL');
    worker = undefined;
    await redis.server?.stop();
    await db.drop();
  });

  it('exits within WORKER_SHUTDOWN_TIMEOUT_SECONDS on SIGTERM while Redis is down', async () => {
    redis.server = new PrivateRedis(await freePort());
    await redis.server.start();
    const prefix = db.name;
    worker = startNode('worker', {
      DATABASE_URL: db.appUrl,
      REDIS_URL: redis.server.url,
      REDIS_PREFIX: prefix,
      WORKER_SHUTDOWN_TIMEOUT_SECONDS: '2',
    });
    const w = worker;
    const queue = new Queue('audit', {
      connection: { host: '127.0.0.1', port: redis.server.port },
      prefix: `${prefix}:bull`,
    });
    queue.on('error', () => undefined);
    try {
      await waitFor(
        'the worker’s schedulers',
        async () => (await queue.getJobSchedulers()).length === 2,
      ).catch((e: Error) => {
        throw new Error(`${e.message}\n${w.output()}`);
      });
    } finally {
      await queue.close();
    }
    await redis.server.stop();
    worker.proc.kill('SIGTERM');
    const code = await Promise.race([
      worker.exited,
      new Promise<'still running'>((r) => setTimeout(() => r('still running'), 60_000)),
    ]);
    expect(code).not.toBe('still running');
  }, 120_000);

  it('relays with no transaction open while a webhook hangs, and hands the batch back at once on SIGTERM', async () => {
    const held: ServerResponse[] = [];
    const hook: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      held.push(res); // never answered
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    try {
      const {
        rows: [{ id: member }],
      } = await db.pool.query<{ id: string }>(
        `INSERT INTO workforce_member (member_type, staff_number, given_name, family_name)
         VALUES ('staff', 'HANG-1', 'G', 'F') RETURNING id`,
      );
      // 30 review alerts, each with its outbox message (the alert table's trigger).
      await db.pool.query(
        `INSERT INTO vetting_alert (workforce_member_id, kind, due_on, source_type, source_id)
         SELECT $1, 'review_required', '2026-06-15', 'declaration', gen_random_uuid() FROM generate_series(1, 30)`,
        [member],
      );
      worker = startNode('worker', {
        DATABASE_URL: db.appUrl,
        REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
        REDIS_PREFIX: db.name,
        ALERT_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`,
        OUTBOX_RELAY_INTERVAL_SECONDS: '1',
      });
      const w = worker;
      await waitFor('the webhook to be called', async () => held.length >= 8, 60_000).catch((e: Error) => {
        throw new Error(`${e.message}\n${w.output()}`);
      });
      // Sending (the receiver holds every request for longer than this), and no transaction held open for
      // it: none idle in a transaction started seconds ago (a sweep's, between its statements, is younger).
      await new Promise((r) => setTimeout(r, 4000));
      const { rows: sessions } = await db.pool.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = $1 AND application_name = 'lantern-worker' AND state LIKE 'idle in transaction%'
            AND xact_start < now() - interval '3 seconds'`,
        [db.name],
      );
      expect(sessions[0].n).toBe(0);

      worker.proc.kill('SIGTERM');
      const code = await Promise.race([
        worker.exited,
        new Promise<'still running'>((r) => setTimeout(() => r('still running'), 60_000)),
      ]);
      // Stopped cleanly: it dies of the signal once closed (as Nest's shutdown hooks do), not by the deadline.
      expect([code, worker.proc.signalCode]).toEqual([null, 'SIGTERM']);
      // Handed back untried: due at once, no attempt counted, nothing delivered.
      const { rows } = await db.pool.query(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE delivered_at IS NULL AND attempts = 0
                                                    AND next_attempt_at <= now())::int AS handed_back
           FROM outbox_message`,
      );
      expect(rows[0]).toEqual({ n: 30, handed_back: 30 });
    } finally {
      for (const res of held) res.destroy();
      hook.close();
    }
  }, 120_000);
});
