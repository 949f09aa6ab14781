import { Role } from '../src/common/auth/roles.js';
import { Clock } from '../src/common/clock.js';
import { startApp, type TestApp } from './helpers/app.js';
import { call, memberViaApi, userWith, type TestUser } from './helpers/http.js';
import { seeded } from './helpers/random.js';
import { startSweeper, type Sweeper } from './helpers/vetting.js';

/**
 * The alert lifecycle's invariant (issue 28), as a property: after any sequence of grants, renewals,
 * withdrawals, post and level changes, hand resolutions, leavers and clock moves, made through the real API
 * and followed by the worker's incremental sweep, each person whose vetting state calls for an alert kind has
 * exactly one open alert of that kind (per clearance for renewal_due and overdue), and nobody else has one,
 * except where an officer resolved it by hand and its review date is still ahead. The oracle computes the
 * states from the base tables in TypeScript, independently of vetting_states_at and the sweep's SQL.
 * Deterministic: a seeded generator (SEED to replay another sequence).
 */

const SEED = Number(process.env.ALERT_INVARIANT_SEED ?? 20260615);
const STEPS = Number(process.env.ALERT_INVARIANT_STEPS ?? 60);
const LEVELS = ['RV', 'MV', 'SC', 'DV'] as const;

const addDays = (date: string, n: number): string =>
  new Date(Date.parse(date) + n * 86_400_000).toISOString().slice(0, 10);

/** The open sweep alerts there should be on `today`, from the base tables: "member|kind|clearance". */
async function oracle(t: TestApp, today: string): Promise<string[]> {
  const q = async <T>(sql: string): Promise<T[]> => (await t.db.pool.query(sql)).rows as T[];
  const members = await q<{ id: string; post_id: string | null; start_date: string; leave_date: string }>(
    `SELECT id, post_id, start_date::text, leave_date::text FROM workforce_member`,
  );
  const posts = new Map(
    (await q<{ id: string; required_level: string | null }>(`SELECT id, required_level::text FROM post`)).map(
      (p) => [p.id, p.required_level],
    ),
  );
  const warning = new Map(
    (
      await q<{ level: string; warning_days: number }>(
        `SELECT level::text, warning_days FROM vetting_level_rule`,
      )
    ).map((r) => [r.level, r.warning_days]),
  );
  const satisfies = new Set(
    (
      await q<{ held: string; required: string }>(
        `SELECT held::text, required::text FROM vetting_level_satisfies`,
      )
    ).map((s) => `${s.held}>${s.required}`),
  );
  const clearances = await q<{
    id: string;
    workforce_member_id: string;
    level: string;
    granted_on: string;
    expires_on: string;
    superseded_on: string | null;
    withdrawn_on: string | null;
  }>(
    `SELECT id, workforce_member_id, level::text, granted_on::text, expires_on::text, superseded_on::text,
            withdrawn_on::text FROM vetting_clearance`,
  );
  const suppressed = new Set(
    (
      await q<{ workforce_member_id: string; kind: string; clearance_id: string | null }>(
        `SELECT workforce_member_id, kind::text, clearance_id FROM vetting_alert
          WHERE review_by > '${today}'::date AND kind IN ('renewal_due', 'overdue', 'below_required')`,
      )
    ).map((a) => `${a.workforce_member_id}|${a.kind}|${a.clearance_id ?? ''}`),
  );
  const expected: string[] = [];
  for (const m of members) {
    const current = (!m.start_date || m.start_date <= today) && (!m.leave_date || m.leave_date > today);
    if (!current) continue;
    const required = m.post_id ? (posts.get(m.post_id) ?? null) : null;
    const best = clearances
      .filter(
        (c) =>
          c.workforce_member_id === m.id &&
          c.granted_on <= today &&
          (!c.superseded_on || c.superseded_on > today) &&
          (!c.withdrawn_on || c.withdrawn_on > today) &&
          (required === null || satisfies.has(`${c.level}>${required}`)),
      )
      .sort((a, b) =>
        a.expires_on === b.expires_on ? a.id.localeCompare(b.id) : a.expires_on < b.expires_on ? 1 : -1,
      )[0];
    let key: string | null = null;
    if (!best) key = required === null ? null : `${m.id}|below_required|`;
    else if (best.expires_on <= today) key = `${m.id}|overdue|${best.id}`;
    else if (addDays(best.expires_on, -(warning.get(best.level) ?? 0)) <= today)
      key = `${m.id}|renewal_due|${best.id}`;
    if (key && !suppressed.has(key)) expected.push(key);
  }
  return expected.sort();
}

describe('the vetting alert invariant under random sequences through the API and the sweep', () => {
  let t: TestApp;
  let sweeper: Sweeper;
  let officer: TestUser;

  beforeAll(async () => {
    t = await startApp();
    sweeper = await startSweeper(t.config);
    officer = await userWith(t, [Role.VettingOfficer]);
  });
  afterAll(async () => {
    await sweeper.close();
    await t.close();
  });

  it(`holds after every step (seed ${SEED}, ${STEPS} steps)`, async () => {
    const rnd = seeded(SEED);
    let today = '2026-06-15';
    const clock = t.app.get(Clock);
    clock.setToday(today);
    const api = (method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) =>
      call(t.app, method, `/api/v1${url}`, { token: officer.token, body });
    const posts: string[] = [];
    for (const level of ['MV', 'SC', 'RV']) {
      const res = await api('POST', '/workforce/posts', {
        code: `INV-${level}`,
        title: level,
        requiredLevel: level,
      });
      posts.push(res.body.id as string);
    }
    const people: string[] = [];
    for (let i = 0; i < 8; i++) {
      people.push(
        await memberViaApi(t, officer.token, `INV-${i}`, {
          postId: rnd.pick(posts),
          startDate: '2000-01-01',
        }),
      );
    }
    const actual = async (): Promise<string[]> =>
      (
        await t.db.pool.query<{ k: string }>(
          `SELECT workforce_member_id || '|' || kind::text || '|' || coalesce(clearance_id::text, '') AS k
             FROM vetting_alert WHERE status <> 'resolved' AND kind IN ('renewal_due', 'overdue', 'below_required')`,
        )
      ).rows
        .map((r) => r.k)
        .sort();
    const version = async (table: string, id: string): Promise<number> =>
      (await t.db.pool.query(`SELECT version FROM ${table} WHERE id = $1`, [id])).rows[0].version as number;

    const log: string[] = [];
    for (let step = 0; step < STEPS; step++) {
      const person = rnd.pick(people);
      const action = rnd.pick([
        'grant',
        'grant',
        'renew',
        'withdraw',
        'move',
        'level',
        'resolve',
        'leave',
        'clock',
        'clock',
      ] as const);
      let done: string = action;
      if (action === 'grant' || action === 'renew') {
        const level = rnd.pick(LEVELS);
        const grantedOn = action === 'renew' ? today : addDays(today, -rnd.int(0, 3000));
        const res = await api('POST', `/workforce/${person}/clearances`, { level, grantedOn });
        done += ` ${level} ${grantedOn} -> ${res.status}`;
        expect([201, 409, 422]).toContain(res.status);
      } else if (action === 'withdraw') {
        const { rows } = await t.db.pool.query(
          `SELECT id, version FROM vetting_clearance WHERE workforce_member_id = $1 AND withdrawn_on IS NULL
            AND granted_on <= $2 ORDER BY id LIMIT 1`,
          [person, today],
        );
        if (rows[0]) {
          const res = await api('POST', `/vetting/clearances/${rows[0].id}/withdraw`, {
            reason: 'Withdrawn in the property test',
            version: rows[0].version,
          });
          done += ` -> ${res.status}`;
          expect(res.status).toBe(200);
        }
      } else if (action === 'move') {
        const postId = rnd.int(0, 3) === 0 ? null : rnd.pick(posts);
        const res = await api('PATCH', `/workforce/${person}`, {
          postId,
          version: await version('workforce_member', person),
        });
        done += ` -> ${res.status}`;
        expect(res.status).toBe(200);
      } else if (action === 'level') {
        const post = rnd.pick(posts);
        const res = await api('PATCH', `/workforce/posts/${post}`, {
          requiredLevel: rnd.pick([...LEVELS, null]),
          version: await version('post', post),
        });
        done += ` -> ${res.status}`;
        expect(res.status).toBe(200);
      } else if (action === 'resolve') {
        const { rows } = await t.db.pool.query(
          `SELECT id, version FROM vetting_alert WHERE status <> 'resolved' ORDER BY id LIMIT 1 OFFSET $1`,
          [rnd.int(0, 3)],
        );
        if (rows[0]) {
          const res = await api('POST', `/vetting/alerts/${rows[0].id}/resolve`, {
            reason: 'Resolved in the property test',
            reviewBy: addDays(today, rnd.int(1, 30)),
            version: rows[0].version,
          });
          done += ` -> ${res.status}`;
          expect(res.status).toBe(200);
        }
      } else if (action === 'leave') {
        const res = await api('PATCH', `/workforce/${person}`, {
          leaveDate: addDays(today, rnd.int(-5, 20)),
          version: await version('workforce_member', person),
        });
        done += ` -> ${res.status}`;
        expect([200, 422]).toContain(res.status);
      } else {
        today = addDays(today, rnd.int(1, 60));
        clock.setToday(today);
        done += ` ${today}`;
      }
      log.push(`${step}: ${done}`);
      await sweeper.sweep(today);
      const [got, want] = [await actual(), await oracle(t, today)];
      if (got.join() !== want.join()) {
        throw new Error(
          `invariant broken after step ${step} (seed ${SEED}) on ${today}\n${log.join('\n')}\n` +
            `open: ${JSON.stringify(got)}\nexpected: ${JSON.stringify(want)}`,
        );
      }
    }
    // The sequence did exercise the lifecycle: alerts were open, resolved, and raised again.
    const { rows } = await t.db.pool.query(
      `SELECT count(*) FILTER (WHERE status <> 'resolved')::int AS open,
              count(*) FILTER (WHERE status = 'resolved')::int AS resolved,
              count(*) FILTER (WHERE review_by IS NOT NULL)::int AS reviewed,
              (SELECT count(*)::int FROM (SELECT 1 FROM vetting_alert GROUP BY workforce_member_id, kind, clearance_id
                                            HAVING count(*) > 1) x) AS raised_again
         FROM vetting_alert`,
    );
    expect(rows[0].open + rows[0].resolved).toBeGreaterThan(5);
    expect(rows[0].resolved).toBeGreaterThan(0);
    expect(rows[0].reviewed).toBeGreaterThan(0);
    expect(rows[0].raised_again).toBeGreaterThan(0);
  }, 300_000);
});
