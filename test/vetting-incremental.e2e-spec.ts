import { Role } from '../src/common/auth/roles.js';
import { Clock } from '../src/common/clock.js';
import { startApp, testConfig, type TestApp } from './helpers/app.js';
import { call, memberViaApi, userWith, type TestUser } from './helpers/http.js';
import { startSweeper, type Sweeper } from './helpers/vetting.js';

const TODAY = '2026-06-15';
const day = (n: number): string => new Date(Date.parse(TODAY) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * The sweep looks at everyone only when no sweep has completed or the rules changed; otherwise at the people
 * whose inputs changed (marked by triggers) or one of whose dates was crossed since the last sweep. The
 * oracle throughout: a sweep over everyone, forced right after, finds nothing left to raise or resolve.
 */
describe('the incremental vetting sweep', () => {
  let t: TestApp;
  let sweeper: Sweeper;
  let officer: TestUser;
  let mvPost: string;
  let dvPost: string;

  const api = (method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) =>
    call(t.app, method, `/api/v1${url}`, { token: officer.token, body });
  const member = (staffNumber: string, extra: Record<string, unknown> = {}): Promise<string> =>
    memberViaApi(t, officer.token, staffNumber, { postId: mvPost, ...extra });
  const clearance = async (memberId: string, level: string, grantedOn: string, expiresOn: string) => {
    const res = await api('POST', `/workforce/${memberId}/clearances`, { level, grantedOn, expiresOn });
    expect(res.status).toBe(201);
    return res.body as { id: string; version: number };
  };
  /** [kind, status] of the person's sweep alerts, oldest first. */
  const alertsOf = async (memberId: string) =>
    (
      await t.db.pool.query<{ kind: string; status: string }>(
        `SELECT kind::text, status::text FROM vetting_alert
          WHERE workforce_member_id = $1 AND kind IN ('renewal_due', 'overdue', 'below_required')
          ORDER BY raised_at, kind::text`,
        [memberId],
      )
    ).rows.map((r) => [r.kind, r.status]);
  const lastSweep = async () =>
    (
      await t.db.pool.query<{ swept_on: string | null; full_needed: boolean }>(
        `SELECT swept_on::text AS swept_on, full_needed FROM vetting_sweep_state`,
      )
    ).rows[0];
  /** What a sweep over everyone would still change as of `date`: nothing, when the incremental ones kept up. */
  const fullSweepChanges = async (date: string, by: Sweeper = sweeper) => {
    await t.db.pool.query(`UPDATE vetting_sweep_state SET full_needed = true`);
    return by.sweep(date);
  };

  beforeAll(async () => {
    t = await startApp();
    t.app.get(Clock).setToday(TODAY);
    sweeper = await startSweeper(t.config);
    officer = await userWith(t, [Role.VettingOfficer]);
    const posts = await Promise.all(
      ['MV', 'DV'].map((level) =>
        api('POST', '/workforce/posts', {
          code: `INC-${level}`,
          title: `Post needing ${level}`,
          requiredLevel: level,
        }),
      ),
    );
    [mvPost, dvPost] = posts.map((p) => p.body.id as string);
  });
  afterAll(async () => {
    await sweeper.close();
    await t.close();
  });

  it('looks at everyone first, then only at people who changed (a change made behind the triggers goes unseen)', async () => {
    expect(await lastSweep()).toEqual({ swept_on: null, full_needed: true });
    const due = await member('INC-A1');
    await clearance(due, 'MV', '2019-07-01', day(30));
    const fine = await member('INC-A2');
    const fineClearance = await clearance(fine, 'MV', '2024-01-01', day(1000));

    expect((await sweeper.sweep(TODAY)).raised).toBeGreaterThanOrEqual(1);
    expect(await alertsOf(due)).toEqual([['renewal_due', 'open']]);
    expect(await lastSweep()).toEqual({ swept_on: TODAY, full_needed: false });
    const { rows } = await t.db.pool.query(`SELECT count(*)::int AS n FROM vetting_sweep_dirty`);
    expect(rows[0].n).toBe(0);
    expect(await sweeper.sweep(TODAY)).toEqual({ raised: 0, resolved: 0 });

    // Bypassing the triggers (as no code path does), the person is not marked: the incremental sweep does not
    // look at them, a sweep over everyone does. So the sweep really is incremental.
    const client = await t.db.pool.connect();
    try {
      await client.query(`SET session_replication_role = replica`);
      await client.query(`UPDATE vetting_clearance SET expires_on = $2 WHERE id = $1`, [
        fineClearance.id,
        day(10),
      ]);
      await client.query(`RESET session_replication_role`);
    } finally {
      client.release();
    }
    expect(await sweeper.sweep(TODAY)).toEqual({ raised: 0, resolved: 0 });
    expect(await alertsOf(fine)).toEqual([]);
    expect(await fullSweepChanges(TODAY)).toEqual({ raised: 1, resolved: 0 });
    expect(await alertsOf(fine)).toEqual([['renewal_due', 'open']]);
  });

  it('picks up every change made between two sweeps: clearances, post, dates, the post’s level, alerts by hand', async () => {
    const rvPost = (
      await api('POST', '/workforce/posts', { code: 'INC-RV', title: 'Post needing RV', requiredLevel: 'RV' })
    ).body as { id: string; version: number };
    const renewed = await member('INC-B1');
    await clearance(renewed, 'MV', '2019-07-01', day(30));
    const moved = await member('INC-B2');
    await clearance(moved, 'MV', '2024-01-01', day(1000));
    const postRaised = await member('INC-B3', { postId: rvPost.id });
    await clearance(postRaised, 'RV', '2024-01-01', day(1000));
    const leaver = await member('INC-B4', { startDate: '2000-01-01' });
    await clearance(leaver, 'MV', '2018-01-01', day(-10));
    const withdrawn = await member('INC-B5');
    const withdrawnClearance = await clearance(withdrawn, 'MV', '2024-01-01', day(1000));
    const byHand = await member('INC-B6');
    await clearance(byHand, 'RV', '2024-01-01', day(1000));
    await sweeper.sweep(TODAY);
    expect(await alertsOf(renewed)).toEqual([['renewal_due', 'open']]);
    expect(await alertsOf(leaver)).toEqual([['overdue', 'open']]);
    expect(await alertsOf(byHand)).toEqual([['below_required', 'open']]);
    for (const id of [moved, postRaised, withdrawn]) expect(await alertsOf(id)).toEqual([]);

    await clearance(renewed, 'MV', TODAY, day(2555));
    expect((await api('PATCH', `/workforce/${moved}`, { postId: dvPost, version: 1 })).status).toBe(200);
    expect(
      (await api('PATCH', `/workforce/posts/${rvPost.id}`, { requiredLevel: 'MV', version: rvPost.version }))
        .status,
    ).toBe(200);
    expect((await api('PATCH', `/workforce/${leaver}`, { leaveDate: day(-1), version: 1 })).status).toBe(200);
    expect(
      (
        await api('POST', `/vetting/clearances/${withdrawnClearance.id}/withdraw`, {
          reason: 'Withdrawn after review',
          version: withdrawnClearance.version,
        })
      ).status,
    ).toBe(200);
    const [open] = (
      await t.db.pool.query(`SELECT id, version FROM vetting_alert WHERE workforce_member_id = $1`, [byHand])
    ).rows;
    expect(
      (
        await api('POST', `/vetting/alerts/${open.id}/resolve`, {
          reason: 'Resolved by hand, under review',
          version: open.version,
          reviewBy: day(60),
        })
      ).status,
    ).toBe(200);
    const newcomer = await member('INC-B7');

    expect(await sweeper.sweep(TODAY)).toEqual({ raised: 4, resolved: 2 });
    expect(await alertsOf(renewed)).toEqual([['renewal_due', 'resolved']]);
    expect(await alertsOf(moved)).toEqual([['below_required', 'open']]);
    expect(await alertsOf(postRaised)).toEqual([['below_required', 'open']]);
    expect(await alertsOf(leaver)).toEqual([['overdue', 'resolved']]);
    expect(await alertsOf(withdrawn)).toEqual([['below_required', 'open']]);
    // Resolved by hand while its cause remains: not raised again until its review date.
    expect(await alertsOf(byHand)).toEqual([['below_required', 'resolved']]);
    expect(await alertsOf(newcomer)).toEqual([['below_required', 'open']]);
    expect(await fullSweepChanges(TODAY)).toEqual({ raised: 0, resolved: 0 });
  });

  it('picks up a date crossed since the last sweep: the next day, over a gap, and going back', async () => {
    await sweeper.sweep(TODAY);
    const soonDue = await member('INC-C1');
    await clearance(soonDue, 'MV', '2024-01-01', day(91)); // renewal due from tomorrow
    const expiring = await member('INC-C2');
    await clearance(expiring, 'MV', '2019-07-01', day(1)); // overdue from tomorrow
    const leaving = await member('INC-C3', { startDate: '2000-01-01', leaveDate: day(1) });
    await clearance(leaving, 'MV', '2019-07-01', day(30));
    const starting = await member('INC-C4', { startDate: day(1) });
    const later = await member('INC-C5');
    await clearance(later, 'MV', '2024-01-01', day(96)); // renewal due from day 6
    await sweeper.sweep(TODAY);
    expect(await alertsOf(soonDue)).toEqual([]);
    expect(await alertsOf(expiring)).toEqual([['renewal_due', 'open']]);
    expect(await alertsOf(leaving)).toEqual([['renewal_due', 'open']]);
    expect(await alertsOf(starting)).toEqual([]);

    // Nothing changed but the date.
    expect(await sweeper.sweep(day(1))).toEqual({ raised: 3, resolved: 2 });
    expect(await alertsOf(soonDue)).toEqual([['renewal_due', 'open']]);
    expect(await alertsOf(expiring)).toEqual([
      ['renewal_due', 'resolved'],
      ['overdue', 'open'],
    ]);
    expect(await alertsOf(leaving)).toEqual([['renewal_due', 'resolved']]);
    expect(await alertsOf(starting)).toEqual([['below_required', 'open']]);
    expect(await alertsOf(later)).toEqual([]);
    expect(await fullSweepChanges(day(1))).toEqual({ raised: 0, resolved: 0 });

    expect(await sweeper.sweep(day(9))).toEqual({ raised: 1, resolved: 0 });
    expect(await alertsOf(later)).toEqual([['renewal_due', 'open']]);
    expect(await fullSweepChanges(day(9))).toEqual({ raised: 0, resolved: 0 });

    // Back to today (a clock put right): what a sweep over everyone as of today would do.
    const back = await sweeper.sweep(TODAY);
    expect(back.resolved).toBeGreaterThanOrEqual(4);
    expect(await alertsOf(starting)).toEqual([['below_required', 'resolved']]);
    expect(await alertsOf(later)).toEqual([['renewal_due', 'resolved']]);
    expect(await fullSweepChanges(TODAY)).toEqual({ raised: 0, resolved: 0 });
  });

  it('looks at everyone again when the rules change', async () => {
    const near = await member('INC-D1');
    await clearance(near, 'MV', '2024-01-01', day(100));
    await sweeper.sweep(TODAY);
    expect(await alertsOf(near)).toEqual([]);

    // A worker configured with a longer warning window for MV: its rules reach the database at start.
    const wider = await startSweeper(testConfig(t.db, { VETTING_RULES: '{"warningDays":{"MV":120}}' }));
    try {
      expect((await lastSweep()).full_needed).toBe(true);
      expect((await wider.sweep(TODAY)).raised).toBeGreaterThanOrEqual(1);
      expect(await alertsOf(near)).toEqual([['renewal_due', 'open']]);
      expect(await fullSweepChanges(TODAY, wider)).toEqual({ raised: 0, resolved: 0 });
    } finally {
      await wider.close();
    }
    // And back: the default rules, synchronised by the next sweep, look at everyone again.
    expect((await sweeper.sweep(TODAY)).resolved).toBeGreaterThanOrEqual(1);
    expect(await alertsOf(near)).toEqual([['renewal_due', 'resolved']]);
    expect(await lastSweep()).toEqual({ swept_on: TODAY, full_needed: false });
  });

  it('undoes a one-person check as of another day on the next sweep, as a sweep over everyone would', async () => {
    const checked = await member('INC-E1');
    await clearance(checked, 'MV', '2019-07-01', day(20));
    await sweeper.sweep(TODAY);
    expect(await sweeper.sweep(day(25), checked)).toEqual({ raised: 1, resolved: 1 });
    expect(await alertsOf(checked)).toEqual([
      ['renewal_due', 'resolved'],
      ['overdue', 'open'],
    ]);
    // Back to today the person is due for renewal again: the resolved renewal_due is history, a new one opens.
    expect(await sweeper.sweep(TODAY)).toEqual({ raised: 1, resolved: 1 });
    expect(await alertsOf(checked)).toEqual([
      ['renewal_due', 'resolved'],
      ['overdue', 'resolved'],
      ['renewal_due', 'open'],
    ]);
    expect(await fullSweepChanges(TODAY)).toEqual({ raised: 0, resolved: 0 });
  });
});
