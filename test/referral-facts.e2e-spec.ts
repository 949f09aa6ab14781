import { Role } from '../src/common/auth/roles.js';
import { startApp, type TestApp } from './helpers/app.js';
import { call, expectProblem, userWith, workforceMember, type TestUser } from './helpers/http.js';

/** Allegation results, best established first: a finalised referral takes the best across its subjects. */
const ALLEGATIONS = ['substantiated', 'unsubstantiated', 'unfounded', 'malicious_or_vexatious'];

interface Filter {
  from: number;
  to: number;
  basis?: 'recorded' | 'finalised';
  category?: string;
  memberType?: string;
  department?: string;
}

/** A financial year as the API writes it: 2025 → 2025/26. */
const fyText = (y: number): string => `${y}/${String(y + 1).slice(-2)}`;

/** One referral x subject x outcome row of the join the figure was computed from before referral_fact. */
interface JoinRow {
  fy: number;
  case_id: string;
  basis: string;
  decision: string | null;
  open: boolean;
  case_type: string;
  primary_category: string;
  categories: string[];
  member: string | null;
  member_type: string | null;
  department_id: string | null;
  allegation_result: string | null;
  misconduct_finding: string | null;
  proceedings_result: string | null;
  misconduct_outcome: string | null;
  would_have_been_dismissed: boolean | null;
  criminal_outcome: string | null;
}

const misconductBucket = (r: JoinRow): string => {
  if (r.case_type === 'criminal') return 'not_applicable';
  if (!r.misconduct_finding) return 'pending';
  if (r.misconduct_finding === 'no_case_to_answer') return 'no_case_to_answer';
  if (!r.proceedings_result) return 'pending';
  if (r.proceedings_result === 'not_proven') return 'not_proven';
  if (r.misconduct_outcome) return r.misconduct_outcome;
  return r.would_have_been_dismissed ? 'would_have_been_dismissed' : 'pending';
};

const criminalBucket = (r: JoinRow): string => {
  if (r.case_type === 'misconduct') return 'not_applicable';
  if (!r.criminal_outcome || r.criminal_outcome === 'ongoing') return 'pending';
  return r.criminal_outcome;
};

/**
 * The referral figures are read from referral_fact, which statement-level triggers keep in step with
 * referrals, cases, subjects and outcomes. Two oracles after every change: the table equals the derivation
 * from scratch (and has one row per referral and subject), and the endpoint's numbers equal the figure
 * computed here, independently, from the referral-case-subject-outcome join the SQL used to run on.
 */
describe('referral facts', () => {
  let t: TestApp;
  let analyst: TestUser;
  let supervisor: TestUser;
  let linked: TestUser;
  let officerA: string;
  let officerB: string;
  let staffC: string;
  let department: string;
  let fy: number;
  let caseA: string;
  let caseB: string;
  let caseD: string;

  const api = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, body?: unknown, user = analyst) =>
    call(t.app, method, `/api/v1${url}`, { token: user.token, body });
  const ok = async (method: 'POST' | 'PUT' | 'PATCH', url: string, body?: unknown, user = analyst) => {
    const res = await api(method, url, body, user);
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${res.text}`);
    return res.body;
  };
  const version = async (caseId: string): Promise<number> =>
    (await api('GET', `/cases/${caseId}`)).body.version;
  const patch = async (caseId: string, body: Record<string, unknown>) =>
    ok('PATCH', `/cases/${caseId}`, { version: await version(caseId), ...body });
  const createCase = async (body: Record<string, unknown>): Promise<string> =>
    (
      await ok('POST', '/cases', {
        caseType: 'misconduct',
        matterType: 'conduct_matter',
        allegationSummary: 'Alleged improper relationship with a victim.',
        primaryCategory: 'abuse_of_position_sexual',
        ...body,
      })
    ).id;
  /** A date `days` before today (UTC), never in the future. */
  const daysAgo = (days: number): string =>
    new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

  /** The figure from the old join, counted here: what the endpoint must answer, year by year and in total. */
  async function reference(
    f: Filter,
    excludeMember?: string,
  ): Promise<Record<string, Record<string, number>>> {
    const year = f.basis === 'finalised' ? 'c.finalised_financial_year' : 'ref.referred_financial_year';
    const { rows } = await t.db.pool.query<JoinRow>(
      `SELECT ${year} AS fy, c.id AS case_id, ref.basis::text, ref.decision::text, c.finalised_at IS NULL AS open,
              c.case_type::text, c.primary_category::text, c.categories::text[] AS categories,
              cs.workforce_member_id AS member, w.member_type::text, w.department_id,
              o.allegation_result::text, o.misconduct_finding::text, o.proceedings_result::text,
              o.misconduct_outcome::text, o.would_have_been_dismissed, o.criminal_outcome::text
         FROM iopc_referral ref
         JOIN case_record c ON c.id = ref.case_id
         LEFT JOIN case_subject cs ON cs.case_id = c.id
         LEFT JOIN workforce_member w ON w.id = cs.workforce_member_id
         LEFT JOIN case_subject_outcome o ON o.case_id = cs.case_id AND o.workforce_member_id = cs.workforce_member_id
               AND o.confirmed_at IS NOT NULL
        WHERE ${year} BETWEEN $1 AND $2`,
      [f.from, f.to],
    );
    const byCase = new Map<string, JoinRow[]>();
    for (const r of rows) byCase.set(r.case_id, [...(byCase.get(r.case_id) ?? []), r]);
    const out: Record<string, Record<string, number>> = {};
    const bump = (y: number, key: string) => {
      for (const k of [String(y), 'total']) {
        out[k] ??= {};
        out[k][key] = (out[k][key] ?? 0) + 1;
      }
    };
    const filtered = !!(f.memberType || f.department);
    const matches = (r: JoinRow) =>
      r.member !== null &&
      (!f.memberType || r.member_type === f.memberType) &&
      (!f.department || r.department_id === f.department);
    for (const rs of byCase.values()) {
      const c = rs[0];
      if (f.category && c.primary_category !== f.category && !c.categories.includes(f.category)) continue;
      if (excludeMember && rs.some((r) => r.member === excludeMember)) continue;
      if (filtered && !rs.some(matches)) continue;
      bump(c.fy, 'referrals');
      bump(c.fy, c.basis);
      bump(c.fy, c.decision ? `iopc_${c.decision}` : 'iopc_decision_awaited');
      const best = Math.min(
        ...rs.map((r) => ALLEGATIONS.indexOf(r.allegation_result ?? '')).filter((i) => i >= 0),
      );
      bump(c.fy, c.open || best === Infinity ? 'pending' : ALLEGATIONS[best]);
      for (const r of rs.filter(matches)) {
        bump(c.fy, 'subjects');
        bump(c.fy, `misconduct_${misconductBucket(r)}`);
        bump(c.fy, `criminal_${criminalBucket(r)}`);
      }
    }
    return out;
  }

  /** GET /figures/referrals with the filter equals the reference in every column of every row. */
  async function expectFigure(f: Filter, user = supervisor, excludeMember?: string): Promise<void> {
    const params = new URLSearchParams({ from: fyText(f.from), to: fyText(f.to) });
    for (const k of ['basis', 'category', 'memberType', 'department'] as const) if (f[k]) params.set(k, f[k]);
    const res = await call(t.app, 'GET', `/api/v1/figures/referrals?${params.toString()}`, {
      token: user.token,
    });
    expect(res.status).toBe(200);
    const want = await reference(f, excludeMember);
    // The JSON keys are camelCase; the reference counts by the columns' snake_case (CSV) names.
    const columns = (res.body.columns as { key: string; csvHeader: string }[]).filter(
      (c) => c.csvHeader !== 'financial_year' && c.csvHeader !== 'basis',
    );
    const keys = columns.map((c) => c.csvHeader);
    for (const counts of Object.values(want)) for (const k of Object.keys(counts)) expect(keys).toContain(k);
    const rows = [...res.body.rows, res.body.total] as Record<string, string | number>[];
    expect(rows).toHaveLength(f.to - f.from + 2);
    for (const row of rows) {
      const y = row.financialYear === 'total' ? 'total' : String(row.financialYear).slice(0, 4);
      const expected = Object.fromEntries(keys.map((k) => [k, want[y]?.[k] ?? 0]));
      const actual = Object.fromEntries(columns.map((c) => [c.csvHeader, row[c.key]]));
      expect([JSON.stringify(f), row.financialYear, actual]).toEqual([
        JSON.stringify(f),
        row.financialYear,
        expected,
      ]);
    }
  }

  /** The table equals the derivation from scratch, with one row per referral and subject, one counting it. */
  async function expectFactsExact(): Promise<void> {
    const { rows } = await t.db.pool.query(
      `WITH scratch AS (SELECT * FROM referral_facts_of(ARRAY(SELECT case_id FROM iopc_referral)))
       SELECT (SELECT count(*) FROM (TABLE referral_fact EXCEPT ALL TABLE scratch) a)::int AS stale,
              (SELECT count(*) FROM (TABLE scratch EXCEPT ALL TABLE referral_fact) b)::int AS missing,
              (SELECT count(*) FROM referral_fact)::int AS facts,
              (SELECT count(*) FROM iopc_referral r LEFT JOIN case_subject s ON s.case_id = r.case_id)::int AS pairs,
              (SELECT count(*) FROM referral_fact WHERE counts_referral)::int AS counted,
              (SELECT count(DISTINCT case_id) FROM referral_fact WHERE counts_referral)::int AS counted_cases,
              (SELECT count(*) FROM iopc_referral)::int AS referrals`,
    );
    const r = rows[0] as Record<string, number>;
    expect(r).toEqual({
      stale: 0,
      missing: 0,
      facts: r.pairs,
      pairs: r.pairs,
      counted: r.referrals,
      counted_cases: r.referrals,
      referrals: r.referrals,
    });
  }

  /** Both oracles, over the last eight years, on each basis and with each kind of filter. */
  async function expectExact(): Promise<void> {
    await expectFactsExact();
    const range = { from: fy - 7, to: fy };
    await expectFigure(range);
    await expectFigure({ ...range, basis: 'finalised' });
    await expectFigure({ ...range, category: 'abuse_of_position_sexual' });
    await expectFigure({ ...range, category: 'drugs', basis: 'finalised' });
    await expectFigure({ ...range, memberType: 'staff' });
    await expectFigure({ ...range, memberType: 'officer', department });
    await expectFigure({ ...range, department });
    await expectFigure(range, linked, officerB);
  }

  beforeAll(async () => {
    t = await startApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    analyst = await userWith(t, [Role.Analyst]);
    supervisor = await userWith(t, [Role.Supervisor]);
    officerA = await workforceMember(t);
    officerB = await workforceMember(t);
    staffC = await workforceMember(t, { memberType: 'staff' });
    linked = await userWith(t, [Role.Auditor], { workforceMemberId: officerB });
    const { rows } = await t.db.pool.query<{ id: string; fy: number }>(
      `INSERT INTO department (code, name) VALUES ('RFX', 'Referral facts test')
       RETURNING id, case_financial_year(now()) AS fy`,
    );
    department = rows[0].id;
    fy = rows[0].fy;
    await t.db.pool.query(`UPDATE workforce_member SET department_id = $1 WHERE id = ANY($2::uuid[])`, [
      department,
      [officerA, staffC],
    ]);
  });
  afterAll(() => t.close());

  it('has no facts for a case until its referral is recorded; then one row per subject', async () => {
    caseA = await createCase({ workforceMemberIds: [officerA] });
    caseB = await createCase({
      caseType: 'criminal_and_misconduct',
      primaryCategory: 'drugs',
      categories: ['abuse_of_position_sexual'],
      workforceMemberIds: [officerB, staffC],
    });
    await expectFactsExact();
    expect((await t.db.pool.query(`SELECT 1 FROM referral_fact`)).rowCount).toBe(0);
    await ok('POST', `/cases/${caseA}/referral`, { referredOn: daysAgo(400), basis: 'mandatory' });
    await ok('POST', `/cases/${caseB}/referral`, {
      referredOn: daysAgo(30),
      basis: 'voluntary',
      reason: 'Public confidence',
    });
    const facts = await t.db.pool.query(`SELECT case_id FROM referral_fact`);
    expect(facts.rowCount).toBe(3);
    const figure = await call(t.app, 'GET', `/api/v1/figures/referrals?from=${fyText(fy - 7)}`, {
      token: supervisor.token,
    });
    expect(figure.body.total).toMatchObject({
      referrals: 2,
      mandatory: 1,
      voluntary: 1,
      subjects: 3,
      pending: 2,
    });
    await expectExact();
  });

  it('adds and removes subjects (and a refused removal changes nothing)', async () => {
    await patch(caseA, { workforceMemberIds: [officerA, staffC] });
    await expectExact();
    await patch(caseA, { workforceMemberIds: [officerA] });
    await expectExact();
  });

  it('records and re-records outcomes, counting them once confirmed', async () => {
    const confirm = (caseId: string, member: string, v: number) =>
      ok('POST', `/cases/${caseId}/subjects/${member}/outcome/confirm`, { version: v }, supervisor);
    const a = await ok('PUT', `/cases/${caseA}/subjects/${officerA}/outcome`, {
      misconductFinding: 'no_case_to_answer',
      allegationResult: 'unfounded',
    });
    await expectExact();
    await confirm(caseA, officerA, a.version as number);
    await expectExact();
    await ok('PUT', `/cases/${caseB}/subjects/${officerB}/outcome`, {
      criminalOutcome: 'charged',
      misconductFinding: 'case_to_answer',
      allegationResult: 'substantiated',
    });
    await expectExact();
    await ok('POST', `/cases/${caseB}/severity`, { severity: 'gross_misconduct', reason: 'Convicted' });
    const b = await ok('PUT', `/cases/${caseB}/subjects/${officerB}/outcome`, {
      version: 1,
      criminalOutcome: 'convicted',
      misconductFinding: 'case_to_answer',
      proceedings: 'misconduct_hearing',
      proceedingsResult: 'proven',
      misconductOutcome: 'final_written_warning',
      regime: '2020',
      allegationResult: 'substantiated',
    });
    await expectExact();
    await confirm(caseB, officerB, b.version as number);
    await expectExact();
    const refused = await api('PATCH', `/cases/${caseB}`, {
      version: await version(caseB),
      workforceMemberIds: [staffC],
    });
    expectProblem(refused, 409, 'subject_has_outcome');
    await expectExact();
  });

  it('follows the IOPC decision and a change of category', async () => {
    await ok('POST', `/cases/${caseA}/referral/decision`, { decision: 'directed', decidedOn: daysAgo(380) });
    await expectExact();
    await patch(caseA, { primaryCategory: 'drugs', categories: [] });
    const apsp = await t.db.pool.query(
      `SELECT 1 FROM referral_fact WHERE case_id = $1 AND primary_category = 'drugs'`,
      [caseA],
    );
    expect(apsp.rowCount).toBe(1);
    await expectExact();
  });

  it('resolves the allegation result when the case is finalised', async () => {
    await patch(caseA, { supervisorId: supervisor.id });
    await ok('POST', `/cases/${caseA}/start-investigation`);
    await ok('POST', `/cases/${caseA}/await-outcome`);
    await ok('POST', `/cases/${caseA}/close`, {}, supervisor);
    const { rows } = await t.db.pool.query(
      `SELECT allegation, open, finalised_financial_year FROM referral_fact WHERE case_id = $1`,
      [caseA],
    );
    expect(rows).toEqual([{ allegation: 'unfounded', open: false, finalised_financial_year: fy }]);
    await expectExact();
  });

  it('stays exact after changes made by hand in SQL', async () => {
    const sql = (text: string, values: unknown[] = []) => t.db.pool.query(text, values);
    await sql(
      `UPDATE case_subject_outcome SET allegation_result = 'malicious_or_vexatious' WHERE case_id = $1`,
      [caseA],
    );
    await expectExact();
    await sql(`UPDATE iopc_referral SET referred_on = referred_on - 365 WHERE case_id = $1`, [caseB]);
    await expectExact();
    await sql(`UPDATE case_record SET case_type = 'criminal' WHERE id = $1`, [caseA]);
    await expectExact();
    // A referral whose case has no subjects left: one row, counting the referral, with no person.
    caseD = await createCase({ workforceMemberIds: [officerA] });
    await ok('POST', `/cases/${caseD}/referral`, { referredOn: daysAgo(10), basis: 'mandatory' });
    await sql(`DELETE FROM case_subject WHERE case_id = $1`, [caseD]);
    const d = await sql(`SELECT workforce_member_id, counts_referral FROM referral_fact WHERE case_id = $1`, [
      caseD,
    ]);
    expect(d.rows).toEqual([{ workforce_member_id: null, counts_referral: true }]);
    await expectExact();
    // Cases, subjects, referrals and outcomes in one statement; then a case reopened, a referral and a case removed.
    const made = await sql(
      `WITH c AS (
         INSERT INTO case_record (reference, reference_year, reference_number, case_type, matter_type, allegation_summary,
           primary_category, categories, recorded_at, recorded_financial_year, next_update_due, pcc_report_due,
           created_by, status, finalised_at)
         SELECT 'RFX-' || g, 9100, g, (ARRAY['criminal', 'misconduct', 'criminal_and_misconduct'])[1 + g % 3]::case_type,
           'conduct_matter', 'By hand', 'abuse_of_position_sexual', ARRAY['abuse_of_position_sexual']::corruption_category[],
           now() - (g * 100 || ' days')::interval, 0, current_date, current_date, $1::uuid,
           CASE WHEN g % 2 = 0 THEN 'closed' ELSE 'open' END::case_status,
           CASE WHEN g % 2 = 0 THEN now() - (g * 50 || ' days')::interval END
         FROM generate_series(1, 12) g
         RETURNING id, reference_number AS g, case_type
       ), s AS (
         INSERT INTO case_subject (case_id, workforce_member_id)
         SELECT c.id, m FROM c, unnest($2::uuid[]) m WHERE c.g % 3 <> 0 OR m = $3::uuid
         RETURNING case_id, workforce_member_id
       ), r AS (
         INSERT INTO iopc_referral (case_id, referred_on, referred_financial_year, basis, decision, recorded_by)
         SELECT c.id, (now() - (c.g * 100 - 3 || ' days')::interval)::date, 0, 'mandatory',
           (ARRAY['independent', 'local', NULL])[1 + c.g % 3]::iopc_decision, $1::uuid
         FROM c WHERE c.g <> 12
       )
       INSERT INTO case_subject_outcome (case_id, workforce_member_id, member_type, criminal_outcome, misconduct_finding,
         allegation_result, recorded_by, recorded_financial_year)
       SELECT s.case_id, s.workforce_member_id, w.member_type,
         CASE WHEN c.case_type <> 'misconduct' THEN 'acquitted' END::criminal_outcome,
         CASE WHEN c.case_type <> 'criminal' THEN 'no_case_to_answer' END::misconduct_finding,
         (ARRAY['unsubstantiated', 'unfounded', 'substantiated'])[1 + (c.g + (s.workforce_member_id = $3::uuid)::int) % 3]::allegation_result,
         $1::uuid, 0
       FROM s JOIN c ON c.id = s.case_id JOIN workforce_member w ON w.id = s.workforce_member_id
       WHERE c.g % 4 <> 1
       RETURNING case_id`,
      [analyst.id, [officerA, officerB, staffC], officerB],
    );
    expect(made.rowCount).toBeGreaterThan(0);
    await expectExact();
    await sql(`UPDATE case_record SET finalised_at = NULL, status = 'open' WHERE reference = 'RFX-2'`);
    await expectExact();
    await sql(`DELETE FROM iopc_referral WHERE case_id = $1`, [caseD]);
    expect((await sql(`SELECT 1 FROM referral_fact WHERE case_id = $1`, [caseD])).rowCount).toBe(0);
    await sql(`DELETE FROM case_record WHERE reference = 'RFX-1'`);
    await expectExact();
  });

  it('is written by the triggers for the application role, which may only read it', async () => {
    const client = await t.db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL ROLE lantern_app');
      await client.query(
        `UPDATE case_subject_outcome SET misconduct_finding = 'case_to_answer', proceedings = 'misconduct_meeting',
                proceedings_result = 'not_proven', allegation_result = 'unsubstantiated' WHERE case_id = $1`,
        [caseA],
      );
      await client.query(`UPDATE case_record SET case_type = 'misconduct' WHERE id = $1`, [caseA]);
      expect((await client.query(`SELECT count(*)::int AS n FROM referral_fact`)).rows[0].n).toBeGreaterThan(
        0,
      );
      await client.query('SAVEPOINT s');
      await expect(
        client.query(`UPDATE referral_fact SET allegation = 'substantiated' WHERE case_id = $1`, [caseA]),
      ).rejects.toThrow(/permission denied/);
      await client.query('ROLLBACK TO SAVEPOINT s');
      await expect(client.query(`SELECT referral_fact_refresh(ARRAY[$1::uuid])`, [caseA])).rejects.toThrow(
        /permission denied/,
      );
      await client.query('ROLLBACK TO SAVEPOINT s');
      await client.query('COMMIT');
    } finally {
      client.release(true);
    }
    await expectExact();
  });

  it('keeps two transactions changing one case at once apart (the second refreshes after the first commits)', async () => {
    const c = await createCase({ workforceMemberIds: [officerA, staffC] });
    await ok('POST', `/cases/${c}/referral`, { referredOn: daysAgo(5), basis: 'mandatory' });
    const first = await t.db.pool.connect();
    const second = await t.db.pool.connect();
    const outcome = (member: string, result: string) =>
      `INSERT INTO case_subject_outcome (case_id, workforce_member_id, member_type, misconduct_finding,
         allegation_result, recorded_by, recorded_financial_year, confirmed_at)
       SELECT '${c}', id, member_type, 'no_case_to_answer', '${result}', '${analyst.id}', 0, now()
         FROM workforce_member WHERE id = '${member}'`;
    try {
      const pid = (await second.query<{ pid: number }>(`SELECT pg_backend_pid() AS pid`)).rows[0].pid;
      for (const client of [first, second]) await client.query(`BEGIN; SET LOCAL ROLE lantern_app`);
      await first.query(outcome(officerA, 'unfounded'));
      const waiting = second.query(outcome(staffC, 'malicious_or_vexatious'));
      // The second waits on the first's lock of the case before it derives the case's facts.
      for (let i = 0; ; i++) {
        const { rows } = await t.db.pool.query(
          `SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1`,
          [pid],
        );
        if (rows[0]?.wait_event_type === 'Lock') break;
        if (i > 500) throw new Error('the second transaction never waited');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await first.query('COMMIT');
      await waiting;
      await second.query('COMMIT');
    } finally {
      first.release(true);
      second.release(true);
    }
    const { rows } = await t.db.pool.query(
      `SELECT misconduct FROM referral_fact WHERE case_id = $1 ORDER BY workforce_member_id`,
      [c],
    );
    expect(rows.map((r) => r.misconduct)).toEqual(['no_case_to_answer', 'no_case_to_answer']);
    await expectExact();
  });

  it('is rebuilt after a TRUNCATE', async () => {
    await t.db.pool.query(`TRUNCATE case_subject_outcome`);
    await expectExact();
  });
});
