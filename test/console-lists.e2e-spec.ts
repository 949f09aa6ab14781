import { Role } from '../src/common/auth/roles.js';
import { startApp, type TestApp } from './helpers/app.js';
import { call, expectProblem, type Reply, type TestUser, userWith, workforceMember } from './helpers/http.js';

const DAY = 86_400_000;
const isoDaysAgo = (n: number): string => new Date(Date.now() - n * DAY).toISOString();

/** What the console asks of the API: "mine" filters, a report list without search words, names beside ids. */
describe('console lists and names', () => {
  let t: TestApp;
  let analyst: TestUser;
  let analyst2: TestUser;
  let supervisor: TestUser;
  let auditor: TestUser;
  let officer: TestUser;
  let subject: string;
  const reports: { id: string; reference: string }[] = [];

  const get = (user: TestUser, path: string): Promise<Reply> =>
    call(t.app, 'GET', `/api/v1${path}`, { token: user.token });
  const names = async (id: string): Promise<string> =>
    (await t.db.pool.query<{ n: string }>('SELECT display_name AS n FROM app_user WHERE id = $1', [id]))
      .rows[0].n;

  const record = async (
    user: TestUser,
    daysAgo: number,
    category: string,
  ): Promise<{ id: string; reference: string }> => {
    const res = await call(t.app, 'POST', '/api/v1/intelligence', {
      token: user.token,
      body: {
        receivedAt: isoDaysAgo(daysAgo),
        receiptMethod: 'telephone',
        sourceType: 'colleague',
        grading: { scheme: '3x5x2', sourceEvaluation: '2', intelligenceAssessment: 'B', handlingCode: 'P' },
        primaryCategory: category,
        narrative: 'A console list report about a fictional officer.',
        subjects: [{ workforceMemberId: subject, role: 'subject' }],
      },
    });
    expect(res.status).toBe(201);
    return res.body;
  };

  beforeAll(async () => {
    t = await startApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    analyst = await userWith(t, [Role.Analyst]);
    analyst2 = await userWith(t, [Role.Analyst]);
    supervisor = await userWith(t, [Role.Supervisor]);
    auditor = await userWith(t, [Role.Auditor]);
    officer = await userWith(t, [Role.VettingOfficer]);
    await t.db.pool.query("UPDATE app_user SET display_name = 'Ada Analyst' WHERE id = $1", [analyst.id]);
    subject = await workforceMember(t);
    reports.push(await record(analyst, 40, 'disclosure_of_information'));
    reports.push(await record(analyst, 3, 'abuse_of_position_sexual'));
    reports.push(await record(analyst2, 1, 'disclosure_of_information'));
    for (const [r, who] of [
      [reports[0], analyst],
      [reports[1], analyst2],
    ] as const) {
      const res = await call(t.app, 'POST', `/api/v1/intelligence/${r.id}/assign`, {
        token: supervisor.token,
        body: { assigneeId: who.id },
      });
      expect(res.status).toBe(200);
    }
  });
  afterAll(() => t.close());

  describe('GET /intelligence', () => {
    it('lists every report the caller may see, newest first, paginated, with the assignee named, audited', async () => {
      const first = await get(analyst, '/intelligence?limit=2');
      expect(first.status).toBe(200);
      expect(first.body.items.map((i: { id: string }) => i.id)).toEqual([reports[2].id, reports[1].id]);
      const next = await get(analyst, `/intelligence?limit=2&cursor=${first.body.nextCursor}`);
      expect(next.body.items.map((i: { id: string }) => i.id)).toEqual([reports[0].id]);
      expect(next.body.items[0]).toMatchObject({ assigneeId: analyst.id, assigneeName: 'Ada Analyst' });
      expect(first.body.items[1].assigneeName).toBe(await names(analyst2.id));
      expect(first.body.items[0]).toMatchObject({ assigneeId: null, assigneeName: null });
      const { rows } = await t.db.pool.query<{ details: { returned: string[] } }>(
        `SELECT details FROM audit_event WHERE action = 'intelligence.list' AND user_id = $1 ORDER BY seq`,
        [analyst.id],
      );
      expect(rows.map((r) => r.details.returned)).toEqual([[reports[2].id, reports[1].id], [reports[0].id]]);
    });

    it('filters by assignee=me, category, state, unassigned and received dates', async () => {
      const ids = async (user: TestUser, query: string): Promise<string[]> => {
        const res = await get(user, `/intelligence?${query}`);
        expect(res.status).toBe(200);
        return res.body.items.map((i: { id: string }) => i.id);
      };
      expect(await ids(analyst, 'assignee=me')).toEqual([reports[0].id]);
      expect(await ids(analyst2, 'assignee=ME')).toEqual([reports[1].id]);
      expect(await ids(supervisor, 'assignee=me')).toEqual([]);
      expect(await ids(supervisor, `assignee=${analyst.id}`)).toEqual([reports[0].id]);
      expect(await ids(analyst, 'category=abuse_of_position_sexual')).toEqual([reports[1].id]);
      expect(await ids(analyst, 'unassigned=true')).toEqual([reports[2].id]);
      expect(await ids(analyst, 'state=received')).toEqual([reports[2].id]);
      expect(await ids(analyst, 'state=in_assessment,received')).toEqual(reports.map((r) => r.id).reverse());
      const day = (n: number): string => new Date(Date.now() - n * DAY).toISOString().slice(0, 10);
      expect(await ids(analyst, `receivedFrom=${day(10)}`)).toEqual([reports[2].id, reports[1].id]);
      expect(await ids(analyst, `receivedTo=${day(10)}`)).toEqual([reports[0].id]);
      expect(await ids(analyst, `receivedFrom=${day(41)}&receivedTo=${day(39)}`)).toEqual([reports[0].id]);
    });

    it('answers bad filters with a 400 naming the field', async () => {
      for (const [query, field] of [
        ['assignee=someone', 'assignee'],
        ['state=open', 'state'],
        ['receivedFrom=2026-02-30', 'receivedFrom'],
        ['receivedTo=yesterday', 'receivedTo'],
        ['receivedFrom=2026-03-02&receivedTo=2026-03-01', 'receivedTo'],
        ['category=theft', 'category'],
        ['cursor=nonsense', 'cursor'],
      ]) {
        const res = await get(analyst, `/intelligence?${query}`);
        expectProblem(res, 400);
        expect(JSON.stringify(res.body)).toContain(field);
      }
    });

    it('is for analysts and supervisors only', async () => {
      expect((await get(officer, '/intelligence')).status).toBe(403);
      expect((await get(auditor, '/intelligence')).status).toBe(403);
    });
  });

  describe('the queue', () => {
    it('takes assignee=me (and refuses it beside assigneeId)', async () => {
      const mine = await get(analyst2, '/intelligence/queue?assignee=me');
      expect(mine.body.items.map((i: { id: string }) => i.id)).toEqual([reports[1].id]);
      expect(mine.body.items[0].assigneeName).toBe(await names(analyst2.id));
      expectProblem(await get(analyst2, `/intelligence/queue?assignee=me&assigneeId=${analyst2.id}`), 400);
    });

    it('names the people on a report', async () => {
      const r = await get(analyst, `/intelligence/${reports[0].id}`);
      expect(r.body).toMatchObject({ recordedByName: 'Ada Analyst', assigneeName: 'Ada Analyst' });
    });
  });

  describe('cases', () => {
    it('takes investigator=me and names the investigator and supervisor', async () => {
      const create = (investigatorId: string): Promise<Reply> =>
        call(t.app, 'POST', '/api/v1/cases', {
          token: supervisor.token,
          body: {
            caseType: 'misconduct',
            matterType: 'conduct_matter',
            allegationSummary: 'Fictional allegation for the console list.',
            primaryCategory: 'disclosure_of_information',
            workforceMemberIds: [subject],
            investigatorId,
            supervisorId: supervisor.id,
          },
        });
      const mine = await create(analyst.id);
      expect(mine.status).toBe(201);
      expect(mine.body).toMatchObject({
        investigatorName: 'Ada Analyst',
        supervisorName: await names(supervisor.id),
      });
      expect((await create(analyst2.id)).status).toBe(201);
      const list = await get(analyst, '/cases?investigator=me');
      expect(list.status).toBe(200);
      expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([mine.body.id]);
      expect(list.body.items[0]).toMatchObject({ investigatorName: 'Ada Analyst' });
      expectProblem(await get(analyst, '/cases?investigator=nobody'), 400);
      expectProblem(await get(analyst, `/cases?investigator=me&investigatorId=${analyst.id}`), 400);
    });
  });

  describe('names in the audit trail and on alerts', () => {
    it('names each event’s actor, in JSON and CSV', async () => {
      const res = await get(auditor, `/audit/events?userId=${analyst.id}&limit=5`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeGreaterThan(0);
      for (const e of res.body.items) expect(e.actorName).toBe('Ada Analyst');
      const csv = await get(auditor, `/audit/events.csv?userId=${analyst.id}`);
      expect(csv.text.split('\n')[0]).toContain('actorName');
      expect(csv.text).toContain('Ada Analyst');
    });

    it('names the person’s department and the officer who acknowledged an alert', async () => {
      const dept = await t.db.pool.query<{ id: string }>(
        `INSERT INTO department (code, name) VALUES ($1, 'Console Test Department') RETURNING id`,
        [`CT${Date.now().toString(36)}`],
      );
      const member = await workforceMember(t);
      await t.db.pool.query('UPDATE workforce_member SET department_id = $1 WHERE id = $2', [
        dept.rows[0].id,
        member,
      ]);
      const alert = await t.db.pool.query<{ id: string }>(
        `INSERT INTO vetting_alert (workforce_member_id, kind, due_on, level)
         VALUES ($1, 'below_required', current_date, 'MV') RETURNING id`,
        [member],
      );
      const ack = await call(t.app, 'POST', `/api/v1/vetting/alerts/${alert.rows[0].id}/acknowledge`, {
        token: officer.token,
        body: { version: 1 },
      });
      expect(ack.status).toBe(200);
      expect(ack.body).toMatchObject({
        workforceMember: { departmentName: 'Console Test Department' },
        acknowledgedByName: await names(officer.id),
        resolvedByName: null,
      });
      const list = await get(officer, `/vetting/alerts?workforceMemberId=${member}`);
      expect(list.body.items[0].workforceMember.departmentName).toBe('Console Test Department');
    });
  });
});
