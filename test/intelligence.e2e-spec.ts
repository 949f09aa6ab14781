import { Role } from '../src/common/auth/roles.js';
import { referencePattern } from '../src/common/reference.js';
import { startApp, type TestApp, whileAuditRefused } from './helpers/app.js';
import { call, expectProblem, type Reply, type TestUser, userWith, workforceMember } from './helpers/http.js';

const DAY = 86_400_000;
const daysAgo = (n: number): string => new Date(Date.now() - n * DAY).toISOString();

function body(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    receivedAt: daysAgo(1),
    receiptMethod: 'telephone',
    sourceType: 'colleague',
    sourceDetails: 'Source: PC in the same team, met in person',
    grading: { scheme: '3x5x2', sourceEvaluation: '2', intelligenceAssessment: 'B', handlingCode: 'P' },
    primaryCategory: 'disclosure_of_information',
    narrative: 'The subject was seen looking up a relative on the police national computer.',
    ...overrides,
  };
}

describe('intelligence', () => {
  let t: TestApp;
  let analyst: TestUser;
  let analyst2: TestUser;
  let supervisor: TestUser;
  let supervisor2: TestUser;
  let subjectA: string;
  let subjectB: string;

  const count = async (): Promise<number> =>
    Number((await t.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM intelligence_report')).rows[0].n);

  const create = async (user: TestUser, overrides: Record<string, unknown> = {}) => {
    const res: Reply = await call(t.app, 'POST', '/api/v1/intelligence', {
      token: user.token,
      body: body(overrides),
    });
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${res.text}`);
    return res.body as { id: string; reference: string; version: number; [k: string]: unknown };
  };

  beforeAll(async () => {
    t = await startApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    analyst = await userWith(t, [Role.Analyst]);
    analyst2 = await userWith(t, [Role.Analyst]);
    supervisor = await userWith(t, [Role.Supervisor]);
    supervisor2 = await userWith(t, [Role.Supervisor]);
    subjectA = await workforceMember(t);
    subjectB = await workforceMember(t);
  });
  afterAll(() => t.close());

  describe('recording', () => {
    it('records a 3x5x2 report with a reference, subjects and source details, audited with the subject ids', async () => {
      const r = await create(analyst, {
        subjects: [
          { workforceMemberId: subjectA, role: 'subject' },
          { workforceMemberId: subjectB, role: 'associate' },
        ],
        secondaryCategories: ['misuse_of_systems'],
        vulnerablePerson: true,
        vulnerablePersonNote: 'The relative is a domestic abuse victim',
      });
      expect(r.reference).toMatch(referencePattern('INT'));
      expect(r.reference.slice(4, 8)).toBe(String(new Date().getUTCFullYear()));
      expect(r).toMatchObject({
        state: 'received',
        grading: { scheme: '3x5x2', sourceEvaluation: '2', intelligenceAssessment: 'B', handlingCode: 'P' },
        primaryCategory: 'disclosure_of_information',
        secondaryCategories: ['misuse_of_systems'],
        vulnerablePerson: true,
        urgencyRank: 1,
        sourceDetailsVisible: true,
        sourceDetails: 'Source: PC in the same team, met in person',
        version: 1,
        assessments: [],
        overdue: false,
        ageDays: 1,
      });
      expect((r.subjects as { workforceMemberId: string }[]).map((s) => s.workforceMemberId).sort()).toEqual(
        [subjectA, subjectB].sort(),
      );
      const audit = await t.db.pool.query(
        `SELECT action, subject_ids::text[] AS subject_ids, details FROM audit_event WHERE resource_id = $1`,
        [r.id],
      );
      expect(audit.rows).toEqual([
        expect.objectContaining({
          action: 'intelligence.create',
          subject_ids: expect.arrayContaining([subjectA, subjectB]),
        }),
      ]);
      expect(JSON.stringify(audit.rows)).not.toContain('relative');
    });

    it('records a report without subjects or links in one statement with its audit row, both or neither', async () => {
      const r = await create(analyst);
      expect(r).toMatchObject({
        state: 'received',
        subjects: [],
        possibleDuplicates: [],
        version: 1,
      });
      const audit = await t.db.pool.query(
        `SELECT action, resource_type, user_id, roles, subject_ids::text[] AS subject_ids, details
           FROM audit_event WHERE resource_id = $1`,
        [r.id],
      );
      expect(audit.rows).toEqual([
        {
          action: 'intelligence.create',
          resource_type: 'intelligence_report',
          user_id: analyst.id,
          roles: ['analyst'],
          subject_ids: [],
          details: { reference: r.reference, possibleDuplicates: [], linked: [] },
        },
      ]);

      // When the audit row cannot be sealed into the chain at commit, the report is not kept either, and
      // its reference number is not used up.
      const before = await count();
      await whileAuditRefused(t.db.pool, `NEW.action = 'intelligence.create'`, async () => {
        const refused = await call(t.app, 'POST', '/api/v1/intelligence', {
          token: analyst.token,
          body: body(),
        });
        expect(refused.status).toBe(500);
        expect(await count()).toBe(before);
      });
      const next = await create(analyst);
      expect(next.reference).toMatch(referencePattern('INT'));
    });

    it('stores a legacy 5x5x5 grade as such', async () => {
      const r = await create(analyst, {
        grading: { scheme: '5x5x5', sourceEvaluation: 'B', intelligenceAssessment: '2', handlingCode: '4' },
      });
      expect(r.grading).toEqual({
        scheme: '5x5x5',
        sourceEvaluation: 'B',
        intelligenceAssessment: '2',
        handlingCode: '4',
        handlingConditions: null,
      });
    });

    it('requires conditions with handling C, and keeps them', async () => {
      const r = await create(analyst, {
        grading: {
          scheme: '3x5x2',
          sourceEvaluation: '1',
          intelligenceAssessment: 'A',
          handlingCode: 'C',
          handlingConditions: 'Not to be shared with the subject’s line management',
        },
      });
      expect((r.grading as { handlingConditions: string }).handlingConditions).toContain('line management');
    });

    it.each([
      ['unknown category', { primaryCategory: 'littering' }, 'primaryCategory'],
      ['unknown secondary category', { secondaryCategories: ['littering'] }, 'secondaryCategories'],
      ['unknown source type', { sourceType: 'psychic' }, 'sourceType'],
      [
        'unknown scheme',
        { grading: { scheme: '4x4', sourceEvaluation: '1', intelligenceAssessment: 'A', handlingCode: 'P' } },
        'grading.scheme',
      ],
      [
        '3x5x2 source outside the scheme',
        {
          grading: { scheme: '3x5x2', sourceEvaluation: 'A', intelligenceAssessment: 'A', handlingCode: 'P' },
        },
        'grading.sourceEvaluation',
      ],
      [
        '3x5x2 intelligence outside the scheme',
        {
          grading: { scheme: '3x5x2', sourceEvaluation: '1', intelligenceAssessment: 'F', handlingCode: 'P' },
        },
        'grading.intelligenceAssessment',
      ],
      [
        '5x5x5 handling outside the scheme',
        {
          grading: { scheme: '5x5x5', sourceEvaluation: 'A', intelligenceAssessment: '1', handlingCode: 'P' },
        },
        'grading.handlingCode',
      ],
      [
        'handling C without conditions',
        {
          grading: { scheme: '3x5x2', sourceEvaluation: '1', intelligenceAssessment: 'A', handlingCode: 'C' },
        },
        'grading.handlingConditions',
      ],
      ['missing grading', { grading: undefined }, 'grading'],
      ['narrative over 50,000 characters', { narrative: 'x'.repeat(50_001) }, 'narrative'],
      ['empty narrative', { narrative: '' }, 'narrative'],
      ['received in the future', { receivedAt: new Date(Date.now() + 2 * DAY).toISOString() }, 'receivedAt'],
      ['bad receivedAt', { receivedAt: 'yesterday' }, 'receivedAt'],
      [
        'secondary repeats primary',
        { secondaryCategories: ['disclosure_of_information'] },
        'secondaryCategories',
      ],
      [
        'subject that does not exist',
        { subjects: [{ workforceMemberId: '00000000-0000-4000-8000-000000000000', role: 'subject' }] },
        'subjects.0.workforceMemberId',
      ],
      [
        'subject with an unknown role',
        { subjects: [{ workforceMemberId: '00000000-0000-4000-8000-000000000000', role: 'boss' }] },
        'subjects.0.role',
      ],
      [
        'linked report that does not exist',
        { linkedReportIds: ['00000000-0000-4000-8000-000000000000'] },
        'linkedReportIds.0',
      ],
      ['unknown field', { colour: 'red' }, 'colour'],
    ])('refuses %s with a 400 naming the field, and stores nothing', async (_name, overrides, field) => {
      const before = await count();
      const res: Reply = await call(t.app, 'POST', '/api/v1/intelligence', {
        token: analyst.token,
        body: body(overrides),
      });
      expectProblem(res, 400, 'validation_failed');
      expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
      expect(await count()).toBe(before);
    });

    it('issues distinct random references under concurrent creation, revealing no count', async () => {
      const made = await Promise.all(Array.from({ length: 12 }, () => create(analyst)));
      const refs = made.map((r) => r.reference);
      expect(new Set(refs).size).toBe(12);
      for (const ref of refs) expect(ref).toMatch(referencePattern('INT'));
      // No counter: nothing in the database says how many reports a year holds.
      const { rows } = await t.db.pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_tables WHERE tablename LIKE '%reference_counter'`,
      );
      expect(Number(rows[0].n)).toBe(0);
    });

    it('shows source details only to the recording analyst and supervisors; audits every read', async () => {
      const r = await create(analyst, { subjects: [{ workforceMemberId: subjectA, role: 'subject' }] });
      const own = await call(t.app, 'GET', `/api/v1/intelligence/${r.id}`, { token: analyst.token });
      expect(own.body).toMatchObject({ sourceDetailsVisible: true, sourceDetails: expect.any(String) });
      const other = await call(t.app, 'GET', `/api/v1/intelligence/${r.id}`, { token: analyst2.token });
      expect(other.status).toBe(200);
      expect(other.body).toMatchObject({ sourceDetailsVisible: false, sourceDetails: null });
      expect(other.body.narrative).toContain('police national computer');
      const sup = await call(t.app, 'GET', `/api/v1/intelligence/${r.id}`, { token: supervisor.token });
      expect(sup.body).toMatchObject({ sourceDetailsVisible: true, sourceDetails: expect.any(String) });
      const reads = await t.db.pool.query(
        `SELECT user_id, subject_ids::text[] AS subject_ids FROM audit_event WHERE action = 'intelligence.read' AND resource_id = $1`,
        [r.id],
      );
      expect(reads.rows).toHaveLength(3);
      expect(reads.rows.every((row: { subject_ids: string[] }) => row.subject_ids.includes(subjectA))).toBe(
        true,
      );
      // Another analyst may not change it (until it is assigned to them), nor ever its source details.
      const change = await call(t.app, 'PATCH', `/api/v1/intelligence/${r.id}`, {
        token: analyst2.token,
        body: { version: 1, narrative: 'overwritten' },
      });
      expectProblem(change, 403, 'not_your_report');
      await call(t.app, 'POST', `/api/v1/intelligence/${r.id}/assign`, {
        token: supervisor.token,
        body: { assigneeId: analyst2.id },
      });
      const source = await call(t.app, 'PATCH', `/api/v1/intelligence/${r.id}`, {
        token: analyst2.token,
        body: { version: 2, sourceDetails: 'overwritten' },
      });
      expectProblem(source, 403, 'source_details_protected');
      const narrative = await call(t.app, 'PATCH', `/api/v1/intelligence/${r.id}`, {
        token: analyst2.token,
        body: { version: 2, vulnerablePerson: true },
      });
      expect(narrative.body).toMatchObject({ version: 3, vulnerablePerson: true, sourceDetails: null });
    });

    it('answers 404 for a report that does not exist and 400 for a malformed id', async () => {
      expectProblem(
        await call(t.app, 'GET', '/api/v1/intelligence/00000000-0000-4000-8000-000000000000', {
          token: analyst.token,
        }),
        404,
        'not_found',
      );
      expectProblem(await call(t.app, 'GET', '/api/v1/intelligence/nope', { token: analyst.token }), 400);
    });

    it.each([Role.VettingOfficer, Role.Auditor, Role.Admin])(
      'shows %s no intelligence (403)',
      async (role) => {
        const user = await userWith(t, [role]);
        const r = await create(analyst);
        for (const [method, url] of [
          ['GET', `/api/v1/intelligence/${r.id}`],
          ['GET', '/api/v1/intelligence/queue'],
          ['GET', '/api/v1/intelligence/search?q=computer'],
          ['GET', '/api/v1/intelligence/queue/summary'],
          ['GET', `/api/v1/workforce/${subjectA}/profile`],
        ] as const) {
          expectProblem(await call(t.app, method, url, { token: user.token }), 403, 'forbidden');
        }
        expectProblem(
          await call(t.app, 'POST', '/api/v1/intelligence', { token: user.token, body: body() }),
          403,
        );
      },
    );
  });

  describe('PATCH', () => {
    it('changes fields with the current version and refuses a stale one (409), storing nothing', async () => {
      const r = await create(analyst);
      const ok = await call(t.app, 'PATCH', `/api/v1/intelligence/${r.id}`, {
        token: analyst.token,
        body: {
          version: 1,
          primaryCategory: 'abuse_of_position_sexual',
          vulnerablePerson: true,
          subjects: [{ workforceMemberId: subjectB, role: 'subject' }],
          grading: { scheme: '3x5x2', sourceEvaluation: '1', intelligenceAssessment: 'A', handlingCode: 'P' },
        },
      });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({
        version: 2,
        primaryCategory: 'abuse_of_position_sexual',
        urgencyRank: 0,
      });
      expect(ok.body.subjects).toEqual([
        expect.objectContaining({ workforceMemberId: subjectB, role: 'subject' }),
      ]);
      const stale = await call(t.app, 'PATCH', `/api/v1/intelligence/${r.id}`, {
        token: analyst.token,
        body: { version: 1, narrative: 'changed' },
      });
      expectProblem(stale, 409, 'stale_version');
      const { rows } = await t.db.pool.query(
        `SELECT narrative, version FROM intelligence_report WHERE id = $1`,
        [r.id],
      );
      expect(rows[0]).toEqual({ narrative: expect.stringContaining('police national computer'), version: 2 });
    });

    it.each([
      ['no version', {}, 'version'],
      [
        'grading outside the scheme',
        {
          version: 1,
          grading: { scheme: '5x5x5', sourceEvaluation: '1', intelligenceAssessment: '1', handlingCode: '1' },
        },
        'grading.sourceEvaluation',
      ],
      ['narrative over the limit', { version: 1, narrative: 'y'.repeat(50_001) }, 'narrative'],
      [
        'unknown subject',
        {
          version: 1,
          subjects: [{ workforceMemberId: '00000000-0000-4000-8000-000000000000', role: 'subject' }],
        },
        'subjects.0.workforceMemberId',
      ],
      ['a null narrative', { version: 1, narrative: null }, 'narrative'],
      ['a null category', { version: 1, primaryCategory: null }, 'primaryCategory'],
      ['a null receivedAt', { version: 1, receivedAt: null }, 'receivedAt'],
      ['a null vulnerable flag', { version: 1, vulnerablePerson: null }, 'vulnerablePerson'],
      ['a null grading', { version: 1, grading: null }, 'grading'],
    ])('refuses %s (400)', async (_n, patch, field) => {
      const r = await create(analyst);
      const res: Reply = await call(t.app, 'PATCH', `/api/v1/intelligence/${r.id}`, {
        token: analyst.token,
        body: patch,
      });
      expectProblem(res, 400, 'validation_failed');
      expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
      const { rows } = await t.db.pool.query(`SELECT version FROM intelligence_report WHERE id = $1`, [r.id]);
      expect(rows[0].version).toBe(1);
    });

    it('links reports both ways and refuses a self-link', async () => {
      const a = await create(analyst);
      const b = await create(analyst, { linkedReportIds: [a.id] });
      expect(b.linkedReports).toEqual([{ id: a.id, reference: a.reference }]);
      const readA = await call(t.app, 'GET', `/api/v1/intelligence/${a.id}`, { token: analyst.token });
      expect(readA.body.linkedReports).toEqual([{ id: b.id, reference: b.reference }]);
      const self = await call(t.app, 'PATCH', `/api/v1/intelligence/${a.id}`, {
        token: analyst.token,
        body: { version: 1, linkedReportIds: [a.id] },
      });
      expectProblem(self, 400, 'validation_failed');
    });
  });

  describe('lifecycle', () => {
    const post = (user: TestUser, id: string, action: string, payload: unknown) =>
      call(t.app, 'POST', `/api/v1/intelligence/${id}/${action}`, { token: user.token, body: payload });

    it('runs received → in_assessment → awaiting_review → decision, recording who and when; refuses out-of-order steps with 409', async () => {
      const r = await create(analyst, { subjects: [{ workforceMemberId: subjectA, role: 'subject' }] });
      expectProblem(
        await post(analyst, r.id, 'submit-for-review', {
          assessmentText: 'x',
          recommendedDecision: 'development',
        }),
        409,
        'invalid_transition',
      );
      expectProblem(
        await post(supervisor, r.id, 'review', { decision: 'no_further_action', reason: 'r' }),
        409,
        'invalid_transition',
      );

      const assigned = await post(supervisor, r.id, 'assign', { assigneeId: analyst.id });
      expect(assigned.status).toBe(200);
      expect(assigned.body).toMatchObject({
        state: 'in_assessment',
        assigneeId: analyst.id,
        assignedBy: supervisor.id,
        assignedAt: expect.any(String),
      });

      expectProblem(
        await post(analyst2, r.id, 'submit-for-review', {
          assessmentText: 'x',
          recommendedDecision: 'development',
        }),
        403,
        'not_assignee',
      );
      const submitted = await post(analyst, r.id, 'submit-for-review', {
        assessmentText: 'Corroborated by the audit log; recommend development.',
        recommendedDecision: 'development',
      });
      expect(submitted.body).toMatchObject({ state: 'awaiting_review', submittedBy: analyst.id });
      expect(submitted.body.assessments).toEqual([
        expect.objectContaining({ versionNo: 1, recommendedDecision: 'development' }),
      ]);
      expectProblem(
        await post(supervisor, r.id, 'assign', { assigneeId: analyst2.id }),
        409,
        'invalid_transition',
      );

      // Analysts do not review.
      expectProblem(
        await post(analyst2, r.id, 'review', { decision: 'no_further_action', reason: 'x' }),
        403,
      );
      expectProblem(
        await post(supervisor, r.id, 'review', { decision: 'development' }),
        400,
        'validation_failed',
      );
      const future = new Date(Date.now() + 30 * DAY).toISOString().slice(0, 10);
      const past = new Date(Date.now() - DAY).toISOString().slice(0, 10);
      expectProblem(
        await post(supervisor, r.id, 'review', { decision: 'development', reviewDate: past }),
        400,
        'validation_failed',
      );
      const dev = await post(supervisor, r.id, 'review', { decision: 'development', reviewDate: future });
      expect(dev.body).toMatchObject({
        state: 'development',
        decision: 'development',
        reviewDate: future,
        reviewedBy: supervisor.id,
        dueDate: future,
      });

      // More work, a second assessment version; the first is kept.
      const again = await post(analyst, r.id, 'submit-for-review', {
        assessmentText: 'Further enquiries complete: no case to answer.',
        recommendedDecision: 'no_further_action',
      });
      expect(again.body.assessments.map((a: { versionNo: number }) => a.versionNo)).toEqual([1, 2]);
      expect(again.body.assessments[0].assessmentText).toContain('Corroborated');

      expectProblem(
        await post(supervisor, r.id, 'review', { decision: 'no_further_action' }),
        400,
        'validation_failed',
      );
      const nfa = await post(supervisor, r.id, 'review', {
        decision: 'no_further_action',
        reason: 'Unfounded after enquiries',
      });
      expect(nfa.body).toMatchObject({ state: 'no_further_action', reviewDate: null });
      expect(nfa.body.reviews).toHaveLength(2);

      expectProblem(
        await post(supervisor, r.id, 'review', { decision: 'no_further_action', reason: 'x' }),
        409,
        'invalid_transition',
      );
      expectProblem(
        await post(supervisor, r.id, 'assign', { assigneeId: analyst.id }),
        409,
        'invalid_transition',
      );
      const patch = await call(t.app, 'PATCH', `/api/v1/intelligence/${r.id}`, {
        token: analyst.token,
        body: { version: nfa.body.version, narrative: 'late change' },
      });
      expectProblem(patch, 409, 'invalid_transition');

      const actions = await t.db.pool.query<{ action: string }>(
        `SELECT action FROM audit_event WHERE resource_id = $1 AND outcome = 'allowed' ORDER BY seq`,
        [r.id],
      );
      expect(actions.rows.map((a) => a.action)).toEqual([
        'intelligence.create',
        'intelligence.assign',
        'intelligence.submit_for_review',
        'intelligence.review',
        'intelligence.submit_for_review',
        'intelligence.review',
      ]);
    });

    it('lets only one of two concurrent reviews through (the other is a 409)', async () => {
      const r = await create(analyst);
      await post(supervisor, r.id, 'assign', { assigneeId: analyst.id });
      await post(analyst, r.id, 'submit-for-review', {
        assessmentText: 'x',
        recommendedDecision: 'disseminated',
      });
      const results = await Promise.all([
        post(supervisor, r.id, 'review', { decision: 'no_further_action', reason: 'one' }),
        post(supervisor2, r.id, 'review', { decision: 'disseminated', recipient: 'NCA' }),
      ]);
      expect(results.map((x) => x.status).sort()).toEqual([200, 409]);
      const { rows } = await t.db.pool.query(
        `SELECT count(*)::int AS n FROM intelligence_review WHERE report_id = $1`,
        [r.id],
      );
      expect(rows[0].n).toBe(1);
    });

    it('refuses a supervisor reviewing the assessment they submitted', async () => {
      const r = await create(analyst);
      await post(supervisor, r.id, 'assign', { assigneeId: supervisor.id });
      await post(supervisor, r.id, 'submit-for-review', {
        assessmentText: 'mine',
        recommendedDecision: 'no_further_action',
      });
      expectProblem(
        await post(supervisor, r.id, 'review', { decision: 'no_further_action', reason: 'x' }),
        403,
        'own_assessment',
      );
      const ok = await post(supervisor2, r.id, 'review', { decision: 'no_further_action', reason: 'x' });
      expect(ok.body.state).toBe('no_further_action');
    });

    it('refers to an existing case it checks, or to a new case from the report (cases module)', async () => {
      const ready = async () => {
        const r = await create(analyst, { subjects: [{ workforceMemberId: subjectA, role: 'subject' }] });
        await post(supervisor, r.id, 'assign', { assigneeId: analyst.id });
        await post(analyst, r.id, 'submit-for-review', {
          assessmentText: 'case',
          recommendedDecision: 'referred_to_case',
        });
        return r;
      };
      const r = await ready();
      expectProblem(
        await post(supervisor, r.id, 'review', { decision: 'referred_to_case', caseId: 'abc' }),
        400,
        'validation_failed',
      );
      const unknown = await post(supervisor, r.id, 'review', {
        decision: 'referred_to_case',
        caseId: '3b241101-e2bb-4255-8caf-4136c566a962',
      });
      expectProblem(unknown, 400, 'validation_failed');
      expect(unknown.body.errors[0]).toMatchObject({ field: 'caseId', rule: 'exists' });
      const opened = await post(supervisor, r.id, 'review', { decision: 'referred_to_case' });
      expect(opened.body).toMatchObject({ state: 'referred_to_case', referredCaseId: expect.any(String) });

      const r2 = await ready();
      const ok = await post(supervisor, r2.id, 'review', {
        decision: 'referred_to_case',
        caseId: opened.body.referredCaseId,
      });
      expect(ok.body).toMatchObject({
        state: 'referred_to_case',
        referredCaseId: opened.body.referredCaseId,
      });
    });

    it('disseminates only to a recipient and within the handling code', async () => {
      const ready = async (grading: Record<string, string>) => {
        const r = await create(analyst, { grading });
        await post(supervisor, r.id, 'assign', { assigneeId: analyst.id });
        await post(analyst, r.id, 'submit-for-review', {
          assessmentText: 'share',
          recommendedDecision: 'disseminated',
        });
        return r.id;
      };
      const c = await ready({
        scheme: '3x5x2',
        sourceEvaluation: '1',
        intelligenceAssessment: 'A',
        handlingCode: 'C',
        handlingConditions: 'Police only',
      });
      expectProblem(
        await post(supervisor, c, 'review', { decision: 'disseminated' }),
        400,
        'validation_failed',
      );
      expectProblem(
        await post(supervisor, c, 'review', { decision: 'disseminated', recipient: 'NCA' }),
        422,
        'handling_conditions_not_confirmed',
      );
      const ok = await post(supervisor, c, 'review', {
        decision: 'disseminated',
        recipient: 'NCA',
        conditionsConfirmed: true,
      });
      expect(ok.body.state).toBe('disseminated');
      expect(ok.body.reviews[0].recipient).toBe('NCA');

      const five = await ready({
        scheme: '5x5x5',
        sourceEvaluation: 'A',
        intelligenceAssessment: '1',
        handlingCode: '5',
      });
      expectProblem(
        await post(supervisor, five, 'review', { decision: 'disseminated', recipient: 'NCA' }),
        422,
        'handling_forbids_dissemination',
      );
      const four = await ready({
        scheme: '5x5x5',
        sourceEvaluation: 'A',
        intelligenceAssessment: '1',
        handlingCode: '4',
      });
      expectProblem(
        await post(supervisor, four, 'review', { decision: 'disseminated', recipient: 'NCA' }),
        422,
        'handling_internal_only',
      );
      const inside = await post(supervisor, four, 'review', {
        decision: 'disseminated',
        recipient: 'Force IT security',
        recipientInternal: true,
      });
      expect(inside.body.state).toBe('disseminated');
    });

    it('refuses to assign a non-analyst or someone the report concerns', async () => {
      const r = await create(analyst, { subjects: [{ workforceMemberId: subjectB, role: 'subject' }] });
      const vetting = await userWith(t, [Role.VettingOfficer]);
      expectProblem(
        await post(supervisor, r.id, 'assign', { assigneeId: vetting.id }),
        400,
        'validation_failed',
      );
      expectProblem(await post(supervisor, r.id, 'assign', { assigneeId: 'x' }), 400, 'validation_failed');
      const conflicted = await userWith(t, [Role.Analyst], { workforceMemberId: subjectB });
      expectProblem(
        await post(supervisor, r.id, 'assign', { assigneeId: conflicted.id }),
        422,
        'assignee_conflict_of_interest',
      );
    });
  });

  describe('possible duplicates', () => {
    it('shows reports with a same subject and category within the window, in the response and the queue', async () => {
      const member = await workforceMember(t);
      const first = await create(analyst, {
        receivedAt: daysAgo(40),
        primaryCategory: 'drugs',
        subjects: [{ workforceMemberId: member, role: 'subject' }],
      });
      const old = await create(analyst, {
        receivedAt: daysAgo(200),
        primaryCategory: 'drugs',
        subjects: [{ workforceMemberId: member, role: 'subject' }],
      });
      const other = await create(analyst, {
        receivedAt: daysAgo(10),
        primaryCategory: 'theft_fraud',
        subjects: [{ workforceMemberId: member, role: 'subject' }],
      });
      const second = await create(analyst, {
        receivedAt: daysAgo(2),
        primaryCategory: 'theft_fraud',
        secondaryCategories: ['drugs'],
        subjects: [{ workforceMemberId: member, role: 'associate' }],
      });
      expect((second.possibleDuplicates as { id: string }[]).map((d) => d.id).sort()).toEqual(
        [first.id, other.id].sort(),
      );
      expect(old.possibleDuplicates).toEqual([]);
      const readFirst = await call(t.app, 'GET', `/api/v1/intelligence/${first.id}`, {
        token: supervisor.token,
      });
      expect(readFirst.body.possibleDuplicates).toEqual([{ id: second.id, reference: second.reference }]);
      const queue = await call(t.app, 'GET', `/api/v1/intelligence/queue?category=drugs&limit=200`, {
        token: supervisor.token,
      });
      const item = (queue.body.items as { id: string; possibleDuplicates: { id: string }[] }[]).find(
        (i) => i.id === second.id,
      );
      expect(item?.possibleDuplicates.map((d) => d.id).sort()).toEqual([first.id, other.id].sort());
    });
  });

  describe('queue', () => {
    it('orders by urgency then age, pages by keyset without gaps or repeats, and shows age, due date and overdue', async () => {
      const me = await userWith(t, [Role.Analyst]);
      const made = [
        await create(analyst, { receivedAt: daysAgo(3) }),
        await create(analyst, { receivedAt: daysAgo(40) }),
        await create(analyst, { receivedAt: daysAgo(5), vulnerablePerson: true }),
        await create(analyst, {
          receivedAt: daysAgo(2),
          primaryCategory: 'abuse_of_position_sexual',
          vulnerablePerson: true,
        }),
        await create(analyst, { receivedAt: daysAgo(9), primaryCategory: 'abuse_of_position_sexual' }),
      ];
      for (const r of made) {
        await call(t.app, 'POST', `/api/v1/intelligence/${r.id}/assign`, {
          token: supervisor.token,
          body: { assigneeId: me.id },
        });
      }
      const seen: {
        id: string;
        urgencyRank: number;
        receivedAt: string;
        ageDays: number;
        dueDate: string;
        overdue: boolean;
      }[] = [];
      let cursor: string | null = null;
      do {
        const res: Reply = await call(
          t.app,
          'GET',
          `/api/v1/intelligence/queue?assigneeId=${me.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          {
            token: me.token,
          },
        );
        expect(res.status).toBe(200);
        seen.push(...res.body.items);
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen.map((i) => i.id)).toEqual([made[3], made[4], made[2], made[1], made[0]].map((r) => r.id));
      expect(seen.map((i) => i.urgencyRank)).toEqual([0, 1, 1, 2, 2]);
      const oldest = seen[3];
      expect(oldest).toMatchObject({ ageDays: 40, overdue: true });
      expect(oldest.dueDate).toBe(
        new Date(Date.parse(oldest.receivedAt) + 28 * DAY).toISOString().slice(0, 10),
      );
      expect(seen[4]).toMatchObject({ ageDays: 3, overdue: false });

      const overdue = await call(
        t.app,
        'GET',
        `/api/v1/intelligence/queue?assigneeId=${me.id}&overdue=true`,
        { token: me.token },
      );
      expect(overdue.body.items.map((i: { id: string }) => i.id)).toEqual([made[1].id]);
      const vulnerable = await call(
        t.app,
        'GET',
        `/api/v1/intelligence/queue?assigneeId=${me.id}&vulnerablePerson=true`,
        { token: me.token },
      );
      expect(vulnerable.body.items.map((i: { id: string }) => i.id)).toEqual([made[3].id, made[2].id]);
      const apsp = await call(
        t.app,
        'GET',
        `/api/v1/intelligence/queue?assigneeId=${me.id}&category=abuse_of_position_sexual&state=in_assessment`,
        {
          token: me.token,
        },
      );
      expect(apsp.body.items.map((i: { id: string }) => i.id)).toEqual([made[3].id, made[4].id]);

      const audit = await t.db.pool.query(
        `SELECT details FROM audit_event WHERE action = 'intelligence.queue' AND user_id = $1 ORDER BY seq LIMIT 1`,
        [me.id],
      );
      expect(audit.rows[0].details.returned).toEqual([made[3].id, made[4].id]);
    });

    it('keeps the whole queue in urgency-then-age order across pages', async () => {
      const all: { urgencyRank: number; receivedAt: string; id: string; state: string }[] = [];
      let cursor: string | null = null;
      do {
        const res: Reply = await call(
          t.app,
          'GET',
          `/api/v1/intelligence/queue?limit=7${cursor ? `&cursor=${cursor}` : ''}`,
          { token: supervisor.token },
        );
        all.push(...res.body.items);
        cursor = res.body.nextCursor;
      } while (cursor);
      const key = (i: (typeof all)[0]) => `${i.urgencyRank}|${i.receivedAt}|${i.id}`;
      const sorted = [...all].sort(
        (a, b) =>
          a.urgencyRank - b.urgencyRank ||
          a.receivedAt.localeCompare(b.receivedAt) ||
          a.id.localeCompare(b.id),
      );
      expect(all.map(key)).toEqual(sorted.map(key));
      expect(new Set(all.map((i) => i.id)).size).toBe(all.length);
      expect(
        all.every((i) => ['received', 'in_assessment', 'awaiting_review', 'development'].includes(i.state)),
      ).toBe(true);
    });

    it('filters by grading, handling, unassigned and several states', async () => {
      const legacy = await create(analyst, {
        grading: { scheme: '5x5x5', sourceEvaluation: 'C', intelligenceAssessment: '3', handlingCode: '2' },
      });
      const get = async (qs: string) => {
        const res = await call(t.app, 'GET', `/api/v1/intelligence/queue?limit=200&${qs}`, {
          token: supervisor.token,
        });
        expect(res.status).toBe(200);
        return res.body.items as {
          id: string;
          state: string;
          assigneeId: string | null;
          grading: { scheme: string; sourceEvaluation: string; handlingCode: string };
        }[];
      };
      const scheme = await get('gradingScheme=5x5x5&sourceEvaluation=C&intelligenceAssessment=3');
      expect(scheme.map((i) => i.id)).toContain(legacy.id);
      expect(scheme.every((i) => i.grading.scheme === '5x5x5' && i.grading.sourceEvaluation === 'C')).toBe(
        true,
      );
      const handling = await get('handlingCode=2');
      expect(handling.every((i) => i.grading.handlingCode === '2')).toBe(true);
      const unassigned = await get('unassigned=true');
      expect(unassigned.length).toBeGreaterThan(0);
      expect(unassigned.every((i) => i.assigneeId === null)).toBe(true);
      const assigned = await get('unassigned=false');
      expect(assigned.every((i) => i.assigneeId !== null)).toBe(true);
      const two = await get('state=received,awaiting_review');
      expect(two.every((i) => ['received', 'awaiting_review'].includes(i.state))).toBe(true);
      const repeated = await get('state=received&state=awaiting_review');
      expect(repeated.map((i) => i.id)).toEqual(two.map((i) => i.id));
    });

    it.each([
      ['state=no_further_action', 'state'],
      ['state=bogus', 'state'],
      ['category=littering', 'category'],
      ['gradingScheme=9x9', 'gradingScheme'],
      ['sourceEvaluation=Z', 'sourceEvaluation'],
      ['assigneeId=me', 'assigneeId'],
      ['overdue=perhaps', 'overdue'],
      ['limit=500', 'limit'],
      ['cursor=garbage', 'cursor'],
    ])('refuses ?%s (400)', async (qs, field) => {
      const res: Reply = await call(t.app, 'GET', `/api/v1/intelligence/queue?${qs}`, {
        token: supervisor.token,
      });
      expectProblem(res, 400, 'validation_failed');
      expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
    });

    it('summarises counts by state, the oldest item, overdue and open items per analyst', async () => {
      const res: Reply = await call(t.app, 'GET', '/api/v1/intelligence/queue/summary', {
        token: supervisor.token,
      });
      expect(res.status).toBe(200);
      const { rows } = await t.db.pool.query<{ state: string; n: number }>(
        `SELECT state::text, count(*)::int AS n FROM intelligence_report
          WHERE state IN ('received','in_assessment','awaiting_review','development') GROUP BY state`,
      );
      for (const s of res.body.byState as { state: string; count: number }[]) {
        expect(s.count).toBe(rows.find((r) => r.state === s.state)?.n ?? 0);
      }
      expect(res.body.byState.map((s: { state: string }) => s.state)).toEqual([
        'received',
        'in_assessment',
        'awaiting_review',
        'development',
      ]);
      expect(res.body.open).toBe(rows.reduce((n, r) => n + r.n, 0));
      expect(res.body.overdue).toBeGreaterThanOrEqual(1);
      expect(res.body.oldestAgeDays).toBeGreaterThanOrEqual(40);
      expect(res.body.assessmentTargetDays).toBe(28);
      const perAnalyst = res.body.perAnalyst as { assigneeId: string | null; open: number }[];
      expect(perAnalyst.reduce((n, a) => n + a.open, 0)).toBe(res.body.open);
      expect(perAnalyst.find((a) => a.assigneeId === null)?.open).toBe(res.body.unassigned);
      expectProblem(
        await call(t.app, 'GET', '/api/v1/intelligence/queue/summary', { token: analyst.token }),
        403,
      );
    });
  });

  describe('search', () => {
    it('finds reports by narrative words and by reference, newest first, audited without the words', async () => {
      const a = await create(analyst, {
        narrative: 'Officer accepted gratuities from a scrapyard owner.',
        receivedAt: daysAgo(4),
      });
      const b = await create(analyst, {
        narrative: 'A scrapyard was tipped off before the warrant.',
        receivedAt: daysAgo(3),
      });
      const res: Reply = await call(t.app, 'GET', '/api/v1/intelligence/search?q=scrapyard', {
        token: analyst.token,
      });
      expect(res.status).toBe(200);
      expect(res.body.items.map((i: { id: string }) => i.id)).toEqual([b.id, a.id]);
      const stemmed = await call(t.app, 'GET', '/api/v1/intelligence/search?q=gratuity', {
        token: analyst.token,
      });
      expect(stemmed.body.items.map((i: { id: string }) => i.id)).toEqual([a.id]);
      const byRef = await call(t.app, 'GET', `/api/v1/intelligence/search?q=${a.reference.toLowerCase()}`, {
        token: analyst.token,
      });
      expect(byRef.body.items.map((i: { id: string }) => i.id)).toEqual([a.id]);
      const paged = await call(t.app, 'GET', '/api/v1/intelligence/search?q=scrapyard&limit=1', {
        token: analyst.token,
      });
      const page2 = await call(
        t.app,
        'GET',
        `/api/v1/intelligence/search?q=scrapyard&limit=1&cursor=${paged.body.nextCursor}`,
        { token: analyst.token },
      );
      expect([...paged.body.items, ...page2.body.items].map((i: { id: string }) => i.id)).toEqual([
        b.id,
        a.id,
      ]);
      const audit = await t.db.pool.query(
        `SELECT details FROM audit_event WHERE action = 'intelligence.search' ORDER BY seq DESC LIMIT 1`,
      );
      expect(audit.rows[0].details.returned).toEqual([a.id]);
      expect(JSON.stringify(audit.rows)).not.toContain('scrapyard');
    });

    it.each([
      ['', 'q'],
      ['q=', 'q'],
      [`q=${'a'.repeat(201)}`, 'q'],
      ['q=x&state=bogus', 'state'],
    ])('refuses ?%s (400)', async (qs, field) => {
      const res: Reply = await call(t.app, 'GET', `/api/v1/intelligence/search?${qs}`, {
        token: analyst.token,
      });
      expectProblem(res, 400, 'validation_failed');
      expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
    });
  });

  describe('conflict of interest', () => {
    it('hides reports about the caller everywhere: read 404 (audited denied), queue, search, summary, links, actions, profile', async () => {
      const me = await workforceMember(t);
      const colleague = await workforceMember(t);
      const conflicted = await userWith(t, [Role.Supervisor], { workforceMemberId: me });
      const hidden = await create(analyst, {
        narrative: 'Zanzibar marker: the supervisor concerned met the informant.',
        primaryCategory: 'abuse_of_position_sexual',
        vulnerablePerson: true,
        subjects: [
          { workforceMemberId: me, role: 'subject' },
          { workforceMemberId: colleague, role: 'associate' },
        ],
      });
      const visible = await create(analyst, {
        narrative: 'Zanzibar marker: unrelated report.',
        subjects: [{ workforceMemberId: colleague, role: 'subject' }],
      });

      const read = await call(t.app, 'GET', `/api/v1/intelligence/${hidden.id}`, { token: conflicted.token });
      expectProblem(read, 404, 'not_found');
      const missing = await call(t.app, 'GET', '/api/v1/intelligence/00000000-0000-4000-8000-000000000000', {
        token: conflicted.token,
      });
      expect(read.body.detail).toBe(missing.body.detail);
      const denied = await t.db.pool.query(
        `SELECT action, subject_ids::text[] AS subject_ids FROM audit_event WHERE resource_id = $1 AND outcome = 'denied'`,
        [hidden.id],
      );
      expect(denied.rows).toEqual([
        { action: 'intelligence.read', subject_ids: expect.arrayContaining([me, colleague]) },
      ]);

      for (const [action, payload] of [
        ['assign', { assigneeId: analyst.id }],
        ['submit-for-review', { assessmentText: 'x', recommendedDecision: 'development' }],
        ['review', { decision: 'no_further_action', reason: 'x' }],
      ] as const) {
        expectProblem(
          await call(t.app, 'POST', `/api/v1/intelligence/${hidden.id}/${action}`, {
            token: conflicted.token,
            body: payload,
          }),
          404,
          'not_found',
        );
      }
      expectProblem(
        await call(t.app, 'PATCH', `/api/v1/intelligence/${hidden.id}`, {
          token: conflicted.token,
          body: { version: 1, narrative: 'x' },
        }),
        404,
      );

      const ids = async (url: string): Promise<string[]> => {
        const out: string[] = [];
        let cursor: string | null = null;
        do {
          const res: Reply = await call(
            t.app,
            'GET',
            `${url}${url.includes('?') ? '&' : '?'}limit=200${cursor ? `&cursor=${cursor}` : ''}`,
            {
              token: conflicted.token,
            },
          );
          expect(res.status).toBe(200);
          out.push(...res.body.items.map((i: { id: string }) => i.id));
          cursor = res.body.nextCursor;
        } while (cursor);
        return out;
      };
      // A link from a visible report to the hidden one is left out for the conflicted reader.
      const linking = await create(analyst, { linkedReportIds: [hidden.id, visible.id] });
      const linked = await call(t.app, 'GET', `/api/v1/intelligence/${linking.id}`, {
        token: conflicted.token,
      });
      expect(linked.body.linkedReports).toEqual([{ id: visible.id, reference: visible.reference }]);
      const linkedAll = await call(t.app, 'GET', `/api/v1/intelligence/${linking.id}`, {
        token: supervisor.token,
      });
      expect(linkedAll.body.linkedReports).toHaveLength(2);

      const queue = await ids('/api/v1/intelligence/queue');
      expect(queue).toContain(visible.id);
      expect(queue).not.toContain(hidden.id);
      const search = await ids('/api/v1/intelligence/search?q=zanzibar');
      expect(search).toEqual([visible.id]);

      const mine = await call(t.app, 'GET', '/api/v1/intelligence/queue/summary', {
        token: conflicted.token,
      });
      const all = await call(t.app, 'GET', '/api/v1/intelligence/queue/summary', { token: supervisor.token });
      expect(all.body.open - mine.body.open).toBe(1);

      const link = await call(t.app, 'POST', '/api/v1/intelligence', {
        token: conflicted.token,
        body: body({ linkedReportIds: [hidden.id] }),
      });
      expectProblem(link, 400, 'validation_failed');
      const self = await call(t.app, 'POST', '/api/v1/intelligence', {
        token: conflicted.token,
        body: body({ subjects: [{ workforceMemberId: me, role: 'subject' }] }),
      });
      expectProblem(self, 422, 'conflict_of_interest');

      // The profile of the caller's own record is a 404; a colleague's leaves out the reports about the caller.
      expectProblem(
        await call(t.app, 'GET', `/api/v1/workforce/${me}/profile`, { token: conflicted.token }),
        404,
      );
      const profile = await call(t.app, 'GET', `/api/v1/workforce/${colleague}/profile`, {
        token: conflicted.token,
      });
      expect(profile.body.intelligence.map((i: { id: string }) => i.id)).toEqual([visible.id]);
      const full = await call(t.app, 'GET', `/api/v1/workforce/${colleague}/profile`, {
        token: supervisor.token,
      });
      expect(full.body.intelligence.map((i: { id: string }) => i.id).sort()).toEqual(
        [visible.id, hidden.id].sort(),
      );
    });
  });

  describe('subject profile', () => {
    it('lists every report about the person with counts by category per financial year, audited', async () => {
      const member = await workforceMember(t);
      const s = [{ workforceMemberId: member, role: 'subject' }];
      const a = await create(analyst, {
        subjects: s,
        primaryCategory: 'drugs',
        receivedAt: '2025-03-30T12:00:00.000Z',
      });
      const b = await create(analyst, {
        subjects: s,
        primaryCategory: 'drugs',
        receivedAt: '2025-04-02T12:00:00.000Z',
      });
      const c = await create(analyst, {
        subjects: [{ workforceMemberId: member, role: 'associate' }],
        primaryCategory: 'theft_fraud',
        receivedAt: '2025-06-01T12:00:00.000Z',
      });
      const res: Reply = await call(t.app, 'GET', `/api/v1/workforce/${member}/profile`, {
        token: supervisor.token,
      });
      expect(res.status).toBe(200);
      expect(res.body.member).toMatchObject({ id: member, staffNumber: expect.any(String) });
      expect(res.body.intelligence.map((i: { id: string; role: string }) => [i.id, i.role])).toEqual([
        [c.id, 'associate'],
        [b.id, 'subject'],
        [a.id, 'subject'],
      ]);
      expect(res.body.intelligenceByCategoryYear).toEqual([
        { financialYear: '2025/26', category: 'drugs', count: 1 },
        { financialYear: '2025/26', category: 'theft_fraud', count: 1 },
        { financialYear: '2024/25', category: 'drugs', count: 1 },
      ]);
      expect(res.body.cases).toEqual([]);
      expect(res.body.vetting).toMatchObject({ state: 'no_clearance' });
      expect(res.body.openAlerts).toEqual([]);

      // Cases, vetting state and open alerts join the picture.
      const kase = await call(t.app, 'POST', '/api/v1/cases', {
        token: supervisor.token,
        body: {
          caseType: 'misconduct',
          matterType: 'conduct_matter',
          allegationSummary: 'Alleged misuse of force systems.',
          primaryCategory: 'misuse_of_systems',
          workforceMemberIds: [member],
        },
      });
      expect(kase.status).toBe(201);
      const { rows: clearance } = await t.db.pool.query<{ id: string }>(
        `INSERT INTO vetting_clearance (workforce_member_id, level, granted_on, expires_on)
         VALUES ($1, 'RV', current_date - 4000, current_date - 10) RETURNING id`,
        [member],
      );
      const { rows: alert } = await t.db.pool.query<{ id: string }>(
        `INSERT INTO vetting_alert (workforce_member_id, kind, clearance_id, level, due_on)
         VALUES ($1, 'overdue', $2, 'RV', current_date - 10) RETURNING id`,
        [member, clearance[0].id],
      );
      const full: Reply = await call(t.app, 'GET', `/api/v1/workforce/${member}/profile`, {
        token: supervisor.token,
      });
      expect(full.body.cases.map((x: { id: string }) => x.id)).toEqual([kase.body.id]);
      expect(full.body.vetting).toMatchObject({ state: 'overdue' });
      expect(full.body.openAlerts.map((x: { id: string; kind: string }) => [x.id, x.kind])).toEqual([
        [alert[0].id, 'overdue'],
      ]);

      const audit = await t.db.pool.query(
        `SELECT subject_ids::text[] AS subject_ids, details FROM audit_event WHERE action = 'workforce.profile' AND resource_id = $1 ORDER BY seq`,
        [member],
      );
      expect(audit.rows).toEqual([
        { subject_ids: [member], details: { intelligence: [c.id, b.id, a.id], cases: [], alerts: [] } },
        {
          subject_ids: [member],
          details: { intelligence: [c.id, b.id, a.id], cases: [kase.body.id], alerts: [alert[0].id] },
        },
      ]);
      expectProblem(
        await call(t.app, 'GET', `/api/v1/workforce/${member}/profile`, { token: analyst.token }),
        403,
      );
      expectProblem(
        await call(t.app, 'GET', '/api/v1/workforce/00000000-0000-4000-8000-000000000000/profile', {
          token: supervisor.token,
        }),
        404,
      );
      expectProblem(
        await call(t.app, 'GET', '/api/v1/workforce/zzz/profile', { token: supervisor.token }),
        400,
      );
    });
  });
});
