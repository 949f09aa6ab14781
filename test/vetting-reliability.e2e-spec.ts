import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type pg from 'pg';
import { Role } from '../src/common/auth/roles.js';
import { Clock } from '../src/common/clock.js';
import { cloneDatabase, startApp, type TestApp, type TestDatabase } from './helpers/app.js';
import { call, userWith } from './helpers/http.js';
import { verifySignature } from '../src/modules/vetting/outbox-relay.service.js';

/**
 * Reliability of the vetting worker, against the compiled worker (`node dist/src/worker.js`, built by
 * `npm test`) as a real process. Deterministic: every wait polls for a condition, with a deadline.
 */

const TODAY = '2026-06-15';
const DEFAULT_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A worker that dies on its own fails the wait at once, with its output. */
const workerFailures: string[] = [];

async function waitFor<T>(
  what: string,
  check: () => Promise<T | false | null | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (workerFailures.length > 0) throw new Error(workerFailures.join('\n'));
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface WorkerProcess {
  proc: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function startWorker(env: Record<string, string>): WorkerProcess {
  let output = '';
  const proc = spawn(process.execPath, ['dist/src/worker.js'], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      JWT_SECRET: randomBytes(32).toString('hex'),
      DATABASE_POOL_SIZE: '4',
      CLOCK_TODAY: TODAY,
      VETTING_SWEEP_CRON: '0 0 1 1 *',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  proc.on('exit', (code, signal) => {
    if (signal !== 'SIGKILL' && signal !== 'SIGTERM')
      workerFailures.push(`worker exited (${code}):\n${output.slice(-4000)}`);
  });
  proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, output: () => output, exited };
}

async function stopWorker(w: WorkerProcess | undefined): Promise<void> {
  if (!w || w.proc.exitCode !== null || w.proc.signalCode !== null) return;
  w.proc.kill('SIGTERM');
  const timer = setTimeout(() => w.proc.kill('SIGKILL'), 15_000);
  await w.exited;
  clearTimeout(timer);
}

const workerBackends = async (pool: pg.Pool, db: string, onlyWaiting = false): Promise<number> => {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = $1 AND application_name = 'lantern-worker' ${onlyWaiting ? `AND wait_event_type = 'Lock'` : ''}`,
    [db],
  );
  return rows[0].n;
};

async function waitForJob(queue: Queue, id: string, timeoutMs = 120_000): Promise<unknown> {
  return waitFor(
    `job ${id}`,
    async () => {
      const job = await queue.getJob(id);
      const state = job ? await job.getState() : 'missing';
      if (state === 'failed') throw new Error(`job ${id} failed: ${job?.failedReason}`);
      // Read the return value again until it is there: under load a poll can see the completed state first.
      return state === 'completed' && job?.returnvalue != null
        ? { value: job.returnvalue as unknown }
        : false;
    },
    timeoutMs,
  ).then((r) => r.value);
}

describe('vetting worker reliability', () => {
  describe('SIGKILL in the middle of a sweep over 50,000 clearances', () => {
    let db: TestDatabase;
    let worker: WorkerProcess | undefined;
    let queue: Queue;
    const prefix = `lantern_test_kill_${randomBytes(4).toString('hex')}`;

    beforeAll(async () => {
      db = await cloneDatabase();
      const u = new URL(DEFAULT_REDIS);
      queue = new Queue('vetting', {
        connection: { host: u.hostname, port: Number(u.port || 6379) },
        prefix: `${prefix}:bull`,
      });
    });
    afterAll(async () => {
      await stopWorker(worker);
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await db.drop();
    });

    it('rolls the killed sweep back, and the next one raises every due alert exactly once', async () => {
      const pool = db.pool;
      const [{ id: post }] = (
        await pool.query(
          `INSERT INTO post (code, title, required_level) VALUES ('REL-MV', 'Reliability post', 'MV') RETURNING id`,
        )
      ).rows;
      await pool.query(
        `INSERT INTO workforce_member (member_type, staff_number, given_name, family_name, post_id)
         SELECT 'officer', 'R' || i, 'Given', 'Family' || i, $1 FROM generate_series(1, 51000) i`,
        [post],
      );
      // 50,000 MV clearances: every fifth expired, every fifth + 1 inside the 90-day window, the rest well
      // in date; 1,000 people holding only RV in an MV post (below required).
      await pool.query(
        `INSERT INTO vetting_clearance (workforce_member_id, level, granted_on, expires_on)
         SELECT id, CASE WHEN n > 50000 THEN 'RV' ELSE 'MV' END::vetting_level, e - interval '7 years', e
           FROM (SELECT id, n, CASE WHEN n > 50000 THEN $1::date + 1000
                                    WHEN n % 5 = 0 THEN $1::date - (n % 300) - 1
                                    WHEN n % 5 = 1 THEN $1::date + 1 + (n % 89)
                                    ELSE $1::date + 200 + (n % 1000) END AS e
                   FROM (SELECT id, substring(staff_number FROM 2)::int AS n FROM workforce_member
                          WHERE staff_number LIKE 'R%') m) x`,
        [TODAY],
      );
      // Statistics for the bulk load, as autovacuum would gather them on a server where it runs (CI's has it
      // off): without them the sweep plans for empty tables and takes minutes instead of seconds.
      await pool.query('ANALYZE workforce_member, vetting_clearance');
      // One stale open alert whose cause is gone (the person is in date): the sweep must resolve it, and the
      // test holds its row lock so that the sweep stops there, after raising, before committing.
      const [{ id: blockerMember }] = (
        await pool.query(
          `INSERT INTO workforce_member (member_type, staff_number, given_name, family_name, post_id)
           VALUES ('officer', 'BLOCK', 'B', 'B', $1) RETURNING id`,
          [post],
        )
      ).rows;
      await pool.query(
        `INSERT INTO vetting_clearance (workforce_member_id, level, granted_on, expires_on) VALUES ($1, 'MV', '2025-01-01', '2032-01-01')`,
        [blockerMember],
      );
      const [{ id: blockerAlert }] = (
        await pool.query(
          `INSERT INTO vetting_alert (workforce_member_id, kind, level, due_on) VALUES ($1, 'below_required', 'MV', '2025-01-01') RETURNING id`,
          [blockerMember],
        )
      ).rows;
      const { rows: total } = await pool.query(`SELECT count(*)::int AS n FROM vetting_clearance`);
      expect(total[0].n).toBeGreaterThanOrEqual(50_000);

      const env = { DATABASE_URL: db.appUrl, REDIS_URL: DEFAULT_REDIS, REDIS_PREFIX: prefix };
      const holder = await pool.connect();
      try {
        await holder.query('BEGIN');
        await holder.query(`SELECT 1 FROM vetting_alert WHERE id = $1 FOR UPDATE`, [blockerAlert]);

        worker = startWorker(env);
        await queue.add('vetting-sweep', {}, { jobId: 'sweep-killed' });
        await waitFor(
          'the sweep to block mid-way',
          async () => (await workerBackends(pool, db.name, true)) > 0,
          90_000,
        ).catch((e: Error) => {
          throw new Error(`${e.message}\n${worker?.output()}`);
        });
        worker.proc.kill('SIGKILL');
        await worker.exited;
      } finally {
        await holder.query('ROLLBACK');
        holder.release();
      }
      await waitFor(
        'the killed worker’s sessions to end',
        async () => (await workerBackends(pool, db.name)) === 0,
      );

      // Nothing of the killed sweep survives: one transaction, rolled back.
      const { rows: afterKill } = await pool.query(
        `SELECT (SELECT count(*)::int FROM vetting_alert) AS alerts, (SELECT count(*)::int FROM outbox_message) AS messages,
                (SELECT status::text FROM vetting_alert WHERE id = $1) AS blocker`,
        [blockerAlert],
      );
      expect(afterKill[0]).toEqual({ alerts: 1, messages: 1, blocker: 'open' });

      worker = startWorker(env);
      await queue.add('vetting-sweep', {}, { jobId: 'sweep-after-restart' });
      // (The worker also sweeps once at start; either run may be the one that raises, the other finds nothing.)
      await waitForJob(queue, 'sweep-after-restart');
      await queue.add('vetting-sweep', {}, { jobId: 'sweep-again' });
      expect(await waitForJob(queue, 'sweep-again')).toEqual({ raised: 0, resolved: 0 });

      const { rows: byKind } = await pool.query(
        `SELECT kind::text, status::text, count(*)::int AS n FROM vetting_alert GROUP BY 1, 2 ORDER BY 1, 2`,
      );
      expect(byKind).toEqual([
        { kind: 'below_required', status: 'open', n: 1000 },
        { kind: 'below_required', status: 'resolved', n: 1 },
        { kind: 'overdue', status: 'open', n: 10_000 },
        { kind: 'renewal_due', status: 'open', n: 10_000 },
      ]);
      // Exactly the clearances that should have one, once each; and one outbox message per alert.
      const { rows: check } = await pool.query(
        `SELECT
           (SELECT count(*)::int FROM (SELECT clearance_id, kind FROM vetting_alert WHERE clearance_id IS NOT NULL
              GROUP BY 1, 2 HAVING count(*) > 1) d) AS duplicates,
           (SELECT count(*)::int FROM vetting_clearance c WHERE c.level = 'MV' AND c.expires_on <= $1
              AND NOT EXISTS (SELECT 1 FROM vetting_alert a WHERE a.clearance_id = c.id AND a.kind = 'overdue')) AS missing_overdue,
           (SELECT count(*)::int FROM vetting_clearance c WHERE c.level = 'MV' AND c.expires_on > $1 AND c.expires_on <= $1::date + 90
              AND NOT EXISTS (SELECT 1 FROM vetting_alert a WHERE a.clearance_id = c.id AND a.kind = 'renewal_due')) AS missing_due,
           (SELECT count(*)::int FROM vetting_alert a
              LEFT JOIN (SELECT payload->>'alertId' AS alert_id, count(*) AS n FROM outbox_message GROUP BY 1) o
                ON o.alert_id = a.id::text
             WHERE o.n IS DISTINCT FROM 1) AS alerts_without_one_message`,
        [TODAY],
      );
      expect(check[0]).toEqual({
        duplicates: 0,
        missing_overdue: 0,
        missing_due: 0,
        alerts_without_one_message: 0,
      });
    }, 300_000);
  });

  describe('Redis stopped while 500 clearance changes are written through the API', () => {
    let redis: ChildProcess | undefined;
    let worker: WorkerProcess | undefined;
    let t: TestApp | undefined;
    let hook: Server;
    let port: number;
    const queues: Queue[] = [];
    const deliveries: { key: string; signatureOk: boolean }[] = [];
    const SECRET = randomBytes(16).toString('hex');

    const freePort = (): Promise<number> =>
      new Promise((resolve) => {
        const s = createNetServer();
        s.listen(0, '127.0.0.1', () => {
          const p = (s.address() as AddressInfo).port;
          s.close(() => resolve(p));
        });
      });

    const startRedis = async (): Promise<ChildProcess> => {
      const proc = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        {
          stdio: 'ignore',
        },
      );
      const probe = new Redis({
        port,
        host: '127.0.0.1',
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on('error', () => undefined);
      await waitFor('redis-server to answer', async () => {
        try {
          if (probe.status !== 'ready') await probe.connect();
          return (await probe.ping()) === 'PONG';
        } catch {
          probe.disconnect();
          return false;
        }
      });
      probe.disconnect();
      return proc;
    };

    const stopRedis = async (): Promise<void> => {
      if (!redis || redis.exitCode !== null || redis.signalCode !== null) return;
      const done = new Promise((r) => redis?.on('exit', r));
      redis.kill('SIGTERM');
      await done;
    };

    beforeAll(async () => {
      port = await freePort();
      hook = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          deliveries.push({
            key: String(req.headers['idempotency-key']),
            signatureOk: verifySignature(
              SECRET,
              req.headers['x-lantern-signature'] as string | undefined,
              body,
              Math.floor(Date.now() / 1000),
            ),
          });
          res.writeHead(200).end();
        });
      });
      await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    });
    afterAll(async () => {
      await stopWorker(worker);
      for (const q of queues) await q.close().catch(() => undefined);
      await t?.close();
      await stopRedis();
      hook.close();
    });

    it('answers every write without Redis, and afterwards raises and delivers every alert exactly once', async () => {
      redis = await startRedis();
      const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alerts`;
      const redisUrl = `redis://127.0.0.1:${port}`;
      t = await startApp({ REDIS_URL: redisUrl, ALERT_WEBHOOK_URL: hookUrl, ALERT_WEBHOOK_SECRET: SECRET });
      const app = t;
      app.app.get(Clock).setToday(TODAY);
      const officer = await userWith(app, [Role.VettingOfficer]);
      // No post (so no required level): until their clearances are written these people need no alert, and
      // the worker's start-up sweep, whenever it runs, raises nothing of its own.
      const { rows: members } = await app.db.pool.query<{ id: string }>(
        `INSERT INTO workforce_member (member_type, staff_number, given_name, family_name)
         SELECT 'staff', 'O' || i, 'Given', 'Family' FROM generate_series(1, 500) i RETURNING id`,
      );

      worker = startWorker({
        DATABASE_URL: app.db.appUrl,
        REDIS_URL: redisUrl,
        REDIS_PREFIX: app.config.REDIS_PREFIX,
        ALERT_WEBHOOK_URL: hookUrl,
        ALERT_WEBHOOK_SECRET: SECRET,
        VETTING_SWEEP_CRON: '*/2 * * * * *',
        OUTBOX_RELAY_INTERVAL_SECONDS: '1',
      });
      const queue = new Queue('vetting', {
        connection: { host: '127.0.0.1', port },
        prefix: `${app.config.REDIS_PREFIX}:bull`,
      });
      queue.on('error', () => undefined);
      queues.push(queue);
      await waitFor('the worker to register its scheduler', async () =>
        (await queue.getJobSchedulers()).some((s) => s.key === 'vetting-sweep'),
      ).catch((e: Error) => {
        throw new Error(`${e.message}\n${worker?.output()}`);
      });

      await stopRedis();
      // 500 clearance changes through the API while Redis is down: half expired, half due for renewal.
      const statuses: number[] = [];
      for (let i = 0; i < members.length; i += 20) {
        const batch = members.slice(i, i + 20).map((m, j) =>
          call(app.app, 'POST', `/api/v1/workforce/${m.id}/clearances`, {
            token: officer.token,
            body: { level: 'MV', grantedOn: (i + j) % 2 === 0 ? '2019-03-01' : '2019-08-01' },
          }),
        );
        statuses.push(...(await Promise.all(batch)).map((r) => r.status));
      }
      expect(statuses.filter((s) => s !== 201)).toEqual([]);
      const read = await call(app.app, 'GET', `/api/v1/workforce/${members[0].id}`, { token: officer.token });
      expect(read.body.vetting.state).toBe('overdue');
      // (Alerts may already exist here: a sweep job the worker took before the outage is PostgreSQL work and
      // may finish during it. What matters is below: after recovery, every alert and delivery exactly once.)

      redis = await startRedis();
      await waitFor(
        '500 webhook deliveries',
        async () => new Set(deliveries.map((d) => d.key)).size >= 500,
        120_000,
      ).catch((e: Error) => {
        throw new Error(`${e.message} (have ${deliveries.length})\n${worker?.output().slice(-3000)}`);
      });
      // Let further sweeps and relays run over the same rows: none may raise or send anything again.
      const mark = Date.now();
      const check = new Queue('outbox', {
        connection: { host: '127.0.0.1', port },
        prefix: `${app.config.REDIS_PREFIX}:bull`,
      });
      check.on('error', () => undefined);
      queues.push(check);
      await waitFor('two more relays and sweeps', async () => {
        const after = (jobs: { finishedOn?: number }[]) =>
          jobs.filter((j) => (j.finishedOn ?? 0) > mark + 100).length;
        return (
          after(await check.getJobs(['completed'])) >= 2 && after(await queue.getJobs(['completed'])) >= 2
        );
      });

      const { rows: alerts } = await app.db.pool.query(
        `SELECT kind::text, count(*)::int AS n, count(DISTINCT clearance_id)::int AS clearances FROM vetting_alert GROUP BY 1 ORDER BY 1`,
      );
      expect(alerts).toEqual([
        { kind: 'overdue', n: 250, clearances: 250 },
        { kind: 'renewal_due', n: 250, clearances: 250 },
      ]);
      const { rows: outbox } = await app.db.pool.query(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE delivered_at IS NULL)::int AS pending FROM outbox_message`,
      );
      expect(outbox[0]).toEqual({ n: 500, pending: 0 });
      expect(deliveries).toHaveLength(500);
      expect(new Set(deliveries.map((d) => d.key)).size).toBe(500);
      expect(deliveries.every((d) => d.signatureOk)).toBe(true);
    }, 300_000);
  });
});
