import { randomUUID } from 'node:crypto';
import { Role } from '../src/common/auth/roles.js';
import { referencePattern } from '../src/common/reference.js';
import { startApp, type TestApp } from './helpers/app.js';
import { call, expectProblem, userWith, workforceMember, type TestUser } from './helpers/http.js';

describe('cases', () => {
  let t: TestApp;
  let analyst: TestUser;
  let supervisor: TestUser;
  let subjectA: string;
  let subjectB: string;
  let staffMember: string;

  beforeAll(async () => {
    t = await startApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    analyst = await userWith(t, [Role.Analyst]);
    supervisor = await userWith(t, [Role.Supervisor]);
    subjectA = await workforceMember(t);
    subjectB = await workforceMember(t);
    staffMember = await workforceMember(t, { memberType: 'staff' });
  });
  afterAll(() => t.close());

  const base = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    caseType: 'misconduct',
    matterType: 'conduct_matter',
    allegationSummary: 'Alleged misuse of force systems to look up a partner.',
    primaryCategory: 'misuse_of_systems',
    workforceMemberIds: [subjectA],
    ...overrides,
  });
  const create = async (overrides: Record<string, unknown> = {}, user = analyst) => {
    const res = await call(t.app, 'POST', '/api/v1/cases', { token: user.token, body: base(overrides) });
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${res.text}`);
    return res.body;
  };
  const post = (url: string, body: unknown = {}, user = analyst) =>
    call(t.app, 'POST', url, { token: user.token, body });
  const count = async (sql: string, params: unknown[] = []): Promise<number> =>
    Number((await t.db.pool.query<{ n: string }>(sql, params)).rows[0].n);

  describe('creation and references', () => {
    it('creates a case with a random CASE-<year>-<6 base32> reference, referral evaluation and timeliness', async () => {
      const c = await create();
      const year = new Date().getUTCFullYear();
      expect(c.reference).toMatch(referencePattern('CASE'));
      expect(c.reference.slice(5, 9)).toBe(String(year));
      expect(c).toMatchObject({
        status: 'open',
        caseType: 'misconduct',
        categories: ['misuse_of_systems'],
        workforceMemberIds: [subjectA],
        referralRequired: false,
        referral: { referralRequired: false, criteriaMet: [], referral: null, blocksInvestigation: false },
        version: 1,
        timeliness: { updateOverdue: false, pastPccMark: false },
      });
      expect(c.subjects[0]).toMatchObject({ workforceMemberId: subjectA, memberType: 'officer' });
    });

    it('gives distinct random references to concurrent creations', async () => {
      const results = await Promise.all(
        Array.from({ length: 12 }, () =>
          call(t.app, 'POST', '/api/v1/cases', { token: analyst.token, body: base() }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(12).fill(201));
      const refs = results.map((r) => String(r.body.reference));
      expect(new Set(refs).size).toBe(12);
      for (const ref of refs) expect(ref).toMatch(referencePattern('CASE'));
      expect(
        await count(
          `SELECT count(*) AS n FROM case_record WHERE reference = ANY($1::text[]) AND reference_number IS NULL`,
          [refs],
        ),
      ).toBe(12);
    });

    it('refuses bad inputs, naming each field, and stores nothing', async () => {
      const before = await count(`SELECT count(*) AS n FROM case_record`);
      const res = await post('/api/v1/cases', {
        caseType: 'civil',
        matterType: 'gossip',
        allegationSummary: '',
        primaryCategory: 'jaywalking',
        categories: ['drugs', 'drugs'],
        workforceMemberIds: [],
        referralFacts: ['bad'],
        recordedAt: 'yesterday',
        extra: 1,
      });
      expectProblem(res, 400, 'validation_failed');
      const fields = (res.body.errors as { field: string }[]).map((e) => e.field).sort();
      expect(fields).toEqual(
        [
          'allegationSummary',
          'caseType',
          'categories',
          'extra',
          'matterType',
          'primaryCategory',
          'recordedAt',
          'referralFacts',
          'workforceMemberIds',
        ].sort(),
      );
      expectProblem(
        await post('/api/v1/cases', base({ workforceMemberIds: ['00000000-0000-4000-8000-000000000000'] })),
        400,
      );
      expectProblem(await post('/api/v1/cases', base({ workforceMemberIds: ['not-a-uuid'] })), 400);
      expectProblem(await post('/api/v1/cases', base({ investigatorId: randomUUID() })), 400);
      const future = new Date(Date.now() + 86400_000).toISOString();
      const res2 = await post('/api/v1/cases', base({ recordedAt: future }));
      expectProblem(res2, 400, 'validation_failed');
      expect(res2.body.errors[0].field).toBe('recordedAt');
      expect(await count(`SELECT count(*) AS n FROM case_record`)).toBe(before);
    });

    it('refuses an investigator without a case-working role or a supervisor who is not one', async () => {
      const vetting = await userWith(t, [Role.VettingOfficer]);
      const r1 = await post('/api/v1/cases', base({ investigatorId: vetting.id }));
      expectProblem(r1, 400, 'validation_failed');
      expect(r1.body.errors[0]).toMatchObject({ field: 'investigatorId', rule: 'isCaseWorker' });
      const r2 = await post('/api/v1/cases', base({ supervisorId: analyst.id }));
      expect(r2.body.errors[0]).toMatchObject({ field: 'supervisorId' });
    });

    it('stores the financial year recorded (UK time: 1 April 00:30 BST is the new year)', async () => {
      const c = await create({ recordedAt: '2017-03-31T23:30:00Z' });
      expect(c.recordedFinancialYear).toBe('2017/18');
      const d = await create({ recordedAt: '2017-03-31T22:30:00Z' });
      expect(d.recordedFinancialYear).toBe('2016/17');
    });
  });

  describe('reading and listing', () => {
    it('reads a case and audits the read; 404 for an unknown id, 400 for a bad one', async () => {
      const c = await create();
      const res = await call(t.app, 'GET', `/api/v1/cases/${c.id}`, { token: supervisor.token });
      expect(res.status).toBe(200);
      expect(res.body.allegationSummary).toContain('misuse');
      const audit = await t.db.pool.query(
        `SELECT subject_ids::text[] AS s, details FROM audit_event WHERE action = 'case.read' AND resource_id = $1`,
        [c.id],
      );
      expect(audit.rows).toHaveLength(1);
      expect(audit.rows[0].s).toEqual([subjectA]);
      expect(JSON.stringify(audit.rows)).not.toContain('misuse');
      expectProblem(
        await call(t.app, 'GET', `/api/v1/cases/00000000-0000-4000-8000-000000000000`, {
          token: analyst.token,
        }),
        404,
        'not_found',
      );
      expectProblem(
        await call(t.app, 'GET', `/api/v1/cases/42`, { token: analyst.token }),
        400,
        'validation_failed',
      );
    });

    it('lists with keyset pages and filters', async () => {
      const other = await workforceMember(t);
      const made = [];
      for (let i = 0; i < 5; i++)
        made.push(
          await create({
            workforceMemberIds: [other],
            primaryCategory: 'drugs',
            categories: ['theft_fraud'],
          }),
        );
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } =
          await call(
            t.app,
            'GET',
            `/api/v1/cases?workforceMemberId=${other}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
            { token: analyst.token },
          );
        expect(page.status).toBe(200);
        seen.push(...page.body.items.map((i) => i.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(made.map((c) => c.id).reverse());
      const byCat = await call(
        t.app,
        'GET',
        `/api/v1/cases?category=theft_fraud&workforceMemberId=${other}`,
        {
          token: analyst.token,
        },
      );
      expect(byCat.body.items).toHaveLength(5);
      const none = await call(
        t.app,
        'GET',
        `/api/v1/cases?category=infiltration&workforceMemberId=${other}`,
        {
          token: analyst.token,
        },
      );
      expect(none.body.items).toHaveLength(0);
      const open = await call(t.app, 'GET', `/api/v1/cases?status=closed&workforceMemberId=${other}`, {
        token: analyst.token,
      });
      expect(open.body.items).toHaveLength(0);
    });

    it('refuses bad filters', async () => {
      for (const q of [
        'status=shut',
        'category=x',
        'investigatorId=1',
        'overdueUpdate=maybe',
        'limit=500',
        'cursor=zzz',
        'minAgeDays=-1',
        'iopcDecision=x',
      ]) {
        expectProblem(
          await call(t.app, 'GET', `/api/v1/cases?${q}`, { token: analyst.token }),
          400,
          'validation_failed',
        );
      }
    });
  });

  describe('PATCH with version', () => {
    it('updates, re-evaluates the referral, and refuses a stale version', async () => {
      const c = await create();
      const res = await call(t.app, 'PATCH', `/api/v1/cases/${c.id}`, {
        token: analyst.token,
        body: {
          version: 1,
          categories: ['abuse_of_position_sexual'],
          referralFacts: ['chief_officer'],
          investigatorId: analyst.id,
        },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        version: 2,
        referralRequired: true,
        investigatorId: analyst.id,
        referral: { criteriaMet: ['apsp_or_improper_relationship', 'chief_officer'] },
      });
      const stale = await call(t.app, 'PATCH', `/api/v1/cases/${c.id}`, {
        token: analyst.token,
        body: { version: 1, allegationSummary: 'x' },
      });
      expectProblem(stale, 409, 'stale_version');
      expectProblem(
        await call(t.app, 'PATCH', `/api/v1/cases/${c.id}`, {
          token: analyst.token,
          body: { allegationSummary: 'x' },
        }),
        400,
      );
      expectProblem(
        await call(t.app, 'PATCH', `/api/v1/cases/00000000-0000-4000-8000-000000000000`, {
          token: analyst.token,
          body: { version: 1 },
        }),
        404,
      );
    });

    it('50 simultaneous PATCHes with one version: exactly one 200 and 49 × 409, the case intact', async () => {
      const c = await create();
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          call(t.app, 'PATCH', `/api/v1/cases/${c.id}`, {
            token: analyst.token,
            body: { version: 1, allegationSummary: `Edit number ${i}` },
          }),
        ),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(49);
      for (const r of results.filter((x) => x.status === 409)) expect(r.body.code).toBe('stale_version');
      const winner = results.find((r) => r.status === 200);
      const now = await call(t.app, 'GET', `/api/v1/cases/${c.id}`, { token: analyst.token });
      expect(now.body.version).toBe(2);
      expect(now.body.allegationSummary).toBe(winner?.body.allegationSummary);
      expect(now.body.workforceMemberIds).toEqual([subjectA]);
      expect(
        await count(`SELECT count(*) AS n FROM case_event WHERE case_id = $1 AND kind = 'updated'`, [c.id]),
      ).toBe(1);
    });

    it('will not remove a subject who has an outcome', async () => {
      const c = await create({ workforceMemberIds: [subjectA, subjectB] });
      await call(t.app, 'PUT', `/api/v1/cases/${c.id}/subjects/${subjectB}/outcome`, {
        token: analyst.token,
        body: { allegationResult: 'unfounded', misconductFinding: 'no_case_to_answer' },
      });
      const res = await call(t.app, 'PATCH', `/api/v1/cases/${c.id}`, {
        token: analyst.token,
        body: { version: 2, workforceMemberIds: [subjectA] },
      });
      expectProblem(res, 409, 'subject_has_outcome');
    });
  });

  describe('lifecycle', () => {
    it('moves open → under_investigation → suspended → (resume) → awaiting_outcome; refuses out of order', async () => {
      const c = await create();
      expectProblem(await post(`/api/v1/cases/${c.id}/await-outcome`), 409, 'invalid_transition');
      expectProblem(await post(`/api/v1/cases/${c.id}/resume`), 409, 'invalid_transition');
      expect((await post(`/api/v1/cases/${c.id}/start-investigation`)).body.status).toBe(
        'under_investigation',
      );
      expectProblem(await post(`/api/v1/cases/${c.id}/start-investigation`), 409, 'invalid_transition');
      expectProblem(await post(`/api/v1/cases/${c.id}/suspend`, {}), 400, 'validation_failed');
      const s = await post(`/api/v1/cases/${c.id}/suspend`, { reason: 'Awaiting criminal trial' });
      expect(s.body).toMatchObject({
        status: 'suspended',
        suspendedFrom: 'under_investigation',
        suspensionReason: 'Awaiting criminal trial',
      });
      expectProblem(
        await post(`/api/v1/cases/${c.id}/suspend`, { reason: 'again' }),
        409,
        'invalid_transition',
      );
      expectProblem(await post(`/api/v1/cases/${c.id}/resume`, { version: 1 }), 409, 'stale_version');
      expect((await post(`/api/v1/cases/${c.id}/resume`)).body).toMatchObject({
        status: 'under_investigation',
        suspendedFrom: null,
      });
      expect((await post(`/api/v1/cases/${c.id}/await-outcome`)).body.status).toBe('awaiting_outcome');
    });

    it('refuses to close with the list of what is missing, then closes', async () => {
      const c = await create({
        caseType: 'criminal_and_misconduct',
        workforceMemberIds: [subjectA, subjectB],
      });
      await post(`/api/v1/cases/${c.id}/start-investigation`);
      expectProblem(await post(`/api/v1/cases/${c.id}/close`, {}, analyst), 403, 'forbidden');
      await call(t.app, 'PUT', `/api/v1/cases/${c.id}/subjects/${subjectA}/outcome`, {
        token: analyst.token,
        body: {
          allegationResult: 'substantiated',
          criminalOutcome: 'ongoing',
          misconductFinding: 'case_to_answer',
        },
      });
      const refused = await post(`/api/v1/cases/${c.id}/close`, {}, supervisor);
      expectProblem(refused, 409, 'case_not_ready_to_close');
      const missing = refused.body.missing as {
        code: string;
        workforceMemberId?: string;
        fields?: string[];
      }[];
      expect(missing).toEqual(
        expect.arrayContaining([
          { code: 'supervisor_missing' },
          {
            code: 'outcome_incomplete',
            workforceMemberId: subjectA,
            fields: ['criminalOutcome', 'proceedings', 'proceedingsResult'],
          },
          { code: 'outcome_missing', workforceMemberId: subjectB, fields: ['outcome'] },
        ]),
      );
      expect(missing).toHaveLength(3);
      const cur = await call(t.app, 'GET', `/api/v1/cases/${c.id}`, { token: analyst.token });
      await call(t.app, 'PATCH', `/api/v1/cases/${c.id}`, {
        token: analyst.token,
        body: { version: cur.body.version, supervisorId: supervisor.id },
      });
      await post(`/api/v1/cases/${c.id}/severity`, {
        severity: 'gross_misconduct',
        reason: 'Convicted',
        workforceMemberId: subjectA,
      });
      const a = await call(t.app, 'PUT', `/api/v1/cases/${c.id}/subjects/${subjectA}/outcome`, {
        token: analyst.token,
        body: {
          version: 1,
          allegationResult: 'substantiated',
          criminalOutcome: 'convicted',
          misconductFinding: 'case_to_answer',
          proceedings: 'misconduct_hearing',
          proceedingsResult: 'proven',
          misconductOutcome: 'final_written_warning',
          regime: '2020',
        },
      });
      expect(a.status).toBe(200);
      expect(a.body).toMatchObject({
        missing: ['confirmation'],
        confirmed: false,
        regime: '2020',
        severity: 'gross_misconduct',
        version: 2,
        finalisedAt: null,
      });
      const b = await call(t.app, 'PUT', `/api/v1/cases/${c.id}/subjects/${subjectB}/outcome`, {
        token: analyst.token,
        body: {
          allegationResult: 'malicious_or_vexatious',
          criminalOutcome: 'no_further_action',
          misconductFinding: 'no_case_to_answer',
        },
      });
      // proposals are not enough: each outcome is confirmed by a supervisor who did not propose it
      const unconfirmed = await post(`/api/v1/cases/${c.id}/close`, {}, supervisor);
      expectProblem(unconfirmed, 409, 'case_not_ready_to_close');
      expect(unconfirmed.body.missing).toEqual(
        [
          { code: 'outcome_unconfirmed', workforceMemberId: subjectA },
          { code: 'outcome_unconfirmed', workforceMemberId: subjectB },
        ].sort((x, y) => x.workforceMemberId.localeCompare(y.workforceMemberId)),
      );
      for (const [member, version] of [
        [subjectA, a.body.version],
        [subjectB, b.body.version],
      ]) {
        const confirmed = await post(
          `/api/v1/cases/${c.id}/subjects/${member}/outcome/confirm`,
          { version },
          supervisor,
        );
        expect(confirmed.status).toBe(200);
        expect(confirmed.body).toMatchObject({
          confirmed: true,
          confirmedBy: supervisor.id,
          missing: [],
          finalisedAt: expect.any(String),
        });
      }
      const closed = await post(`/api/v1/cases/${c.id}/close`, {}, supervisor);
      expect(closed.status).toBe(200);
      expect(closed.body).toMatchObject({ status: 'closed', finalisedAt: expect.any(String) });
      expectProblem(await post(`/api/v1/cases/${c.id}/suspend`, { reason: 'x' }), 409, 'invalid_transition');
      expectProblem(
        await call(t.app, 'PATCH', `/api/v1/cases/${c.id}`, {
          token: analyst.token,
          body: { version: closed.body.version, allegationSummary: 'x' },
        }),
        409,
        'case_closed',
      );
      expectProblem(await post(`/api/v1/cases/${c.id}/notes`, { text: '' }), 400);
      const fy = await t.db.pool.query(`SELECT finalised_financial_year FROM case_record WHERE id = $1`, [
        c.id,
      ]);
      expect(fy.rows[0].finalised_financial_year).toBeGreaterThanOrEqual(2026);
    });
  });

  describe('IOPC referral', () => {
    it('blocks an APSP case from starting until a referral is recorded; records the IOPC decision', async () => {
      const c = await create({ primaryCategory: 'abuse_of_position_sexual' });
      expect(c.referral).toMatchObject({
        referralRequired: true,
        criteriaMet: ['apsp_or_improper_relationship'],
        blocksInvestigation: true,
      });
      const blocked = await post(`/api/v1/cases/${c.id}/start-investigation`);
      expectProblem(blocked, 409, 'referral_decision_required');
      expect(blocked.body.criteriaMet).toEqual(['apsp_or_improper_relationship']);
      expectProblem(
        await post(`/api/v1/cases/${c.id}/referral/decision`, { decision: 'local', decidedOn: '2026-01-02' }),
        409,
        'no_referral',
      );
      expectProblem(
        await post(`/api/v1/cases/${c.id}/referral`, { referredOn: '2026-13-01', basis: 'sometimes' }),
        400,
      );
      expectProblem(
        await post(`/api/v1/cases/${c.id}/referral`, { referredOn: '2999-01-01', basis: 'mandatory' }),
        400,
      );
      const r = await post(`/api/v1/cases/${c.id}/referral`, {
        referredOn: '2025-06-01',
        basis: 'mandatory',
        iopcReference: 'IOPC-2025-1',
      });
      expect(r.status).toBe(201);
      expect(r.body.referral).toMatchObject({
        blocksInvestigation: false,
        referral: {
          basis: 'mandatory',
          criteria: ['apsp_or_improper_relationship'],
          financialYear: '2025/26',
          decision: null,
        },
      });
      expectProblem(
        await post(`/api/v1/cases/${c.id}/referral`, { referredOn: '2025-06-01', basis: 'mandatory' }),
        409,
        'referral_exists',
      );
      expectProblem(
        await post(`/api/v1/cases/${c.id}/referral/decision`, { decision: 'local', decidedOn: '2025-05-01' }),
        422,
        'decision_before_referral',
      );
      expectProblem(
        await post(`/api/v1/cases/${c.id}/referral/decision`, {
          decision: 'elsewhere',
          decidedOn: '2025-07-01',
        }),
        400,
      );
      const d = await post(`/api/v1/cases/${c.id}/referral/decision`, {
        decision: 'directed',
        decidedOn: '2025-07-01',
      });
      expect(d.status).toBe(200);
      expect(d.body).toMatchObject({
        iopcDecision: 'directed',
        referral: { referral: { decision: 'directed', decidedOn: '2025-07-01' } },
      });
      expectProblem(
        await post(`/api/v1/cases/${c.id}/referral/decision`, { decision: 'local', decidedOn: '2025-07-02' }),
        409,
        'referral_already_decided',
      );
      expect((await post(`/api/v1/cases/${c.id}/start-investigation`)).status).toBe(200);
      const listed = await call(t.app, 'GET', `/api/v1/cases?iopcDecision=directed`, {
        token: analyst.token,
      });
      expect(listed.body.items.map((i: { id: string }) => i.id)).toContain(c.id);
    });

    it('lets a supervisor (only) record why no referral was made, which unblocks the investigation', async () => {
      const c = await create({ primaryCategory: 'drugs', referralFacts: ['serious_assault'] });
      expect(c.referralRequired).toBe(true);
      expectProblem(
        await post(`/api/v1/cases/${c.id}/no-referral`, { reason: 'x' }, analyst),
        403,
        'forbidden',
      );
      expectProblem(
        await post(`/api/v1/cases/${c.id}/no-referral`, {}, supervisor),
        400,
        'validation_failed',
      );
      const n = await post(
        `/api/v1/cases/${c.id}/no-referral`,
        { reason: 'Assault was minor on review' },
        supervisor,
      );
      expect(n.body.referral).toMatchObject({
        noReferral: { reason: 'Assault was minor on review', recordedBy: supervisor.id },
        blocksInvestigation: false,
      });
      expect((await post(`/api/v1/cases/${c.id}/start-investigation`)).status).toBe(200);
      const plain = await create();
      expectProblem(
        await post(`/api/v1/cases/${plain.id}/no-referral`, { reason: 'x' }, supervisor),
        409,
        'referral_not_required',
      );
    });

    it('needs a reason for a voluntary referral and criteria for a mandatory one', async () => {
      const c = await create();
      const v = await post(`/api/v1/cases/${c.id}/referral`, {
        referredOn: '2024-01-01',
        basis: 'voluntary',
      });
      expectProblem(v, 400, 'validation_failed');
      expect(v.body.errors[0].field).toBe('reason');
      expectProblem(
        await post(`/api/v1/cases/${c.id}/referral`, { referredOn: '2024-01-01', basis: 'mandatory' }),
        422,
        'mandatory_referral_needs_criteria',
      );
      const ok = await post(`/api/v1/cases/${c.id}/referral`, {
        referredOn: '2024-01-01',
        basis: 'voluntary',
        reason: 'Public interest',
      });
      expect(ok.body.referral.referral).toMatchObject({ basis: 'voluntary', financialYear: '2023/24' });
    });
  });

  describe('outcomes', () => {
    let caseId: string;
    beforeAll(async () => {
      caseId = (await create({ workforceMemberIds: [subjectA, staffMember] })).id;
      await post(`/api/v1/cases/${caseId}/severity`, { severity: 'gross_misconduct', reason: 'Assessed' });
    });
    const put = (member: string, body: Record<string, unknown>) =>
      call(t.app, 'PUT', `/api/v1/cases/${caseId}/subjects/${member}/outcome`, {
        token: analyst.token,
        body,
      });
    const proven = {
      misconductFinding: 'case_to_answer',
      proceedingsResult: 'proven',
      allegationResult: 'substantiated',
    };

    it.each([
      [
        {
          ...proven,
          proceedings: 'misconduct_meeting',
          misconductOutcome: 'reduction_in_rank',
          regime: '2020',
        },
        'outcome_not_available_from_proceedings',
      ],
      [
        {
          ...proven,
          proceedings: 'misconduct_meeting',
          misconductOutcome: 'dismissal_without_notice',
          regime: '2020',
        },
        'outcome_not_available_from_proceedings',
      ],
      [
        {
          ...proven,
          proceedings: 'misconduct_hearing',
          misconductOutcome: 'dismissal_with_notice',
          regime: '2020',
        },
        'outcome_not_in_regime',
      ],
      [
        { misconductFinding: 'no_case_to_answer', proceedingsResult: 'proven' },
        'result_needs_case_to_answer',
      ],
      [{ criminalOutcome: 'charged' }, 'criminal_outcome_needs_criminal_case'],
      [{ advisoryListOn: '2024-01-01' }, 'advisory_list_needs_left_service'],
    ])('refuses %j naming rule %s', async (body, rule) => {
      const res = await put(subjectA, body);
      expectProblem(res, 422, 'outcome_not_allowed');
      expect(res.body.rules).toContain(rule);
      expect(res.body.errors.map((e: { rule: string }) => e.rule)).toContain(rule);
    });

    it('refuses a reduction in rank for staff, unknown codes, and non-subjects; stores nothing', async () => {
      const r = await put(staffMember, {
        ...proven,
        proceedings: 'misconduct_hearing',
        misconductOutcome: 'reduction_in_rank',
        regime: '2020',
      });
      expect(r.body.rules).toEqual([
        'regime_follows_the_matter',
        'outcome_not_in_regime',
        'reduction_in_rank_officers_only',
      ]);
      expectProblem(await put(subjectA, { misconductOutcome: 'sacked' }), 400, 'validation_failed');
      expectProblem(await put(subjectA, { leftServiceOn: '31/12/2024' }), 400, 'validation_failed');
      expectProblem(await put(subjectB, { allegationResult: 'unfounded' }), 404, 'not_found');
      expectProblem(
        await call(t.app, 'PUT', `/api/v1/cases/${caseId}/subjects/x/outcome`, {
          token: analyst.token,
          body: {},
        }),
        400,
      );
      expect(await count(`SELECT count(*) AS n FROM case_subject_outcome WHERE case_id = $1`, [caseId])).toBe(
        0,
      );
    });

    it('records a leaver’s would-have-been-dismissed finding and the Barred and Advisory List entries', async () => {
      const res = await put(staffMember, {
        ...proven,
        proceedings: 'misconduct_hearing',
        leftService: 'resigned',
        leftServiceOn: '2024-02-01',
        wouldHaveBeenDismissed: true,
        advisoryListOn: '2024-02-10',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        memberType: 'staff',
        regime: 'staff',
        wouldHaveBeenDismissed: true,
        missing: ['confirmation'],
        leftService: 'resigned',
      });
      const c = await call(t.app, 'GET', `/api/v1/cases/${caseId}`, { token: analyst.token });
      expect(c.body.barredListReminder).toMatchObject({ workforceMemberIds: [staffMember] });
      const stale = await put(staffMember, { ...proven });
      expectProblem(stale, 409, 'stale_version');
      const fixed = await put(staffMember, {
        ...proven,
        version: 1,
        proceedings: 'misconduct_hearing',
        leftService: 'resigned',
        leftServiceOn: '2024-02-01',
        wouldHaveBeenDismissed: true,
        advisoryListOn: '2024-02-10',
        barredListOn: '2024-03-01',
      });
      expect(fixed.body).toMatchObject({ barredListOn: '2024-03-01', version: 2 });
      const after = await call(t.app, 'GET', `/api/v1/cases/${caseId}`, { token: analyst.token });
      expect(after.body.barredListReminder).toBeNull();
    });

    it('raises a Barred List reminder on a dismissal', async () => {
      const res = await put(subjectA, {
        ...proven,
        proceedings: 'misconduct_hearing',
        misconductOutcome: 'dismissal_without_notice',
        regime: '2020',
      });
      expect(res.status).toBe(200);
      const c = await call(t.app, 'GET', `/api/v1/cases/${caseId}`, { token: analyst.token });
      expect(c.body.barredListReminder).toMatchObject({
        raisedAt: expect.any(String),
        workforceMemberIds: [subjectA],
      });
      const tl = await call(t.app, 'GET', `/api/v1/cases/${caseId}/timeline?limit=200`, {
        token: analyst.token,
      });
      expect(tl.body.items.map((e: { kind: string }) => e.kind)).toContain('barred_list_reminder');
    });

    it('raises one review_required vetting alert (with its outbox message) for a proven outcome short of dismissal', async () => {
      const member = await workforceMember(t);
      const c = await create({ workforceMemberIds: [member] });
      await post(`/api/v1/cases/${c.id}/severity`, { severity: 'misconduct', reason: 'Assessed' });
      const confirm = (caseId: string, who: string, version: number) =>
        post(`/api/v1/cases/${caseId}/subjects/${who}/outcome/confirm`, { version }, supervisor);
      const body = {
        ...proven,
        proceedings: 'misconduct_meeting',
        misconductOutcome: 'written_warning',
        regime: '2020',
      };
      const first = await call(t.app, 'PUT', `/api/v1/cases/${c.id}/subjects/${member}/outcome`, {
        token: analyst.token,
        body,
      });
      expect(first.status).toBe(200);
      const alerts = async () =>
        (
          await t.db.pool.query(
            `SELECT a.id, a.kind::text, a.source_type::text, a.source_id,
                    (SELECT count(*)::int FROM outbox_message o WHERE o.idempotency_key = 'vetting-alert-raised:' || a.id) AS outbox
               FROM vetting_alert a WHERE a.workforce_member_id = $1`,
            [member],
          )
        ).rows;
      // a proposal raises nothing; its confirmation does
      expect(await alerts()).toEqual([]);
      expect((await confirm(c.id, member, first.body.version)).status).toBe(200);
      expect(await alerts()).toEqual([
        {
          id: expect.any(String),
          kind: 'review_required',
          source_type: 'misconduct_outcome',
          source_id: first.body.id,
          outbox: 1,
        },
      ]);
      const again = await call(t.app, 'PUT', `/api/v1/cases/${c.id}/subjects/${member}/outcome`, {
        token: analyst.token,
        body: { ...body, misconductOutcome: 'final_written_warning', version: 2 },
      });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ confirmed: false, confirmedAt: null, finalisedAt: null });
      expect((await confirm(c.id, member, again.body.version)).status).toBe(200);
      expect(await alerts()).toHaveLength(1);

      const dismissed = await workforceMember(t);
      const d = await create({ workforceMemberIds: [dismissed] });
      await post(`/api/v1/cases/${d.id}/severity`, { severity: 'gross_misconduct', reason: 'Assessed' });
      const proposal = await call(t.app, 'PUT', `/api/v1/cases/${d.id}/subjects/${dismissed}/outcome`, {
        token: analyst.token,
        body: {
          ...proven,
          proceedings: 'misconduct_hearing',
          misconductOutcome: 'dismissal_without_notice',
          regime: '2020',
        },
      });
      expect((await confirm(d.id, dismissed, proposal.body.version)).status).toBe(200);
      const none = await t.db.pool.query(`SELECT 1 FROM vetting_alert WHERE workforce_member_id = $1`, [
        dismissed,
      ]);
      expect(none.rows).toEqual([]);
    });

    it('accepts regime 2012 outcomes (management advice) for a matter from before 1 February 2020 only', async () => {
      const old = await create({ workforceMemberIds: [subjectB], recordedAt: '2019-06-01T10:00:00Z' });
      await post(`/api/v1/cases/${old.id}/severity`, { severity: 'misconduct', reason: 'Assessed' });
      const body = {
        ...proven,
        proceedings: 'misconduct_meeting',
        misconductOutcome: 'management_advice',
        regime: '2012',
      };
      const res = await call(t.app, 'PUT', `/api/v1/cases/${old.id}/subjects/${subjectB}/outcome`, {
        token: analyst.token,
        body,
      });
      expect(res.status).toBe(200);
      expect(res.body.regime).toBe('2012');
      const view = await call(t.app, 'GET', `/api/v1/cases/${old.id}`, { token: analyst.token });
      expect(view.body.subjects[0]).toMatchObject({ regime: '2012', severity: 'misconduct' });

      // issue 26: a 2026 matter accepted under the 2012 regime
      const now = await create({ workforceMemberIds: [subjectB] });
      await post(`/api/v1/cases/${now.id}/severity`, { severity: 'misconduct', reason: 'Assessed' });
      const refused = await call(t.app, 'PUT', `/api/v1/cases/${now.id}/subjects/${subjectB}/outcome`, {
        token: analyst.token,
        body,
      });
      expectProblem(refused, 422, 'outcome_not_allowed');
      expect(refused.body.errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ field: 'regime', rule: 'regime_follows_the_matter' }),
        ]),
      );
      // omitted, the regime is derived and stored
      const derived = await call(t.app, 'PUT', `/api/v1/cases/${now.id}/subjects/${subjectB}/outcome`, {
        token: analyst.token,
        body: { ...body, misconductOutcome: 'written_warning', regime: undefined },
      });
      expect(derived.status).toBe(200);
      expect(derived.body.regime).toBe('2020');
    });

    it('refuses what the severity and the staff procedure forbid, naming each rule on its request field (issue 26)', async () => {
      const c = await create({ workforceMemberIds: [subjectA, staffMember] });
      const putOn = (member: string, body: Record<string, unknown>) =>
        call(t.app, 'PUT', `/api/v1/cases/${c.id}/subjects/${member}/outcome`, {
          token: analyst.token,
          body,
        });
      const fields = (res: { body: { errors: { field: string; rule: string }[] } }) =>
        res.body.errors.map((e) => `${e.field}:${e.rule}`).sort();
      // no severity yet: no proceedings
      const unassessed = await putOn(subjectA, { ...proven, proceedings: 'misconduct_hearing' });
      expectProblem(unassessed, 422, 'outcome_not_allowed');
      expect(fields(unassessed)).toEqual(['proceedings:proceedings_need_severity']);
      // a dismissal on a subject assessed as practice requiring improvement
      await post(`/api/v1/cases/${c.id}/severity`, {
        severity: 'practice_requiring_improvement',
        reason: 'Learning',
        workforceMemberId: subjectA,
      });
      const pri = await putOn(subjectA, {
        ...proven,
        proceedings: 'misconduct_hearing',
        misconductOutcome: 'dismissal_without_notice',
      });
      expectProblem(pri, 422, 'outcome_not_allowed');
      expect(fields(pri)).toEqual([
        'misconductFinding:case_to_answer_needs_misconduct',
        'misconductOutcome:practice_requiring_improvement_reflective_practice_only',
        'proceedings:practice_requiring_improvement_no_proceedings',
      ]);
      // reflective practice is what follows, without proceedings
      const rprp = await putOn(subjectA, {
        misconductFinding: 'no_case_to_answer',
        misconductOutcome: 'reflective_practice',
        allegationResult: 'substantiated',
      });
      expect(rprp.status).toBe(200);
      // the staff member: assessed separately, as misconduct then gross misconduct
      await post(`/api/v1/cases/${c.id}/severity`, {
        severity: 'misconduct',
        reason: 'First view',
        workforceMemberId: staffMember,
      });
      const hearing = await putOn(staffMember, {
        ...proven,
        proceedings: 'misconduct_hearing',
        misconductOutcome: 'written_warning',
        regime: '2020',
      });
      expect(fields(hearing)).toEqual([
        'proceedings:misconduct_meeting_only',
        'regime:regime_follows_the_matter',
      ]);
      await post(`/api/v1/cases/${c.id}/severity`, {
        severity: 'gross_misconduct',
        reason: 'New evidence',
        workforceMemberId: staffMember,
      });
      const accelerated = await putOn(staffMember, {
        ...proven,
        proceedings: 'accelerated_hearing',
        misconductOutcome: 'dismissal_without_notice',
        regime: '2020',
      });
      expect(fields(accelerated)).toEqual([
        'proceedings:accelerated_hearing_not_for_staff',
        'regime:regime_follows_the_matter',
      ]);
      const staffOk = await putOn(staffMember, {
        ...proven,
        proceedings: 'misconduct_hearing',
        misconductOutcome: 'dismissal_with_notice',
      });
      expect(staffOk.status).toBe(200);
      expect(staffOk.body).toMatchObject({ regime: 'staff', severity: 'gross_misconduct' });
      const view = await call(t.app, 'GET', `/api/v1/cases/${c.id}`, { token: analyst.token });
      const bySubject = Object.fromEntries(
        view.body.subjects.map((s: { workforceMemberId: string }) => [s.workforceMemberId, s]),
      );
      expect(bySubject[subjectA]).toMatchObject({
        regime: '2020',
        severity: 'practice_requiring_improvement',
      });
      expect(bySubject[staffMember]).toMatchObject({ regime: 'staff', severity: 'gross_misconduct' });
      expect(
        view.body.severityHistory.map((h: { workforceMemberId: string }) => h.workforceMemberId),
      ).toEqual([subjectA, staffMember, staffMember]);
      expectProblem(
        await post(`/api/v1/cases/${c.id}/severity`, {
          severity: 'misconduct',
          reason: 'x',
          workforceMemberId: subjectB,
        }),
        400,
      );
      // the refused proceedings were never stored
      expect(
        await count(
          `SELECT count(*) AS n FROM case_subject_outcome WHERE case_id = $1 AND proceedings IS NOT NULL AND workforce_member_id = $2`,
          [c.id, subjectA],
        ),
      ).toBe(0);
    });

    it('lets a supervisor correct a recorded IOPC decision with a reason, keeping the earlier one; the facts follow', async () => {
      const c = await create({ workforceMemberIds: [subjectA] });
      await post(`/api/v1/cases/${c.id}/referral`, {
        referredOn: '2026-01-05',
        basis: 'voluntary',
        reason: 'x',
      });
      await post(`/api/v1/cases/${c.id}/referral/decision`, { decision: 'local', decidedOn: '2026-01-20' });
      const url = `/api/v1/cases/${c.id}/referral/correction`;
      // before issue 26 a recorded decision could not be corrected at all
      expectProblem(
        await post(`/api/v1/cases/${c.id}/referral/decision`, {
          decision: 'independent',
          decidedOn: '2026-01-20',
        }),
        409,
        'referral_already_decided',
      );
      expectProblem(
        await post(url, { decision: 'independent', reason: 'Misread' }, analyst),
        403,
        'forbidden',
      );
      expectProblem(await post(url, { decision: 'independent' }, supervisor), 400, 'validation_failed');
      expectProblem(await post(url, { reason: 'Nothing' }, supervisor), 400);
      expectProblem(
        await post(url, { decision: 'sideways', reason: 'x' }, supervisor),
        400,
        'validation_failed',
      );
      expectProblem(
        await post(url, { decidedOn: '2025-12-01', reason: 'x' }, supervisor),
        422,
        'decision_before_referral',
      );
      const fact = async () =>
        (await t.db.pool.query(`SELECT decision::text FROM referral_fact WHERE case_id = $1`, [c.id])).rows;
      expect(await fact()).toEqual([{ decision: 'local' }]);
      const ok = await post(
        url,
        { decision: 'independent', reason: 'The IOPC letter was misread' },
        supervisor,
      );
      expect(ok.status).toBe(200);
      expect(ok.body.referral.referral).toMatchObject({ decision: 'independent', decidedOn: '2026-01-20' });
      expect(await fact()).toEqual([{ decision: 'independent' }]);
      const tl = await call(t.app, 'GET', `/api/v1/cases/${c.id}/timeline?limit=200`, {
        token: analyst.token,
      });
      const corrected = tl.body.items.find((e: { kind: string }) => e.kind === 'referral_corrected');
      expect(corrected).toMatchObject({
        note: 'The IOPC letter was misread',
        details: { before: { decision: 'local' }, after: { decision: 'independent' } },
      });
      const none = await create({ workforceMemberIds: [subjectA] });
      expectProblem(
        await post(
          `/api/v1/cases/${none.id}/referral/correction`,
          { basis: 'voluntary', reason: 'x' },
          supervisor,
        ),
        409,
        'no_referral',
      );
    });

    it('counts an outcome only once a supervisor who did not propose it confirms it', async () => {
      const c = await create({ workforceMemberIds: [subjectA] });
      await post(`/api/v1/cases/${c.id}/severity`, { severity: 'misconduct', reason: 'Assessed' });
      await post(`/api/v1/cases/${c.id}/referral`, {
        referredOn: '2026-01-05',
        basis: 'voluntary',
        reason: 'x',
      });
      const proposed = await call(t.app, 'PUT', `/api/v1/cases/${c.id}/subjects/${subjectA}/outcome`, {
        token: supervisor.token,
        body: { ...proven, proceedings: 'misconduct_meeting', misconductOutcome: 'written_warning' },
      });
      expect(proposed.status).toBe(200);
      const fact = async () =>
        (await t.db.pool.query(`SELECT misconduct FROM referral_fact WHERE case_id = $1`, [c.id])).rows;
      expect(await fact()).toEqual([{ misconduct: 'pending' }]);
      const url = `/api/v1/cases/${c.id}/subjects/${subjectA}/outcome/confirm`;
      expectProblem(await post(url, { version: proposed.body.version }, analyst), 403, 'forbidden');
      expectProblem(
        await post(url, { version: proposed.body.version }, supervisor),
        409,
        'confirmer_is_proposer',
      );
      const other = await userWith(t, [Role.Supervisor]);
      expectProblem(await post(url, { version: 99 }, other), 409, 'stale_version');
      expectProblem(await post(url, {}, other), 400, 'validation_failed');
      expectProblem(
        await post(`/api/v1/cases/${c.id}/subjects/${subjectB}/outcome/confirm`, { version: 1 }, other),
        404,
        'not_found',
      );
      const ok = await post(url, { version: proposed.body.version }, other);
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({
        confirmed: true,
        confirmedBy: other.id,
        confirmedByName: 'Test supervisor',
        recordedBy: supervisor.id,
        recordedByName: 'Test supervisor',
        finalisedAt: expect.any(String),
      });
      // The case view names them too (one lookup of display names for the page).
      const seen = await call(t.app, 'GET', `/api/v1/cases/${c.id}`, { token: analyst.token });
      expect(seen.body.outcomes).toEqual([
        expect.objectContaining({ recordedByName: 'Test supervisor', confirmedByName: 'Test supervisor' }),
      ]);
      expect(await fact()).toEqual([{ misconduct: 'written_warning' }]);
      expectProblem(await post(url, { version: ok.body.version }, other), 409, 'outcome_already_confirmed');
      const tl = await call(t.app, 'GET', `/api/v1/cases/${c.id}/timeline?limit=200`, {
        token: analyst.token,
      });
      expect(tl.body.items.map((e: { kind: string }) => e.kind)).toContain('outcome_confirmed');
    });
  });

  describe('severity, timeliness, notes and the timeline', () => {
    it('keeps every severity assessment with who and why', async () => {
      const c = await create();
      await post(`/api/v1/cases/${c.id}/severity`, { severity: 'misconduct', reason: 'Initial assessment' });
      const s = await post(
        `/api/v1/cases/${c.id}/severity`,
        { severity: 'gross_misconduct', reason: 'New evidence' },
        supervisor,
      );
      expect(s.body.severity).toBe('gross_misconduct');
      expect(s.body.severityHistory).toEqual([
        expect.objectContaining({
          severity: 'misconduct',
          reason: 'Initial assessment',
          assessedBy: analyst.id,
          assessedByName: 'Test analyst',
        }),
        expect.objectContaining({
          severity: 'gross_misconduct',
          reason: 'New evidence',
          assessedBy: supervisor.id,
          assessedByName: 'Test supervisor',
        }),
      ]);
      expectProblem(await post(`/api/v1/cases/${c.id}/severity`, { severity: 'awful', reason: '' }), 400);
      expectProblem(
        await post(`/api/v1/cases/${c.id}/severity`, { severity: 'misconduct', reason: 'x', version: 1 }),
        409,
        'stale_version',
      );
    });

    it('shows updates due every 28 days and the 12-month mark; lists overdue updates', async () => {
      const old = await create({ recordedAt: new Date(Date.now() - 40 * 86400_000).toISOString() });
      expect(old.timeliness).toMatchObject({ updateOverdue: true, pastPccMark: false });
      const ancient = await create({ recordedAt: new Date(Date.now() - 400 * 86400_000).toISOString() });
      expect(ancient.timeliness.pastPccMark).toBe(true);
      const fresh = await create();
      const overdue = await call(t.app, 'GET', `/api/v1/cases?overdueUpdate=true&limit=200`, {
        token: analyst.token,
      });
      const ids = overdue.body.items.map((i: { id: string }) => i.id);
      expect(ids).toEqual(expect.arrayContaining([old.id, ancient.id]));
      expect(ids).not.toContain(fresh.id);
      const pcc = await call(t.app, 'GET', `/api/v1/cases?pastPccMark=true&limit=200`, {
        token: analyst.token,
      });
      expect(pcc.body.items.map((i: { id: string }) => i.id)).toContain(ancient.id);
      const updated = await post(`/api/v1/cases/${old.id}/updates`, { recipients: 'both' });
      expect(updated.body.timeliness.updateOverdue).toBe(false);
      const due = new Date(updated.body.timeliness.nextUpdateDue).getTime();
      expect(Math.round((due - Date.now()) / 86400_000)).toBeGreaterThanOrEqual(27);
      expectProblem(await post(`/api/v1/cases/${old.id}/updates`, { recipients: 'press' }), 400);
      const again = await call(t.app, 'GET', `/api/v1/cases?overdueUpdate=true&limit=200`, {
        token: analyst.token,
      });
      expect(again.body.items.map((i: { id: string }) => i.id)).not.toContain(old.id);
    });

    it('lists every event in order with who and when', async () => {
      const c = await create({ primaryCategory: 'abuse_of_position_sexual' });
      await post(`/api/v1/cases/${c.id}/severity`, { severity: 'gross_misconduct', reason: 'APSP' });
      await post(`/api/v1/cases/${c.id}/referral`, { referredOn: '2026-01-05', basis: 'mandatory' });
      await post(`/api/v1/cases/${c.id}/referral/decision`, {
        decision: 'independent',
        decidedOn: '2026-01-20',
      });
      await post(`/api/v1/cases/${c.id}/start-investigation`);
      const note = await post(`/api/v1/cases/${c.id}/notes`, { text: 'Spoke to the complainant' });
      expect(note.status).toBe(201);
      await post(`/api/v1/cases/${c.id}/updates`, { recipients: 'complainant' });
      await call(t.app, 'PUT', `/api/v1/cases/${c.id}/subjects/${subjectA}/outcome`, {
        token: analyst.token,
        body: { allegationResult: 'unsubstantiated', misconductFinding: 'no_case_to_answer' },
      });
      const tl = await call(t.app, 'GET', `/api/v1/cases/${c.id}/timeline`, { token: supervisor.token });
      expect(tl.status).toBe(200);
      expect(tl.body.items.map((e: { kind: string }) => e.kind)).toEqual([
        'created',
        'severity_assessed',
        'referral_recorded',
        'referral_decision',
        'status_changed',
        'note_added',
        'update_given',
        'outcome_recorded',
      ]);
      expect(tl.body.items[0]).toMatchObject({
        actorId: analyst.id,
        actorName: expect.any(String),
        occurredAt: expect.any(String),
      });
      expect(tl.body.items[5].note).toBe('Spoke to the complainant');
      const page = await call(t.app, 'GET', `/api/v1/cases/${c.id}/timeline?limit=3`, {
        token: supervisor.token,
      });
      const next = await call(
        t.app,
        'GET',
        `/api/v1/cases/${c.id}/timeline?limit=3&cursor=${page.body.nextCursor}`,
        { token: supervisor.token },
      );
      expect(next.body.items[0].kind).toBe('referral_decision');
    });
  });

  describe('from intelligence', () => {
    const report = async (
      subjects: { workforceMemberId: string; role: string }[],
      extra: Record<string, unknown> = {},
    ) => {
      const res = await call(t.app, 'POST', '/api/v1/intelligence', {
        token: analyst.token,
        body: {
          receivedAt: new Date(Date.now() - 86400_000).toISOString(),
          receiptMethod: 'telephone',
          sourceType: 'colleague',
          grading: { scheme: '3x5x2', sourceEvaluation: '2', intelligenceAssessment: 'B', handlingCode: 'P' },
          primaryCategory: 'abuse_of_position_sexual',
          secondaryCategories: ['misuse_of_systems'],
          narrative: 'Fictional test narrative about a subject.',
          subjects,
          ...extra,
        },
      });
      if (res.status !== 201) throw new Error(`report: ${res.status} ${res.text}`);
      const id = res.body.id as string;
      await post(`/api/v1/intelligence/${id}/assign`, { assigneeId: analyst.id }, supervisor);
      await post(`/api/v1/intelligence/${id}/submit-for-review`, {
        assessmentText: 'Refer',
        recommendedDecision: 'referred_to_case',
      });
      return { id, reference: res.body.reference as string };
    };

    it('derives the regime from the date the matter came to attention, not the recording: the 1 February 2020 boundary (issue 26)', async () => {
      const officer = await workforceMember(t);
      const regimeOf = async (id: string) =>
        (await call(t.app, 'GET', `/api/v1/cases/${id}`, { token: analyst.token })).body as {
          cameToAttentionOn: string;
          subjects: { regime: string }[];
        };
      // Given: 31 January 2020 is 2012, 1 February 2020 is 2020, whenever the case was recorded.
      const before = await create({ workforceMemberIds: [officer], cameToAttentionOn: '2020-01-31' });
      expect(await regimeOf(before.id)).toMatchObject({
        cameToAttentionOn: '2020-01-31',
        subjects: [{ regime: '2012' }],
      });
      const on = await create({ workforceMemberIds: [officer], cameToAttentionOn: '2020-02-01' });
      expect(await regimeOf(on.id)).toMatchObject({
        cameToAttentionOn: '2020-02-01',
        subjects: [{ regime: '2020' }],
      });
      // Police staff follow the staff procedure whatever the date.
      const staff = await create({ workforceMemberIds: [staffMember], cameToAttentionOn: '2019-05-01' });
      expect((await regimeOf(staff.id)).subjects[0].regime).toBe('staff');
      // Omitted: the recorded date (London) — a case back-recorded on 1 February 2020 at 00:30 is 2020.
      const recorded = await create({ workforceMemberIds: [officer], recordedAt: '2020-02-01T00:30:00Z' });
      expect(await regimeOf(recorded.id)).toMatchObject({
        cameToAttentionOn: '2020-02-01',
        subjects: [{ regime: '2020' }],
      });
      // Omitted with linked intelligence: the earliest report's receipt (London), here the last evening of 2012's regime.
      const old = await report([{ workforceMemberId: officer, role: 'subject' }], {
        receivedAt: '2020-01-31T23:30:00Z',
      });
      const recent = await report([{ workforceMemberId: officer, role: 'subject' }]);
      const fromIntel = await create({
        workforceMemberIds: [officer],
        intelligenceReportIds: [recent.id, old.id],
      });
      expect(await regimeOf(fromIntel.id)).toMatchObject({
        cameToAttentionOn: '2020-01-31',
        subjects: [{ regime: '2012' }],
      });
      // A case opened on review of old intelligence takes the report's date too.
      const reviewed = await post(
        `/api/v1/intelligence/${old.id}/review`,
        { decision: 'referred_to_case', caseType: 'misconduct' },
        supervisor,
      );
      expect(reviewed.status).toBe(200);
      expect(await regimeOf(reviewed.body.referredCaseId as string)).toMatchObject({
        cameToAttentionOn: '2020-01-31',
        subjects: [{ regime: '2012' }],
      });
      // The 2012 regime's outcome is accepted on the old matter and refused on the new one, on its field.
      for (const [id, status] of [
        [before.id, 200],
        [on.id, 422],
      ] as const) {
        await post(`/api/v1/cases/${id}/severity`, { severity: 'misconduct', reason: 'Assessed' });
        const res = await call(t.app, 'PUT', `/api/v1/cases/${id}/subjects/${officer}/outcome`, {
          token: analyst.token,
          body: {
            misconductFinding: 'case_to_answer',
            proceedingsResult: 'proven',
            allegationResult: 'substantiated',
            proceedings: 'misconduct_meeting',
            misconductOutcome: 'management_advice',
          },
        });
        expect(res.status).toBe(status);
        if (status === 200) expect(res.body.regime).toBe('2012');
        else
          expect(res.body.errors).toEqual(
            expect.arrayContaining([
              expect.objectContaining({ field: 'misconductOutcome', rule: 'outcome_not_in_regime' }),
            ]),
          );
      }
      // Not in the future, not after the recorded date: 400 on the field.
      const tomorrow = new Date(Date.now() + 2 * 86400_000).toISOString().slice(0, 10);
      for (const body of [
        { cameToAttentionOn: tomorrow },
        { cameToAttentionOn: '2024-03-02', recordedAt: '2024-03-01T10:00:00Z' },
        { cameToAttentionOn: '2020-02-30' },
        { cameToAttentionOn: '31/01/2020' },
      ]) {
        const res = await call(t.app, 'POST', '/api/v1/cases', { token: analyst.token, body: base(body) });
        expectProblem(res, 400);
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'cameToAttentionOn' })]);
      }
    });

    it('opens a new case from the report (its subjects and categories), linked both ways and audited', async () => {
      const member = await workforceMember(t);
      const r = await report([
        { workforceMemberId: member, role: 'subject' },
        { workforceMemberId: subjectB, role: 'associate' },
      ]);
      const reviewed = await post(
        `/api/v1/intelligence/${r.id}/review`,
        { decision: 'referred_to_case', caseType: 'criminal_and_misconduct' },
        supervisor,
      );
      expect(reviewed.status).toBe(200);
      const caseId = reviewed.body.referredCaseId as string;
      const c = await call(t.app, 'GET', `/api/v1/cases/${caseId}`, { token: analyst.token });
      expect(c.body).toMatchObject({
        caseType: 'criminal_and_misconduct',
        matterType: 'conduct_matter',
        primaryCategory: 'abuse_of_position_sexual',
        categories: ['abuse_of_position_sexual', 'misuse_of_systems'],
        workforceMemberIds: [member],
        supervisorId: supervisor.id,
        intelligenceReportIds: [r.id],
        referralRequired: true,
      });
      // No reference in free text: the link is stored and shown through the access policy.
      expect(c.body.allegationSummary).not.toContain(r.reference);
      const audit = await t.db.pool.query(
        `SELECT action FROM audit_event WHERE resource_id = $1 AND action = 'case.create'`,
        [caseId],
      );
      expect(audit.rows).toHaveLength(1);
      const review = await t.db.pool.query(`SELECT case_id FROM intelligence_review WHERE report_id = $1`, [
        r.id,
      ]);
      expect(review.rows[0].case_id).toBe(caseId);
      const tl = await call(t.app, 'GET', `/api/v1/cases/${caseId}/timeline`, { token: analyst.token });
      expect(tl.body.items.map((e: { kind: string }) => e.kind)).toEqual(['created', 'intelligence_linked']);
    });

    it('links to an existing open case; refuses a closed, hidden or unknown one and a report without subjects', async () => {
      const existing = await create();
      const r = await report([{ workforceMemberId: subjectA, role: 'subject' }]);
      const ok = await post(
        `/api/v1/intelligence/${r.id}/review`,
        { decision: 'referred_to_case', caseId: existing.id },
        supervisor,
      );
      expect(ok.body.referredCaseId).toBe(existing.id);
      const c = await call(t.app, 'GET', `/api/v1/cases/${existing.id}`, { token: analyst.token });
      expect(c.body).toMatchObject({ intelligenceReportIds: [r.id], version: 2 });
      // The review's link cannot be undone from the case side.
      const unlink = await call(t.app, 'PATCH', `/api/v1/cases/${existing.id}`, {
        token: analyst.token,
        body: { version: 2, intelligenceReportIds: [] },
      });
      expectProblem(unlink, 409, 'referral_link');

      const me = await workforceMember(t);
      const conflicted = await userWith(t, [Role.Supervisor], { workforceMemberId: me });
      const hidden = await create({ workforceMemberIds: [me] });
      const r2 = await report([{ workforceMemberId: subjectA, role: 'subject' }]);
      const refused = await post(
        `/api/v1/intelligence/${r2.id}/review`,
        { decision: 'referred_to_case', caseId: hidden.id },
        conflicted,
      );
      expectProblem(refused, 400, 'validation_failed');
      expect(refused.body.errors[0]).toMatchObject({ field: 'caseId', rule: 'exists' });

      const nobody = await report([]);
      expectProblem(
        await post(`/api/v1/intelligence/${nobody.id}/review`, { decision: 'referred_to_case' }, supervisor),
        422,
        'report_has_no_subjects',
      );
      const unchanged = await call(t.app, 'GET', `/api/v1/intelligence/${nobody.id}`, {
        token: supervisor.token,
      });
      expect(unchanged.body).toMatchObject({ state: 'awaiting_review', referredCaseId: null });
    });

    it('leaves out of the case view a linked report that names the reader', async () => {
      const me = await workforceMember(t);
      const reader = await userWith(t, [Role.Analyst], { workforceMemberId: me });
      const visible = await report([{ workforceMemberId: subjectA, role: 'subject' }]);
      const aboutMe = await report([
        { workforceMemberId: subjectA, role: 'subject' },
        { workforceMemberId: me, role: 'associate' },
      ]);
      const c = await create({ intelligenceReportIds: [visible.id, aboutMe.id] });
      expect([...c.intelligenceReportIds].sort()).toEqual([visible.id, aboutMe.id].sort());
      const seen = await call(t.app, 'GET', `/api/v1/cases/${c.id}`, { token: reader.token });
      expect(seen.body.intelligenceReportIds).toEqual([visible.id]);
      const refused = await call(t.app, 'POST', '/api/v1/cases', {
        token: reader.token,
        body: base({ intelligenceReportIds: [aboutMe.id] }),
      });
      expectProblem(refused, 400, 'validation_failed');
    });

    it('validates intelligence ids linked from the case side', async () => {
      const r = await report([{ workforceMemberId: subjectA, role: 'subject' }]);
      const linked = await post('/api/v1/cases', base({ intelligenceReportIds: [r.id] }));
      expect(linked.body.intelligenceReportIds).toEqual([r.id]);
      const bad = await post(
        '/api/v1/cases',
        base({ intelligenceReportIds: ['3b241101-e2bb-4255-8caf-4136c566a962'] }),
      );
      expectProblem(bad, 400, 'validation_failed');
      expect(bad.body.errors[0]).toMatchObject({ field: 'intelligenceReportIds', rule: 'exists' });
    });
  });

  describe('access', () => {
    it('refuses vetting officers, auditors and admins', async () => {
      const c = await create();
      for (const role of [Role.VettingOfficer, Role.Auditor, Role.Admin]) {
        const u = await userWith(t, [role]);
        expectProblem(
          await call(t.app, 'GET', `/api/v1/cases/${c.id}`, { token: u.token }),
          403,
          'forbidden',
        );
        expectProblem(await call(t.app, 'GET', `/api/v1/cases`, { token: u.token }), 403, 'forbidden');
        expectProblem(
          await call(t.app, 'POST', `/api/v1/cases`, { token: u.token, body: base() }),
          403,
          'forbidden',
        );
      }
    });

    it('hides cases about the caller everywhere (404 like a missing case, audited as denied)', async () => {
      const me = await workforceMember(t);
      const conflicted = await userWith(t, [Role.Supervisor], { workforceMemberId: me });
      const mine = await create({ workforceMemberIds: [me, subjectB] });
      const other = await create();
      const id = mine.id;
      const tok = { token: conflicted.token };
      const attempts = [
        await call(t.app, 'GET', `/api/v1/cases/${id}`, tok),
        await call(t.app, 'GET', `/api/v1/cases/${id}/timeline`, tok),
        await call(t.app, 'PATCH', `/api/v1/cases/${id}`, {
          ...tok,
          body: { version: 1, allegationSummary: 'x' },
        }),
        await post(`/api/v1/cases/${id}/start-investigation`, {}, conflicted),
        await post(`/api/v1/cases/${id}/suspend`, { reason: 'x' }, conflicted),
        await post(`/api/v1/cases/${id}/resume`, {}, conflicted),
        await post(`/api/v1/cases/${id}/await-outcome`, {}, conflicted),
        await post(`/api/v1/cases/${id}/close`, {}, conflicted),
        await post(`/api/v1/cases/${id}/severity`, { severity: 'misconduct', reason: 'x' }, conflicted),
        await post(
          `/api/v1/cases/${id}/referral`,
          { referredOn: '2026-01-01', basis: 'voluntary', reason: 'x' },
          conflicted,
        ),
        await post(
          `/api/v1/cases/${id}/referral/decision`,
          { decision: 'local', decidedOn: '2026-01-01' },
          conflicted,
        ),
        await post(`/api/v1/cases/${id}/no-referral`, { reason: 'x' }, conflicted),
        await call(t.app, 'PUT', `/api/v1/cases/${id}/subjects/${subjectB}/outcome`, {
          ...tok,
          body: { allegationResult: 'unfounded' },
        }),
        await post(`/api/v1/cases/${id}/updates`, { recipients: 'both' }, conflicted),
        await post(`/api/v1/cases/${id}/notes`, { text: 'x' }, conflicted),
      ];
      for (const res of attempts) expectProblem(res, 404, 'not_found');
      const denied = await count(
        `SELECT count(*) AS n FROM audit_event WHERE resource_id = $1 AND outcome = 'denied' AND user_id = $2`,
        [id, conflicted.id],
      );
      expect(denied).toBe(attempts.length);
      const after = await call(t.app, 'GET', `/api/v1/cases/${id}`, { token: analyst.token });
      expect(after.body).toMatchObject({ version: 1, status: 'open', severity: null });
      expect(await count(`SELECT count(*) AS n FROM case_event WHERE case_id = $1`, [id])).toBe(1);

      const list = await call(t.app, 'GET', `/api/v1/cases?limit=200`, tok);
      const ids = list.body.items.map((i: { id: string }) => i.id);
      expect(ids).not.toContain(id);
      expect(ids).toContain(other.id);
      const bySubject = await call(t.app, 'GET', `/api/v1/cases?workforceMemberId=${me}`, tok);
      expect(bySubject.body.items).toEqual([]);

      const self = await post('/api/v1/cases', base({ workforceMemberIds: [me] }), conflicted);
      expectProblem(self, 422, 'conflict_of_interest');
      const assignee = await post(
        '/api/v1/cases',
        base({ workforceMemberIds: [me], supervisorId: conflicted.id }),
      );
      expectProblem(assignee, 422, 'assignee_conflict_of_interest');
    });
  });
});
