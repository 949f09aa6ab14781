import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Role } from '../src/common/auth/roles.js';
import { Clock } from '../src/common/clock.js';
import { startApp, type TestApp } from './helpers/app.js';
import { call, expectProblem, memberViaApi, userWith, type TestUser } from './helpers/http.js';
import { startSweeper, type Sweeper } from './helpers/vetting.js';
import { verifySignature } from '../src/modules/vetting/outbox-relay.service.js';

const TODAY = '2026-06-15';

interface Delivery {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A webhook receiver that fails the first `failFirst` requests with a 503. */
async function webhook(failFirst = 0): Promise<{ url: string; deliveries: Delivery[]; server: Server }> {
  const deliveries: Delivery[] = [];
  let failures = failFirst;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      if (failures > 0) {
        failures--;
        res.writeHead(503).end();
        return;
      }
      deliveries.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, deliveries, server };
}

describe('workforce and vetting', () => {
  let t: TestApp;
  let sweeper: Sweeper;
  let officer: TestUser;
  let analyst: TestUser;
  let auditor: TestUser;
  let hook: Awaited<ReturnType<typeof webhook>>;
  const SECRET = 'webhook-secret-for-tests';

  const api = (method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown, user: TestUser = officer) =>
    call(t.app, method, `/api/v1${url}`, { token: user.token, body });

  const member = (staffNumber: string, extra: Record<string, unknown> = {}): Promise<string> =>
    memberViaApi(t, officer.token, staffNumber, extra);
  const clearance = async (memberId: string, level: string, grantedOn: string, expiresOn?: string) => {
    const res = await api('POST', `/workforce/${memberId}/clearances`, { level, grantedOn, expiresOn });
    expect(res.status).toBe(201);
    return res.body;
  };
  const alertsOf = async (memberId: string) =>
    (
      await t.db.pool.query<{ kind: string; status: string; clearance_id: string | null }>(
        `SELECT kind, status, clearance_id FROM vetting_alert WHERE workforce_member_id = $1 ORDER BY kind::text, raised_at`,
        [memberId],
      )
    ).rows;

  let mvPost: string;
  let department: string;

  beforeAll(async () => {
    hook = await webhook(1);
    t = await startApp({
      ALERT_WEBHOOK_URL: hook.url,
      ALERT_WEBHOOK_SECRET: SECRET,
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
    });
    t.app.get(Clock).setToday(TODAY);
    sweeper = await startSweeper(t.config);
    officer = await userWith(t, [Role.VettingOfficer]);
    analyst = await userWith(t, [Role.Analyst]);
    auditor = await userWith(t, [Role.Auditor]);
    const dep = await api('POST', '/workforce/departments', { code: 'PSD', name: 'Professional Standards' });
    expect(dep.status).toBe(201);
    department = dep.body.id;
    const post = await api('POST', '/workforce/posts', {
      code: 'PSD-DS',
      title: 'Detective Sergeant, PSD',
      departmentId: department,
      requiredLevel: 'MV',
    });
    expect(post.status).toBe(201);
    mvPost = post.body.id;
  });
  afterAll(async () => {
    await sweeper.close();
    await t.close();
    hook.server.close();
  });

  describe('departments, posts and members', () => {
    it('creates, reads, lists and updates with versions', async () => {
      const id = await member('WF-1', { departmentId: department, postId: mvPost, rankOrGrade: 'PC' });
      const got = await api('GET', `/workforce/${id}`);
      expect(got.body).toMatchObject({ staffNumber: 'WF-1', postId: mvPost, current: true, version: 1 });
      expect(got.body.vetting).toMatchObject({ state: 'below_required', requiredLevel: 'MV' });

      const updated = await api('PATCH', `/workforce/${id}`, { rankOrGrade: 'DS', version: 1 });
      expect(updated.body).toMatchObject({ rankOrGrade: 'DS', version: 2 });
      expectProblem(
        await api('PATCH', `/workforce/${id}`, { rankOrGrade: 'DI', version: 1 }),
        409,
        'stale_version',
      );

      const list = await api('GET', `/workforce?staffNumberPrefix=WF-&limit=1`);
      expect(list.body.items.map((m: { id: string }) => m.id)).toEqual([id]);
      const posts = await api('GET', `/workforce/posts?departmentId=${department}`);
      expect(posts.body.items).toHaveLength(1);
      const deps = await api('GET', `/workforce/departments?namePrefix=prof`);
      expect(deps.body.items[0].code).toBe('PSD');
    });

    it('refuses bad input with a problem naming the field, storing nothing', async () => {
      const before = await t.db.pool.query('SELECT count(*) FROM workforce_member');
      expectProblem(
        await api('POST', '/workforce', {
          memberType: 'wizard',
          staffNumber: 'X1',
          givenName: 'A',
          familyName: 'B',
        }),
        400,
        'validation_failed',
      );
      const bad = await api('POST', '/workforce', {
        memberType: 'staff',
        staffNumber: 'X 1',
        givenName: 'A',
        familyName: 'B',
      });
      expectProblem(bad, 400, 'validation_failed');
      expect(bad.body.errors[0].field).toBe('staffNumber');
      const dates = await api('POST', '/workforce', {
        memberType: 'staff',
        staffNumber: 'X2',
        givenName: 'A',
        familyName: 'B',
        startDate: '2020-01-02',
        leaveDate: '2020-01-01',
      });
      expectProblem(dates, 400, 'validation_failed');
      expect(dates.body.errors[0].field).toBe('leaveDate');
      const post = await api('POST', '/workforce', {
        memberType: 'staff',
        staffNumber: 'X3',
        givenName: 'A',
        familyName: 'B',
        postId: '00000000-0000-4000-8000-000000000000',
      });
      expect(post.body.errors[0]).toMatchObject({ field: 'postId', rule: 'exists' });
      expectProblem(
        await api('POST', '/workforce/posts', { code: 'P1', title: 'x', requiredLevel: 'TOP' }),
        400,
        'validation_failed',
      );
      await member('DUP-1');
      expectProblem(
        await api('POST', '/workforce', {
          memberType: 'staff',
          staffNumber: 'DUP-1',
          givenName: 'A',
          familyName: 'B',
        }),
        409,
        'staff_number_taken',
      );
      const after = await t.db.pool.query('SELECT count(*) FROM workforce_member');
      expect(Number(after.rows[0].count)).toBe(Number(before.rows[0].count) + 1);
    });

    it('is closed to analysts and auditors', async () => {
      for (const user of [analyst, auditor]) {
        expectProblem(await api('GET', '/workforce', undefined, user), 403, 'forbidden');
        expectProblem(await api('POST', '/workforce/import', undefined, user), 403, 'forbidden');
      }
    });
  });

  describe('Bull Board at /admin/queues', () => {
    it('is for admins only: 401 without a token, 403 for other roles, the dashboard for an admin', async () => {
      const admin = await userWith(t, [Role.Admin]);
      expectProblem(await call(t.app, 'GET', '/admin/queues'), 401, 'unauthorised');
      expectProblem(
        await call(t.app, 'GET', '/admin/queues/api/queues', { token: officer.token }),
        403,
        'forbidden',
      );
      const page = await call(t.app, 'GET', '/admin/queues', { token: admin.token });
      expect(page.status).toBe(200);
      expect(String(page.headers['content-type'])).toContain('text/html');
      const queues = await call(t.app, 'GET', '/admin/queues/api/queues', { token: admin.token });
      expect(queues.status).toBe(200);
      expect(queues.body.queues.map((q: { name: string }) => q.name).sort()).toEqual([
        'monitoring',
        'outbox',
        'vetting',
      ]);

      const session = await call(t.app, 'POST', '/api/v1/admin/queue-board/session', { token: admin.token });
      expect(session.status).toBe(204);
      const cookie = String(session.headers['set-cookie']).split(';')[0];
      expect(String(session.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
      const viaCookie = await call(t.app, 'GET', '/admin/queues/api/queues', { headers: { cookie } });
      expect(viaCookie.status).toBe(200);
      expectProblem(
        await call(t.app, 'POST', '/api/v1/admin/queue-board/session', { token: officer.token }),
        403,
        'forbidden',
      );
    });
  });

  describe('CSV import', () => {
    const csv = (lines: string[]) => lines.join('\n') + '\n';
    const upload = (body: string, user: TestUser = officer) =>
      call(t.app, 'POST', '/api/v1/workforce/import', {
        token: user.token,
        payload: body,
        headers: { 'content-type': 'text/csv' },
      });

    it('applies every row in one go, inserting and updating by staff number', async () => {
      const first = await upload(
        csv([
          'staff_number,member_type,given_name,family_name,department_code,post_code,start_date',
          'IMP-1,officer,Ann,Ames,PSD,PSD-DS,2010-04-01',
          'IMP-2,staff,Bob,"Brown, Jr",PSD,,2015-09-30',
          'IMP-3,pcso,Cat,Cole,,,',
        ]),
      );
      expect(first.status).toBe(201);
      expect(first.body).toEqual({ rows: 3, inserted: 3, updated: 0, unchanged: 0 });
      const second = await upload(
        csv([
          'staff_number,member_type,given_name,family_name,leave_date',
          'IMP-1,officer,Ann,Ames,',
          'IMP-2,staff,Bob,"Brown, Jr",2026-01-31',
          'IMP-4,volunteer,Dee,Dunn,',
        ]),
      );
      expect(second.body).toEqual({ rows: 3, inserted: 1, updated: 1, unchanged: 1 });
      const { rows } = await t.db.pool.query(
        `SELECT staff_number, family_name, post_id IS NOT NULL AS has_post, leave_date::text FROM workforce_member
          WHERE staff_number LIKE 'IMP-%' ORDER BY staff_number`,
      );
      expect(rows).toEqual([
        { staff_number: 'IMP-1', family_name: 'Ames', has_post: true, leave_date: null },
        { staff_number: 'IMP-2', family_name: 'Brown, Jr', has_post: false, leave_date: '2026-01-31' },
        { staff_number: 'IMP-3', family_name: 'Cole', has_post: false, leave_date: null },
        { staff_number: 'IMP-4', family_name: 'Dunn', has_post: false, leave_date: null },
      ]);
    });

    it('applies nothing and lists every bad row when any row is bad', async () => {
      const before = await t.db.pool.query('SELECT count(*), max(updated_at) FROM workforce_member');
      const res = await upload(
        csv([
          'staff_number,member_type,given_name,family_name,post_code,start_date',
          'NEW-1,officer,Eve,Eden,,2020-01-01',
          'NEW-2,sheriff,Fay,Ford,,',
          'NEW-1,officer,Gus,Gray,,',
          'NEW-3,staff,Hal,Hill,NOPE,2023-02-29',
          'IMP-1,officer,,Ames,,',
        ]),
      );
      expectProblem(res, 422, 'import_rejected');
      expect(res.body.rowErrors).toEqual([
        { line: 3, column: 'member_type', message: expect.stringContaining('member_type must be one of') },
        { line: 4, column: 'staff_number', message: 'staff_number NEW-1 is also on line 2' },
        { line: 5, column: 'post_code', message: 'post_code does not name a post' },
        { line: 5, column: 'start_date', message: 'start_date must be a date (YYYY-MM-DD)' },
        { line: 6, column: 'given_name', message: 'given_name must be 1-100 characters' },
      ]);
      const after = await t.db.pool.query('SELECT count(*), max(updated_at) FROM workforce_member');
      expect(after.rows).toEqual(before.rows);
    });

    it('refuses a row whose post belongs to another department, with the other bad rows', async () => {
      const other = await api('POST', '/workforce/departments', { code: 'HR', name: 'Human Resources' });
      expect(other.status).toBe(201);
      const hrPost = await api('POST', '/workforce/posts', {
        code: 'HR-ADV',
        title: 'HR adviser',
        departmentId: other.body.id,
      });
      expect(hrPost.status).toBe(201);
      const before = await t.db.pool.query('SELECT count(*), max(updated_at) FROM workforce_member');
      const res = await upload(
        csv([
          'staff_number,member_type,given_name,family_name,department_code,post_code',
          'DEP-1,staff,Ida,Irwin,HR,HR-ADV',
          'DEP-2,staff,Jo,Judd,PSD,HR-ADV',
          'DEP-3,staff,Kit,Kerr,,HR-ADV',
          'DEP-4,sheriff,Lee,Lowe,HR,',
        ]),
      );
      expectProblem(res, 422, 'import_rejected');
      expect(res.body.rowErrors).toEqual([
        { line: 3, column: 'post_code', message: 'the post belongs to department HR, not PSD' },
        { line: 5, column: 'member_type', message: expect.stringContaining('member_type must be one of') },
      ]);
      expect((await t.db.pool.query('SELECT count(*), max(updated_at) FROM workforce_member')).rows).toEqual(
        before.rows,
      );
      // A file without the department column is judged against the department on record (IMP-1: PSD).
      const kept = await upload(
        csv(['staff_number,member_type,given_name,family_name,post_code', 'IMP-1,officer,Ann,Ames,HR-ADV']),
      );
      expectProblem(kept, 422, 'import_rejected');
      expect(kept.body.rowErrors).toEqual([
        { line: 2, column: 'post_code', message: 'the post belongs to department HR, not PSD' },
      ]);
      const fine = await upload(
        csv([
          'staff_number,member_type,given_name,family_name,department_code,post_code',
          'DEP-1,staff,Ida,Irwin,HR,HR-ADV',
          'DEP-3,staff,Kit,Kerr,,HR-ADV',
        ]),
      );
      expect(fine.status).toBe(201);
    });

    it('refuses a broken CSV, a bad header and a non-CSV body', async () => {
      const broken = await upload('staff_number,member_type,given_name,family_name\nB-1,officer,"Ann,Ames\n');
      expectProblem(broken, 422, 'invalid_csv');
      const ragged = await upload('staff_number,member_type,given_name,family_name\nB-1,officer,Ann\n');
      expectProblem(ragged, 422, 'invalid_csv');
      expect(ragged.body.rowErrors[0].line).toBe(2);
      expectProblem(
        await upload('staff_number,member_type,given_name\nB-1,officer,Ann\n'),
        422,
        'invalid_csv_header',
      );
      expectProblem(
        await upload('staff_number,member_type,given_name,family_name,shoe_size\n'),
        422,
        'invalid_csv_header',
      );
      expectProblem(await api('POST', '/workforce/import', { rows: [] }), 415, 'unsupported_media_type');
      const { rows } = await t.db.pool.query(
        `SELECT count(*)::int AS n FROM workforce_member WHERE staff_number = 'B-1'`,
      );
      expect(rows[0].n).toBe(0);
    });

    it('imports 50,000 rows in one request', async () => {
      const lines = ['staff_number,member_type,given_name,family_name,department_code,start_date'];
      for (let i = 0; i < 50_000; i++)
        lines.push(`BULK-${i},staff,Given${i},Family${i},PSD,2012-05-0${(i % 9) + 1}`);
      const res = await upload(csv(lines));
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ rows: 50_000, inserted: 50_000, updated: 0, unchanged: 0 });
    });
  });

  describe('clearances and vetting state', () => {
    it('computes the expiry from the configured period, as PostgreSQL’s calendar does (leap day, month end)', async () => {
      const id = await member('CLR-1');
      for (const [level, grantedOn, months] of [
        ['NPPV2', '2024-02-29', 36],
        ['MV', '2019-08-31', 84],
        ['SC', '2016-01-31', 120],
      ] as const) {
        const c = await clearance(id, level, grantedOn);
        const { rows } = await t.db.pool.query<{ d: string }>(
          `SELECT ($1::date + make_interval(months => $2))::date::text AS d`,
          [grantedOn, months],
        );
        expect(c.expiresOn).toBe(rows[0].d);
      }
    });

    it('refuses an expiry before the grant, an unknown level, a future grant and a non-date', async () => {
      const id = await member('CLR-2');
      const before = await api('POST', `/workforce/${id}/clearances`, {
        level: 'MV',
        grantedOn: '2024-01-01',
        expiresOn: '2023-12-31',
      });
      expectProblem(before, 400, 'validation_failed');
      expect(before.body.errors[0]).toMatchObject({ field: 'expiresOn', rule: 'afterGrantedOn' });
      const level = await api('POST', `/workforce/${id}/clearances`, {
        level: 'TOP_SECRET',
        grantedOn: '2024-01-01',
      });
      expect(level.body.errors[0].field).toBe('level');
      const future = await api('POST', `/workforce/${id}/clearances`, {
        level: 'MV',
        grantedOn: '2026-06-16',
      });
      expect(future.body.errors[0]).toMatchObject({ field: 'grantedOn', rule: 'notInFuture' });
      const nodate = await api('POST', `/workforce/${id}/clearances`, {
        level: 'MV',
        grantedOn: '2023-02-29',
      });
      expect(nodate.body.errors[0]).toMatchObject({ field: 'grantedOn', rule: 'isDate' });
      expectProblem(
        await api('POST', `/workforce/00000000-0000-4000-8000-000000000000/clearances`, {
          level: 'MV',
          grantedOn: '2024-01-01',
        }),
        404,
        'not_found',
      );
      const { rows } = await t.db.pool.query(
        `SELECT count(*)::int AS n FROM vetting_clearance WHERE workforce_member_id = $1`,
        [id],
      );
      expect(rows[0].n).toBe(0);
    });

    it('keeps the history: a renewal or a level changed mid-cycle supersedes, a withdrawal is dated', async () => {
      const id = await member('CLR-3');
      const nppv2 = await clearance(id, 'NPPV2', '2022-03-31');
      const rv = await clearance(id, 'RV', '2020-01-15');
      const nppv3 = await clearance(id, 'NPPV3', '2024-02-29');
      expect(nppv3.expiresOn).toBe('2029-02-28');
      const history = await api('GET', `/workforce/${id}/clearances`);
      expect(
        history.body.items.map((c: { level: string; status: string; supersededById: string | null }) => [
          c.level,
          c.status,
          c.supersededById,
        ]),
      ).toEqual([
        ['NPPV3', 'active', null],
        ['NPPV2', 'superseded', nppv3.id],
        ['RV', 'active', null],
      ]);
      expect(history.body.items[1]).toMatchObject({ id: nppv2.id, supersededOn: '2024-02-29' });
      const older = await api('POST', `/workforce/${id}/clearances`, {
        level: 'NPPV1',
        grantedOn: '2023-01-01',
      });
      expectProblem(older, 409, 'newer_clearance_exists');

      const withdrawn = await api('POST', `/vetting/clearances/${rv.id}/withdraw`, {
        reason: 'Withdrawn after review',
        version: rv.version,
      });
      expect(withdrawn.body).toMatchObject({
        status: 'withdrawn',
        withdrawnOn: TODAY,
        withdrawalReason: 'Withdrawn after review',
      });
      expectProblem(
        await api('POST', `/vetting/clearances/${rv.id}/withdraw`, {
          reason: 'again',
          version: withdrawn.body.version,
        }),
        409,
        'clearance_ended',
      );
      expectProblem(
        await api('POST', `/vetting/clearances/${nppv3.id}/withdraw`, { reason: 'stale', version: 99 }),
        409,
        'stale_version',
      );
    });
  });

  describe('sweep, alerts and notifications', () => {
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      ids.upToDate = await member('SW-A', { postId: mvPost, departmentId: department });
      await clearance(ids.upToDate, 'MV', '2024-01-10');
      ids.due = await member('SW-B', { postId: mvPost, departmentId: department });
      await clearance(ids.due, 'MV', '2019-07-01'); // expires 2026-07-01, inside 90 days
      ids.overdue = await member('SW-C', { postId: mvPost, departmentId: department });
      await clearance(ids.overdue, 'MV', '2019-03-01'); // expired 2026-03-01
      ids.below = await member('SW-D', { postId: mvPost, departmentId: department });
      await clearance(ids.below, 'RV', '2021-05-05');
      ids.none = await member('SW-E', { memberType: 'staff' });
      ids.leaver = await member('SW-F', { postId: mvPost, leaveDate: '2026-01-01', startDate: '2000-01-01' });
      await clearance(ids.leaver, 'MV', '2018-01-01');
    });

    it('shows each person’s state, computed in one place', async () => {
      const states = Object.fromEntries(
        await Promise.all(
          Object.entries(ids).map(async ([k, id]) => [
            k,
            (await api('GET', `/workforce/${id}`)).body.vetting.state,
          ]),
        ),
      );
      expect(states).toEqual({
        upToDate: 'up_to_date',
        due: 'renewal_due',
        overdue: 'overdue',
        below: 'below_required',
        none: 'no_clearance',
        leaver: 'left',
      });
      const list = await api('GET', `/workforce?vettingState=renewal_due&current=true&staffNumberPrefix=SW-`);
      expect(list.body.items.map((m: { id: string }) => m.id)).toEqual([ids.due]);
    });

    it('raises each due alert once, however often it runs, with one outbox message each', async () => {
      await sweeper.sweep(TODAY);
      expect(await alertsOf(ids.due)).toEqual([
        { kind: 'renewal_due', status: 'open', clearance_id: expect.any(String) },
      ]);
      expect(await alertsOf(ids.overdue)).toEqual([
        { kind: 'overdue', status: 'open', clearance_id: expect.any(String) },
      ]);
      expect(await alertsOf(ids.below)).toEqual([
        { kind: 'below_required', status: 'open', clearance_id: null },
      ]);
      expect(await alertsOf(ids.upToDate)).toEqual([]);
      expect(await alertsOf(ids.none)).toEqual([]);
      expect(await alertsOf(ids.leaver)).toEqual([]);
      expect(await sweeper.sweep(TODAY)).toEqual({ raised: 0, resolved: 0 });
      await Promise.all([sweeper.sweep(TODAY), sweeper.sweep(TODAY), sweeper.sweep(TODAY, ids.due)]);
      const { rows } = await t.db.pool.query(
        `SELECT count(*)::int AS alerts, (SELECT count(*)::int FROM outbox_message o WHERE o.payload->>'alertId' = ANY(array_agg(a.id::text))) AS messages
           FROM vetting_alert a WHERE a.workforce_member_id = ANY($1::uuid[])`,
        [Object.values(ids)],
      );
      expect(rows[0]).toEqual({ alerts: 3, messages: 3 });
    });

    it('lists alerts most urgent first, with filters, and moves them through acknowledge and resolve (409 on a race)', async () => {
      const list = await api('GET', `/vetting/alerts?departmentId=${department}`);
      const ours = list.body.items.filter((a: { workforceMember: { id: string } }) =>
        Object.values(ids).includes(a.workforceMember.id),
      );
      // Expired on 2026-03-01, below the post's level since today, expiring on 2026-07-01.
      expect(ours.map((a: { kind: string }) => a.kind)).toEqual(['overdue', 'below_required', 'renewal_due']);
      const dues = list.body.items.map((a: { dueOn: string }) => a.dueOn);
      expect(dues).toEqual([...dues].sort());
      expect(list.body.items[0].workforceMember).toMatchObject({ id: ids.overdue, staffNumber: 'SW-C' });
      const page1 = await api('GET', `/vetting/alerts?departmentId=${department}&limit=2`);
      const page2 = await api(
        'GET',
        `/vetting/alerts?departmentId=${department}&limit=2&cursor=${page1.body.nextCursor}`,
      );
      expect([...page1.body.items, ...page2.body.items].map((a: { id: string }) => a.id)).toEqual(
        list.body.items
          .slice(0, page1.body.items.length + page2.body.items.length)
          .map((a: { id: string }) => a.id),
      );
      const due = await api(
        'GET',
        `/vetting/alerts?kind=renewal_due&dueBefore=2026-07-02&level=MV&departmentId=${department}`,
      );
      expect(due.body.items).toHaveLength(1);
      const alert = ours[0];

      const [a, b] = await Promise.all([
        api('POST', `/vetting/alerts/${alert.id}/acknowledge`, { version: alert.version }),
        api('POST', `/vetting/alerts/${alert.id}/acknowledge`, { version: alert.version }),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const acked = a.status === 200 ? a.body : b.body;
      expect(acked).toMatchObject({ status: 'acknowledged', acknowledgedBy: officer.id });
      expectProblem(
        await api('POST', `/vetting/alerts/${alert.id}/acknowledge`, { version: acked.version }),
        409,
        'invalid_transition',
      );
      expectProblem(
        await api('POST', `/vetting/alerts/${alert.id}/resolve`, {
          reason: 'Vetting renewal started',
          version: 1,
        }),
        409,
        'stale_version',
      );
      const bad = await api('POST', `/vetting/alerts/${alert.id}/resolve`, { version: acked.version });
      expect(bad.body.errors[0].field).toBe('reason');
      // The cause (overdue) still holds: resolving by hand needs a review date, after today, within a year.
      expectProblem(
        await api('POST', `/vetting/alerts/${alert.id}/resolve`, {
          reason: 'Vetting renewal started',
          version: acked.version,
        }),
        422,
        'review_by_required',
      );
      for (const reviewBy of [TODAY, '2026-02-30', '2030-01-01', 'soon']) {
        const wrong = await api('POST', `/vetting/alerts/${alert.id}/resolve`, {
          reason: 'Vetting renewal started',
          version: acked.version,
          reviewBy,
        });
        expect([wrong.status, wrong.body.errors?.[0]?.field]).toEqual([400, 'reviewBy']);
      }
      const resolved = await api('POST', `/vetting/alerts/${alert.id}/resolve`, {
        reason: 'Vetting renewal started',
        version: acked.version,
        reviewBy: '2026-09-30',
      });
      expect(resolved.body).toMatchObject({
        status: 'resolved',
        resolvedBy: officer.id,
        resolutionReason: 'Vetting renewal started',
        reviewBy: '2026-09-30',
      });
      // Resolved by hand until its review date: the next sweep does not raise it again.
      expect((await sweeper.sweep(TODAY)).raised).toBe(0);
      const resolvedList = await api('GET', `/vetting/alerts?status=resolved`);
      expect(resolvedList.body.items.map((x: { id: string }) => x.id)).toContain(alert.id);
    });

    it('resolves alerts whose cause is gone: renewed, moved to a post needing less', async () => {
      await clearance(ids.due, 'MV', '2026-06-10');
      const res = await api('PATCH', `/workforce/${ids.below}`, { postId: null, version: 1 });
      expect(res.status).toBe(200);
      expect(await sweeper.sweep(TODAY)).toEqual({ raised: 0, resolved: 2 });
      expect((await alertsOf(ids.due))[0].status).toBe('resolved');
      expect((await alertsOf(ids.below))[0].status).toBe('resolved');
      const { rows } = await t.db.pool.query(
        `SELECT resolved_by, resolution_reason FROM vetting_alert WHERE workforce_member_id = $1`,
        [ids.due],
      );
      expect(rows[0]).toEqual({
        resolved_by: null,
        resolution_reason: expect.stringContaining('cause is gone'),
      });
    });

    it('turns renewal_due into overdue when the day comes (one person checked alone)', async () => {
      const id = await member('SW-G', { postId: mvPost });
      await clearance(id, 'MV', '2019-08-01'); // expires 2026-08-01
      await sweeper.sweep(TODAY, id);
      expect((await alertsOf(id)).map((a) => [a.kind, a.status])).toEqual([['renewal_due', 'open']]);
      await sweeper.sweep('2026-08-01', id);
      expect((await alertsOf(id)).map((a) => [a.kind, a.status])).toEqual([
        ['overdue', 'open'],
        ['renewal_due', 'resolved'],
      ]);
    });

    it('raises review_required on a declaration, once', async () => {
      const res = await api('POST', `/workforce/${ids.upToDate}/declarations`, {
        category: 'financial',
        declaredOn: '2026-06-01',
        description: 'Declared significant debts',
      });
      expect(res.status).toBe(201);
      const alert = await api('GET', `/vetting/alerts/${res.body.alertId}`);
      expect(alert.body).toMatchObject({
        kind: 'review_required',
        sourceType: 'declaration',
        sourceId: res.body.id,
        status: 'open',
        dueOn: TODAY,
      });
      const list = await api('GET', `/workforce/${ids.upToDate}/declarations`);
      expect(list.body.items[0]).toMatchObject({
        id: res.body.id,
        alertId: res.body.alertId,
        category: 'financial',
      });
      const bad = await api('POST', `/workforce/${ids.upToDate}/declarations`, {
        category: 'gossip',
        declaredOn: '2026-07-01',
        description: '',
      });
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'category',
        'description',
      ]);
      const { rows } = await t.db.pool.query(
        `SELECT payload FROM outbox_message WHERE payload->>'alertId' = $1`,
        [res.body.alertId],
      );
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows[0].payload)).not.toContain('debts');
    });

    it('relays every outbox message to the webhook, signed, with its idempotency key, retrying failures', async () => {
      await sweeper.relay(); // the receiver fails the first request: that message is retried later
      await t.db.pool.query(`UPDATE outbox_message SET next_attempt_at = now() WHERE delivered_at IS NULL`);
      await sweeper.relay();
      const { rows } = await t.db.pool.query(
        `SELECT idempotency_key, attempts, delivered_at IS NOT NULL AS delivered FROM outbox_message`,
      );
      expect(rows.every((r: { delivered: boolean }) => r.delivered)).toBe(true);
      expect(rows.some((r: { attempts: number }) => r.attempts === 2)).toBe(true);
      const keys = hook.deliveries.map((d) => d.headers['idempotency-key']);
      expect([...keys].sort()).toEqual(
        rows.map((r: { idempotency_key: string }) => r.idempotency_key).sort(),
      );
      for (const d of hook.deliveries) {
        // Signed `t=<unix>,v1=<hmac of "t.body">`, verified within the replay window (docs/reminders.md).
        expect(
          verifySignature(
            SECRET,
            d.headers['x-lantern-signature'] as string | undefined,
            d.body,
            Math.floor(Date.now() / 1000),
          ),
        ).toBe(true);
        expect(JSON.parse(d.body)).toMatchObject({
          event: 'vetting.alert.raised',
          idempotencyKey: d.headers['idempotency-key'],
        });
      }
      expect((await sweeper.relay()).delivered).toBe(0);
    });

    it('computes compliance over the current workforce', async () => {
      const res = await api('GET', '/vetting/compliance', undefined, auditor);
      expect(res.status).toBe(200);
      expect(res.body.asOf).toBe(TODAY);
      expect(res.body.total).toBe(
        res.body.byState.upToDate +
          res.body.byState.renewalDue +
          res.body.byState.overdue +
          res.body.byState.belowRequired +
          res.body.byState.noClearance,
      );
      const dep = res.body.byDepartment.find((g: { key: string }) => g.key === department);
      // SW-A (up to date), SW-B (renewed), SW-C (overdue), SW-D (moved: no requirement, holds RV) + WF-1 and import rows.
      expect(dep.label).toBe('Professional Standards');
      const { rows } = await t.db.pool.query(
        `SELECT count(*)::int AS total, count(*) FILTER (WHERE state IN ('up_to_date','renewal_due'))::int AS ok
           FROM vetting_states_at($1) WHERE is_current AND department_id = $2`,
        [TODAY, department],
      );
      expect({ total: dep.total, upToDate: dep.upToDate }).toEqual({
        total: rows[0].total,
        upToDate: rows[0].ok,
      });
      expect(res.body.byMemberType.map((g: { key: string }) => g.key)).toEqual(
        expect.arrayContaining(['officer', 'staff']),
      );
      expect(res.body.expired).toBe(res.body.byState.overdue);
      expectProblem(await api('GET', '/vetting/compliance', undefined, analyst), 403, 'forbidden');
      const rules = await api('GET', '/vetting/rules', undefined, auditor);
      expect(rules.body.renewalMonths.MV).toBe(84);
    });

    it('answers compliance as at a date: a leaver is `left` and out of the count from their leaving date', async () => {
      const leaver = await member('LEFT-1', {
        departmentId: department,
        postId: mvPost,
        startDate: '2020-01-01',
        leaveDate: '2026-03-01',
      });
      await clearance(leaver, 'MV', '2021-01-01');
      const seen = await api('GET', `/workforce/${leaver}`);
      expect(seen.body.vetting.state).toBe('left');
      const at = async (asOf: string) => {
        const res = await api('GET', `/vetting/compliance?asOf=${asOf}`, undefined, auditor);
        expect(res.status).toBe(200);
        expect(res.body.asOf).toBe(asOf);
        return res.body.byDepartment.find((g: { key: string }) => g.key === department)?.total ?? 0;
      };
      // The day before leaving they count; on the leaving date they are gone. Both as the SQL says.
      const before = await at('2026-02-28');
      const on = await at('2026-03-01');
      expect(before - on).toBeGreaterThanOrEqual(1);
      const { rows } = await t.db.pool.query(
        `SELECT d::text AS d, (SELECT count(*)::int FROM vetting_states_at(d) WHERE is_current AND department_id = $1) AS n,
                (SELECT state::text FROM vetting_states_at(d) WHERE workforce_member_id = $2) AS state
           FROM unnest(ARRAY['2026-02-28', '2026-03-01']::date[]) d ORDER BY d`,
        [department, leaver],
      );
      expect(rows).toEqual([
        { d: '2026-02-28', n: before, state: 'up_to_date' },
        { d: '2026-03-01', n: on, state: 'left' },
      ]);
      // Bad dates and unknown parameters: 400 problem+json, never the figure for today.
      for (const bad of ['2026-02-30', '26-03-01', '2026-03-01T00:00:00Z', 'yesterday', '']) {
        expectProblem(
          await api('GET', `/vetting/compliance?asOf=${encodeURIComponent(bad)}`, undefined, auditor),
          400,
        );
      }
      expectProblem(await api('GET', '/vetting/compliance?as_of=2026-03-01', undefined, auditor), 400);
      expectProblem(
        await api('GET', '/vetting/compliance?asOf=2026-03-01&asOf=2026-03-02', undefined, auditor),
        400,
      );
    });

    it('hides a vetting officer’s own records from them (404, left out of lists, denied read audited)', async () => {
      const self = await userWith(t, [Role.VettingOfficer], { workforceMemberId: ids.overdue });
      const [alert] = (
        await t.db.pool.query(`SELECT id FROM vetting_alert WHERE workforce_member_id = $1`, [ids.overdue])
      ).rows;
      const [clr] = (
        await t.db.pool.query(`SELECT id FROM vetting_clearance WHERE workforce_member_id = $1`, [
          ids.overdue,
        ])
      ).rows;
      expectProblem(await api('GET', `/workforce/${ids.overdue}`, undefined, self), 404, 'not_found');
      expectProblem(
        await api('PATCH', `/workforce/${ids.overdue}`, { rankOrGrade: 'x', version: 1 }, self),
        404,
        'not_found',
      );
      expectProblem(
        await api('GET', `/workforce/${ids.overdue}/clearances`, undefined, self),
        404,
        'not_found',
      );
      expectProblem(
        await api('POST', `/workforce/${ids.overdue}/clearances`, { level: 'MV', grantedOn: TODAY }, self),
        404,
        'not_found',
      );
      expectProblem(
        await api(
          'POST',
          `/workforce/${ids.overdue}/declarations`,
          { category: 'other', declaredOn: TODAY, description: 'x' },
          self,
        ),
        404,
        'not_found',
      );
      expectProblem(
        await api('GET', `/workforce/${ids.overdue}/declarations`, undefined, self),
        404,
        'not_found',
      );
      expectProblem(await api('GET', `/vetting/clearances/${clr.id}`, undefined, self), 404, 'not_found');
      expectProblem(
        await api('POST', `/vetting/clearances/${clr.id}/withdraw`, { reason: 'mine', version: 1 }, self),
        404,
        'not_found',
      );
      expectProblem(await api('GET', `/vetting/alerts/${alert.id}`, undefined, self), 404, 'not_found');
      expectProblem(
        await api('POST', `/vetting/alerts/${alert.id}/acknowledge`, { version: 1 }, self),
        404,
        'not_found',
      );
      expectProblem(
        await api('POST', `/vetting/alerts/${alert.id}/resolve`, { reason: 'mine', version: 1 }, self),
        404,
        'not_found',
      );
      const alerts = await api('GET', `/vetting/alerts?status=open&limit=200`, undefined, self);
      expect(
        alerts.body.items.map((a: { workforceMember: { id: string } }) => a.workforceMember.id),
      ).not.toContain(ids.overdue);
      const members = await api('GET', `/workforce?staffNumberPrefix=SW-`, undefined, self);
      expect(members.body.items.map((m: { id: string }) => m.id)).not.toContain(ids.overdue);
      const own = await api('GET', `/workforce/${ids.overdue}`);
      const imp = await call(t.app, 'POST', '/api/v1/workforce/import', {
        token: self.token,
        payload: `staff_number,member_type,given_name,family_name\n${own.body.staffNumber},officer,Me,Myself\n`,
        headers: { 'content-type': 'text/csv' },
      });
      expectProblem(imp, 422, 'import_rejected');
      const denied = await t.db.pool.query(
        `SELECT count(*)::int AS n FROM audit_event WHERE user_id = $1 AND outcome = 'denied'`,
        [self.id],
      );
      expect(denied.rows[0].n).toBeGreaterThanOrEqual(5);
    });
  });
});
