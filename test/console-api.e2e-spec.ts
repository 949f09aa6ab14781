import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Role } from '../src/common/auth/roles.js';
import { startApp, type TestApp } from './helpers/app.js';
import { call, TEST_PASSWORD, userWith, workforceMember, type TestUser } from './helpers/http.js';

/** The API additions for the browser console (issue 24): the refresh cookie, the directory, the client's drift. */
describe('console API', () => {
  let t: TestApp;
  let analyst: TestUser;
  let supervisor: TestUser;

  beforeAll(async () => {
    t = await startApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    analyst = await userWith(t, [Role.Analyst]);
    supervisor = await userWith(t, [Role.Supervisor]);
  });
  afterAll(() => t.close());

  describe('refresh token in a cookie', () => {
    const cookieOf = (headers: Record<string, unknown>): string => {
      const value = headers['set-cookie'];
      return Array.isArray(value) ? value.join(', ') : typeof value === 'string' ? value : '';
    };

    it('is set HttpOnly; Secure; SameSite=Strict on /api/v1/auth when asked, and kept out of the body', async () => {
      const login = await call(t.app, 'POST', '/api/v1/auth/login', {
        body: { email: analyst.email, password: TEST_PASSWORD, cookie: true },
      });
      expect(login.status).toBe(200);
      expect(login.body.refreshToken).toBeUndefined();
      expect(login.body.accessToken).toEqual(expect.any(String));
      const cookie = cookieOf(login.headers);
      expect(cookie).toMatch(
        /^lantern_refresh=[A-Za-z0-9_-]{20,}; Path=\/api\/v1\/auth; Max-Age=\d+; HttpOnly; Secure; SameSite=Strict$/,
      );

      const value = cookie.split(';')[0];
      const refreshed = await call(t.app, 'POST', '/api/v1/auth/refresh', {
        body: {},
        headers: { cookie: value },
      });
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.refreshToken).toBeUndefined();
      const next = cookieOf(refreshed.headers).split(';')[0];
      expect(next).not.toBe(value);

      // The used cookie again: a replay, the session is revoked and the cookie cleared.
      const replay = await call(t.app, 'POST', '/api/v1/auth/refresh', {
        body: {},
        headers: { cookie: value },
      });
      expect(replay.status).toBe(401);
      expect(cookieOf(replay.headers)).toContain('Max-Age=0');
      expect(
        (await call(t.app, 'POST', '/api/v1/auth/refresh', { body: {}, headers: { cookie: next } })).status,
      ).toBe(401);
    });

    it('keeps the JSON flow for API clients, answers 400 without either, and logout clears the cookie', async () => {
      const login = await call(t.app, 'POST', '/api/v1/auth/login', {
        body: { email: analyst.email, password: TEST_PASSWORD },
      });
      expect(login.body.refreshToken).toEqual(expect.any(String));
      expect(cookieOf(login.headers)).toBe('');
      const none = await call(t.app, 'POST', '/api/v1/auth/refresh', { body: {} });
      expect(none.status).toBe(400);
      expect(none.headers['content-type']).toContain('problem+json');
      const out = await call(t.app, 'POST', '/api/v1/auth/logout', { token: login.body.accessToken });
      expect(out.status).toBe(204);
      expect(cookieOf(out.headers)).toContain('lantern_refresh=; Path=/api/v1/auth; Max-Age=0');
    });
  });

  describe('directory', () => {
    it('finds people by name or staff number for an analyst, with no vetting data', async () => {
      const id = await workforceMember(t, {
        staffNumber: 'DIR-0001',
        givenName: 'Priya',
        familyName: 'Okonkwo',
      });
      for (const q of ['okon', 'DIR-0001', 'priya okon']) {
        const res = await call(t.app, 'GET', `/api/v1/directory/people?q=${encodeURIComponent(q)}`, {
          token: analyst.token,
        });
        expect(res.status).toBe(200);
        expect(res.body.items.map((p: { id: string }) => p.id)).toContain(id);
      }
      const res = await call(t.app, 'GET', '/api/v1/directory/people?q=okon', { token: analyst.token });
      expect(Object.keys(res.body.items[0]).sort()).toEqual(
        [
          'departmentId',
          'departmentName',
          'familyName',
          'givenName',
          'id',
          'memberType',
          'rankOrGrade',
          'staffNumber',
        ].sort(),
      );
      expect(
        (await call(t.app, 'GET', '/api/v1/directory/people?q=o', { token: analyst.token })).status,
      ).toBe(400);
    });

    it('never finds the caller themselves (the access policy on workforce members)', async () => {
      const me = await workforceMember(t, {
        staffNumber: 'DIR-SELF',
        givenName: 'Sam',
        familyName: 'Selfridge',
      });
      const linked = await userWith(t, [Role.Analyst], { workforceMemberId: me });
      const res = await call(t.app, 'GET', '/api/v1/directory/people?q=DIR-SELF', { token: linked.token });
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([]);
      expect(res.text).not.toContain(me);
    });

    it("gives users' names by role or id, without emails", async () => {
      const res = await call(t.app, 'GET', `/api/v1/directory/users?role=analyst`, {
        token: supervisor.token,
      });
      expect(res.status).toBe(200);
      expect(res.body.items.map((u: { id: string }) => u.id)).toContain(analyst.id);
      expect(res.text).not.toContain('@test.lantern');
      const one = await call(t.app, 'GET', `/api/v1/directory/users?ids=${supervisor.id}`, {
        token: analyst.token,
      });
      expect(one.body.items).toEqual([
        { id: supervisor.id, displayName: 'Test supervisor', roles: ['supervisor'], enabled: true },
      ]);
      expect(
        (await call(t.app, 'GET', '/api/v1/directory/users?ids=nope', { token: analyst.token })).status,
      ).toBe(400);
    });

    it('finds a report or case by reference; a missing one is a 404 problem', async () => {
      const subject = await workforceMember(t, { staffNumber: 'DIR-SUBJ' });
      const report = await call(t.app, 'POST', '/api/v1/intelligence', {
        token: analyst.token,
        body: {
          receivedAt: new Date().toISOString(),
          receiptMethod: 'email',
          sourceType: 'colleague',
          grading: { scheme: '3x5x2', sourceEvaluation: '2', intelligenceAssessment: 'B', handlingCode: 'P' },
          primaryCategory: 'misuse_of_systems',
          subjects: [{ workforceMemberId: subject, role: 'subject' }],
          narrative: 'Directory reference test',
        },
      });
      expect(report.status).toBe(201);
      const found = await call(t.app, 'GET', `/api/v1/directory/references/${report.body.reference}`, {
        token: analyst.token,
      });
      expect(found.status).toBe(200);
      expect(found.body).toEqual({
        kind: 'intelligence_report',
        id: report.body.id,
        reference: report.body.reference,
      });
      const lower = await call(
        t.app,
        'GET',
        `/api/v1/directory/references/${report.body.reference.toLowerCase()}`,
        { token: analyst.token },
      );
      expect(lower.body.id).toBe(report.body.id);
      // The subject's own user: answered like a missing reference.
      const linked = await userWith(t, [Role.Analyst], { workforceMemberId: subject });
      const hidden = await call(t.app, 'GET', `/api/v1/directory/references/${report.body.reference}`, {
        token: linked.token,
      });
      const missing = await call(t.app, 'GET', '/api/v1/directory/references/INT-NOPE-0', {
        token: linked.token,
      });
      expect(hidden.status).toBe(404);
      expect(missing.status).toBe(404);
      expect(hidden.body.detail).toBe(missing.body.detail);
      expect(hidden.text).not.toContain(report.body.id);
    });
  });

  it('has a console client generated from the committed openapi.json (npm run openapi:client)', () => {
    const generated = execFileSync(
      process.execPath,
      ['node_modules/openapi-typescript/bin/cli.js', 'openapi.json', '--empty-objects-unknown'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const committed = readFileSync(new URL('../web/src/api/schema.d.ts', import.meta.url), 'utf8');
    expect(committed === generated).toBe(true);
  });
});
