import { randomUUID } from 'node:crypto';
import { Role } from '../src/common/auth/roles.js';
import { REFERENCE_ALPHABET, referencePattern } from '../src/common/reference.js';
import { startApp, type TestApp } from './helpers/app.js';
import { call, expectProblem, type TestUser, userWith, workforceMember } from './helpers/http.js';

/**
 * Issue 22, findings 2-4, for intelligence and cases: a user linked to workforce member W edits link sets
 * without removing the links they cannot see, reads nothing that names a record about W, and cannot tell a
 * record about W from a missing one (same 404, same denied audit row).
 */
describe('need to know: intelligence and cases', () => {
  let t: TestApp;
  let analyst: TestUser;
  let supervisor: TestUser;
  /** Linked to W: sees nothing about W. */
  let conflicted: TestUser;
  let w: string;
  let a: string;

  const DAY = 86_400_000;
  const post = async (user: TestUser, url: string, body: unknown) => {
    const res = await call(t.app, 'POST', url, { token: user.token, body });
    if (res.status >= 300) throw new Error(`${url}: ${res.status} ${res.text}`);
    return res.body as Record<string, any>;
  };
  const report = async (
    subjects: { workforceMemberId: string; role: string }[],
    linkedReportIds?: string[],
  ) =>
    post(analyst, '/api/v1/intelligence', {
      receivedAt: new Date(Date.now() - DAY).toISOString(),
      receiptMethod: 'telephone',
      sourceType: 'colleague',
      grading: { scheme: '3x5x2', sourceEvaluation: '2', intelligenceAssessment: 'B', handlingCode: 'P' },
      primaryCategory: 'abuse_of_position_sexual',
      narrative: 'Need-to-know test report.',
      subjects,
      ...(linkedReportIds ? { linkedReportIds } : {}),
    }) as Promise<{ id: string; reference: string; version: number }>;
  const aboutA = () => report([{ workforceMemberId: a, role: 'subject' }]);
  /** Hidden from `conflicted`: W is named, as an associate. */
  const aboutAandW = () =>
    report([
      { workforceMemberId: a, role: 'subject' },
      { workforceMemberId: w, role: 'associate' },
    ]);
  const newCase = (workforceMemberIds: string[], intelligenceReportIds: string[] = []) =>
    post(analyst, '/api/v1/cases', {
      caseType: 'misconduct',
      matterType: 'conduct_matter',
      allegationSummary: 'Need-to-know test case.',
      primaryCategory: 'misuse_of_systems',
      workforceMemberIds,
      intelligenceReportIds,
    }) as Promise<{ id: string; reference: string; version: number }>;
  /** Assigned to the analyst and submitted, awaiting the supervisor's review. */
  const awaitingReview = async (id: string) => {
    await post(supervisor, `/api/v1/intelligence/${id}/assign`, { assigneeId: analyst.id });
    await post(analyst, `/api/v1/intelligence/${id}/submit-for-review`, {
      assessmentText: 'Refer',
      recommendedDecision: 'referred_to_case',
    });
  };
  const lastAudit = async (action: string, resourceId: string) =>
    (
      await t.db.pool.query<{ details: Record<string, any> }>(
        `SELECT details FROM audit_event WHERE action = $1 AND resource_id = $2 ORDER BY occurred_at DESC LIMIT 1`,
        [action, resourceId],
      )
    ).rows[0]?.details;

  beforeAll(async () => {
    t = await startApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    analyst = await userWith(t, [Role.Analyst]);
    supervisor = await userWith(t, [Role.Supervisor]);
    w = await workforceMember(t);
    a = await workforceMember(t);
    conflicted = await userWith(t, [Role.Supervisor], { workforceMemberId: w });
  });
  afterAll(() => t.close());

  describe('finding 2: editing a link set leaves hidden links in place', () => {
    it('PATCH /cases/{id} with intelligenceReportIds changes only the links the caller sees; the audit row names them', async () => {
      const [v1, v2, hidden] = [await aboutA(), await aboutA(), await aboutAandW()];
      const c = await newCase([a], [v1.id, hidden.id]);
      const seen = await call(t.app, 'GET', `/api/v1/cases/${c.id}`, { token: conflicted.token });
      expect(seen.body.intelligenceReportIds).toEqual([v1.id]);
      const edited = await call(t.app, 'PATCH', `/api/v1/cases/${c.id}`, {
        token: conflicted.token,
        body: { version: seen.body.version, intelligenceReportIds: [v2.id] },
      });
      expect(edited.status).toBe(200);
      expect(edited.body.intelligenceReportIds).toEqual([v2.id]);
      expect(edited.text).not.toContain(hidden.id);
      const { rows } = await t.db.pool.query<{ report_id: string }>(
        `SELECT report_id FROM case_intelligence WHERE case_id = $1`,
        [c.id],
      );
      expect(rows.map((r) => r.report_id).sort()).toEqual([v2.id, hidden.id].sort());
      expect((await lastAudit('case.update', c.id))?.intelligenceLinks).toEqual({
        added: [v2.id],
        removed: [v1.id],
      });
    });

    it('PATCH /intelligence/{id} with linkedReportIds changes only the links the caller sees; the audit row names them', async () => {
      const [v1, v2, hidden] = [await aboutA(), await aboutA(), await aboutAandW()];
      const r = await report([{ workforceMemberId: a, role: 'subject' }], [v1.id, hidden.id]);
      // A link made from the hidden report's side counts too.
      const back = await aboutAandW();
      await t.db.pool.query(
        `INSERT INTO intelligence_link (report_id, linked_report_id, created_by) VALUES ($1, $2, $3)`,
        [back.id, r.id, analyst.id],
      );
      const seen = await call(t.app, 'GET', `/api/v1/intelligence/${r.id}`, { token: conflicted.token });
      expect(seen.body.linkedReports.map((l: { id: string }) => l.id)).toEqual([v1.id]);
      const edited = await call(t.app, 'PATCH', `/api/v1/intelligence/${r.id}`, {
        token: conflicted.token,
        body: { version: seen.body.version, linkedReportIds: [v2.id] },
      });
      expect(edited.status).toBe(200);
      expect(edited.body.linkedReports.map((l: { id: string }) => l.id)).toEqual([v2.id]);
      const { rows } = await t.db.pool.query<{ other: string }>(
        `SELECT CASE WHEN report_id = $1 THEN linked_report_id ELSE report_id END AS other
           FROM intelligence_link WHERE report_id = $1 OR linked_report_id = $1`,
        [r.id],
      );
      expect(rows.map((x) => x.other).sort()).toEqual([v2.id, hidden.id, back.id].sort());
      expect((await lastAudit('intelligence.update', r.id))?.links).toEqual({
        added: [v2.id],
        removed: [v1.id],
      });
    });
  });

  describe('finding 3: nothing visible references a hidden record', () => {
    it("leaves hidden reports out of a case's timeline", async () => {
      const [v1, hidden] = [await aboutA(), await aboutAandW()];
      const together = await newCase([a], [v1.id, hidden.id]);
      const alone = await newCase([a], [hidden.id]);
      for (const c of [together, alone]) {
        const tl = await call(t.app, 'GET', `/api/v1/cases/${c.id}/timeline`, { token: conflicted.token });
        expect(tl.status).toBe(200);
        expect(tl.text).not.toContain(hidden.id);
        expect(tl.text).not.toContain(hidden.reference);
        const linked = tl.body.items.filter((e: { kind: string }) => e.kind === 'intelligence_linked');
        expect(linked.map((e: { details: { reportIds: string[] } }) => e.details.reportIds)).toEqual(
          c === together ? [[v1.id]] : [],
        );
      }
      // The analyst, who may see both, still reads the whole event.
      const full = await call(t.app, 'GET', `/api/v1/cases/${together.id}/timeline`, {
        token: analyst.token,
      });
      const event = full.body.items.find((e: { kind: string }) => e.kind === 'intelligence_linked');
      expect(event.details.reportIds).toEqual([v1.id, hidden.id]);
    });

    it("reads a report's referredCaseId and reviews[].caseId as null when the case is hidden", async () => {
      const hiddenCase = await newCase([a, w]);
      const r = await aboutA();
      await awaitingReview(r.id);
      await post(supervisor, `/api/v1/intelligence/${r.id}/review`, {
        decision: 'referred_to_case',
        caseId: hiddenCase.id,
      });
      const mine = await call(t.app, 'GET', `/api/v1/intelligence/${r.id}`, { token: supervisor.token });
      expect(mine.body.referredCaseId).toBe(hiddenCase.id);
      const theirs = await call(t.app, 'GET', `/api/v1/intelligence/${r.id}`, { token: conflicted.token });
      expect(theirs.status).toBe(200);
      expect(theirs.body.referredCaseId).toBeNull();
      expect(theirs.body.reviews.map((v: { caseId: string | null }) => v.caseId)).toEqual([null]);
      expect(theirs.text).not.toContain(hiddenCase.id);
      expect(theirs.text).not.toContain(hiddenCase.reference);
    });

    it('opens a case from a review without the report reference in its summary', async () => {
      const r = await aboutA();
      await awaitingReview(r.id);
      const reviewed = await post(supervisor, `/api/v1/intelligence/${r.id}/review`, {
        decision: 'referred_to_case',
      });
      const c = await call(t.app, 'GET', `/api/v1/cases/${reviewed.referredCaseId}`, {
        token: analyst.token,
      });
      expect(c.body.intelligenceReportIds).toEqual([r.id]);
      expect(c.body.allegationSummary).not.toContain(r.reference);
      expect(c.body.allegationSummary).not.toMatch(/INT-\d{4}-/);
    });

    it('does not answer 409 referral_link for a hidden referred report: the edit goes through and the link stays', async () => {
      const hidden = await aboutAandW();
      await awaitingReview(hidden.id);
      const reviewed = await post(supervisor, `/api/v1/intelligence/${hidden.id}/review`, {
        decision: 'referred_to_case',
      });
      const caseId = reviewed.referredCaseId as string;
      const v1 = await aboutA();
      const seen = await call(t.app, 'GET', `/api/v1/cases/${caseId}`, { token: conflicted.token });
      expect(seen.status).toBe(200);
      expect(seen.body.intelligenceReportIds).toEqual([]);
      const edited = await call(t.app, 'PATCH', `/api/v1/cases/${caseId}`, {
        token: conflicted.token,
        body: { version: seen.body.version, intelligenceReportIds: [v1.id] },
      });
      expect(edited.status).toBe(200);
      expect(edited.text).not.toContain(hidden.id);
      expect(edited.body.intelligenceReportIds).toEqual([v1.id]);
      const { rows } = await t.db.pool.query<{ report_id: string }>(
        `SELECT report_id FROM case_intelligence WHERE case_id = $1`,
        [caseId],
      );
      expect(rows.map((r) => r.report_id).sort()).toEqual([v1.id, hidden.id].sort());
      // The supervisor, who sees the referred report, is still refused the unlink.
      const full = await call(t.app, 'GET', `/api/v1/cases/${caseId}`, { token: supervisor.token });
      expectProblem(
        await call(t.app, 'PATCH', `/api/v1/cases/${caseId}`, {
          token: supervisor.token,
          body: { version: full.body.version, intelligenceReportIds: [] },
        }),
        409,
        'referral_link',
      );
    });
  });

  describe('finding 4: equal answers', () => {
    const strip = (b: Record<string, unknown>) => {
      const { requestId: _r, instance: _i, ...rest } = b;
      return rest;
    };
    const denied = async (resourceId: string) =>
      (
        await t.db.pool.query<{ action: string }>(
          `SELECT action FROM audit_event WHERE user_id = $1 AND resource_id = $2 AND outcome = 'denied'`,
          [conflicted.id, resourceId],
        )
      ).rows.map((r) => r.action);

    it('answers a hidden and a missing report or case alike, each with a denied audit row', async () => {
      const hiddenReport = await aboutAandW();
      const hiddenCase = await newCase([a, w]);
      for (const [path, hiddenId, action] of [
        ['intelligence', hiddenReport.id, 'intelligence.read'],
        ['cases', hiddenCase.id, 'case.read'],
      ] as const) {
        const missingId = randomUUID();
        const hidden = await call(t.app, 'GET', `/api/v1/${path}/${hiddenId}`, { token: conflicted.token });
        const missing = await call(t.app, 'GET', `/api/v1/${path}/${missingId}`, { token: conflicted.token });
        expect(hidden.status).toBe(404);
        expect(missing.status).toBe(404);
        expect(strip(hidden.body)).toEqual(strip(missing.body));
        expect(hidden.headers['content-type']).toEqual(missing.headers['content-type']);
        expect(await denied(hiddenId)).toEqual([action]);
        expect(await denied(missingId)).toEqual([action]);
      }
      // An action on a missing case is refused and audited like one on a hidden case.
      const missingId = randomUUID();
      for (const id of [hiddenCase.id, missingId]) {
        expectProblem(
          await call(t.app, 'POST', `/api/v1/cases/${id}/notes`, {
            token: conflicted.token,
            body: { text: 'probe' },
          }),
          404,
          'not_found',
        );
      }
      expect(await denied(missingId)).toEqual(['case.note']);
    });

    it('gives references that reveal no count: random, in the new form, not consecutive', async () => {
      const reports = [await aboutA(), await aboutA(), await aboutA(), await aboutA()];
      const cases = [await newCase([a]), await newCase([a]), await newCase([a]), await newCase([a])];
      const value = (ref: string) =>
        [...ref.slice(-6)].reduce((n, ch) => n * 32 + REFERENCE_ALPHABET.indexOf(ch), 0);
      for (const [prefix, made] of [
        ['INT', reports],
        ['CASE', cases],
      ] as const) {
        for (const m of made) expect(m.reference).toMatch(referencePattern(prefix));
        // Gap-free numbering would give consecutive values (the old INT-2026-000123 form included).
        const values = made.map((m) => value(m.reference)).sort((x, y) => x - y);
        expect(values.every((v, i) => i === 0 || v === values[i - 1] + 1)).toBe(false);
      }
    });
  });
});
