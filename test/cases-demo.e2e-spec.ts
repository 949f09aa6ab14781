import { DataSource } from 'typeorm';
import { Role } from '../src/common/auth/roles.js';
import { seedCases } from '../src/demo/cases.js';
import { seedIntelligence } from '../src/demo/intelligence.js';
import { workforceDemo } from '../src/demo/workforce.js';
import { financialYearOf } from '../src/modules/figures/financial-year.js';
import {
  checkOutcome,
  missingForClosure,
  type OutcomeFacts,
  regimeFor,
} from '../src/modules/cases/outcome-rules.js';
import type { ConductRegime, Severity } from '../src/modules/cases/cases.enums.js';
import type { CaseType } from '../src/modules/cases/cases.enums.js';
import { startApp, type TestApp } from './helpers/app.js';
import { call, userWith, type TestUser } from './helpers/http.js';

describe('cases demo data', () => {
  let t: TestApp;
  let analyst: TestUser;
  const counts: string[][] = [];
  const q = async <T = Record<string, unknown>>(sql: string): Promise<T[]> =>
    (await t.db.pool.query(sql)).rows as T[];
  const values = async (sql: string): Promise<string[]> => (await q<{ v: string }>(sql)).map((r) => r.v);

  beforeAll(async () => {
    t = await startApp();
    analyst = await userWith(t, [Role.Analyst]);
    const supervisor = await userWith(t, [Role.Supervisor]);
    const ds = t.app.get(DataSource);
    const users = { analyst: analyst.id, supervisor: supervisor.id };
    await ds.transaction((manager) => workforceDemo({ manager, users, log: () => undefined }));
    await ds.transaction((manager) => seedIntelligence({ manager, users, log: () => undefined }));
    for (let run = 0; run < 2; run++) {
      await ds.transaction((manager) => seedCases({ manager, users, log: () => undefined }));
      counts.push(await values(`SELECT count(*)::text AS v FROM case_record`));
    }
  });
  afterAll(() => t.close());

  it('is idempotent: a second run adds nothing', async () => {
    expect(Number(counts[0][0])).toBeGreaterThan(100);
    expect(counts[1]).toEqual(counts[0]);
  });

  it('has cases in every state, in each of the last five financial years', async () => {
    expect(await values(`SELECT DISTINCT status::text AS v FROM case_record ORDER BY 1`)).toEqual([
      'awaiting_outcome',
      'closed',
      'open',
      'suspended',
      'under_investigation',
    ]);
    const years = (
      await values(`SELECT DISTINCT recorded_financial_year::text AS v FROM case_record ORDER BY 1`)
    ).map(Number);
    const now = financialYearOf(new Date());
    expect(years.slice(-5)).toEqual(Array.from({ length: 5 }, (_, i) => now - 4 + i));
  });

  it('has referrals with every IOPC decision (and one pending), and every kind of outcome', async () => {
    expect(
      await values(`SELECT DISTINCT COALESCE(decision::text, 'pending') AS v FROM iopc_referral ORDER BY 1`),
    ).toEqual(['directed', 'independent', 'local', 'pending', 'returned']);
    expect(await values(`SELECT DISTINCT basis::text AS v FROM iopc_referral ORDER BY 1`)).toEqual([
      'mandatory',
      'voluntary',
    ]);
    const distinct = (col: string) =>
      values(
        `SELECT DISTINCT ${col}::text AS v FROM case_subject_outcome WHERE ${col} IS NOT NULL ORDER BY 1`,
      );
    expect(await distinct('criminal_outcome')).toEqual([
      'acquitted',
      'caution',
      'charged',
      'convicted',
      'no_further_action',
      'ongoing',
    ]);
    expect(await distinct('misconduct_outcome')).toHaveLength(8);
    expect(await distinct('proceedings')).toHaveLength(3);
    expect(await distinct('allegation_result')).toHaveLength(4);
    expect(await distinct('left_service')).toEqual(['resigned', 'retired']);
    expect(
      await values(
        `SELECT count(*)::text AS v FROM case_subject_outcome WHERE would_have_been_dismissed AND barred_list_on IS NOT NULL`,
      ),
    ).not.toEqual(['0']);
    expect(
      await values(`SELECT count(*)::text AS v FROM case_subject_outcome WHERE advisory_list_on IS NOT NULL`),
    ).not.toEqual(['0']);
  });

  it('obeys the regulation rules, and every closed case has a complete outcome per subject', async () => {
    const rows = await q<Record<string, string | boolean | null>>(
      `SELECT o.*, c.case_type, c.status, w.member_type AS mt,
              (c.recorded_at AT TIME ZONE 'Europe/London')::date::text AS matter_on FROM case_subject_outcome o
         JOIN case_record c ON c.id = o.case_id JOIN workforce_member w ON w.id = o.workforce_member_id`,
    );
    const problems: string[] = [];
    for (const r of rows) {
      const facts = {
        criminalOutcome: r.criminal_outcome,
        misconductFinding: r.misconduct_finding,
        proceedings: r.proceedings,
        proceedingsResult: r.proceedings_result,
        misconductOutcome: r.misconduct_outcome,
        regime: r.regime,
        allegationResult: r.allegation_result,
        leftService: r.left_service,
        wouldHaveBeenDismissed: r.would_have_been_dismissed,
        barredListDate: r.barred_list_on,
        advisoryListDate: r.advisory_list_on,
      } as OutcomeFacts;
      const regime = regimeFor(r.mt as string, r.matter_on as string);
      const v = checkOutcome(facts, {
        caseType: r.case_type as CaseType,
        memberType: r.mt as string,
        regime,
        severity: r.severity as Severity | null,
      });
      if (v.length) problems.push(v.map((x) => x.code).join());
      if (r.regime !== regime) problems.push(`regime ${r.regime as ConductRegime} is not ${regime}`);
      if (r.status === 'closed' && missingForClosure(facts, r.case_type as CaseType).length)
        problems.push('incomplete');
      if (r.status === 'closed' && (!r.confirmed_at || r.confirmed_by === r.recorded_by))
        problems.push('unconfirmed');
    }
    expect(problems).toEqual([]);
    expect(
      await values(`SELECT count(*)::text AS v FROM case_record c JOIN case_subject s ON s.case_id = c.id
        WHERE c.status = 'closed' AND NOT EXISTS (SELECT 1 FROM case_subject_outcome o
          WHERE o.case_id = c.id AND o.workforce_member_id = s.workforce_member_id)`),
    ).toEqual(['0']);
  });

  it('links the intelligence reports the demo referred to the case each opened, both ways', async () => {
    const [row] = await q<{ referred: number; linked: number; both: number }>(
      `SELECT count(*)::int AS referred, count(r.referred_case_id)::int AS linked,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM case_intelligence ci
                                 WHERE ci.report_id = r.id AND ci.case_id = r.referred_case_id))::int AS both
         FROM intelligence_report r WHERE r.state = 'referred_to_case'`,
    );
    expect(row.referred).toBeGreaterThan(0);
    expect(row).toEqual({ referred: row.referred, linked: row.referred, both: row.referred });
  });

  it('is served by the API (list and a read with its timeline)', async () => {
    const list = await call(t.app, 'GET', '/api/v1/cases?limit=5&status=closed', { token: analyst.token });
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(5);
    const one = await call(t.app, 'GET', `/api/v1/cases/${list.body.items[0].id}/timeline`, {
      token: analyst.token,
    });
    expect(one.status).toBe(200);
    expect(one.body.items[0].kind).toBe('created');
    const next = await call(t.app, 'POST', '/api/v1/cases', {
      token: analyst.token,
      body: {
        caseType: 'misconduct',
        matterType: 'complaint',
        allegationSummary: 'x',
        primaryCategory: 'other',
        workforceMemberIds: [list.body.items[0].workforceMemberIds[0]],
      },
    });
    expect(next.status).toBe(201);
  });
});
