import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { Role } from '../src/common/auth/roles.js';
import { Clock } from '../src/common/clock.js';
import { createApp } from '../src/app.js';
import { startApp, type TestApp, type TestDatabase, testConfig } from './helpers/app.js';
import { call, memberViaApi, userWith } from './helpers/http.js';
import { startSweeper } from './helpers/vetting.js';
import { appUrlFor, createDatabase, dropDatabase, TEST_DB_PREFIX } from './setup/test-db.mjs';

const run = promisify(execFile);
const TODAY = '2026-06-15';

/**
 * The restore drill of docs/operations.md (issue 28), as an operator would run it: pg_dump a loaded Lantern
 * database, pg_restore it into a fresh one, start Lantern on it: the audit chain verifies, and every alert
 * and outbox row is there.
 */
describe('backup and restore with PostgreSQL’s own tools', () => {
  let source: TestApp;
  let restored: TestApp | undefined;
  const dump = join(tmpdir(), `lantern-restore-drill-${randomBytes(4).toString('hex')}.dump`);

  beforeAll(async () => {
    source = await startApp();
    source.app.get(Clock).setToday(TODAY);
  });
  afterAll(async () => {
    rmSync(dump, { force: true });
    await restored?.close();
    await source.close();
  });

  it('restores a dump that verifies, with every alert and outbox row', async () => {
    // Load: a post, people in and out of date, their clearances (audited writes), the sweep's alerts.
    const officer = await userWith(source, [Role.VettingOfficer]);
    const post = await call(source.app, 'POST', '/api/v1/workforce/posts', {
      token: officer.token,
      body: { code: 'DRILL', title: 'Drill post', requiredLevel: 'MV' },
    });
    for (let i = 0; i < 12; i++) {
      const member = await memberViaApi(source, officer.token, `DRILL-${i}`, { postId: post.body.id });
      if (i % 3 === 0) continue; // below the post's level
      const res = await call(source.app, 'POST', `/api/v1/workforce/${member}/clearances`, {
        token: officer.token,
        body: { level: 'MV', grantedOn: i % 3 === 1 ? '2019-03-01' : '2024-01-01' },
      });
      expect(res.status).toBe(201);
    }
    const sweeper = await startSweeper(source.config);
    try {
      expect((await sweeper.sweep(TODAY)).raised).toBeGreaterThan(0);
    } finally {
      await sweeper.close();
    }
    const auditor = await userWith(source, [Role.Auditor]);
    const before = await call(source.app, 'GET', '/api/v1/audit/verify', { token: auditor.token });
    expect(before.body.valid).toBe(true);
    const snapshot = async (pool: pg.Pool) => ({
      alerts: (await pool.query(`SELECT id, kind, status FROM vetting_alert ORDER BY id`)).rows,
      outbox: (await pool.query(`SELECT id, idempotency_key, delivered_at FROM outbox_message ORDER BY id`))
        .rows,
      audit: (await pool.query(`SELECT max(seq)::text AS last, count(*)::int AS n FROM audit_event`)).rows[0],
    });
    const expected = await snapshot(source.db.pool);
    expect(expected.alerts.length).toBeGreaterThan(0);
    expect(expected.outbox.length).toBe(expected.alerts.length);

    // The drill: dump (custom format), restore into a new database, start Lantern on it.
    await run('pg_dump', ['--format=custom', `--file=${dump}`, `--dbname=${source.db.url}`]);
    const name = `${TEST_DB_PREFIX}${process.env.LANTERN_TEST_RUN}_restore${randomBytes(3).toString('hex')}`;
    const url = await createDatabase(name);
    await run('pg_restore', ['--exit-on-error', '--single-transaction', `--dbname=${url}`, dump]);
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    pool.on('error', () => undefined);
    const db: TestDatabase = {
      name,
      url,
      appUrl: appUrlFor(name),
      pool,
      drop: async () => {
        await pool.end();
        await dropDatabase(name);
      },
    };
    const config = testConfig(db);
    const app = await createApp(config, { logs: false });
    await app.getHttpAdapter().getInstance().ready();
    restored = {
      app,
      config,
      db,
      close: async () => {
        await app.close();
        await db.drop();
      },
    };

    expect(await snapshot(pool)).toEqual(expected);
    // The restored trail verifies, and grows on from where it was (a login and the verification itself).
    const restoredAuditor = await userWith(restored, [Role.Auditor]);
    const after = await call(app, 'GET', '/api/v1/audit/verify', { token: restoredAuditor.token });
    expect(after.status).toBe(200);
    expect(after.body.valid).toBe(true);
    expect(after.body.checked).toBeGreaterThan(Number(expected.audit.n));
    const alerts = await call(app, 'GET', '/api/v1/vetting/alerts?limit=200', {
      token: (await userWith(restored, [Role.VettingOfficer])).token,
    });
    expect(alerts.status).toBe(200);
    expect(alerts.body.items.length).toBe(expected.alerts.filter((a) => a.status !== 'resolved').length);
  }, 180_000);
});
