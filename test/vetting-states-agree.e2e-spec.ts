import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { seeded, type Random } from './helpers/random.js';
import { cloneDatabase, testConfig, type TestDatabase } from './helpers/app.js';
import { startSweeper, type Sweeper } from './helpers/vetting.js';

/**
 * vetting_states_at is the one place vetting states are computed; the incremental sweep relies on
 * vetting_states_changing_between to find, besides the people the triggers marked, everyone whose state (or
 * whose hand-resolved alert's review date) can differ between the last sweep's date and today. Both sides
 * (src/modules/vetting/sql/) are compared here on generated members, posts, clearances, alerts and dates, with
 * a seeded generator: a failure names its seed.
 */
const SEED = Number(process.env.VETTING_PROPERTY_SEED ?? 20261207);
const BASE = Date.parse('2026-01-01');
const LEVELS = ['RV', 'MV', 'NPPV1', 'NPPV2', 'NPPV3', 'CTC', 'SC', 'DV'] as const;
const DAYS = 400;

const day = (n: number): string => new Date(BASE + n * 86_400_000).toISOString().slice(0, 10);

interface Generated {
  members: string[];
  posts: string[];
  clearances: { id: string; member: string }[];
}

/** Posts of several required levels, members moving in and out of service, clearances of every kind of life. */
async function generate(pool: pg.Pool, r: Random, tag: string, count: number): Promise<Generated> {
  const posts: string[] = [];
  for (const [i, level] of [null, 'MV', 'DV', 'NPPV2', 'SC', 'RV'].entries()) {
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO post (code, title, required_level) VALUES ($1, 'Generated post', $2) RETURNING id`,
      [`PROP-${tag}-${i}`, level],
    );
    posts.push(rows[0].id);
  }
  const out: Generated = { members: [], posts, clearances: [] };
  for (let i = 0; i < count; i++) {
    const start = r.chance(0.5) ? null : r.int(-100, 300);
    const leave = r.chance(0.6) ? null : (start ?? r.int(-100, 100)) + r.int(0, 300);
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO workforce_member (staff_number, given_name, family_name, member_type, post_id, start_date, leave_date)
       VALUES ($1, 'Gen', 'Erated', 'officer', $2, $3, $4) RETURNING id`,
      [
        `P${tag}-${i}`,
        r.chance(0.85) ? r.pick(posts) : null,
        start === null ? null : day(start),
        leave === null ? null : day(leave),
      ],
    );
    const member = rows[0].id;
    out.members.push(member);
    for (let c = r.int(0, 3); c > 0; c--) await addClearance(pool, r, out, member);
  }
  return out;
}

async function addClearance(pool: pg.Pool, r: Random, g: Generated, member: string): Promise<void> {
  const id = randomUUID();
  const granted = r.int(-800, DAYS);
  const expires = granted + r.int(30, 1200);
  const superseded = r.chance(0.2) ? granted + r.int(0, 500) : null;
  const withdrawn = r.chance(0.15) ? granted + r.int(0, 500) : null;
  await pool.query(
    `INSERT INTO vetting_clearance (id, workforce_member_id, level, granted_on, expires_on, superseded_on,
       superseded_by_id, withdrawn_on, withdrawal_reason)
     VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $6::date IS NOT NULL THEN $1::uuid END, $7,
       CASE WHEN $7::date IS NOT NULL THEN 'Generated' END)`,
    [
      id,
      member,
      r.pick(LEVELS),
      day(granted),
      day(expires),
      superseded === null ? null : day(superseded),
      withdrawn === null ? null : day(withdrawn),
    ],
  );
  g.clearances.push({ id, member });
}

/** An alert resolved by hand while its cause remained, to be reviewed by a date. */
async function resolveByHand(pool: pg.Pool, r: Random, g: Generated, member: string): Promise<void> {
  const clearance = g.clearances.find((c) => c.member === member && r.chance(0.5));
  await pool.query(
    `INSERT INTO vetting_alert (workforce_member_id, kind, clearance_id, level, due_on, status, resolved_at,
       resolution_reason, review_by)
     VALUES ($1, $2, $3, 'MV', $4, 'resolved', now(), 'Resolved by hand', $5)`,
    [
      member,
      clearance ? 'renewal_due' : 'below_required',
      clearance?.id ?? null,
      day(0),
      day(r.int(0, DAYS)),
    ],
  );
}

describe('vetting states and the incremental sweep agree', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await cloneDatabase();
  });
  afterAll(() => db.drop());

  it('finds everyone whose state or review date differs between two dates (vetting_states_changing_between)', async () => {
    const r = seeded(SEED);
    // Warning windows of several lengths, so that "expiry minus the level's window" is exercised.
    for (const level of LEVELS) {
      await db.pool.query(`UPDATE vetting_level_rule SET warning_days = $2 WHERE level = $1`, [
        level,
        r.int(14, 180),
      ]);
    }
    const g = await generate(db.pool, r, 'A', 120);
    for (let i = 0; i < 40; i++) await resolveByHand(db.pool, r, g, r.pick(g.members));

    // Every pair of neighbouring days, then pairs far apart, either way round, and a date with itself.
    const pairs: [number, number][] = [];
    for (let d = -5; d < DAYS + 5; d++) pairs.push([d, d + 1]);
    for (let i = 0; i < 80; i++) {
      const a = r.int(-50, DAYS + 50);
      pairs.push([a, a + r.int(-120, 120)]);
    }
    let differing = 0;
    const missed: string[] = [];
    for (const [a, b] of pairs) {
      const { rows } = await db.pool.query<{ member: string; missed: boolean }>(
        `WITH sa AS (SELECT * FROM vetting_states_at($1::date)), sb AS (SELECT * FROM vetting_states_at($2::date)),
         differs AS (
           SELECT sa.workforce_member_id FROM sa JOIN sb USING (workforce_member_id)
            WHERE (sa.*) IS DISTINCT FROM (sb.*)
           UNION
           SELECT workforce_member_id FROM vetting_alert
            WHERE (review_by > $1::date) IS DISTINCT FROM (review_by > $2::date))
         SELECT d.workforce_member_id AS member,
                d.workforce_member_id NOT IN (SELECT workforce_member_id
                                                FROM vetting_states_changing_between($1::date, $2::date)) AS missed
           FROM differs d`,
        [day(a), day(b)],
      );
      differing += rows.length;
      if (a === b) expect(rows).toEqual([]);
      for (const row of rows.filter((x) => x.missed)) missed.push(`${day(a)} → ${day(b)}: ${row.member}`);
    }
    expect({ seed: SEED, missed }).toEqual({ seed: SEED, missed: [] });
    // The generated data really moves: many people change state over the dates compared.
    expect(differing).toBeGreaterThan(200);
  });

  describe('sweeping day after day', () => {
    let sweeper: Sweeper;
    beforeAll(async () => {
      sweeper = await startSweeper(
        testConfig(db, { VETTING_RULES: '{"warningDays":{"MV":120,"DV":45,"SC":150}}' }),
      );
    });
    afterAll(() => sweeper.close());

    it('leaves nothing for a sweep over everyone, whatever changed and however the date moved', async () => {
      const r = seeded(SEED + 1);
      const g = await generate(db.pool, r, 'B', 60);
      const everyone = async (date: string) => {
        await db.pool.query(`UPDATE vetting_sweep_state SET full_needed = true`);
        return sweeper.sweep(date);
      };
      let date = 0;
      await sweeper.sweep(day(date));
      const changes: string[] = [];
      for (let step = 0; step < 25; step++) {
        // Changes between two sweeps, made as any code path would (the triggers see them).
        for (let n = r.int(0, 4); n > 0; n--) {
          const member = r.pick(g.members);
          const change = r.int(0, 5);
          if (change === 0) await addClearance(db.pool, r, g, member);
          else if (change === 1) {
            await db.pool.query(`UPDATE workforce_member SET post_id = $2 WHERE id = $1`, [
              member,
              r.pick(g.posts),
            ]);
          } else if (change === 2) {
            await db.pool.query(
              `UPDATE workforce_member SET leave_date = GREATEST($2::date, start_date) WHERE id = $1`,
              [member, day(date + r.int(-10, 60))],
            );
          } else if (change === 3) {
            await db.pool.query(
              `UPDATE vetting_alert SET status = 'resolved', resolved_at = now(), resolution_reason = 'By hand',
                      review_by = $1
                WHERE id = (SELECT id FROM vetting_alert WHERE status <> 'resolved' ORDER BY id LIMIT 1)`,
              [day(date + r.int(1, 60))],
            );
          } else if (change === 4) {
            await db.pool.query(`UPDATE post SET required_level = $2 WHERE id = $1`, [
              r.pick(g.posts.slice(1)),
              r.pick(LEVELS),
            ]);
          } else {
            const c = r.pick(g.clearances);
            await db.pool.query(
              `UPDATE vetting_clearance SET withdrawn_on = GREATEST($2::date, granted_on), withdrawal_reason = 'Generated'
                WHERE id = $1 AND withdrawn_on IS NULL`,
              [c.id, day(date + r.int(-5, 30))],
            );
          }
        }
        // The next day, a gap, the same day again, or back (a clock put right).
        date += r.pick([1, 1, 1, 0, 7, 31, -3, -20]);
        const swept = await sweeper.sweep(day(date));
        const left = await everyone(day(date));
        changes.push(`${day(date)} ${JSON.stringify(swept)}`);
        expect({ seed: SEED + 1, step, date: day(date), left }).toEqual({
          seed: SEED + 1,
          step,
          date: day(date),
          left: { raised: 0, resolved: 0 },
        });
      }
      // The sweeps had work to do.
      expect(changes.filter((c) => !c.endsWith('{"raised":0,"resolved":0}')).length).toBeGreaterThan(5);
    });
  });
});
