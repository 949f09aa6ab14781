import { Role } from '../src/common/auth/roles.js';
import { createApp } from '../src/app.js';
import { cloneDatabase, type TestApp, testConfig } from './helpers/app.js';
import { call, expectProblem, userWith } from './helpers/http.js';
import { TcpProxy, waitFor } from './helpers/processes.js';

/**
 * Failures that say what they are (issue 28): with PostgreSQL stopped or frozen (a proxy in front of it that
 * cuts, refuses or holds connections), the API answers 503 service_unavailable with Retry-After, never 500
 * and never a hang past its configured timeouts; health keeps answering; and it recovers without a restart.
 */
describe('the API while PostgreSQL is stopped or frozen', () => {
  let t: TestApp;
  let proxy: TcpProxy;
  let token: string;

  const get = (url: string) => call(t.app, 'GET', url, { token });

  beforeAll(async () => {
    const db = await cloneDatabase();
    const target = new URL(db.url);
    proxy = new TcpProxy(Number(target.port || 5432), target.hostname);
    await proxy.start();
    const proxied = new URL(db.appUrl);
    proxied.host = `127.0.0.1:${proxy.port}`;
    const config = testConfig(db, {
      DATABASE_URL: proxied.toString(),
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
      DATABASE_STATEMENT_TIMEOUT_MS: '1500',
      DATABASE_QUERY_TIMEOUT_MS: '2000',
    });
    const app = await createApp(config, { logs: false });
    await app.getHttpAdapter().getInstance().ready();
    t = {
      app,
      config,
      db,
      close: async () => {
        await app.close();
        await db.drop();
      },
    };
    token = (await userWith(t, [Role.VettingOfficer])).token;
  });
  afterAll(async () => {
    proxy.thaw();
    await proxy.start();
    await t?.close();
    await proxy.stop();
  });

  it('answers 503 with Retry-After while it is stopped, keeps health up, and recovers', async () => {
    expect((await get('/api/v1/workforce')).status).toBe(200);
    await proxy.stop();

    for (const res of [
      await get('/api/v1/workforce'),
      await get('/api/v1/vetting/alerts'),
      await call(t.app, 'POST', '/api/v1/workforce', {
        token,
        body: { memberType: 'officer', staffNumber: 'DOWN-1', givenName: 'A', familyName: 'B' },
      }),
    ]) {
      expectProblem(res, 503, 'service_unavailable');
      expect(res.headers['retry-after']).toBe('5');
    }
    expect((await call(t.app, 'GET', '/health/live')).status).toBe(200);
    const ready = await call(t.app, 'GET', '/health/ready');
    expectProblem(ready, 503, 'dependency_unavailable');
    expect(ready.headers['retry-after']).toBeDefined();

    await proxy.start();
    await waitFor('the API to recover', async () => (await get('/api/v1/workforce')).status === 200, 30_000);
  });

  it('answers 503 within its timeouts while it is frozen, and recovers when it thaws', async () => {
    expect((await get('/api/v1/workforce')).status).toBe(200);
    proxy.freeze();
    try {
      const res = await get('/api/v1/workforce');
      expectProblem(res, 503, 'service_unavailable');
      expect(res.headers['retry-after']).toBe('5');
    } finally {
      proxy.thaw();
    }
    await waitFor('the API to recover', async () => (await get('/api/v1/workforce')).status === 200, 30_000);
  });
});
