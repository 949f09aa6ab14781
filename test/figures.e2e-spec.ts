import copyStreams from 'pg-copy-streams';
import { Role } from '../src/common/auth/roles.js';
import { toCsv, withLiterals } from '../src/common/csv.js';
import { camelKey } from '../src/modules/figures/figures.service.js';
import { figuresBenchScenarios } from '../bench/figures.js';
import { startApp, type TestApp, whileAuditRefused } from './helpers/app.js';
import { call, expectProblem, type Reply, userWith, workforceMember, type TestUser } from './helpers/http.js';

/** A narrative and a name that must never appear in any figure. */
const SECRET_NARRATIVE = 'SECRETNARRATIVE about the subject';
const SECRET_NAME = 'Zebedee';

const ALLEGATIONS = ['substantiated', 'unsubstantiated', 'unfounded', 'malicious_or_vexatious'] as const;
type Allegation = (typeof ALLEGATIONS)[number] | 'pending';

/** The report's APSP referrals (HMICFRS 2019) with a known mix of outcomes, some still pending. */
const REPORT: Record<number, Record<Allegation, number>> = {
  2016: { substantiated: 30, unsubstantiated: 25, unfounded: 20, malicious_or_vexatious: 15, pending: 10 },
  2017: { substantiated: 50, unsubstantiated: 40, unfounded: 35, malicious_or_vexatious: 22, pending: 25 },
  2018: { substantiated: 38, unsubstantiated: 30, unfounded: 25, malicious_or_vexatious: 10, pending: 40 },
};
const DECISIONS = ['independent', 'directed', 'local', 'returned', null] as const;

/** Parses the CSV the figures write (no quoted commas in these tables). */
function csv(text: string): { header: string[]; rows: Record<string, string>[] } {
  const lines = text.trim().split(/\r?\n/);
  const header = lines[0].split(',');
  return {
    header,
    rows: lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v]))),
  };
}

describe('figures', () => {
  let t: TestApp;
  let supervisor: TestUser;
  let auditor: TestUser;
  let members: string[];
  let refBase = 0;
  /** Expected counts per year, computed from the same formulas the fixture uses. */
  const expected: Record<number, Record<string, number>> = {};

  /**
   * `n` APSP-style cases recorded in financial year `fy`, each with one subject (round robin over
   * `members`), an IOPC referral (every 10th voluntary; decision by g mod 5) and, unless pending, a
   * finalised outcome of the given allegation result 30 days after recording.
   */
  async function referralBatch(
    fy: number,
    n: number,
    result: Allegation,
    category = 'abuse_of_position_sexual',
  ): Promise<void> {
    const base = refBase;
    refBase += n;
    await t.db.pool.query(
      `WITH c AS (
         INSERT INTO case_record (reference, reference_year, reference_number, case_type, matter_type, allegation_summary,
           primary_category, categories, recorded_at, recorded_financial_year, next_update_due, pcc_report_due,
           created_by, status, finalised_at, severity)
         SELECT 'FX-' || ($1::int + g), 9000, $1::int + g, 'misconduct', 'conduct_matter', $8,
           $2::corruption_category, ARRAY[$2::corruption_category],
           ((make_date($3::int, 6, 1) + (g % 300))::timestamp + interval '10 hours') AT TIME ZONE 'Europe/London',
           0, current_date, current_date, $4::uuid,
           CASE WHEN $5::text = 'pending' THEN 'under_investigation' ELSE 'closed' END::case_status,
           CASE WHEN $5::text <> 'pending'
                THEN ((make_date($3::int, 6, 1) + (g % 300) + 30)::timestamp + interval '10 hours') AT TIME ZONE 'Europe/London' END,
           CASE WHEN $5::text = 'substantiated' THEN 'gross_misconduct' ELSE 'misconduct' END::case_severity
         FROM generate_series(1, $6::int) g
         RETURNING id, reference_number - $1::int AS g, finalised_at
       ), s AS (
         INSERT INTO case_subject (case_id, workforce_member_id)
         SELECT c.id, ($7::uuid[])[1 + c.g % array_length($7::uuid[], 1)] FROM c
         RETURNING case_id, workforce_member_id
       ), r AS (
         INSERT INTO iopc_referral (case_id, referred_on, referred_financial_year, basis, decision, decided_on, recorded_by)
         SELECT c.id, make_date($3::int, 6, 1) + (c.g % 300), 0,
           CASE WHEN c.g % 10 = 0 THEN 'voluntary' ELSE 'mandatory' END::referral_basis,
           (ARRAY['independent', 'directed', 'local', 'returned', NULL])[1 + c.g % 5]::iopc_decision,
           CASE WHEN c.g % 5 <> 4 THEN make_date($3::int, 6, 1) + (c.g % 300) + 5 END, $4::uuid
         FROM c
       )
       INSERT INTO case_subject_outcome (case_id, workforce_member_id, member_type, misconduct_finding, proceedings,
         proceedings_result, misconduct_outcome, regime, allegation_result, recorded_by, recorded_financial_year, finalised_at,
         confirmed_at)
       SELECT s.case_id, s.workforce_member_id, w.member_type,
         CASE WHEN $5::text IN ('substantiated', 'unsubstantiated') THEN 'case_to_answer' ELSE 'no_case_to_answer' END::misconduct_finding,
         CASE $5::text WHEN 'substantiated' THEN 'misconduct_hearing' WHEN 'unsubstantiated' THEN 'misconduct_meeting' END::misconduct_proceedings,
         CASE $5::text WHEN 'substantiated' THEN 'proven' WHEN 'unsubstantiated' THEN 'not_proven' END::proceedings_result,
         CASE WHEN $5::text = 'substantiated' THEN 'dismissal_without_notice' END::misconduct_outcome,
         CASE WHEN $5::text = 'substantiated' THEN '2020' END::conduct_regime,
         $5::allegation_result, $4::uuid, 0, c.finalised_at, c.finalised_at
       FROM s JOIN c ON c.id = s.case_id JOIN workforce_member w ON w.id = s.workforce_member_id
       WHERE $5::text <> 'pending'`,
      [base, category, fy, supervisor.id, result, n, members, SECRET_NARRATIVE],
    );
    if (category !== 'abuse_of_position_sexual') return;
    const e = (expected[fy] ??= {});
    for (let g = 1; g <= n; g++) {
      const bump = (k: string) => (e[k] = (e[k] ?? 0) + 1);
      bump('referrals');
      bump(result);
      bump(g % 10 === 0 ? 'voluntary' : 'mandatory');
      const d = DECISIONS[g % 5];
      bump(d ? `iopc_${d}` : 'iopc_decision_awaited');
    }
  }

  beforeAll(async () => {
    t = await startApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', CLOCK_TODAY: '2019-06-15' });
    supervisor = await userWith(t, [Role.Supervisor]);
    auditor = await userWith(t, [Role.Auditor]);
    members = [];
    for (let i = 0; i < 6; i++) {
      members.push(
        await workforceMember(t, { memberType: i % 2 ? 'staff' : 'officer', givenName: SECRET_NAME }),
      );
    }
    for (const [fy, mix] of Object.entries(REPORT)) {
      for (const [result, n] of Object.entries(mix)) await referralBatch(Number(fy), n, result as Allegation);
    }
    // Noise the APSP figures must leave out: other categories, and a year outside the range.
    await referralBatch(2017, 7, 'substantiated', 'drugs');
    await referralBatch(2019, 3, 'pending');
  });
  afterAll(() => t.close());

  const get = (url: string, user: TestUser = supervisor, headers?: Record<string, string>): Promise<Reply> =>
    call(t.app, 'GET', url, { token: user.token, headers });

  describe('referrals: the report’s table with its outcomes', () => {
    const url = '/api/v1/figures/referrals?from=2016/17&to=2018/19&category=abuse_of_position_sexual';

    it('reproduces 100, 172 and 143 APSP referrals with their outcome mix and pending, and a total row (JSON)', async () => {
      const res = await get(url);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        figure: 'referrals',
        basis: 'recorded',
        filters: { from: '2016/17', to: '2018/19', category: 'abuse_of_position_sexual' },
      });
      expect(res.body.rows.map((r: Record<string, unknown>) => [r.financialYear, r.referrals])).toEqual([
        ['2016/17', 100],
        ['2017/18', 172],
        ['2018/19', 143],
      ]);
      for (const row of res.body.rows as Record<string, number | string>[]) {
        const fy = Number(String(row.financialYear).slice(0, 4));
        expect(row.basis).toBe('recorded');
        for (const [key, n] of Object.entries(expected[fy]))
          expect([key, row[camelKey(key)]]).toEqual([key, n]);
        expect(row.pending).toBe(REPORT[fy].pending);
        // Every referral has exactly one allegation result, pending included.
        const sum = [...ALLEGATIONS, 'pending'].reduce((s, k) => s + Number(row[camelKey(k)]), 0);
        expect(sum).toBe(row.referrals);
        // People: one subject per case; outcomes follow the fixture's mapping.
        expect(row).toMatchObject({
          subjects: row.referrals,
          misconductDismissalWithoutNotice: REPORT[fy].substantiated,
          misconductNotProven: REPORT[fy].unsubstantiated,
          misconductNoCaseToAnswer: REPORT[fy].unfounded + REPORT[fy].malicious_or_vexatious,
          misconductPending: REPORT[fy].pending,
          criminalNotApplicable: row.referrals,
        });
      }
      expect(res.body.total).toMatchObject({
        financialYear: 'total',
        basis: 'recorded',
        referrals: 415,
        substantiated: 118,
        unsubstantiated: 95,
        unfounded: 80,
        maliciousOrVexatious: 47,
        pending: 75,
      });
      expect(res.body.columns.map((c: { key: string }) => c.key)).toEqual(Object.keys(res.body.rows[0]));
      // JSON keys camelCase (issue 27), each column naming its snake_case CSV header.
      expect(res.body.columns[0]).toMatchObject({ key: 'financialYear', csvHeader: 'financial_year' });
      expect(res.body.columns.find((c: { key: string }) => c.key === 'maliciousOrVexatious')).toMatchObject({
        csvHeader: 'malicious_or_vexatious',
      });
    });

    it('gives the same table as CSV, by ?format=csv and by Accept: text/csv', async () => {
      const json = await get(url);
      for (const res of [
        await get(`${url}&format=csv`),
        await get(url, supervisor, { accept: 'text/csv' }),
      ]) {
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toContain('text/csv');
        expect(res.headers['content-disposition']).toContain('referrals-2016-17-to-2018-19-recorded.csv');
        const table = csv(res.text);
        expect(table.header).toEqual(json.body.columns.map((c: { csvHeader: string }) => c.csvHeader));
        expect(table.header).toContain('pending');
        expect(table.header).toContain('malicious_or_vexatious');
        // The CSV's cells are the JSON's values, under the columns' snake_case headers.
        const header = new Map(
          (json.body.columns as { key: string; csvHeader: string }[]).map((c) => [c.key, c.csvHeader]),
        );
        const expectedRows = [...json.body.rows, json.body.total].map((r: Record<string, unknown>) =>
          Object.fromEntries(Object.entries(r).map(([k, v]) => [header.get(k), String(v)])),
        );
        expect(table.rows).toEqual(expectedRows);
        expect(table.rows.map((r) => [r.financial_year, r.referrals, r.pending])).toEqual([
          ['2016/17', '100', '10'],
          ['2017/18', '172', '25'],
          ['2018/19', '143', '40'],
          ['total', '415', '75'],
        ]);
      }
    });

    it('counts every category without the filter, and by year finalised with basis=finalised', async () => {
      const all = await get('/api/v1/figures/referrals?from=2016/17&to=2019/20');
      expect(all.body.rows.map((r: Record<string, unknown>) => r.referrals)).toEqual([100, 179, 143, 3]);
      const fin = await get(`${url}&basis=finalised`);
      expect(fin.body.basis).toBe('finalised');
      expect(fin.body.basisDescription).toMatch(/finalised/);
      expect(fin.body.rows.every((r: Record<string, unknown>) => r.basis === 'finalised')).toBe(true);
      // Counted by the year the case was finalised (30 days after recording; some cross into 2019/20).
      const n = await t.db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM iopc_referral r JOIN case_record c ON c.id = r.case_id
          WHERE c.primary_category = 'abuse_of_position_sexual' AND c.finalised_financial_year BETWEEN 2016 AND 2018`,
      );
      expect(n.rows[0].n).toBeGreaterThan(300);
      expect(fin.body.total.referrals).toBe(n.rows[0].n);
      expect(fin.body.total.pending).toBe(0);
      expect(fin.body.columns.map((c: { key: string }) => c.key)).toContain('pending');
    });

    it('shows empty years as rows of zeros, pending included', async () => {
      const res = await get(
        '/api/v1/figures/referrals?from=2013/14&to=2016/17&category=abuse_of_position_sexual',
      );
      expect(res.body.rows.map((r: Record<string, unknown>) => r.financialYear)).toEqual([
        '2013/14',
        '2014/15',
        '2015/16',
        '2016/17',
      ]);
      const empty = res.body.rows[0] as Record<string, unknown>;
      for (const c of res.body.columns as { key: string }[]) {
        if (c.key === 'financialYear' || c.key === 'basis') continue;
        expect([c.key, empty[c.key]]).toEqual([c.key, 0]);
      }
      expect(empty).toHaveProperty('pending', 0);
      expect(res.body.total.referrals).toBe(100);
    });

    it('leaves referrals and cases concerning a linked caller out of the figures, and says so', async () => {
      const linked = await userWith(t, [Role.Auditor], { workforceMemberId: members[1] });
      const mine = await get(url, linked);
      const theirs = await get(url);
      const about = await t.db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM iopc_referral r JOIN case_subject s ON s.case_id = r.case_id
           JOIN case_record c ON c.id = r.case_id
          WHERE s.workforce_member_id = $1 AND c.primary_category = 'abuse_of_position_sexual'
            AND r.referred_financial_year BETWEEN 2016 AND 2018`,
        [members[1]],
      );
      expect(about.rows[0].n).toBeGreaterThan(0);
      expect(theirs.body.callerRecordsExcluded).toBe(false);
      expect(mine.body.callerRecordsExcluded).toBe(true);
      expect(mine.body.total.referrals).toBe(415 - about.rows[0].n);
      const cases = await get(
        '/api/v1/figures/cases?from=2016/17&to=2018/19&category=abuse_of_position_sexual',
        linked,
      );
      expect(cases.body.total.people).toBe(415 - about.rows[0].n);
    });

    it('filters by member type and department of the subjects', async () => {
      const officers = await get(`${url}&memberType=officer`);
      const staff = await get(`${url}&memberType=staff`);
      expect(officers.body.total.referrals + staff.body.total.referrals).toBe(415);
      expect(officers.body.total.referrals).toBeGreaterThan(0);
      const { rows } = await t.db.pool.query<{ id: string }>(
        `INSERT INTO department (code, name) VALUES ('FIGX', 'Figures test') RETURNING id`,
      );
      await t.db.pool.query(`UPDATE workforce_member SET department_id = $1 WHERE id = $2`, [
        rows[0].id,
        members[0],
      ]);
      const dept = await get(`${url}&department=${rows[0].id}`);
      expect(dept.status).toBe(200);
      const n = await t.db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM iopc_referral r JOIN case_subject s ON s.case_id = r.case_id
           JOIN case_record c ON c.id = r.case_id
          WHERE s.workforce_member_id = $1 AND c.primary_category = 'abuse_of_position_sexual'
            AND r.referred_financial_year BETWEEN 2016 AND 2018`,
        [members[0]],
      );
      expect(dept.body.total.referrals).toBe(n.rows[0].n);
      expect(dept.body.filters.department).toBe(rows[0].id);
    });
  });

  describe('financial-year boundaries (UK local time)', () => {
    // 31 March 2018 23:59:59 BST = 22:59:59Z; 1 April 2018 00:00 BST = 31 March 23:00Z; 00:30 BST = 23:30Z.
    // In 2024 summer time began at 01:00 GMT on 31 March: 00:59:59Z that day is still GMT, in 2023/24.
    const instants: [string, number][] = [
      ['2018-03-31T22:59:59Z', 2017],
      ['2018-03-31T23:00:00Z', 2018],
      ['2018-03-31T23:30:00Z', 2018],
      ['2024-03-31T00:59:59Z', 2023],
      ['2024-03-31T22:59:59Z', 2023],
      ['2024-03-31T23:00:00Z', 2024],
      ['2015-03-31T22:59:59Z', 2014],
      ['2015-03-31T23:00:00Z', 2015],
    ];

    beforeAll(async () => {
      const subject = await workforceMember(t);
      for (const [i, [at]] of instants.entries()) {
        await t.db.pool.query(
          `INSERT INTO intelligence_report (reference, received_at, receipt_method, source_type, grading_scheme,
             source_evaluation, intelligence_assessment, handling_code, primary_category, narrative, recorded_by)
           VALUES ($1, $2, 'email', 'colleague', '3x5x2', '1', 'A', 'P', 'theft_fraud', $3, $4)`,
          [`FYB-${i}`, at, SECRET_NARRATIVE, supervisor.id],
        );
        await t.db.pool.query(
          `WITH c AS (
             INSERT INTO case_record (reference, reference_year, reference_number, case_type, matter_type,
               allegation_summary, primary_category, categories, recorded_at, recorded_financial_year,
               next_update_due, pcc_report_due, created_by)
             VALUES ($1, 8000, $2, 'misconduct', 'conduct_matter', $3, 'theft_fraud', ARRAY['theft_fraud']::corruption_category[],
               $4, 0, current_date, current_date, $5) RETURNING id)
           INSERT INTO case_subject (case_id, workforce_member_id) SELECT id, $6 FROM c`,
          [`FYB-${i}`, i, SECRET_NARRATIVE, at, supervisor.id, subject],
        );
      }
    });

    it('puts 31 March 23:59:59 and 1 April 00:00 London time in the right year, in and out of summer time (intelligence)', async () => {
      const res = await get('/api/v1/figures/intelligence?from=2014/15&to=2024/25&category=theft_fraud');
      expect(res.status).toBe(200);
      const byYear = Object.fromEntries(
        (res.body.rows as Record<string, unknown>[]).map((r) => [r.financialYear, r.received]),
      );
      const want: Record<string, number> = {};
      for (const [, fy] of instants) {
        const key = `${fy}/${String((fy + 1) % 100).padStart(2, '0')}`;
        want[key] = (want[key] ?? 0) + 1;
      }
      for (const [key, n] of Object.entries(want)) expect([key, byYear[key]]).toEqual([key, n]);
      expect(res.body.total.received).toBe(instants.length);
      expect(res.body.rows).toHaveLength(11);
    });

    it('does the same for cases by the year recorded', async () => {
      const res = await get('/api/v1/figures/cases?from=2014/15&to=2024/25&category=theft_fraud');
      const all = (res.body.rows as Record<string, unknown>[]).filter((r) => r.memberType === 'all');
      const byYear = Object.fromEntries(all.map((r) => [r.financialYear, r.people]));
      expect(byYear).toMatchObject({
        '2014/15': 1,
        '2015/16': 1,
        '2017/18': 1,
        '2018/19': 2,
        '2023/24': 2,
        '2024/25': 1,
      });
      // Nothing is finalised: everyone is pending.
      expect(res.body.total).toMatchObject({ memberType: 'all', people: 8, pending: 8, finalised: 0 });
    });
  });

  describe('cases, intelligence, capacity and the misconduct return', () => {
    it('counts people by year and member type, officers and staff apart, with a total per type', async () => {
      const res = await get(
        '/api/v1/figures/cases?from=2016/17&to=2018/19&category=abuse_of_position_sexual',
      );
      expect(res.status).toBe(200);
      const rows = res.body.rows as Record<string, number | string>[];
      expect(new Set(rows.map((r) => r.memberType))).toEqual(
        new Set(['all', 'officer', 'staff', 'special_constable', 'pcso', 'volunteer', 'contractor']),
      );
      const y17 = rows.filter((r) => r.financialYear === '2017/18');
      const all17 = y17.find((r) => r.memberType === 'all') as Record<string, number>;
      expect(all17).toMatchObject({
        people: 172,
        pending: 25,
        hearings: 50,
        hearingsProven: 50,
        hearingsGrossMisconductProven: 50,
        meetings: 40,
        meetingsProven: 0,
        proven: 50,
        notProven: 40,
        noCaseToAnswer: 57,
        outcomeDismissalWithoutNotice: 50,
        allegationMaliciousOrVexatious: 22,
        allegationPending: 25,
      });
      const officer = y17.find((r) => r.memberType === 'officer') as Record<string, number>;
      const staff = y17.find((r) => r.memberType === 'staff') as Record<string, number>;
      expect(officer.people + staff.people).toBe(172);
      expect(res.body.total).toMatchObject({ financialYear: 'total', memberType: 'all', people: 415 });
      expect(res.body.totalsByMemberType).toHaveLength(6);
      const csvRes = await get(
        '/api/v1/figures/cases?from=2016/17&to=2018/19&category=abuse_of_position_sexual&format=csv',
      );
      expect(csv(csvRes.text).rows).toHaveLength(rows.length + 7);
    });

    it('gives intelligence decisions, open reports and days to decision', async () => {
      const at = (d: string) => `${d}T12:00:00Z`;
      for (const [i, [received, reviewed, decision]] of [
        ['2018-05-01', '2018-05-11', 'no_further_action'],
        ['2018-05-01', '2018-05-21', 'disseminated'],
        ['2018-05-01', null, null],
      ].entries()) {
        await t.db.pool.query(
          `INSERT INTO intelligence_report (reference, received_at, receipt_method, source_type, grading_scheme,
             source_evaluation, intelligence_assessment, handling_code, primary_category, narrative, recorded_by,
             reviewed_at, decision, state)
           VALUES ($1, $2, 'email', 'partner_agency', '3x5x2', '1', 'A', 'P', 'drugs', $3, $4, $5, $6, $7)`,
          [
            `DEC-${i}`,
            at(received as string),
            SECRET_NARRATIVE,
            supervisor.id,
            reviewed && at(reviewed),
            decision,
            decision ?? 'received',
          ],
        );
      }
      const res = await get('/api/v1/figures/intelligence?from=2018/19&to=2018/19&category=drugs');
      expect(res.body.rows[0]).toMatchObject({
        financialYear: '2018/19',
        basis: 'recorded',
        received: 3,
        categoryDrugs: 3,
        sourcePartnerAgency: 3,
        graded3x5x2: 3,
        graded3x5x2Percent: '100.0',
        noFurtherAction: 1,
        disseminated: 1,
        open: 1,
        medianDaysToDecision: '15.0',
        p90DaysToDecision: '19.0',
      });
    });

    it('shows the queues at each month end and now', async () => {
      const res = await get('/api/v1/figures/capacity?category=abuse_of_position_sexual');
      expect(res.status).toBe(200);
      expect(res.body.basis).toBe('open_at_date');
      const rows = res.body.rows as Record<string, unknown>[];
      expect(rows.map((r) => r.period)).toEqual(['2019-04', '2019-05', 'now']);
      expect(rows[2]).toMatchObject({
        asOf: '2019-06-15',
        financialYear: '2019/20',
        basis: 'open_at_date',
      });
      // Pending APSP cases are open; the 2019/20 ones were recorded after 1 June 2019 and so are not all open yet.
      const open = await t.db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM case_record WHERE primary_category = 'abuse_of_position_sexual'
           AND finalised_at IS NULL AND recorded_at < '2019-06-16T00:00:00+01:00'`,
      );
      expect(rows[2].openCases).toBe(open.rows[0].n);
      expect(rows[2].unassignedCases).toBe(open.rows[0].n);
      expect(Number(rows[2].casesPastTarget)).toBeGreaterThan(0);
    });

    it('writes the Home Office misconduct return as CSV, one row per case and person, without names or narrative', async () => {
      const res = await get('/api/v1/figures/returns/misconduct?year=2017/18');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toContain('text/csv');
      const table = csv(res.text);
      expect(table.header).toEqual(
        expect.arrayContaining([
          'matter_type',
          'case_type',
          'primary_category',
          'breach_type',
          'referral_basis',
          'misconduct_finding',
          'proceedings',
          'severity',
          'misconduct_outcome',
          'member_type',
          'days_to_finalise',
          'ever_suspended',
          'criminal_outcome',
          'on_barred_list',
          'on_advisory_list',
        ]),
      );
      expect(table.header).not.toContain('workforce_member_id');
      const finalised = await get('/api/v1/figures/cases?from=2017/18&to=2017/18&basis=finalised');
      const all = finalised.body.rows.find((r: Record<string, unknown>) => r.memberType === 'all');
      expect(table.rows).toHaveLength(all.finalised);
      expect(
        table.rows.every((r) => r.financial_year === '2017/18' && Number(r.days_to_finalise) === 30),
      ).toBe(true);
      expect(res.text).not.toContain(SECRET_NAME);
      expect(res.text).not.toContain('SECRETNARRATIVE');
      const json = await get('/api/v1/figures/returns/misconduct?year=2017/18&format=json');
      expect(json.body).toMatchObject({ figure: 'misconduct_return', year: '2017/18', basis: 'finalised' });
      expect(json.body.rows).toHaveLength(table.rows.length);
    });

    it('leaves cases concerning the caller out of the return, and audits it with the people it covers', async () => {
      const full = await get('/api/v1/figures/returns/misconduct?year=2017/18&format=json');
      const linked = await userWith(t, [Role.Supervisor], { workforceMemberId: members[1] });
      const mine = await get('/api/v1/figures/returns/misconduct?year=2017/18&format=json', linked);
      const about = await t.db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM case_subject_outcome WHERE finalised_financial_year = 2017 AND workforce_member_id = $1`,
        [members[1]],
      );
      expect(about.rows[0].n).toBeGreaterThan(0);
      expect(mine.body.rows).toHaveLength(full.body.rows.length - about.rows[0].n);
      const audit = await t.db.pool.query<{ subject_ids: string[]; details: Record<string, unknown> }>(
        `SELECT subject_ids::text[] AS subject_ids, details FROM audit_event
          WHERE action = 'figures.misconduct_return' AND user_id = $1`,
        [linked.id],
      );
      expect(audit.rows).toHaveLength(1);
      expect(audit.rows[0].subject_ids).not.toContain(members[1]);
      expect(audit.rows[0].details).toMatchObject({ year: '2017/18', returned: mine.body.rows.length });
    });

    it('audits the CSV return with the same people, in the same order, as the JSON', async () => {
      const linked = await userWith(t, [Role.Auditor], { workforceMemberId: members[2] });
      const json = await get('/api/v1/figures/returns/misconduct?year=2017/18&format=json', linked);
      const res = await get('/api/v1/figures/returns/misconduct?year=2017/18', linked);
      expect(res.status).toBe(200);
      expect(res.headers['content-disposition']).toBe('attachment; filename="misconduct-return-2017-18.csv"');
      const audit = await t.db.pool.query<{ subject_ids: string[]; details: Record<string, unknown> }>(
        `SELECT subject_ids::text[] AS subject_ids, details FROM audit_event
          WHERE action = 'figures.misconduct_return' AND user_id = $1 ORDER BY seq`,
        [linked.id],
      );
      expect(audit.rows).toHaveLength(2);
      const [fromJson, fromCsv] = audit.rows;
      expect(fromCsv.details).toEqual(fromJson.details);
      expect(fromCsv.details).toMatchObject({ returned: json.body.rows.length });
      expect(fromCsv.subject_ids).toEqual(fromJson.subject_ids);
      const covered = await t.db.pool.query<{ id: string }>(
        `SELECT DISTINCT workforce_member_id::text AS id FROM case_subject_outcome o
          WHERE finalised_financial_year = 2017
            AND NOT EXISTS (SELECT 1 FROM case_subject s WHERE s.case_id = o.case_id AND s.workforce_member_id = $1)`,
        [members[2]],
      );
      expect([...fromCsv.subject_ids].sort()).toEqual(covered.rows.map((r) => r.id).sort());
      expect(fromCsv.subject_ids).not.toContain(members[2]);
    });

    it('sends nothing of the CSV return when its audit row cannot be written', async () => {
      const refused = await userWith(t, [Role.Supervisor]);
      // Refuses this caller's rows in audit_event, where the audit row is sealed when it commits.
      await whileAuditRefused(t.db.pool, `NEW.user_id = '${refused.id}'`, async () => {
        const res = await get('/api/v1/figures/returns/misconduct?year=2017/18', refused);
        expectProblem(res, 500, 'internal_error');
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.text).not.toContain('case_reference');
        expect(res.text).not.toContain('FX-');
      });
      expect((await get('/api/v1/figures/returns/misconduct?year=2017/18', refused)).status).toBe(200);
    });

    it('writes a figure table’s audit row beside its query: sealed before the answer, or no answer', async () => {
      const user = await userWith(t, [Role.Supervisor]);
      await whileAuditRefused(t.db.pool, `NEW.user_id = '${user.id}'`, async () => {
        for (const path of ['referrals', 'cases', 'intelligence', 'vetting', 'capacity']) {
          const res = await get(`/api/v1/figures/${path}`, user);
          expectProblem(res, 500, 'internal_error');
          expect(res.text).not.toContain('basisDescription');
        }
      });
      // A refused filter is refused before the read: no audit row calls it a read.
      expectProblem(
        await get('/api/v1/figures/cases?department=00000000-0000-4000-8000-000000000000', user),
        400,
        'validation_failed',
      );
      const res = await get('/api/v1/figures/referrals', user, { 'x-request-id': 'figure-beside-1' });
      expect(res.status).toBe(200);
      // Sealed by the time the answer arrived; nothing left pending.
      const audit = await t.db.pool.query<{ action: string; request_id: string }>(
        `SELECT action, request_id FROM audit_event WHERE user_id = $1 AND action LIKE 'figures.%' ORDER BY seq`,
        [user.id],
      );
      expect(audit.rows).toEqual([{ action: 'figures.referrals', request_id: 'figure-beside-1' }]);
      const pending = await t.db.pool.query(`SELECT count(*)::int AS n FROM audit_event_pending`);
      expect(pending.rows[0].n).toBe(0);
    });

    it('never shows narrative or names in any figure, and audits each figure read with its filters', async () => {
      for (const path of ['referrals', 'cases', 'intelligence', 'vetting', 'capacity']) {
        const res = await get(`/api/v1/figures/${path}`, auditor);
        expect([path, res.status]).toEqual([path, 200]);
        expect(res.text).not.toContain(SECRET_NAME);
        expect(res.text).not.toContain('SECRETNARRATIVE');
      }
      const audit = await t.db.pool.query<{ action: string; details: Record<string, unknown> }>(
        `SELECT action, details FROM audit_event WHERE user_id = $1 ORDER BY seq`,
        [auditor.id],
      );
      expect(audit.rows.map((r) => r.action)).toEqual(
        expect.arrayContaining([
          'figures.referrals',
          'figures.cases',
          'figures.intelligence',
          'figures.vetting',
          'figures.capacity',
        ]),
      );
      expect(audit.rows.find((r) => r.action === 'figures.referrals')?.details).toMatchObject({
        basis: 'recorded',
        from: '2010/11',
        to: '2019/20',
      });
    });
  });

  describe('the misconduct return as CSV, written by PostgreSQL', () => {
    it('writes values into COPY as literals that PostgreSQL reads back unchanged', async () => {
      const hostile = `it's a \\ "quoted" $1 ' OR 1=1 -- ; DROP TABLE x; \n😀`;
      const { rows } = await t.db.pool.query(
        `SELECT ${withLiterals('$1::text AS a, $2::text AS b, $3::int AS c, $4::boolean AS d', [hostile, null, 42, true])}`,
      );
      expect(rows[0]).toEqual({ a: hostile, b: null, c: 42, d: true });
    });

    /** Finalised in 2012/13, a year no other fixture uses. */
    const FINALISED = '2012-09-01T10:00:00+01:00';
    let staffMember: string;
    let specialConstable: string;

    /** A case with the given reference and its subjects' outcomes; `outcome` columns as SQL expressions. */
    async function returnCase(
      reference: string,
      number: number,
      subjects: { member: string; outcome: Record<string, string> }[],
      caseColumns: Record<string, string> = {},
      referral = false,
    ): Promise<void> {
      const extra = Object.entries({
        case_type: `'misconduct'`,
        matter_type: `'conduct_matter'`,
        ...caseColumns,
      });
      const { rows } = await t.db.pool.query<{ id: string }>(
        `INSERT INTO case_record (reference, reference_year, reference_number, allegation_summary, primary_category, categories, recorded_at, recorded_financial_year, next_update_due,
           pcc_report_due, created_by, status, finalised_at${extra.map(([k]) => `, ${k}`).join('')})
         VALUES ($1, 7000, $2, $3, 'theft_fraud', ARRAY['theft_fraud']::corruption_category[],
           '2012-05-01T09:00:00+01:00', 0, current_date, current_date, $4, 'closed', $5${extra.map(([, v]) => `, ${v}`).join('')})
         RETURNING id`,
        [reference, number, SECRET_NARRATIVE, supervisor.id, FINALISED],
      );
      const caseId = rows[0].id;
      if (referral) {
        await t.db.pool.query(
          `INSERT INTO iopc_referral (case_id, referred_on, referred_financial_year, basis, decision, decided_on, recorded_by)
           VALUES ($1, '2012-05-02', 0, 'voluntary', 'local', '2012-05-09', $2)`,
          [caseId, supervisor.id],
        );
      }
      for (const { member, outcome } of subjects) {
        const cols = Object.entries(outcome);
        await t.db.pool.query('INSERT INTO case_subject (case_id, workforce_member_id) VALUES ($1, $2)', [
          caseId,
          member,
        ]);
        await t.db.pool.query(
          `INSERT INTO case_subject_outcome (case_id, workforce_member_id, member_type, recorded_by,
             recorded_financial_year, finalised_at, confirmed_at${cols.map(([k]) => `, ${k}`).join('')})
           SELECT $1, w.id, w.member_type, $3, 0, $4, $4${cols.map(([, v]) => `, ${v}`).join('')}
             FROM workforce_member w WHERE w.id = $2`,
          [caseId, member, supervisor.id, FINALISED],
        );
      }
    }

    beforeAll(async () => {
      staffMember = await workforceMember(t, { memberType: 'staff', givenName: SECRET_NAME });
      specialConstable = await workforceMember(t, {
        memberType: 'special_constable',
        givenName: SECRET_NAME,
      });
      const proven = {
        misconduct_finding: `'case_to_answer'`,
        proceedings: `'misconduct_hearing'`,
        proceedings_result: `'proven'`,
        misconduct_outcome: `'final_written_warning'`,
        regime: `'2020'`,
        allegation_result: `'substantiated'`,
      };
      // References needing quoting (comma, quote, line feed, carriage return), an empty one, non-ASCII text.
      await returnCase(
        'RQ,1',
        1,
        [
          {
            member: members[0],
            outcome: {
              misconduct_finding: `'case_to_answer'`,
              proceedings: `'misconduct_hearing'`,
              proceedings_result: `'proven'`,
              left_service: `'resigned'`,
              left_service_on: `'2012-08-01'`,
              would_have_been_dismissed: 'true',
              barred_list_on: `'2012-09-02'`,
              allegation_result: `'substantiated'`,
            },
          },
        ],
        { ever_suspended: 'true', severity: `'gross_misconduct'` },
        true,
      );
      // Staff before special constable: the member types' order, which is not their alphabetical order.
      await returnCase(
        'RQ"2"',
        2,
        [
          { member: specialConstable, outcome: { ...proven, advisory_list_on: `'2012-09-03'` } },
          { member: staffMember, outcome: { ...proven, criminal_outcome: `'convicted'` } },
        ],
        {
          case_type: `'criminal_and_misconduct'`,
          matter_type: `'complaint'`,
          breach_type: `'honesty_and_integrity'`,
        },
      );
      await returnCase('RQ\n3', 3, [{ member: members[1], outcome: {} }]);
      await returnCase('RQ\r4', 4, [
        { member: members[0], outcome: { misconduct_finding: `'no_case_to_answer'` } },
      ]);
      await returnCase('', 5, [{ member: members[1], outcome: proven }]);
      await returnCase('RÜ ñ "x", y', 6, [{ member: members[0], outcome: proven }]);
    });

    it('is byte for byte what toCsv makes of the JSON rows: nulls, booleans, quoting, order', async () => {
      const res = await get('/api/v1/figures/returns/misconduct?year=2012/13');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe('attachment; filename="misconduct-return-2012-13.csv"');
      const json = await get('/api/v1/figures/returns/misconduct?year=2012/13&format=json');
      const rows = json.body.rows as Record<string, unknown>[];
      const byReference = (ref: string) => rows.filter((r) => r.caseReference === ref);
      expect(rows.map((r) => r.caseReference).sort()).toEqual(
        ['', 'RQ\n3', 'RQ\r4', 'RQ"2"', 'RQ"2"', 'RQ,1', 'RÜ ñ "x", y'].sort(),
      );
      expect(byReference('RQ"2"').map((r) => r.memberType)).toEqual(['staff', 'special_constable']);
      // The fixture has what the CSV must write alike: nulls, both booleans, numbers, quoted cells.
      expect(byReference('RQ\n3')[0]).toMatchObject({
        referralBasis: null,
        misconductFinding: null,
        wouldHaveBeenDismissed: false,
        everSuspended: false,
        onBarredList: false,
      });
      expect(byReference('RQ,1')[0]).toMatchObject({
        referralBasis: 'voluntary',
        everSuspended: true,
        wouldHaveBeenDismissed: true,
        onBarredList: true,
        leftService: 'resigned',
        daysToFinalise: 123,
      });
      const columns = json.body.columns as { key: string; csvHeader: string }[];
      const expected = toCsv(
        columns.map((c) => c.key),
        rows,
        columns.map((c) => c.csvHeader),
      );
      expect(res.bytes.equals(Buffer.from(expected, 'utf8'))).toBe(true);
      expect(res.text).toContain(',"RQ,1",');
      expect(res.text).toContain(',"RQ""2""",');
      expect(res.text).toContain(',"RQ\n3",');
      expect(res.text).toContain(',"RQ\r4",');
      expect(res.text).toContain(',"RÜ ñ ""x"", y",');
      // Empty and null cells are both written empty, never as "".
      expect(res.text).toMatch(/^2012\/13,,conduct_matter,/m);
      expect(res.text).not.toMatch(/(^|,)""(,|$)/m);
      expect(res.text).not.toContain(SECRET_NAME);
    });

    it('gives the header row alone for a year with nothing finalised, as toCsv does', async () => {
      const res = await get('/api/v1/figures/returns/misconduct?year=2001/02');
      expect(res.status).toBe(200);
      const json = await get('/api/v1/figures/returns/misconduct?year=2001/02&format=json');
      expect(json.body.rows).toEqual([]);
      expect(res.text).toBe(
        toCsv(
          (json.body.columns as { key: string }[]).map((c) => c.key),
          [],
          (json.body.columns as { csvHeader: string }[]).map((c) => c.csvHeader),
        ),
      );
    });

    it('filters the CSV as the JSON, and answers a bad filter with a problem, not CSV', async () => {
      for (const filter of ['memberType=staff', 'category=theft_fraud', 'category=drugs']) {
        const res = await get(`/api/v1/figures/returns/misconduct?year=2012/13&${filter}`);
        const json = await get(`/api/v1/figures/returns/misconduct?year=2012/13&${filter}&format=json`);
        expect([filter, res.text]).toEqual([
          filter,
          toCsv(
            (json.body.columns as { key: string }[]).map((c) => c.key),
            json.body.rows,
            (json.body.columns as { csvHeader: string }[]).map((c) => c.csvHeader),
          ),
        ]);
      }
      const unknown = await get(
        '/api/v1/figures/returns/misconduct?year=2012/13&department=00000000-0000-4000-8000-000000000000',
      );
      expectProblem(unknown, 400, 'validation_failed');
      expectProblem(
        await get('/api/v1/figures/returns/misconduct?year=2012/13&format=xml'),
        400,
        'validation_failed',
      );
    });
  });

  describe('the bench’s raw SQL', () => {
    /** A COPY … TO STDOUT run on a plain connection, its output read to the end. */
    async function copyRaw(copy: string): Promise<Buffer> {
      const client = await t.db.pool.connect();
      try {
        const chunks: Buffer[] = [];
        for await (const chunk of client.query(copyStreams.to(copy))) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks);
      } finally {
        client.release();
      }
    }

    it('is the statement each endpoint runs: same rows, raw and through the API', async () => {
      for (const s of figuresBenchScenarios('2019-06-15')) {
        const res = await get(s.path);
        expect([s.name, res.status]).toEqual([s.name, 200]);
        if (s.copy) {
          // A CSV written by PostgreSQL: the same bytes from the COPY run raw, one line per row of `sql`.
          const copied = await copyRaw(s.copy);
          expect([s.name, res.bytes.equals(copied)]).toEqual([s.name, true]);
          const rows = await t.db.pool.query(s.sql.text, s.sql.values);
          expect([s.name, copied.toString('utf8').trimEnd().split('\n').length]).toEqual([
            s.name,
            (rows.rowCount ?? 0) + 1,
          ]);
          expect(rows.rowCount).toBeGreaterThan(0);
          continue;
        }
        const raw = await t.db.pool.query<Record<string, unknown>>(s.sql.text, s.sql.values);
        const api = res.body as {
          rows: Record<string, unknown>[];
          total?: unknown;
          totalsByMemberType?: unknown[];
        };
        const apiRows = api.rows.length + (api.total ? 1 : 0) + (api.totalsByMemberType?.length ?? 0);
        expect([s.name, raw.rowCount]).toEqual([s.name, apiRows]);
        const key = Object.keys(raw.rows[0] ?? {}).find(
          (k) => k !== 'fy' && camelKey(k) in (api.rows[0] ?? {}),
        );
        if (key && api.rows.length) {
          expect([s.name, raw.rows[0][key]]).toEqual([s.name, api.rows[0][camelKey(key)]]);
        }
      }
    });
  });

  describe('bad inputs and roles', () => {
    it.each([
      ['referrals?from=2017-18', 'from'],
      ['referrals?to=2018/17', 'to'],
      ['referrals?from=2017/19', 'from'],
      ['cases?from=17/18', 'from'],
      ['referrals?category=bribery', 'category'],
      ['intelligence?category=', 'category'],
      ['cases?basis=reported', 'basis'],
      ['referrals?memberType=officers', 'memberType'],
      ['referrals?department=not-a-uuid', 'department'],
      ['referrals?department=00000000-0000-4000-8000-000000000000', 'department'],
      ['referrals?from=2018/19&to=2016/17', 'to'],
      ['referrals?from=1980/81&to=2018/19', 'from'],
      ['referrals?format=xml', 'format'],
      ['referrals?colour=red', 'colour'],
      ['vetting?category=drugs', 'category'],
      ['vetting?basis=recorded', 'basis'],
      ['vetting?from=2000/01&to=2018/19', 'from'],
      ['capacity?to=2019-20', 'to'],
      ['returns/misconduct', 'year'],
      ['returns/misconduct?year=2023-24', 'year'],
      ['returns/misconduct?year=2023/24&category=nope', 'category'],
    ])('GET /figures/%s → 400 naming %s', async (path, field) => {
      const res = await get(`/api/v1/figures/${path}`);
      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('allows supervisors and auditors only', async () => {
      const others = await Promise.all(
        [Role.Analyst, Role.VettingOfficer, Role.Admin].map((r) => userWith(t, [r])),
      );
      for (const path of [
        'referrals',
        'cases',
        'intelligence',
        'vetting',
        'capacity',
        'returns/misconduct?year=2017/18',
      ]) {
        for (const user of others)
          expectProblem(await get(`/api/v1/figures/${path}`, user), 403, 'forbidden');
        expect((await call(t.app, 'GET', `/api/v1/figures/${path}`)).status).toBe(401);
        expect((await get(`/api/v1/figures/${path}`, supervisor)).status).toBe(200);
        expect((await get(`/api/v1/figures/${path}`, auditor)).status).toBe(200);
      }
    });
  });
});

describe('figures: vetting compliance from the clearance history', () => {
  let t: TestApp;
  let auditor: TestUser;

  beforeAll(async () => {
    t = await startApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', CLOCK_TODAY: '2019-06-15' });
    auditor = await userWith(t, [Role.Auditor]);
    const member = async (type: string, leave: string | null = null): Promise<string> => {
      const id = await workforceMember(t, { memberType: type });
      await t.db.pool.query(
        `UPDATE workforce_member SET start_date = '2010-01-01', leave_date = $2 WHERE id = $1`,
        [id, leave],
      );
      return id;
    };
    const clearance = (id: string, granted: string, expires: string) =>
      t.db.pool.query(
        `INSERT INTO vetting_clearance (workforce_member_id, level, granted_on, expires_on) VALUES ($1, 'RV', $2, $3)`,
        [id, granted, expires],
      );
    // 20 in service: 18 up to date, one whose clearance expires on 10 May 2019, one long expired.
    for (let i = 0; i < 18; i++)
      await clearance(await member(i % 3 ? 'officer' : 'staff'), '2015-01-01', '2025-01-01');
    await clearance(await member('officer'), '2009-05-10', '2019-05-10');
    await clearance(await member('staff'), '2008-01-01', '2018-01-01');
    // A leaver with an expired clearance is not in the workforce any more.
    await clearance(await member('officer', '2019-01-01'), '2005-01-01', '2015-01-01');
  });
  afterAll(() => t.close());

  it('reads 90.0% when exactly 10% of the workforce is out of date, month by month from the history', async () => {
    const res = await call(t.app, 'GET', '/api/v1/figures/vetting', { token: auditor.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      figure: 'vetting',
      basis: 'state_on_date',
      total: null,
      asOf: '2019-06-15',
    });
    expect(res.body.rows).toEqual([
      expect.objectContaining({
        period: '2019-04',
        asOf: '2019-04-30',
        financialYear: '2019/20',
        workforce: 20,
        upToDate: 19,
        renewalDue: 1,
        notUpToDate: 1,
        overdue: 1,
        compliancePercent: '95.0',
      }),
      expect.objectContaining({
        period: '2019-05',
        asOf: '2019-05-31',
        workforce: 20,
        upToDate: 18,
        overdue: 2,
        compliancePercent: '90.0',
      }),
      expect.objectContaining({
        period: 'now',
        asOf: '2019-06-15',
        workforce: 20,
        upToDate: 18,
        notUpToDate: 2,
        compliancePercent: '90.0',
      }),
    ]);
    const csvRes = await call(t.app, 'GET', '/api/v1/figures/vetting?format=csv', { token: auditor.token });
    expect(csvRes.text.trim().split('\n').pop()).toBe(
      'now,2019-06-15,2019/20,state_on_date,20,18,0,2,2,0,0,90.0',
    );
  });

  it('goes back through the history: a year earlier, the 2018 expiry had not happened yet', async () => {
    const res = await call(t.app, 'GET', '/api/v1/figures/vetting?from=2017/18&to=2017/18&memberType=staff', {
      token: auditor.token,
    });
    const dec = (res.body.rows as Record<string, unknown>[]).find((r) => r.period === '2017-12');
    const jan = (res.body.rows as Record<string, unknown>[]).find((r) => r.period === '2018-01');
    expect(dec).toMatchObject({ workforce: 7, overdue: 0, renewalDue: 1, compliancePercent: '100.0' });
    expect(jan).toMatchObject({ workforce: 7, overdue: 1, compliancePercent: '85.7' });
    expect(res.body.rows).toHaveLength(13);
  });
});
