import pg from 'pg';
import { Role } from '../src/common/auth/roles.js';
import { startApp, type TestApp } from './helpers/app.js';
import { call, expectProblem, type Reply, type TestUser, userWith, workforceMember } from './helpers/http.js';

/**
 * Issue 26: a supervisor sends an assessment back to its analyst with a reason. Every version is kept, the
 * report returns to the analyst's work, and the report's history shows it; each refusal is tested.
 */
describe('intelligence: an assessment sent back to its analyst', () => {
  let t: TestApp;
  let analyst: TestUser;
  let supervisor: TestUser;
  let subject: string;

  beforeAll(async () => {
    t = await startApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    analyst = await userWith(t, [Role.Analyst]);
    supervisor = await userWith(t, [Role.Supervisor]);
    subject = await workforceMember(t);
  });
  afterAll(() => t.close());

  const post = (url: string, body: unknown, user: TestUser): Promise<Reply> =>
    call(t.app, 'POST', url, { token: user.token, body });
  const ok = async (url: string, body: unknown, user: TestUser): Promise<Reply> => {
    const res = await post(url, body, user);
    if (res.status >= 300) throw new Error(`${url}: ${res.status} ${res.text}`);
    return res;
  };

  /** A report about `subjects`, assigned to `assignee` and submitted by them: awaiting review. */
  async function awaitingReview(assignee = analyst, subjects = [subject]): Promise<string> {
    const res = await ok(
      '/api/v1/intelligence',
      {
        receivedAt: new Date(Date.now() - 86400_000).toISOString(),
        receiptMethod: 'telephone',
        sourceType: 'colleague',
        grading: { scheme: '3x5x2', sourceEvaluation: '2', intelligenceAssessment: 'B', handlingCode: 'P' },
        primaryCategory: 'disclosure_of_information',
        narrative: 'Fictional narrative for a sent-back assessment.',
        subjects: subjects.map((workforceMemberId) => ({ workforceMemberId, role: 'subject' })),
      },
      analyst,
    );
    const id = res.body.id as string;
    await ok(`/api/v1/intelligence/${id}/assign`, { assigneeId: assignee.id }, supervisor);
    await ok(
      `/api/v1/intelligence/${id}/submit-for-review`,
      { assessmentText: 'First assessment', recommendedDecision: 'no_further_action' },
      assignee,
    );
    return id;
  }

  it('returns the report to its analyst, keeps every version with the reason, and audits it', async () => {
    const id = await awaitingReview();
    const res = await post(
      `/api/v1/intelligence/${id}/send-back`,
      { reason: 'Grade the source again' },
      supervisor,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'in_assessment', assigneeId: analyst.id });
    expect(res.body.assessments).toEqual([
      expect.objectContaining({
        versionNo: 1,
        assessmentText: 'First assessment',
        sentBack: {
          reason: 'Grade the source again',
          sentBackBy: supervisor.id,
          sentBackByName: expect.any(String),
          sentBackAt: expect.any(String),
        },
      }),
    ]);
    // Not reviewable until the analyst submits again: a second send-back or a review is an invalid transition.
    expectProblem(
      await post(`/api/v1/intelligence/${id}/send-back`, { reason: 'again' }, supervisor),
      409,
      'invalid_transition',
    );
    expectProblem(
      await post(
        `/api/v1/intelligence/${id}/review`,
        { decision: 'no_further_action', reason: 'x' },
        supervisor,
      ),
      409,
      'invalid_transition',
    );
    // The analyst's next submission is version 2; version 1 stays, still marked sent back.
    await ok(
      `/api/v1/intelligence/${id}/submit-for-review`,
      { assessmentText: 'Second assessment', recommendedDecision: 'development' },
      analyst,
    );
    const read = await call(t.app, 'GET', `/api/v1/intelligence/${id}`, { token: supervisor.token });
    expect(read.body.state).toBe('awaiting_review');
    expect(
      read.body.assessments.map((a: { versionNo: number; assessmentText: string; sentBack: unknown }) => [
        a.versionNo,
        a.assessmentText,
        a.sentBack === null ? null : 'sent back',
      ]),
    ).toEqual([
      [1, 'First assessment', 'sent back'],
      [2, 'Second assessment', null],
    ]);
    const { rows } = await t.db.pool.query<{ outcome: string; subject_ids: string[]; details: any }>(
      `SELECT outcome, subject_ids, details FROM audit_event
        WHERE action = 'intelligence.send_back' AND resource_id = $1`,
      [id],
    );
    expect(rows).toEqual([
      {
        outcome: 'allowed',
        subject_ids: [subject],
        details: expect.objectContaining({
          from: 'awaiting_review',
          to: 'in_assessment',
          assessmentVersion: 1,
        }),
      },
    ]);
    // The send-back is a record: the application's login can neither change nor remove it.
    const app = new pg.Client({ connectionString: t.db.appUrl });
    await app.connect();
    try {
      for (const statement of [
        `UPDATE intelligence_send_back SET reason = 'changed' WHERE report_id = $1`,
        `DELETE FROM intelligence_send_back WHERE report_id = $1`,
      ]) {
        await expect(app.query(statement, [id])).rejects.toThrow(/permission denied/);
      }
    } finally {
      await app.end();
    }
  });

  it('returns a report in development to development (its review date kept)', async () => {
    const id = await awaitingReview();
    const reviewDate = new Date(Date.now() + 30 * 86400_000).toISOString().slice(0, 10);
    await ok(`/api/v1/intelligence/${id}/review`, { decision: 'development', reviewDate }, supervisor);
    await ok(
      `/api/v1/intelligence/${id}/submit-for-review`,
      { assessmentText: 'Developed', recommendedDecision: 'no_further_action' },
      analyst,
    );
    const res = await ok(`/api/v1/intelligence/${id}/send-back`, { reason: 'Not yet' }, supervisor);
    expect(res.body).toMatchObject({ state: 'development', reviewDate });
    expect(res.body.assessments).toHaveLength(2);
  });

  it('refuses an analyst (403), the assessment’s own author (403), a report not awaiting review (409), a missing reason (400)', async () => {
    const id = await awaitingReview();
    expectProblem(
      await post(`/api/v1/intelligence/${id}/send-back`, { reason: 'x' }, analyst),
      403,
      'forbidden',
    );
    // A supervisor who wrote the assessment cannot send it back (separation of duties, as for a review).
    const author = await userWith(t, [Role.Supervisor]);
    const own = await awaitingReview(author);
    expectProblem(
      await post(`/api/v1/intelligence/${own}/send-back`, { reason: 'x' }, author),
      403,
      'own_assessment',
    );
    for (const bad of [
      {},
      { reason: '' },
      { reason: 7 },
      { reason: 'x'.repeat(10_001) },
      { reason: 'x', extra: 1 },
    ]) {
      const res = await post(`/api/v1/intelligence/${id}/send-back`, bad, supervisor);
      expectProblem(res, 400, 'validation_failed');
    }
    const received = (
      await ok(
        '/api/v1/intelligence',
        {
          receivedAt: new Date(Date.now() - 86400_000).toISOString(),
          receiptMethod: 'telephone',
          sourceType: 'colleague',
          grading: { scheme: '3x5x2', sourceEvaluation: '2', intelligenceAssessment: 'B', handlingCode: 'P' },
          primaryCategory: 'disclosure_of_information',
          narrative: 'Not yet assessed.',
        },
        analyst,
      )
    ).body.id as string;
    expectProblem(
      await post(`/api/v1/intelligence/${received}/send-back`, { reason: 'x' }, supervisor),
      409,
      'invalid_transition',
    );
    await ok(
      `/api/v1/intelligence/${id}/review`,
      { decision: 'no_further_action', reason: 'Done' },
      supervisor,
    );
    expectProblem(
      await post(`/api/v1/intelligence/${id}/send-back`, { reason: 'x' }, supervisor),
      409,
      'invalid_transition',
    );
    // Nothing was marked sent back by the refusals.
    const { rows } = await t.db.pool.query(
      `SELECT 1 FROM intelligence_send_back WHERE report_id = ANY($1::uuid[])`,
      [[id, own, received]],
    );
    expect(rows).toEqual([]);
  });

  it('answers 404 for a report about the supervisor or one that does not exist (audited as denied), 400 for a bad id', async () => {
    const me = await workforceMember(t);
    const conflicted = await userWith(t, [Role.Supervisor], { workforceMemberId: me });
    const aboutMe = await awaitingReview(analyst, [subject, me]);
    const hidden = await post(`/api/v1/intelligence/${aboutMe}/send-back`, { reason: 'x' }, conflicted);
    expectProblem(hidden, 404, 'not_found');
    expectProblem(
      await post(
        '/api/v1/intelligence/3b241101-e2bb-4255-8caf-4136c566a962/send-back',
        { reason: 'x' },
        supervisor,
      ),
      404,
      'not_found',
    );
    expectProblem(
      await post('/api/v1/intelligence/nope/send-back', { reason: 'x' }, supervisor),
      400,
      'validation_failed',
    );
    const { rows } = await t.db.pool.query(
      `SELECT outcome FROM audit_event WHERE action = 'intelligence.send_back' AND resource_id = $1`,
      [aboutMe],
    );
    expect(rows).toEqual([{ outcome: 'denied' }]);
    const after = await call(t.app, 'GET', `/api/v1/intelligence/${aboutMe}`, { token: supervisor.token });
    expect(after.body.state).toBe('awaiting_review');
  });
});
