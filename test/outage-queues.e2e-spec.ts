import { Queue } from 'bullmq';
import { Role } from '../src/common/auth/roles.js';
import { Clock } from '../src/common/clock.js';
import { checkPersonOptions, Jobs } from '../src/common/jobs.js';
import { startApp, type TestApp } from './helpers/app.js';
import { call, userWith } from './helpers/http.js';
import {
  freePort,
  PrivateRedis,
  type Proc,
  startNode,
  stopProc,
  waitFor,
  workerBackends,
} from './helpers/processes.js';

/**
 * No check lost (issue 28): a person's check asked for while one of theirs is running runs again after it;
 * when Redis comes back after an outage the worker registers every scheduler again and sweeps the change
 * marks left meanwhile. Against the compiled worker as a real process.
 */

const TODAY = '2026-06-15';
const DEFAULT_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const queueOn = (redisUrl: string, prefix: string, name: string): Queue => {
  const u = new URL(redisUrl);
  const q = new Queue(name, {
    connection: { host: u.hostname, port: Number(u.port || 6379) },
    prefix: `${prefix}:bull`,
  });
  q.on('error', () => undefined);
  return q;
};

const openAlerts = async (t: TestApp, memberId: string): Promise<string[]> =>
  (
    await t.db.pool.query<{ kind: string }>(
      `SELECT kind::text FROM vetting_alert WHERE workforce_member_id = $1 AND status <> 'resolved' ORDER BY 1`,
      [memberId],
    )
  ).rows.map((r) => r.kind);

describe('no vetting check lost', () => {
  let t: TestApp | undefined;
  let worker: Proc | undefined;
  const queues: Queue[] = [];

  afterEach(async () => {
    await stopProc(worker);
    worker = undefined;
    for (const q of queues.splice(0)) {
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close().catch(() => undefined);
    }
    await t?.close();
    t = undefined;
  });

  it('runs a check asked for while one for the same person is running again after it', async () => {
    t = await startApp({ CLOCK_TODAY: TODAY });
    const app = t;
    app.app.get(Clock).setToday(TODAY);
    const officer = await userWith(app, [Role.VettingOfficer]);
    const { rows } = await app.db.pool.query<{ id: string }>(
      `INSERT INTO post (code, title, required_level) VALUES ('NCL-MV', 'Post', 'MV') RETURNING id`,
    );
    const {
      rows: [{ id: person }],
    } = await app.db.pool.query<{ id: string }>(
      `INSERT INTO workforce_member (member_type, staff_number, given_name, family_name, post_id)
       VALUES ('officer', 'NCL-1', 'G', 'F', $1) RETURNING id`,
      [rows[0].id],
    );
    const vetting = queueOn(DEFAULT_REDIS, app.config.REDIS_PREFIX, 'vetting');
    queues.push(vetting, queueOn(DEFAULT_REDIS, app.config.REDIS_PREFIX, 'outbox'));
    worker = startNode('worker', {
      DATABASE_URL: app.db.appUrl,
      REDIS_URL: DEFAULT_REDIS,
      REDIS_PREFIX: app.config.REDIS_PREFIX,
      CLOCK_TODAY: TODAY,
    });
    const w = worker;
    const fail = (e: Error) => {
      throw new Error(`${e.message}\n${w.output().slice(-3000)}`);
    };
    // The start-up sweep raises their below_required alert; then the worker has nothing to do.
    await waitFor('the start-up sweep', async () => (await openAlerts(app, person)).length === 1).catch(fail);
    await waitFor(
      'the vetting queue to be idle',
      async () => (await vetting.getJobs(['active', 'waiting', 'prioritized'])).length === 0,
    ).catch(fail);
    const {
      rows: [alert],
    } = await app.db.pool.query<{ id: string }>(
      `SELECT id FROM vetting_alert WHERE workforce_member_id = $1 AND status = 'open'`,
      [person],
    );

    const jobs = app.app.get(Jobs);
    const holder = await app.db.pool.connect();
    try {
      // The test holds the alert's row: the check reads the state, then waits to resolve the alert.
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM vetting_alert WHERE id = $1 FOR UPDATE`, [alert.id]);
      const granted = await call(app.app, 'POST', `/api/v1/workforce/${person}/clearances`, {
        token: officer.token,
        body: { level: 'MV', grantedOn: '2024-01-01' },
      });
      expect(granted.status).toBe(201);
      await jobs.add('vetting-check-person', { workforceMemberId: person }, checkPersonOptions(person));
      await waitFor(
        'the first check to wait on the alert',
        async () => (await workerBackends(app.db.pool, app.db.name, true)) > 0,
      ).catch(fail);
      // While it runs on what it read (in date), the clearance is withdrawn: below the post's level again.
      const withdrawn = await call(
        app.app,
        'POST',
        `/api/v1/vetting/clearances/${granted.body.id}/withdraw`,
        {
          token: officer.token,
          body: { reason: 'Withdrawn after review', version: granted.body.version },
        },
      );
      expect(withdrawn.status).toBe(200);
      await jobs.add('vetting-check-person', { workforceMemberId: person }, checkPersonOptions(person));
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    // The first check resolves the alert on its stale reading; the second, run after it, raises it again.
    await waitFor(
      'a below_required alert open again',
      async () => {
        const active = await vetting.getJobs(['active', 'waiting', 'prioritized', 'delayed']);
        const idle = active.every((j) => j.name !== 'vetting-check-person');
        const open = await openAlerts(app, person);
        return idle && open.length === 1 && open[0] === 'below_required';
      },
      30_000,
    ).catch(fail);
    const { rows: all } = await app.db.pool.query(
      `SELECT status::text, count(*)::int AS n FROM vetting_alert WHERE workforce_member_id = $1 GROUP BY 1 ORDER BY 1`,
      [person],
    );
    expect(all).toEqual([
      { status: 'open', n: 1 },
      { status: 'resolved', n: 1 },
    ]);
  }, 120_000);

  it('after Redis restarts without its data: every scheduler again, and a sweep of the changes made meanwhile', async () => {
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    try {
      t = await startApp({ REDIS_URL: redis.url });
      const app = t;
      app.app.get(Clock).setToday(TODAY);
      const officer = await userWith(app, [Role.VettingOfficer]);
      const { rows: members } = await app.db.pool.query<{ id: string }>(
        `INSERT INTO workforce_member (member_type, staff_number, given_name, family_name)
         SELECT 'staff', 'RC' || i, 'G', 'F' FROM generate_series(1, 20) i RETURNING id`,
      );
      worker = startNode('worker', {
        DATABASE_URL: app.db.appUrl,
        REDIS_URL: redis.url,
        REDIS_PREFIX: app.config.REDIS_PREFIX,
        CLOCK_TODAY: TODAY,
      });
      const w = worker;
      const fail = (e: Error) => {
        throw new Error(`${e.message}\n${w.output().slice(-3000)}`);
      };
      const byQueue = ['vetting', 'outbox', 'audit'].map((name) =>
        queueOn(redis.url, app.config.REDIS_PREFIX, name),
      );
      queues.push(...byQueue);
      const schedulers = async () =>
        (await Promise.all(byQueue.map((q) => q.getJobSchedulers().catch(() => []))))
          .flat()
          .map((s) => s.key)
          .sort();
      const ALL = [
        'audit-subjects-flush',
        'audit-verify',
        'outbox-relay',
        'vetting-snapshots',
        'vetting-sweep',
      ];
      await waitFor('the worker’s schedulers', async () => (await schedulers()).join() === ALL.join()).catch(
        fail,
      );

      await redis.stop();
      // Clearances recorded while Redis is down: each person's check cannot be enqueued.
      for (const m of members) {
        const res = await call(app.app, 'POST', `/api/v1/workforce/${m.id}/clearances`, {
          token: officer.token,
          body: { level: 'MV', grantedOn: '2019-03-01' },
        });
        expect(res.status).toBe(201);
      }
      await redis.start();

      await waitFor(
        'every scheduler registered again',
        async () => (await schedulers()).join() === ALL.join(),
        30_000,
      ).catch(fail);
      await waitFor(
        'an overdue alert for each of the 20 (the catch-up sweep; the cron is yearly)',
        async () => {
          const { rows } = await app.db.pool.query(
            `SELECT count(*)::int AS n FROM vetting_alert WHERE kind = 'overdue' AND status = 'open'`,
          );
          return rows[0].n === 20;
        },
        30_000,
      ).catch(fail);
    } finally {
      await stopProc(worker);
      worker = undefined;
      for (const q of queues.splice(0)) await q.close().catch(() => undefined);
      await redis.stop();
    }
  }, 180_000);
});
