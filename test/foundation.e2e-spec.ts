import { Role } from '../src/common/auth/roles.js';
import { startApp, type TestApp } from './helpers/app.js';
import { call, expectProblem, userWith, type TestUser } from './helpers/http.js';

describe('foundation: errors, request ids, headers', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await startApp({ BODY_LIMIT: '2048' });
    admin = await userWith(t, [Role.Admin]);
  });
  afterAll(() => t.close());

  it('answers an unknown route with a 404 problem', async () => {
    const res = await call(t.app, 'GET', '/api/v1/no-such-thing');
    expectProblem(res, 404, 'not_found');
    expect(res.body.instance).toBe('/api/v1/no-such-thing');
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const res = await call(t.app, 'POST', '/api/v1/auth/login', {
      payload: '{"email": "a@b.c", ',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(res, 400, 'malformed_json');
  });

  it('answers a body over the size limit with a 413 problem', async () => {
    const res = await call(t.app, 'POST', '/api/v1/auth/login', {
      payload: JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(5000) }),
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(res, 413, 'payload_too_large');
  });

  it('answers an unsupported content type with a 415 problem', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const res = await call(t.app, 'POST', '/api/v1/auth/login', {
        payload: 'email=a',
        headers: { 'content-type': type },
      });
      expectProblem(res, 415, 'unsupported_media_type');
    }
  });

  it('answers a DTO violation with one errors[] entry per field', async () => {
    const res = await call(t.app, 'POST', '/api/v1/users', {
      token: admin.token,
      body: { email: 'not-an-email', displayName: '', roles: ['wizard'], extra: 1 },
    });
    expectProblem(res, 400, 'validation_failed');
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['displayName', 'email', 'extra', 'roles']);
  });

  it('answers a wrong-typed path parameter with a 400 naming it', async () => {
    const res = await call(t.app, 'GET', '/api/v1/users/42', { token: admin.token });
    expectProblem(res, 400, 'validation_failed');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'id' })]);
  });

  it('answers a wrong-typed query parameter with a 400 naming it', async () => {
    for (const query of ['limit=lots', 'limit=0', 'limit=201', 'enabled=maybe', 'cursor=%%%']) {
      const res = await call(t.app, 'GET', `/api/v1/users?${query}`, { token: admin.token });
      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors[0].field).toBe(query.split('=')[0]);
    }
  });

  it('keeps a well-formed X-Request-Id and replaces a malformed one', async () => {
    const kept = await call(t.app, 'GET', '/api/v1/nope', { headers: { 'x-request-id': 'abc-12345678' } });
    expect(kept.headers['x-request-id']).toBe('abc-12345678');
    expect(kept.body.requestId).toBe('abc-12345678');
    const replaced = await call(t.app, 'GET', '/health/live', {
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers and no-store on API responses, and no CORS by default', async () => {
    const res = await call(t.app, 'GET', '/api/v1/auth/me', {
      token: admin.token,
      headers: { origin: 'https://evil.example' },
    });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves the OpenAPI document at /api/docs', async () => {
    const res = await call(t.app, 'GET', '/api/docs/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.paths['/api/v1/auth/login']).toBeDefined();
  });

  it('has the tables read by index-only scans vacuumed after 1% of their rows change or arrive', async () => {
    const { rows } = await t.db.pool.query<{ relname: string; reloptions: string[] }>(
      `SELECT relname, reloptions FROM pg_class
        WHERE relname IN ('intelligence_report', 'vetting_clearance') ORDER BY relname`,
    );
    const expected = [
      'autovacuum_vacuum_scale_factor=0.01',
      'autovacuum_vacuum_insert_scale_factor=0.01',
      'autovacuum_analyze_scale_factor=0.01',
    ];
    expect(rows).toEqual([
      { relname: 'intelligence_report', reloptions: expected },
      { relname: 'vetting_clearance', reloptions: expected },
    ]);
  });
});
