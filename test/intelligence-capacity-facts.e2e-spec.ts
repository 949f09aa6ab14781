import { DataSource } from 'typeorm';
import type { Actor } from '../src/common/auth/actor.js';
import { londonDateOf } from '../src/common/clock.js';
import { Role } from '../src/common/auth/roles.js';
import { databaseOptions } from '../src/database/data-source.js';
import { db } from '../src/database/sql.js';
import { generateCases, seedCaseSubjects } from '../src/demo/cases.js';
import { seedIntelligenceReports } from '../src/demo/intelligence.js';
import type { BasisFilter, FigureFilter } from '../src/modules/figures/figures.repository.js';
import { camelKey } from '../src/modules/figures/figures.service.js';
import { financialYearOfDate } from '../src/modules/figures/financial-year.js';
import {
  capacityFiguresFromModelQuery,
  capacityFiguresQuery,
} from '../src/modules/figures/month-figures.repository.js';
import {
  intelligenceFiguresFromModelQuery,
  intelligenceFiguresQuery,
} from '../src/modules/figures/intelligence-figures.repository.js';
import { startApp, type TestApp } from './helpers/app.js';
import { mulberry32, randomChangeRounds } from './helpers/random.js';
import { call, userWith, workforceMember, type TestUser } from './helpers/http.js';

/** The generator's seed (mulberry32): a failing run can be replayed from it. */
const SEED = Number(process.env.INTELLIGENCE_FIGURE_SEED ?? 2511);
const CATEGORIES = ['abuse_of_position_sexual', 'drugs', 'theft_fraud', 'other', 'disclosure_of_information'];
const SOURCES = ['colleague', 'anonymous', 'member_of_public', 'ict_monitoring'];
const DECISIONS = ['no_further_action', 'development', 'referred_to_case', 'disseminated'];
const MEMBER_TYPES = ['officer', 'staff', 'pcso'];

/**
 * Property test of the intelligence and capacity figures' read models (migrations IntelligenceFigureFacts and
 * CapacityFigureFacts): for generated reports and cases (the demo generators), then rounds of random changes
 * made straight in the tables, one statement at a time and in bulk (back-dated receipt and recording, reports
 * decided, sent back and reopened, back-dated decisions, development, reassigned investigators, cases
 * finalised and reopened, categories, sources and grading changed, a transaction rolled back), every figure
 * read from its model equals its straightforward SQL over the base tables (`intelligenceFiguresQuery`,
 * `capacityFiguresQuery`: the oracles and the bench's baselines) for every basis and filter, several "todays"
 * and assessment targets, and for a caller whose own records are left out; and the models equal their
 * derivations over every row. Then the API's own write paths (a report recorded, assigned, submitted, sent
 * back, decided; a case back-recorded and reassigned) keep them in step, read over HTTP in camelCase.
 */
describe('intelligence and capacity figure facts (property)', () => {
  let t: TestApp;
  let analyst: TestUser;
  let supervisor: TestUser;
  let linkedUser: TestUser;
  let linked: string;
  let departments: string[];
  const rnd = mulberry32(SEED);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];

  beforeAll(async () => {
    t = await startApp();
    analyst = await userWith(t, [Role.Analyst]);
    supervisor = await userWith(t, [Role.Supervisor]);
    const owner = new DataSource(
      databaseOptions({ DATABASE_URL: t.db.url, DATABASE_POOL_SIZE: 2 }, 'intelligence-figure-facts-test'),
    );
    await owner.initialize();
    try {
      await owner.transaction(async (m) => {
        const users = { analyst: analyst.id, supervisor: supervisor.id };
        await seedIntelligenceReports({ manager: m, users, log: () => undefined }, 400, 1400);
        await seedCaseSubjects(m, 50);
        await generateCases(m, analyst.id, supervisor.id, 120, 50);
      });
    } finally {
      await owner.destroy();
    }
    const { rows } = await t.db.pool.query<{ id: string }>(
      `INSERT INTO department (code, name) VALUES ('IFA', 'Intelligence facts A'), ('IFB', 'Intelligence facts B') RETURNING id`,
    );
    departments = rows.map((r) => r.id);
    await t.db.pool.query(
      `UPDATE workforce_member SET department_id = CASE WHEN abs(hashtext(id::text)) % 3 = 0 THEN $1::uuid
         WHEN abs(hashtext(id::text)) % 3 = 1 THEN $2::uuid END`,
      departments,
    );
    // A supervisor who is themself the subject of reports and cases: those are left out of their figures.
    linked = (
      await t.db.pool.query<{ id: string }>(
        `SELECT workforce_member_id AS id FROM intelligence_subject GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
      )
    ).rows[0].id;
    await t.db.pool.query(
      `INSERT INTO case_subject (case_id, workforce_member_id)
       SELECT id, $1::uuid FROM case_record ORDER BY md5(id::text) LIMIT 6 ON CONFLICT DO NOTHING`,
      [linked],
    );
    linkedUser = await userWith(t, [Role.Supervisor], { workforceMemberId: linked });
  }, 180_000);
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
  }): Promise<Record<string, unknown>[]> => {
    const { sql, parameters } = query.compile(db);
    return (await t.db.pool.query(sql, [...parameters])).rows;
  };

  const today = (): string => londonDateOf(new Date());

  /** Every basis, filter, "today" and target the figures take: the read models' answers equal the oracles'. */
  async function expectFiguresEqual(round: string): Promise<void> {
    const { rows } = await t.db.pool.query<{ lo: number; hi: number }>(
      `SELECT min(case_financial_year(received_at)) - 1 AS lo, case_financial_year(now()) + 1 AS hi
         FROM intelligence_report`,
    );
    const { lo, hi } = rows[0];
    const filters: FigureFilter[] = [
      { from: lo, to: hi },
      { from: hi - 3, to: hi - 1 },
      { from: lo, to: hi, category: pick(CATEGORIES) as FigureFilter['category'] },
      { from: lo, to: hi, memberType: pick(MEMBER_TYPES) as FigureFilter['memberType'] },
      { from: lo, to: hi, department: departments[0] },
      { from: lo, to: hi, viewer: viewer(linked) },
      { from: lo, to: hi, viewer: viewer(linked), category: 'drugs' as FigureFilter['category'] },
      {
        from: lo,
        to: hi,
        viewer: viewer(linked),
        department: departments[1],
        memberType: 'officer' as never,
      },
    ];
    const label = (what: string, f: object) =>
      `${round}: ${what} ${JSON.stringify({ ...f, viewer: 'viewer' in f && f.viewer ? 'linked' : undefined })}`;
    for (const basis of ['recorded', 'finalised'] as const) {
      for (const f of filters) {
        const filter: BasisFilter = { ...f, basis };
        const [fromModel, oracle] = [
          await run(intelligenceFiguresFromModelQuery(filter)),
          await run(intelligenceFiguresQuery(filter)),
        ];
        expect({ label: label('intelligence', filter), rows: fromModel }).toEqual({
          label: label('intelligence', filter),
          rows: oracle,
        });
      }
    }
    const now = today();
    const current = financialYearOfDate(now);
    for (const [day, target] of [
      [now, 28],
      [now, 5],
      [`${current - 1}-11-20`, 28],
      // Early in a financial year: no month of it has ended, today's row alone.
      [`${current - 1}-04-10`, 28],
    ] as const) {
      const fy = financialYearOfDate(day);
      for (const f of filters) {
        // The month ends of up to four financial years (the figure allows ten).
        const filter: FigureFilter = { ...f, from: Math.max(f.from, fy - 3), to: Math.min(f.to, fy) };
        if (filter.from > filter.to) continue;
        const [fromModel, oracle] = [
          await run(capacityFiguresFromModelQuery(filter, day, target)),
          await run(capacityFiguresQuery(filter, day, target)),
        ];
        const what = label(`capacity on ${day}, target ${target}`, filter);
        expect({ what, rows: fromModel }).toEqual({ what, rows: oracle });
      }
    }
    // The models are their derivations over every row, exactly (zero rows aside), and nothing went below zero.
    const { rows: drift } = await t.db.pool.query(`
      WITH model AS (SELECT basis, fy, category, days, n FROM intelligence_decision_days WHERE n <> 0),
           derived AS (SELECT f.basis, f.fy, f.category, f.days, count(*)::int AS n
                         FROM intelligence_report r
                        CROSS JOIN LATERAL intelligence_figure_facts_of(r.received_at, r.reviewed_at, r.decision,
                              r.primary_category, r.secondary_categories) f
                        WHERE f.days IS NOT NULL GROUP BY 1, 2, 3, 4),
           cmodel AS (SELECT category, received_on, closed_on, n FROM capacity_intelligence_count WHERE n <> 0),
           cderived AS (SELECT f.category, f.received_on, f.closed_on, count(*)::int AS n
                          FROM intelligence_report r
                         CROSS JOIN LATERAL capacity_intelligence_facts_of(r.received_at, r.reviewed_at, r.decision,
                               r.primary_category, r.secondary_categories) f GROUP BY 1, 2, 3),
           kmodel AS (SELECT category, recorded_on, finalised_on, investigator_id, n FROM capacity_case_count WHERE n <> 0),
           kderived AS (SELECT f.category, f.recorded_on, f.finalised_on, c.investigator_id, count(*)::int AS n
                          FROM case_record c
                         CROSS JOIN LATERAL capacity_case_facts_of(c.recorded_at, c.finalised_at, c.primary_category,
                               c.categories) f GROUP BY 1, 2, 3, 4)
      SELECT 'days' AS model, count(*)::int AS n FROM ((TABLE model EXCEPT ALL TABLE derived) UNION ALL (TABLE derived EXCEPT ALL TABLE model)) x
      UNION ALL
      SELECT 'intelligence queue', count(*)::int FROM ((TABLE cmodel EXCEPT ALL TABLE cderived) UNION ALL (TABLE cderived EXCEPT ALL TABLE cmodel)) x
      UNION ALL
      SELECT 'case queue', count(*)::int FROM ((TABLE kmodel EXCEPT ALL TABLE kderived) UNION ALL (TABLE kderived EXCEPT ALL TABLE kmodel)) x
      UNION ALL
      SELECT 'negative', count(*)::int FROM (
        SELECT 1 FROM intelligence_figure_total WHERE received < 0 OR open < 0
        UNION ALL SELECT 1 FROM intelligence_decision_days WHERE n < 0
        UNION ALL SELECT 1 FROM capacity_intelligence_count WHERE n < 0
        UNION ALL SELECT 1 FROM capacity_case_count WHERE n < 0) x`);
    expect({ round, drift }).toEqual({
      round,
      drift: [
        { model: 'days', n: 0 },
        { model: 'intelligence queue', n: 0 },
        { model: 'case queue', n: 0 },
        { model: 'negative', n: 0 },
      ],
    });
  }

  /** One random change, straight in the tables (a statement may touch one row or many). */
  async function change(query: (statement: string) => Promise<unknown>): Promise<string> {
    const some = rnd() < 0.3 ? 15 : 1;
    const reports = `(SELECT id FROM intelligence_report ORDER BY md5(id::text || '${rnd()}') LIMIT ${some})`;
    const cases = `(SELECT id FROM case_record ORDER BY md5(id::text || '${rnd()}') LIMIT ${some})`;
    const days = (max: number) => Math.floor(rnd() * max);
    const kinds: [string, string][] = [
      [
        'back-dated receipt',
        `UPDATE intelligence_report SET received_at = received_at - make_interval(days => ${1 + days(700)}, hours => ${days(23)})
          WHERE id IN ${reports}`,
      ],
      [
        'decided (back-dated, after receipt)',
        `UPDATE intelligence_report SET decision = '${pick(DECISIONS)}', state = '${pick(DECISIONS)}',
                reviewed_at = received_at + make_interval(days => ${days(120)}, hours => ${days(23)}, mins => ${days(59)})
          WHERE id IN ${reports}`,
      ],
      [
        'decided today',
        `UPDATE intelligence_report SET decision = '${pick(DECISIONS)}', reviewed_at = now() WHERE id IN ${reports}`,
      ],
      [
        'reopened (decision withdrawn)',
        `UPDATE intelligence_report SET decision = NULL, state = 'in_assessment' WHERE id IN ${reports}`,
      ],
      [
        'sent back (awaiting review again, review date cleared)',
        `UPDATE intelligence_report SET decision = NULL, reviewed_at = NULL, state = 'in_assessment' WHERE id IN ${reports}`,
      ],
      [
        'categories changed',
        `UPDATE intelligence_report SET primary_category = '${pick(CATEGORIES)}',
                secondary_categories = ARRAY['${pick(CATEGORIES)}', '${pick(CATEGORIES)}']::corruption_category[]
          WHERE id IN ${reports}`,
      ],
      [
        'source and grading changed',
        `UPDATE intelligence_report SET source_type = '${pick(SOURCES)}', grading_scheme = '${pick(['3x5x2', '5x5x5'])}'
          WHERE id IN ${reports}`,
      ],
      [
        'untouched columns only (assignment)',
        `UPDATE intelligence_report SET version = version + 1, updated_at = now() WHERE id IN ${reports}`,
      ],
      [
        'investigator reassigned',
        `UPDATE case_record SET investigator_id = ${rnd() < 0.3 ? 'NULL' : `'${pick([analyst.id, supervisor.id])}'`}
          WHERE id IN ${cases}`,
      ],
      [
        'back-dated recording',
        `UPDATE case_record SET recorded_at = recorded_at - make_interval(days => ${1 + days(600)}) WHERE id IN ${cases}`,
      ],
      [
        'case finalised (back-dated)',
        `UPDATE case_record SET finalised_at = recorded_at + make_interval(days => ${days(500)}, hours => ${days(23)})
          WHERE id IN ${cases}`,
      ],
      ['case reopened', `UPDATE case_record SET finalised_at = NULL WHERE id IN ${cases}`],
      [
        'case categories changed',
        `UPDATE case_record SET primary_category = '${pick(CATEGORIES)}',
                categories = ARRAY['${pick(CATEGORIES)}']::corruption_category[] WHERE id IN ${cases}`,
      ],
    ];
    const [name, statement] = pick(kinds);
    await query(statement);
    return name;
  }

  it('equals the figures over the base tables after generation', async () => {
    const { rows } = await t.db.pool.query<{ n: number }>(
      `SELECT (SELECT sum(received) FROM intelligence_figure_total WHERE basis = 'recorded' AND category IS NULL)::int AS n`,
    );
    expect(rows[0].n).toBeGreaterThan(100);
    await expectFiguresEqual('generated');
  }, 120_000);

  it('stays equal through rounds of random changes, one transaction or several statements at a time', async () => {
    const done = await randomChangeRounds({
      pool: t.db.pool,
      rounds: 12,
      rnd,
      change,
      check: (round) => expectFiguresEqual(`round ${round} (seed ${SEED})`),
    });
    expect(done.size).toBeGreaterThan(6);
  }, 300_000);

  const ok = async (method: 'POST' | 'PATCH', url: string, body: unknown, user: TestUser) => {
    const res = await call(t.app, method, url, { token: user.token, body });
    if (res.status >= 300) throw new Error(`${url}: ${res.status} ${res.text}`);
    return res;
  };

  /** The oracle's rows as the JSON answers them (camelCase keys; the year and basis columns aside). */
  const asJson = (rows: Record<string, unknown>[]) =>
    rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [camelKey(k), v])));

  it("the API's write paths keep both models in step, read over HTTP (camelCase, snake_case CSV headers)", async () => {
    const subject = await workforceMember(t);
    const received = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const report = await ok(
      'POST',
      '/api/v1/intelligence',
      {
        receivedAt: received,
        receiptMethod: 'telephone',
        sourceType: 'colleague',
        grading: { scheme: '3x5x2', sourceEvaluation: '2', intelligenceAssessment: 'B', handlingCode: 'P' },
        primaryCategory: 'drugs',
        narrative: 'Fictional narrative for the figures read models.',
        subjects: [{ workforceMemberId: subject, role: 'subject' }],
      },
      analyst,
    );
    const id = report.body.id as string;
    await ok('POST', `/api/v1/intelligence/${id}/assign`, { assigneeId: analyst.id }, supervisor);
    const submit = (text: string) =>
      ok(
        'POST',
        `/api/v1/intelligence/${id}/submit-for-review`,
        { assessmentText: text, recommendedDecision: 'no_further_action' },
        analyst,
      );
    await submit('First assessment');
    await ok('POST', `/api/v1/intelligence/${id}/send-back`, { reason: 'Grade again' }, supervisor);
    await submit('Second assessment');
    await ok(
      'POST',
      `/api/v1/intelligence/${id}/review`,
      { decision: 'no_further_action', reason: 'Nothing further' },
      supervisor,
    );

    const created = await ok(
      'POST',
      '/api/v1/cases',
      {
        caseType: 'misconduct',
        matterType: 'conduct_matter',
        allegationSummary: 'Fictional allegation for the capacity figure.',
        primaryCategory: 'drugs',
        workforceMemberIds: [subject],
        investigatorId: analyst.id,
        recordedAt: new Date(Date.now() - 400 * 86_400_000).toISOString(),
      },
      supervisor,
    );
    await ok(
      'PATCH',
      `/api/v1/cases/${created.body.id as string}`,
      { version: created.body.version, investigatorId: supervisor.id },
      supervisor,
    );
    await expectFiguresEqual('after the API writes');

    const fy = financialYearOfDate(today());
    for (const [user, member] of [
      [supervisor, null],
      [linkedUser, linked],
    ] as const) {
      const who = member ? viewer(member) : null;
      const intelligence = await call(
        t.app,
        'GET',
        `/api/v1/figures/intelligence?from=${fy - 3}/${String((fy - 2) % 100).padStart(2, '0')}&to=${fy}/${String((fy + 1) % 100).padStart(2, '0')}&basis=finalised&category=drugs`,
        { token: user.token },
      );
      expect(intelligence.status).toBe(200);
      const oracle = await run(
        intelligenceFiguresQuery({
          from: fy - 3,
          to: fy,
          basis: 'finalised',
          category: 'drugs' as never,
          viewer: who,
        }),
      );
      const [total] = asJson(oracle.filter((r) => r.fy === -1));
      for (const key of [
        'received',
        'noFurtherAction',
        'medianDaysToDecision',
        'p90DaysToDecision',
        'open',
      ]) {
        expect({ key, value: intelligence.body.total[key] }).toEqual({ key, value: total[key] });
      }
      expect(intelligence.body.columns[0]).toMatchObject({
        key: 'financialYear',
        csvHeader: 'financial_year',
      });

      const capacity = await call(t.app, 'GET', '/api/v1/figures/capacity', { token: user.token });
      expect(capacity.status).toBe(200);
      const capacityOracle = asJson(
        await run(capacityFiguresQuery({ from: fy, to: fy, viewer: who }, today(), 28)),
      );
      expect(
        capacity.body.rows.map((r: Record<string, unknown>) => [
          r.period,
          r.openIntelligence,
          r.openCases,
          r.investigators,
          r.oldestCaseDays,
          r.casesPastTarget,
        ]),
      ).toEqual(
        capacityOracle.map((r) => [
          r.period,
          r.openIntelligence,
          r.openCases,
          r.investigators,
          r.oldestCaseDays,
          r.casesPastTarget,
        ]),
      );
      const csv = await call(t.app, 'GET', '/api/v1/figures/capacity?format=csv', { token: user.token });
      expect(csv.status).toBe(200);
      expect(csv.text.split('\n')[0]).toBe(
        capacity.body.columns.map((c: { csvHeader: string }) => c.csvHeader).join(','),
      );
      expect(csv.text.split('\n')[0]).toContain('open_intelligence');
    }
  }, 120_000);
});
