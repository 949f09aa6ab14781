import { Role } from '../src/common/auth/roles.js';
import { AuditService } from '../src/modules/audit/audit.service.js';
import { startApp, type TestApp } from './helpers/app.js';
import { call, expectProblem, userWith, workforceMember, type TestUser } from './helpers/http.js';

/**
 * Issue 22, the records about people: the audit trail, workforce and vetting records, and the figures made
 * of them, as a hostile insider linked to their own workforce record W would try them. Each test failed on
 * the code before the access policy took these modules over.
 */
describe('need to know: the trail, workforce and vetting records about the caller', () => {
  let t: TestApp;
  let admin: TestUser;
  let officer: TestUser;
  let auditor: TestUser;
  /** The insider's own workforce record, and the post they hold. */
  let w: string;
  let wPost: string;
  let otherPost: string;
  let wClearance: string;
  let wAlert: string;
  let other: string;

  const api = (method: 'GET' | 'POST' | 'PATCH', url: string, user: TestUser, body?: unknown) =>
    call(t.app, method, `/api/v1${url}`, { token: user.token, body });

  /** The audit rows of one request (by its request id). */
  const rowsOf = async (requestId: string) =>
    (
      await t.db.pool.query<{ action: string; outcome: string; subject_ids: string[] }>(
        `SELECT action, outcome::text, subject_ids::text[] FROM audit_event WHERE request_id = $1 ORDER BY seq`,
        [requestId],
      )
    ).rows;

  beforeAll(async () => {
    t = await startApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    admin = await userWith(t, [Role.Admin]);
    officer = await userWith(t, [Role.VettingOfficer]);
    auditor = await userWith(t, [Role.Auditor]);
    const post = async (code: string): Promise<string> => {
      const res = await api('POST', '/workforce/posts', officer, { code, title: code, requiredLevel: 'MV' });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    wPost = await post('NTK-W');
    otherPost = await post('NTK-OTHER');
    w = await workforceMember(t, { staffNumber: 'NTK-W' });
    other = await workforceMember(t, { staffNumber: 'NTK-X' });
    await t.db.pool.query(
      `UPDATE workforce_member SET post_id = $2, start_date = '2015-01-01' WHERE id = ANY($1::uuid[])`,
      [[w, other], wPost],
    );
    // W's clearance expired: W is overdue, and has an alert below the post's level.
    const { rows } = await t.db.pool.query<{ id: string }>(
      `INSERT INTO vetting_clearance (workforce_member_id, level, granted_on, expires_on)
       VALUES ($1, 'MV', '2010-01-01', '2017-01-01') RETURNING id`,
      [w],
    );
    wClearance = rows[0].id;
    const alert = await t.db.pool.query<{ id: string }>(
      `INSERT INTO vetting_alert (workforce_member_id, kind, due_on, level)
       VALUES ($1, 'below_required', current_date, 'MV') RETURNING id`,
      [w],
    );
    wAlert = alert.rows[0].id;
  });
  afterAll(() => t.close());

  describe('finding 1: the audit listing', () => {
    it('leaves every event concerning the caller out of the search and the CSV, and says so', async () => {
      // Records about W: a read of W's workforce record, and (as the cases module writes it) a case about W.
      expect((await api('GET', `/workforce/${w}`, officer)).status).toBe(200);
      await t.app.get(AuditService).recordAlone(
        {
          userId: admin.id,
          roles: [Role.Analyst],
          workforceMemberId: null,
          sessionId: null,
          requestId: 'ntk-case-create',
          clientAddress: null,
        },
        {
          action: 'case.create',
          resourceType: 'case',
          resourceId: '11111111-1111-4111-8111-111111111111',
          subjectIds: [w, other],
          details: { referralRequired: true },
        },
      );
      const linked = await userWith(t, [Role.Auditor], { workforceMemberId: w });

      const theirs = await api('GET', `/audit/events?workforceMemberId=${w}`, auditor);
      expect(theirs.body.callerRecordsExcluded).toBe(false);
      expect(theirs.body.items.map((e: { action: string }) => e.action)).toEqual(
        expect.arrayContaining(['case.create', 'workforce_member.read']),
      );

      const mine = await api('GET', `/audit/events?workforceMemberId=${w}`, linked);
      expect(mine.status).toBe(200);
      expect(mine.body).toMatchObject({ items: [], callerRecordsExcluded: true });
      const byResource = await api(
        'GET',
        '/audit/events?resourceId=11111111-1111-4111-8111-111111111111',
        linked,
      );
      expect(byResource.body.items).toEqual([]);
      // Unfiltered: events about others are there, none about W, and W's id appears nowhere.
      const all = await api('GET', '/audit/events?limit=200', linked);
      expect(all.body.callerRecordsExcluded).toBe(true);
      expect(all.body.items.length).toBeGreaterThan(0);
      expect(all.text).not.toContain(w);
      expect(all.text).not.toContain('ntk-case-create');

      const csv = await api('GET', `/audit/events.csv`, linked);
      expect(csv.status).toBe(200);
      expect(csv.headers['caller-records-excluded']).toBe('true');
      expect(csv.text).not.toContain(w);
      expect(csv.text).not.toContain('case.create');
      const theirCsv = await api('GET', `/audit/events.csv?workforceMemberId=${w}`, auditor);
      expect(theirCsv.headers['caller-records-excluded']).toBe('false');
      expect(theirCsv.text).toContain('case.create');
    });

    it('names the people a search returned in its own row, so that it is hidden from them too', async () => {
      const res = await call(t.app, 'GET', `/api/v1/audit/events?workforceMemberId=${other}`, {
        token: auditor.token,
        headers: { 'x-request-id': 'ntk-search-other' },
      });
      expect(res.status).toBe(200);
      const [row] = await rowsOf('ntk-search-other');
      expect(row.action).toBe('audit.search');
      expect(row.subject_ids).toContain(other);
    });
  });

  describe('finding 5: vetting', () => {
    it('leaves the caller’s own record out of the compliance figure, and says so', async () => {
      const linked = await userWith(t, [Role.VettingOfficer], { workforceMemberId: w });
      const theirs = await api('GET', '/vetting/compliance', officer);
      const mine = await api('GET', '/vetting/compliance', linked);
      expect(theirs.body.callerRecordsExcluded).toBe(false);
      expect(mine.body.callerRecordsExcluded).toBe(true);
      expect(mine.body.total).toBe(theirs.body.total - 1);
      expect(mine.body.byState.overdue).toBe(theirs.body.byState.overdue - 1);
      expect(theirs.body.byState.overdue).toBeGreaterThanOrEqual(1);
    });

    it('leaves the caller’s own vetting state out of the vetting figure (JSON and CSV), and says so', async () => {
      const linked = await userWith(t, [Role.Auditor], { workforceMemberId: w });
      const now = (res: { body: { rows: Record<string, unknown>[] } }) =>
        res.body.rows.find((r) => r.period === 'now') as Record<string, number>;
      const theirs = await api('GET', '/figures/vetting', auditor);
      const mine = await api('GET', '/figures/vetting', linked);
      expect(theirs.body.callerRecordsExcluded).toBe(false);
      expect(mine.body.callerRecordsExcluded).toBe(true);
      expect(now(mine).workforce).toBe(now(theirs).workforce - 1);
      expect(now(mine).overdue).toBe(now(theirs).overdue - 1);
      const csv = await api('GET', '/figures/vetting?format=csv', linked);
      expect(csv.headers['caller-records-excluded']).toBe('true');
    });
  });

  describe('separation of duties: the post one holds', () => {
    it('refuses a change to the post the caller holds (403 separation_of_duties), audited as denied naming them', async () => {
      const linked = await userWith(t, [Role.VettingOfficer], { workforceMemberId: w });
      const before = await api('GET', `/workforce/posts/${wPost}`, linked);
      expect(before.status).toBe(200);
      const refused = await call(t.app, 'PATCH', `/api/v1/workforce/posts/${wPost}`, {
        token: linked.token,
        body: { requiredLevel: 'RV', version: before.body.version },
        headers: { 'x-request-id': 'ntk-own-post' },
      });
      expectProblem(refused, 403, 'separation_of_duties');
      const after = await api('GET', `/workforce/posts/${wPost}`, officer);
      expect(after.body).toMatchObject({ requiredLevel: 'MV', version: before.body.version });
      expect(await rowsOf('ntk-own-post')).toEqual([
        { action: 'post.update', outcome: 'denied', subject_ids: [w] },
      ]);
      // Another post is theirs to change; and someone else may change theirs.
      const otherBefore = await api('GET', `/workforce/posts/${otherPost}`, linked);
      const changed = await api('PATCH', `/workforce/posts/${otherPost}`, linked, {
        title: 'Renamed',
        version: otherBefore.body.version,
      });
      expect(changed.status).toBe(200);
      const byOther = await api('PATCH', `/workforce/posts/${wPost}`, officer, {
        title: 'NTK-W renamed',
        version: before.body.version,
      });
      expect(byOther.status).toBe(200);
    });
  });

  describe('finding 6: audit completeness', () => {
    it('answers PATCH of one’s own workforce record 404 with a denied row naming them, as for a missing one', async () => {
      const linked = await userWith(t, [Role.VettingOfficer], { workforceMemberId: w });
      const own = await call(t.app, 'PATCH', `/api/v1/workforce/${w}`, {
        token: linked.token,
        body: { postId: otherPost, version: 1 },
        headers: { 'x-request-id': 'ntk-own-member' },
      });
      expectProblem(own, 404, 'not_found');
      expect(await rowsOf('ntk-own-member')).toEqual([
        { action: 'workforce_member.update', outcome: 'denied', subject_ids: [w] },
      ]);
      const missing = await call(t.app, 'PATCH', `/api/v1/workforce/00000000-0000-4000-8000-000000000001`, {
        token: linked.token,
        body: { postId: otherPost, version: 1 },
        headers: { 'x-request-id': 'ntk-missing-member' },
      });
      expectProblem(missing, 404, 'not_found');
      expect(missing.body.detail).toBe(own.body.detail);
      expect(await rowsOf('ntk-missing-member')).toEqual([
        { action: 'workforce_member.update', outcome: 'denied', subject_ids: [] },
      ]);
      const { rows } = await t.db.pool.query<{ post_id: string }>(
        'SELECT post_id FROM workforce_member WHERE id = $1',
        [w],
      );
      expect(rows[0].post_id).toBe(wPost);
    });

    it('names the member in every denied row of the workforce and vetting paths', async () => {
      const linked = await userWith(t, [Role.VettingOfficer, Role.Supervisor], { workforceMemberId: w });
      const attempts: [string, 'GET' | 'POST', string, unknown?][] = [
        ['workforce_member.read', 'GET', `/workforce/${w}`],
        ['vetting_clearance.list', 'GET', `/workforce/${w}/clearances`],
        [
          'vetting_clearance.create',
          'POST',
          `/workforce/${w}/clearances`,
          { level: 'MV', grantedOn: '2020-01-01' },
        ],
        ['vetting_declaration.list', 'GET', `/workforce/${w}/declarations`],
        [
          'vetting_declaration.create',
          'POST',
          `/workforce/${w}/declarations`,
          { category: 'other', declaredOn: '2020-01-01', description: 'x' },
        ],
        ['vetting_clearance.read', 'GET', `/vetting/clearances/${wClearance}`],
        [
          'vetting_clearance.withdraw',
          'POST',
          `/vetting/clearances/${wClearance}/withdraw`,
          { reason: 'mine', version: 1 },
        ],
        ['vetting_alert.read', 'GET', `/vetting/alerts/${wAlert}`],
        ['vetting_alert.acknowledge', 'POST', `/vetting/alerts/${wAlert}/acknowledge`, { version: 1 }],
        [
          'vetting_alert.resolve',
          'POST',
          `/vetting/alerts/${wAlert}/resolve`,
          { reason: 'mine', version: 1 },
        ],
      ];
      for (const [action, method, url, body] of attempts) {
        const requestId = `ntk-denied-${action}`;
        const res = await call(t.app, method, `/api/v1${url}`, {
          token: linked.token,
          body,
          headers: { 'x-request-id': requestId },
        });
        expectProblem(res, 404, 'not_found');
        expect([action, await rowsOf(requestId)]).toEqual([
          action,
          [{ action, outcome: 'denied', subject_ids: [w] }],
        ]);
      }
      // Nothing was changed by the attempts.
      const { rows } = await t.db.pool.query<{ status: string; withdrawn: boolean; declarations: number }>(
        `SELECT a.status::text, c.withdrawn_on IS NOT NULL AS withdrawn,
                (SELECT count(*)::int FROM vetting_declaration WHERE workforce_member_id = $1) AS declarations
           FROM vetting_alert a, vetting_clearance c WHERE a.id = $2 AND c.id = $3`,
        [w, wAlert, wClearance],
      );
      expect(rows[0]).toEqual({ status: 'open', withdrawn: false, declarations: 0 });
    });

    it('names every person an import changed in its audit row, and audits a refused own row naming them', async () => {
      const res = await call(t.app, 'POST', '/api/v1/workforce/import', {
        token: officer.token,
        payload:
          'staff_number,member_type,given_name,family_name\n' +
          'NTK-I1,officer,Ann,One\nNTK-I2,staff,Bob,Two\nNTK-X,officer,Alex,Renamed\n',
        headers: { 'content-type': 'text/csv', 'x-request-id': 'ntk-import' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ rows: 3, inserted: 2, updated: 1 });
      const { rows: people } = await t.db.pool.query<{ id: string }>(
        `SELECT id FROM workforce_member WHERE staff_number IN ('NTK-I1', 'NTK-I2', 'NTK-X')`,
      );
      const [row] = await rowsOf('ntk-import');
      expect(row.action).toBe('workforce_member.import');
      expect([...row.subject_ids].sort()).toEqual(people.map((p) => p.id).sort());
      // Unchanged rows change nobody: a second run names none.
      await call(t.app, 'POST', '/api/v1/workforce/import', {
        token: officer.token,
        payload:
          'staff_number,member_type,given_name,family_name\n' +
          'NTK-I1,officer,Ann,One\nNTK-I2,staff,Bob,Two\nNTK-X,officer,Alex,Renamed\n',
        headers: { 'content-type': 'text/csv', 'x-request-id': 'ntk-import-again' },
      });
      expect((await rowsOf('ntk-import-again'))[0].subject_ids).toEqual([]);

      const linked = await userWith(t, [Role.VettingOfficer], { workforceMemberId: w });
      const own = await call(t.app, 'POST', '/api/v1/workforce/import', {
        token: linked.token,
        payload: 'staff_number,member_type,given_name,family_name\nNTK-W,officer,Me,Myself\n',
        headers: { 'content-type': 'text/csv', 'x-request-id': 'ntk-import-own' },
      });
      expectProblem(own, 422, 'import_rejected');
      expect(await rowsOf('ntk-import-own')).toEqual([
        { action: 'workforce_member.import', outcome: 'denied', subject_ids: [w] },
      ]);
    });
  });
});
