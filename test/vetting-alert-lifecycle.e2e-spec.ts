import { Role } from '../src/common/auth/roles.js';
import { Clock } from '../src/common/clock.js';
import { startApp, type TestApp } from './helpers/app.js';
import { call, expectProblem, memberViaApi, userWith, type TestUser } from './helpers/http.js';
import { startSweeper, type Sweeper } from './helpers/vetting.js';

const TODAY = '2026-06-15';
const day = (n: number): string => new Date(Date.parse(TODAY) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * The alert lifecycle's invariant (issue 28): whoever's vetting state calls for an alert kind has exactly one
 * open alert of that kind. A resolved alert is history: when its cause returns, a new one is raised; one
 * resolved by hand while its cause remains comes back on its review date if the cause is still there.
 */
describe('vetting alerts come back when their cause does', () => {
  let t: TestApp;
  let sweeper: Sweeper;
  let officer: TestUser;
  let post: { id: string; version: number };

  const api = (method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) =>
    call(t.app, method, `/api/v1${url}`, { token: officer.token, body });
  const clearance = async (memberId: string, level: string, grantedOn: string, expiresOn: string) => {
    const res = await api('POST', `/workforce/${memberId}/clearances`, { level, grantedOn, expiresOn });
    expect(res.status).toBe(201);
  };
  const setLevel = async (requiredLevel: string) => {
    const res = await api('PATCH', `/workforce/posts/${post.id}`, { requiredLevel, version: post.version });
    expect(res.status).toBe(200);
    post = res.body as { id: string; version: number };
  };
  /** [kind, status] of the person's alerts, oldest first. */
  const alertsOf = async (memberId: string) =>
    (
      await t.db.pool.query<{ kind: string; status: string }>(
        `SELECT kind::text, status::text FROM vetting_alert WHERE workforce_member_id = $1
          ORDER BY raised_at, kind::text`,
        [memberId],
      )
    ).rows.map((r) => [r.kind, r.status]);
  const openOf = async (memberId: string) =>
    (await alertsOf(memberId)).filter(([, status]) => status !== 'resolved').map(([kind]) => kind);
  /** What a sweep over everyone would still change: nothing, when the incremental ones kept up. */
  const fullSweepChanges = async (date: string) => {
    await t.db.pool.query(`UPDATE vetting_sweep_state SET full_needed = true`);
    return sweeper.sweep(date);
  };

  beforeAll(async () => {
    t = await startApp();
    t.app.get(Clock).setToday(TODAY);
    sweeper = await startSweeper(t.config);
    officer = await userWith(t, [Role.VettingOfficer]);
    const res = await api('POST', '/workforce/posts', { code: 'LIFE-1', title: 'Post', requiredLevel: 'MV' });
    post = res.body as { id: string; version: number };
  });
  afterAll(async () => {
    await sweeper.close();
    await t.close();
  });

  it('raises renewal_due and overdue again after a post change removed their cause and it returns', async () => {
    const due = await memberViaApi(t, officer.token, 'LIFE-A1', { postId: post.id });
    await clearance(due, 'MV', '2019-07-01', day(30));
    const overdue = await memberViaApi(t, officer.token, 'LIFE-A2', { postId: post.id });
    await clearance(overdue, 'MV', '2019-01-01', day(-10));
    await sweeper.sweep(TODAY);
    expect(await openOf(due)).toEqual(['renewal_due']);
    expect(await openOf(overdue)).toEqual(['overdue']);

    for (let round = 1; round <= 2; round++) {
      // The post now needs DV: their MV clearances no longer count; they are below the post's level.
      await setLevel('DV');
      await sweeper.sweep(TODAY);
      expect(await openOf(due)).toEqual(['below_required']);
      expect(await openOf(overdue)).toEqual(['below_required']);
      // Back to MV: the renewal and the overdue clearance are again what needs doing, each with an alert.
      await setLevel('MV');
      await sweeper.sweep(TODAY);
      expect(await openOf(due)).toEqual(['renewal_due']);
      expect(await openOf(overdue)).toEqual(['overdue']);
      expect(await fullSweepChanges(TODAY)).toEqual({ raised: 0, resolved: 0 });
    }
    expect(await alertsOf(due)).toEqual([
      ['renewal_due', 'resolved'],
      ['below_required', 'resolved'],
      ['renewal_due', 'resolved'],
      ['below_required', 'resolved'],
      ['renewal_due', 'open'],
    ]);
    // Each raise is a new alert with its own outbox message (a webhook per raise, none twice).
    const { rows } = await t.db.pool.query(
      `SELECT count(*)::int AS alerts,
              (SELECT count(*)::int FROM outbox_message o WHERE (o.payload->>'alertId')::uuid IN
                 (SELECT id FROM vetting_alert WHERE workforce_member_id = $1)) AS messages
         FROM vetting_alert WHERE workforce_member_id = $1`,
      [due],
    );
    expect(rows[0]).toEqual({ alerts: 5, messages: 5 });
  });

  it('keeps one open alert per clearance and kind at the database, however many resolved ones', async () => {
    const person = await memberViaApi(t, officer.token, 'LIFE-B1', { postId: post.id });
    await clearance(person, 'MV', '2019-07-01', day(20));
    await sweeper.sweep(TODAY);
    const { rows } = await t.db.pool.query(
      `SELECT clearance_id, level, due_on FROM vetting_alert WHERE workforce_member_id = $1 AND kind = 'renewal_due'`,
      [person],
    );
    const again = `INSERT INTO vetting_alert (workforce_member_id, kind, clearance_id, level, due_on)
                   VALUES ($1, 'renewal_due', $2, $3, $4)`;
    const params = [person, rows[0].clearance_id, rows[0].level, rows[0].due_on];
    await expect(t.db.pool.query(again, params)).rejects.toMatchObject({ code: '23505' });
    await t.db.pool.query(
      `UPDATE vetting_alert SET status = 'resolved', resolved_at = now() WHERE workforce_member_id = $1`,
      [person],
    );
    await t.db.pool.query(again, params);
    await expect(t.db.pool.query(again, params)).rejects.toMatchObject({ code: '23505' });
    // A review date is for resolved alerts only.
    await expect(
      t.db.pool.query(
        `UPDATE vetting_alert SET review_by = $2 WHERE workforce_member_id = $1 AND status = 'open'`,
        [person, day(5)],
      ),
    ).rejects.toMatchObject({ code: '23514' });
  });

  it('needs a review date to resolve by hand while the cause remains, and raises the alert again on it', async () => {
    const person = await memberViaApi(t, officer.token, 'LIFE-C1', { postId: post.id });
    await clearance(person, 'MV', '2019-07-01', day(40));
    const below = await memberViaApi(t, officer.token, 'LIFE-C2', { postId: post.id });
    await clearance(below, 'RV', '2024-01-01', day(1000));
    await sweeper.sweep(TODAY);
    const open = async (memberId: string) =>
      (
        await t.db.pool.query<{ id: string; version: number }>(
          `SELECT id, version FROM vetting_alert WHERE workforce_member_id = $1 AND status = 'open'`,
          [memberId],
        )
      ).rows[0];

    for (const [memberId, reviewBy] of [
      [person, day(10)],
      [below, day(12)],
    ]) {
      const alert = await open(memberId);
      expectProblem(
        await api('POST', `/vetting/alerts/${alert.id}/resolve`, {
          reason: 'Renewal started',
          version: alert.version,
        }),
        422,
        'review_by_required',
      );
      const res = await api('POST', `/vetting/alerts/${alert.id}/resolve`, {
        reason: 'Renewal started',
        version: alert.version,
        reviewBy,
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'resolved', reviewBy });
    }

    // Until the review date the officer's decision stands; the incremental sweep picks the date up itself.
    await sweeper.sweep(TODAY);
    await sweeper.sweep(day(9));
    expect(await openOf(person)).toEqual([]);
    expect(await openOf(below)).toEqual([]);
    expect(await fullSweepChanges(day(9))).toEqual({ raised: 0, resolved: 0 });
    expect(await sweeper.sweep(day(10))).toEqual({ raised: 1, resolved: 0 });
    expect(await alertsOf(person)).toEqual([
      ['renewal_due', 'resolved'],
      ['renewal_due', 'open'],
    ]);
    expect(await openOf(below)).toEqual([]);
    expect(await sweeper.sweep(day(12))).toEqual({ raised: 1, resolved: 0 });
    expect(await alertsOf(below)).toEqual([
      ['below_required', 'resolved'],
      ['below_required', 'open'],
    ]);
    expect(await fullSweepChanges(day(12))).toEqual({ raised: 0, resolved: 0 });
    await sweeper.sweep(TODAY);
  });

  it('resolves by hand without a review date once the cause is gone (renewed, not yet swept)', async () => {
    const person = await memberViaApi(t, officer.token, 'LIFE-D1', { postId: post.id });
    await clearance(person, 'MV', '2019-07-01', day(40));
    await sweeper.sweep(TODAY);
    await clearance(person, 'MV', TODAY, day(2555));
    const [alert] = (
      await t.db.pool.query<{ id: string; version: number }>(
        `SELECT id, version FROM vetting_alert WHERE workforce_member_id = $1 AND status = 'open'`,
        [person],
      )
    ).rows;
    const res = await api('POST', `/vetting/alerts/${alert.id}/resolve`, {
      reason: 'Renewed',
      version: alert.version,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'resolved', reviewBy: null });
    expect(await sweeper.sweep(TODAY)).toEqual({ raised: 0, resolved: 0 });
  });
});
