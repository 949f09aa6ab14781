import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { RawBuilder } from 'kysely';
import type { Actor } from '../src/common/auth/actor.js';
import { Role } from '../src/common/auth/roles.js';
import { db } from '../src/database/sql.js';
import type { FigureFilter } from '../src/modules/figures/figures.repository.js';
import {
  vettingComplianceQuery,
  vettingComplianceSnapshotQuery,
} from '../src/modules/figures/month-figures.repository.js';
import { MemberType } from '../src/modules/workforce/workforce.enums.js';
import { seeded, type Random } from './helpers/random.js';
import { cloneDatabase, testConfig, type TestDatabase } from './helpers/app.js';
import { startSweeper, type Sweeper } from './helpers/vetting.js';

/**
 * The vetting compliance figure by month end (issue 25) reads snapshots the worker computes
 * (vetting_compliance_snapshot) and a change discards, in its own transaction, for the dates it touches. The
 * property: on generated data (back-dated clearances, leavers, superseded and withdrawn clearances, moves of
 * post and department, a post's level changed), whatever has been discarded and whether or not the worker
 * has run since, the figure from the snapshots equals the straightforward SQL over the base tables
 * (vettingComplianceQuery: the oracle, and the bench's baseline), for every filter and for a viewer whose own
 * state is left out. Seeded: a failure names its seed.
 */
const SEED = Number(process.env.VETTING_SNAPSHOT_SEED ?? 20261207);
const TODAY = '2026-06-15';
const LEVELS = ['RV', 'MV', 'NPPV2', 'SC', 'DV'] as const;
const TYPES = [MemberType.Officer, MemberType.Staff, MemberType.SpecialConstable, MemberType.Pcso];
const BASE = Date.parse('2025-01-01');
const day = (n: number): string => new Date(BASE + n * 86_400_000).toISOString().slice(0, 10);

interface World {
  departments: string[];
  posts: string[];
  members: string[];
  clearances: string[];
}

const viewerOf = (member: string): Actor => ({
  userId: randomUUID(),
  roles: [Role.Supervisor],
  workforceMemberId: member,
  sessionId: null,
  requestId: 'test',
  clientAddress: null,
});

async function rows(pool: pg.Pool, query: RawBuilder<unknown>): Promise<Record<string, unknown>[]> {
  const { sql, parameters } = query.compile(db);
  return (await pool.query(sql, [...parameters])).rows as Record<string, unknown>[];
}

async function generate(pool: pg.Pool, r: Random): Promise<World> {
  const w: World = { departments: [], posts: [], members: [], clearances: [] };
  for (const code of ['PSD', 'CID', 'HR']) {
    const { rows: d } = await pool.query<{ id: string }>(
      `INSERT INTO department (code, name) VALUES ($1, $1) RETURNING id`,
      [code],
    );
    w.departments.push(d[0].id);
  }
  for (let i = 0; i < 8; i++) {
    const { rows: p } = await pool.query<{ id: string }>(
      `INSERT INTO post (code, title, department_id, required_level) VALUES ($1, 'Post', $2, $3) RETURNING id`,
      [`SNAP-${i}`, r.maybe(w.departments), r.maybe(LEVELS)],
    );
    w.posts.push(p[0].id);
  }
  for (let i = 0; i < 90; i++) await addMember(pool, r, w, i);
  for (let i = 0; i < 160; i++) await addClearance(pool, r, w, r.pick(w.members));
  return w;
}

async function addMember(pool: pg.Pool, r: Random, w: World, i: number | string): Promise<string> {
  const start = r.chance(0.3) ? null : r.int(-900, 400);
  const leave = r.chance(0.6) ? null : (start ?? -900) + r.int(0, 800);
  const { rows: m } = await pool.query<{ id: string }>(
    `INSERT INTO workforce_member (staff_number, given_name, family_name, member_type, department_id, post_id,
       start_date, leave_date)
     VALUES ($1, 'Gen', 'Erated', $2, $3, $4, $5, $6) RETURNING id`,
    [
      `SNAP-${i}`,
      r.pick(TYPES),
      r.maybe(w.departments),
      r.maybe(w.posts),
      start === null ? null : day(start),
      leave === null ? null : day(leave),
    ],
  );
  w.members.push(m[0].id);
  return m[0].id;
}

async function addClearance(pool: pg.Pool, r: Random, w: World, member: string): Promise<void> {
  const id = randomUUID();
  const granted = r.int(-1500, 520);
  const expires = granted + r.int(30, 1500);
  const superseded = r.chance(0.25) ? granted + r.int(0, 600) : null;
  const withdrawn = r.chance(0.1) ? granted + r.int(0, 600) : null;
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
  w.clearances.push(id);
}

describe('vetting compliance snapshots agree with the base tables', () => {
  let database: TestDatabase;
  let sweeper: Sweeper;
  let world: World;
  const r = seeded(SEED);
  const range = { from: 2023, to: 2026 };

  beforeAll(async () => {
    database = await cloneDatabase();
    sweeper = await startSweeper(testConfig(database));
    world = await generate(database.pool, r);
  });
  afterAll(async () => {
    await sweeper.close();
    await database.drop();
  });

  const filters = (): FigureFilter[] => {
    const viewer = viewerOf(r.pick(world.members));
    return [
      range,
      { ...range, department: r.pick(world.departments) },
      { ...range, memberType: r.pick(TYPES) },
      { ...range, department: r.pick(world.departments), memberType: r.pick(TYPES) },
      { ...range, viewer },
      { ...range, viewer, department: r.pick(world.departments) },
      { from: 2016, to: 2016 }, // before the worker's window: computed on request
    ];
  };

  /** Every filter: the snapshot figure equals the oracle. */
  async function agree(label: string): Promise<void> {
    for (const f of filters()) {
      const oracle = await rows(database.pool, vettingComplianceQuery(f, TODAY));
      const found = await rows(database.pool, vettingComplianceSnapshotQuery(f, TODAY));
      const name = { seed: SEED, label, filter: { ...f, viewer: f.viewer?.workforceMemberId } };
      expect({ ...name, rows: found }).toEqual({ ...name, rows: oracle });
    }
  }

  const kept = async (): Promise<string[]> =>
    (
      await database.pool.query<{ d: string }>(
        `SELECT as_of::text AS d FROM vetting_compliance_month ORDER BY as_of`,
      )
    ).rows.map((x) => x.d);

  it('computes on request before the worker ran, then reads the worker’s snapshots', async () => {
    await agree('no snapshots yet');
    const computed = await sweeper.snapshots(TODAY);
    // Every month end from April 2017 (ten financial years) to May 2026, and today.
    expect(computed).toHaveLength(110 + 1);
    expect(computed[0]).toBe(TODAY);
    expect(await sweeper.snapshots(TODAY)).toEqual([]);
    await agree('all from snapshots');
  });

  it('a back-dated change discards the dates it touches, in its own transaction, and no others', async () => {
    const before = await kept();
    await addClearance(database.pool, r, world, r.pick(world.members));
    const granted = (
      await database.pool.query<{ g: string }>(
        `SELECT granted_on::text AS g FROM vetting_clearance WHERE id = $1`,
        [world.clearances[world.clearances.length - 1]],
      )
    ).rows[0].g;
    expect(await kept()).toEqual(before.filter((d) => d < granted));
    await agree('after a back-dated clearance');
    await sweeper.snapshots(TODAY);
    expect(await kept()).toEqual(before);
    // A leave date set in the past (the start date unchanged): from that date on, and nothing before.
    await database.pool.query(
      `UPDATE workforce_member SET leave_date = '2025-09-10'
        WHERE id = (SELECT id FROM workforce_member WHERE start_date < '2025-09-10'
                       AND (leave_date IS NULL OR leave_date > '2025-09-10') ORDER BY id LIMIT 1)`,
    );
    expect(await kept()).toEqual(before.filter((d) => d < '2025-09-10'));
    await agree('after a back-dated leaver');
    // A statement that changes no row discards nothing; a rule that changes, everything.
    await sweeper.snapshots(TODAY);
    await database.pool.query(`UPDATE vetting_level_rule SET warning_days = warning_days WHERE false`);
    expect(await kept()).toEqual(before);
    await database.pool.query(
      `UPDATE vetting_level_rule SET warning_days = warning_days + 30 WHERE level = 'MV'`,
    );
    expect(await kept()).toEqual([]);
    await agree('after a rule change');
    await sweeper.snapshots(TODAY);
    await agree('recomputed after a rule change');
  });

  it('agrees after any sequence of changes, with or without the worker between them', async () => {
    const log: string[] = [];
    for (let step = 0; step < 30; step++) {
      const change = r.int(0, 7);
      const member = r.pick(world.members);
      if (change === 0) await addClearance(database.pool, r, world, member);
      else if (change === 1) {
        await database.pool.query(
          `UPDATE vetting_clearance SET superseded_on = GREATEST(granted_on, $2::date), superseded_by_id = id
            WHERE id = $1 AND superseded_on IS NULL`,
          [r.pick(world.clearances), day(r.int(-400, 500))],
        );
      } else if (change === 2) {
        await database.pool.query(
          `UPDATE vetting_clearance SET withdrawn_on = GREATEST(granted_on, $2::date), withdrawal_reason = 'Generated'
            WHERE id = $1 AND withdrawn_on IS NULL`,
          [r.pick(world.clearances), day(r.int(-400, 500))],
        );
      } else if (change === 3) {
        await database.pool.query(
          `UPDATE workforce_member SET leave_date = GREATEST($2::date, start_date) WHERE id = $1`,
          [member, r.chance(0.2) ? null : day(r.int(-600, 500))],
        );
      } else if (change === 4) {
        await database.pool.query(
          `UPDATE workforce_member SET post_id = $2, department_id = $3 WHERE id = $1`,
          [member, r.maybe(world.posts), r.maybe(world.departments)],
        );
      } else if (change === 5) {
        await database.pool.query(`UPDATE post SET required_level = $2 WHERE id = $1`, [
          r.pick(world.posts),
          r.maybe(LEVELS),
        ]);
      } else if (change === 6) {
        await addMember(database.pool, r, world, `S${step}`);
      } else {
        await database.pool.query(`DELETE FROM vetting_clearance WHERE id = $1`, [
          world.clearances.splice(r.int(0, world.clearances.length - 1), 1)[0],
        ]);
      }
      const ran = r.chance(0.5);
      if (ran) await sweeper.snapshots(TODAY);
      log.push(`${step}: change ${change}${ran ? ', worker ran' : ''}`);
      await agree(log.join('; '));
    }
  });
});
