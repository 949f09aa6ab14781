import { DataSource } from 'typeorm';
import type { Actor } from '../src/common/auth/actor.js';
import { Role } from '../src/common/auth/roles.js';
import { databaseOptions } from '../src/database/data-source.js';
import { db } from '../src/database/sql.js';
import { generateCases, seedCaseSubjects } from '../src/demo/cases.js';
import type { BasisFilter } from '../src/modules/figures/figures.repository.js';
import {
  caseFiguresFromFactsQuery,
  caseFiguresQuery,
} from '../src/modules/figures/year-figures.repository.js';
import { startApp, type TestApp } from './helpers/app.js';
import { mulberry32, randomChangeRounds } from './helpers/random.js';
import { call, userWith, type TestUser } from './helpers/http.js';

/** The generator's seed (mulberry32): a failing run can be replayed from it. */
const SEED = Number(process.env.CASE_FIGURE_SEED ?? 2025);
const CATEGORIES = ['abuse_of_position_sexual', 'drugs', 'theft_fraud', 'other', 'vulnerability'];
const MEMBER_TYPES = ['officer', 'staff', 'pcso', 'special_constable'];
const SEVERITIES = ['misconduct', 'gross_misconduct', null];
const PROCEEDINGS = ['misconduct_meeting', 'misconduct_hearing', 'accelerated_hearing', null];
const OUTCOMES = ['written_warning', 'final_written_warning', 'dismissal_without_notice', null];
const ALLEGATIONS = ['substantiated', 'unsubstantiated', 'unfounded', 'malicious_or_vexatious', null];
const CRIMINAL = ['convicted', 'acquitted', 'ongoing', 'charged', null];

/**
 * Property test of the cases figure's read model (migration CaseFigureFacts): for generated cases (the demo's
 * generator), then rounds of random changes made straight in the tables, one statement at a time and in bulk
 * (back-dated recording and finalisation, reopened outcomes, reassessed severity, changed outcomes and
 * categories, subjects added and removed, members changing type and department, outcomes deleted and
 * recorded anew, a transaction rolled back), the figure read from `case_figure_total`/`case_person_fact`
 * equals the figure's straightforward SQL over the base tables (`caseFiguresQuery`, the oracle and the
 * bench's baseline) for every basis and filter, and for a caller whose own cases are left out.
 */
describe('case figure facts (property)', () => {
  let t: TestApp;
  let supervisor: TestUser;
  let linkedUser: TestUser;
  let linked: string;
  let departments: string[];
  const rnd = mulberry32(SEED);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];

  beforeAll(async () => {
    t = await startApp();
    const analyst = await userWith(t, [Role.Analyst]);
    supervisor = await userWith(t, [Role.Supervisor]);
    const owner = new DataSource(
      databaseOptions({ DATABASE_URL: t.db.url, DATABASE_POOL_SIZE: 2 }, 'case-figure-facts-test'),
    );
    await owner.initialize();
    try {
      await owner.transaction(async (m) => {
        await seedCaseSubjects(m, 60);
        await generateCases(m, analyst.id, supervisor.id, 160, 60);
      });
    } finally {
      await owner.destroy();
    }
    const { rows } = await t.db.pool.query<{ id: string }>(
      `INSERT INTO department (code, name) VALUES ('CFA', 'Case facts A'), ('CFB', 'Case facts B') RETURNING id`,
    );
    departments = rows.map((r) => r.id);
    await t.db.pool.query(
      `UPDATE workforce_member SET department_id = CASE WHEN abs(hashtext(id::text)) % 3 = 0 THEN $1::uuid
         WHEN abs(hashtext(id::text)) % 3 = 1 THEN $2::uuid END`,
      departments,
    );
    // A supervisor who is themself the subject of cases: those cases are left out of their figure.
    linked = (
      await t.db.pool.query<{ id: string }>(
        `SELECT workforce_member_id AS id FROM case_subject GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
      )
    ).rows[0].id;
    linkedUser = await userWith(t, [Role.Supervisor], { workforceMemberId: linked });
  }, 120_000);
  afterAll(() => t.close());

  const viewer = (member: string): Actor => ({
    userId: null,
    roles: [Role.Supervisor],
    workforceMemberId: member,
    sessionId: null,
    requestId: 'test',
    clientAddress: null,
  });

  const run = async (query: {
    compile: (d: typeof db) => { sql: string; parameters: readonly unknown[] };
  }) => {
    const { sql, parameters } = query.compile(db);
    return (await t.db.pool.query(sql, [...parameters])).rows;
  };

  /** Every basis and filter the figure takes: the read model's answer equals the oracle's. */
  async function expectFiguresEqual(round: string): Promise<void> {
    const { rows } = await t.db.pool.query<{ lo: number; hi: number }>(
      `SELECT min(recorded_financial_year) - 1 AS lo, case_financial_year(now()) + 1 AS hi FROM case_record`,
    );
    const { lo, hi } = rows[0];
    const filters: Omit<BasisFilter, 'basis'>[] = [
      { from: lo, to: hi },
      { from: hi - 3, to: hi - 1 },
      { from: lo, to: hi, category: pick(CATEGORIES) as BasisFilter['category'] },
      { from: lo, to: hi, memberType: pick(MEMBER_TYPES) as BasisFilter['memberType'] },
      { from: lo, to: hi, department: departments[0] },
      { from: lo, to: hi, viewer: viewer(linked) },
      { from: lo, to: hi, viewer: viewer(linked), category: 'drugs' as BasisFilter['category'] },
      {
        from: lo,
        to: hi,
        viewer: viewer(linked),
        department: departments[1],
        memberType: 'officer' as never,
      },
    ];
    for (const basis of ['recorded', 'finalised'] as const) {
      for (const f of filters) {
        const filter = { ...f, basis };
        const [fromModel, oracle] = [
          await run(caseFiguresFromFactsQuery(filter)),
          await run(caseFiguresQuery(filter)),
        ];
        const label = `${round}: ${JSON.stringify({ ...filter, viewer: filter.viewer ? 'linked' : undefined })}`;
        expect({ label, rows: fromModel }).toEqual({ label, rows: oracle });
      }
    }
    // The facts are the derivation's, exactly (no row lost or doubled), and no total went below zero.
    const { rows: drift } = await t.db.pool.query(
      `(SELECT * FROM case_person_fact EXCEPT ALL SELECT * FROM case_person_facts_of(ARRAY(SELECT id FROM case_record)))
       UNION ALL
       (SELECT * FROM case_person_facts_of(ARRAY(SELECT id FROM case_record)) EXCEPT ALL SELECT * FROM case_person_fact)`,
    );
    expect(drift).toEqual([]);
    const { rows: negative } = await t.db.pool.query(
      `SELECT * FROM case_figure_total WHERE people < 0 OR pending < 0 OR finalised < 0`,
    );
    expect(negative).toEqual([]);
  }

  /** One random change, straight in the tables (a statement may touch one row or many). */
  async function change(query: (statement: string) => Promise<unknown>): Promise<string> {
    const some = rnd() < 0.3 ? 12 : 1;
    const cases = `(SELECT id FROM case_record ORDER BY md5(id::text || '${rnd()}') LIMIT ${some})`;
    const outcomes = `(SELECT id FROM case_subject_outcome ORDER BY md5(id::text || '${rnd()}') LIMIT ${some})`;
    const lit = (v: string | null, type: string) => (v === null ? `NULL::${type}` : `'${v}'::${type}`);
    const kinds: [string, string][] = [
      [
        'back-dated recording',
        `UPDATE case_record SET recorded_at = recorded_at - make_interval(days => ${1 + Math.floor(rnd() * 900)})
          WHERE id IN ${cases}`,
      ],
      [
        'reopened outcome',
        `UPDATE case_subject_outcome SET confirmed_at = NULL, finalised_at = NULL WHERE id IN ${outcomes}`,
      ],
      [
        'back-dated confirmation',
        `UPDATE case_subject_outcome SET confirmed_at = now() - make_interval(days => ${Math.floor(rnd() * 1500)}),
                finalised_at = now() - make_interval(days => ${Math.floor(rnd() * 1500)}) WHERE id IN ${outcomes}`,
      ],
      [
        'case reassessed',
        `UPDATE case_record SET severity = ${lit(pick(SEVERITIES), 'case_severity')} WHERE id IN ${cases}`,
      ],
      [
        'subject reassessed',
        `UPDATE case_subject_outcome SET severity = ${lit(pick(SEVERITIES), 'case_severity')} WHERE id IN ${outcomes}`,
      ],
      [
        'outcome changed',
        `UPDATE case_subject_outcome SET proceedings = ${lit(pick(PROCEEDINGS), 'misconduct_proceedings')},
                proceedings_result = ${lit(pick(['proven', 'not_proven', null]), 'proceedings_result')},
                misconduct_outcome = ${lit(pick(OUTCOMES), 'misconduct_outcome')},
                allegation_result = ${lit(pick(ALLEGATIONS), 'allegation_result')},
                criminal_outcome = ${lit(pick(CRIMINAL), 'criminal_outcome')},
                would_have_been_dismissed = ${rnd() < 0.2}, left_service = ${lit(pick(['resigned', 'retired', null]), 'left_service')},
                barred_list_on = ${rnd() < 0.2 ? 'current_date' : 'NULL'}, advisory_list_on = ${rnd() < 0.2 ? 'current_date' : 'NULL'}
          WHERE id IN ${outcomes}`,
      ],
      [
        'categories changed',
        `UPDATE case_record SET primary_category = ${lit(pick(CATEGORIES), 'corruption_category')},
                categories = ARRAY[${lit(pick(CATEGORIES), 'corruption_category')}, ${lit(pick(CATEGORIES), 'corruption_category')}]
          WHERE id IN ${cases}`,
      ],
      [
        'member type changed',
        `UPDATE workforce_member SET member_type = ${lit(pick(MEMBER_TYPES), 'member_type')}
          WHERE id IN (SELECT workforce_member_id FROM case_subject ORDER BY md5(case_id::text || '${rnd()}') LIMIT ${some})`,
      ],
      [
        'department changed',
        `UPDATE workforce_member SET department_id = ${lit(pick([...departments, null]), 'uuid')}
          WHERE id IN (SELECT workforce_member_id FROM case_subject ORDER BY md5(case_id::text || '${rnd()}') LIMIT ${some})`,
      ],
      [
        'subject added',
        `INSERT INTO case_subject (case_id, workforce_member_id)
         SELECT c.id, w.id FROM ${cases} c CROSS JOIN LATERAL
           (SELECT id FROM workforce_member ORDER BY md5(id::text || c.id::text || '${rnd()}') LIMIT 1) w
         ON CONFLICT DO NOTHING`,
      ],
      [
        'subject removed (with any outcome)',
        `WITH s AS (SELECT case_id, workforce_member_id FROM case_subject ORDER BY md5(case_id::text || '${rnd()}') LIMIT ${some}),
              o AS (DELETE FROM case_subject_outcome x USING s
                     WHERE x.case_id = s.case_id AND x.workforce_member_id = s.workforce_member_id RETURNING 1)
         DELETE FROM case_subject x USING s WHERE x.case_id = s.case_id AND x.workforce_member_id = s.workforce_member_id`,
      ],
      ['outcome deleted', `DELETE FROM case_subject_outcome WHERE id IN ${outcomes}`],
      [
        'outcome recorded (finalised back-dated or proposed)',
        `INSERT INTO case_subject_outcome (case_id, workforce_member_id, member_type, misconduct_finding, proceedings,
                proceedings_result, misconduct_outcome, allegation_result, criminal_outcome, recorded_by, confirmed_at, finalised_at)
         SELECT s.case_id, s.workforce_member_id, w.member_type, 'case_to_answer', ${lit(pick(PROCEEDINGS), 'misconduct_proceedings')},
                'proven', ${lit(pick(OUTCOMES), 'misconduct_outcome')}, ${lit(pick(ALLEGATIONS), 'allegation_result')},
                ${lit(pick(CRIMINAL), 'criminal_outcome')}, '${supervisor.id}',
                ${rnd() < 0.7 ? `now() - make_interval(days => ${Math.floor(rnd() * 2000)})` : 'NULL'},
                ${rnd() < 0.7 ? `now() - make_interval(days => ${Math.floor(rnd() * 2000)})` : 'NULL'}
           FROM case_subject s JOIN workforce_member w ON w.id = s.workforce_member_id
          WHERE NOT EXISTS (SELECT 1 FROM case_subject_outcome o WHERE o.case_id = s.case_id AND o.workforce_member_id = s.workforce_member_id)
          ORDER BY md5(s.case_id::text || '${rnd()}') LIMIT ${some}`,
      ],
    ];
    const [name, statement] = pick(kinds);
    await query(statement);
    return name;
  }

  it('equals the figure over the base tables after generation', async () => {
    const { rows } = await t.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM case_person_fact`);
    expect(rows[0].n).toBeGreaterThan(100);
    await expectFiguresEqual('generated');
  });

  it('stays equal through rounds of random changes, one transaction or several statements at a time', async () => {
    const done = await randomChangeRounds({
      pool: t.db.pool,
      rounds: 10,
      rnd,
      change,
      check: (round) => expectFiguresEqual(`round ${round} (seed ${SEED})`),
    });
    expect(done.size).toBeGreaterThan(5);
  }, 120_000);

  it('answers from the read model over HTTP, stating the instant it is as of', async () => {
    const before = Date.now();
    for (const [user, member] of [
      [supervisor, null],
      [linkedUser, linked],
    ] as const) {
      const res = await call(t.app, 'GET', '/api/v1/figures/cases?from=2016/17&to=2026/27&basis=finalised', {
        token: user.token,
      });
      expect(res.status).toBe(200);
      expect(Date.parse(res.body.asAt)).toBeGreaterThanOrEqual(before - 1000);
      const oracle = await run(
        caseFiguresQuery({
          from: 2016,
          to: 2026,
          basis: 'finalised',
          viewer: member ? viewer(member) : null,
        }),
      );
      const total = oracle.find((r) => r.fy === -1 && r.member_type === 'all');
      expect(res.body.total.people).toBe(total.people);
      expect(res.body.total.hearingsProven).toBe(total.hearings_proven);
      const csv = await call(t.app, 'GET', '/api/v1/figures/cases?format=csv', { token: user.token });
      expect(csv.status).toBe(200);
      expect(Date.parse(csv.headers['figures-as-at'] as string)).toBeGreaterThanOrEqual(before - 1000);
    }
  });
});
