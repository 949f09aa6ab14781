import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { Queue } from 'bullmq';
import { Role } from '../src/common/auth/roles.js';
import { ARGON2_OPTIONS } from '../src/modules/auth/password.service.js';
import { cloneDatabase, type TestDatabase } from './helpers/app.js';
import { TEST_PASSWORD } from './helpers/http.js';
import { freePort, type Proc, startNode, stopProc, waitFor } from './helpers/processes.js';

/**
 * Lantern scaled out (issue 28): two API processes and two workers at once, on one database and one Redis
 * prefix, behave as one. The login lockout is counted across both APIs; a session ended through one API is
 * refused by the other at once (its cache listens on `lantern_auth`, and is kept long here so only the
 * notification can end it); and a vetting change made through one API is processed exactly once by the two
 * workers, its alert visible through the other API. Against the compiled processes (`dist/`).
 */

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const MAX_FAILURES = 4;

interface Res {
  status: number;
  body: any;
}

async function http(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<Res> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('two APIs and two workers behave as one', () => {
  let db: TestDatabase;
  const procs: Proc[] = [];
  let apiA = '';
  let apiB = '';
  let hash = '';

  const withOutput = (e: Error): never => {
    throw new Error(`${e.message}\n${procs.map((p) => p.output().slice(-1500)).join('\n----\n')}`);
  };

  const user = async (roles: Role[]): Promise<string> => {
    const email = `multi-${randomBytes(4).toString('hex')}@test.lantern`;
    await db.pool.query(
      `INSERT INTO app_user (email, display_name, roles, password_hash) VALUES ($1, 'Multi', $2::user_role[], $3)`,
      [email, roles, hash],
    );
    return email;
  };
  const login = (base: string, email: string, password = TEST_PASSWORD) =>
    http(base, 'POST', '/auth/login', { body: { email, password } });

  beforeAll(async () => {
    db = await cloneDatabase();
    hash = await argon2.hash(TEST_PASSWORD, ARGON2_OPTIONS);
    const shared = {
      DATABASE_URL: db.appUrl,
      REDIS_URL,
      REDIS_PREFIX: db.name,
      JWT_SECRET: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'warn',
      LOGIN_MAX_FAILURES: String(MAX_FAILURES),
      // Longer than any wait below: only the lantern_auth notification can end a cached session in time.
      AUTH_CACHE_SECONDS: '300',
    };
    const [portA, portB] = [await freePort(), await freePort()];
    for (const port of [portA, portB])
      procs.push(startNode('main', { ...shared, PORT: String(port), HOST: '127.0.0.1' }));
    // The workers log at info: their start-up line says they are running.
    const workerEnv = { ...shared, LOG_LEVEL: 'info' };
    procs.push(startNode('worker', workerEnv), startNode('worker', workerEnv));
    apiA = `http://127.0.0.1:${portA}`;
    apiB = `http://127.0.0.1:${portB}`;
    for (const base of [apiA, apiB]) {
      await waitFor(
        `${base} to be ready`,
        () =>
          fetch(`${base}/health/ready`).then(
            (r) => r.ok,
            () => false,
          ),
        90_000,
      ).catch(withOutput);
    }
    for (const w of procs.slice(2)) {
      await waitFor(
        'a worker to start',
        async () => w.output().includes('Lantern worker started'),
        90_000,
      ).catch(withOutput);
    }
  }, 200_000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => stopProc(p)));
    if (db) await db.drop();
  }, 120_000);

  it('counts wrong logins on both APIs towards one lockout', async () => {
    const email = await user([]);
    for (let i = 0; i < MAX_FAILURES; i++) {
      const res = await login(i % 2 === 0 ? apiA : apiB, email, 'not the password at all');
      expect(res.status).toBe(401);
    }
    // The limit was reached over both: the right password is refused on either, without being checked.
    for (const base of [apiA, apiB]) {
      const res = await login(base, email);
      expect({ status: res.status, code: res.body?.code }).toEqual({ status: 429, code: 'login_locked' });
    }
  });

  it('ends a session on both APIs when it is ended through one', async () => {
    // (A role of any kind: a user without one is refused every route, /auth/me included.)
    const email = await user([Role.VettingOfficer]);
    const first = await login(apiA, email);
    expect(first.status).toBe(200);
    const token = first.body.accessToken as string;
    // Used on B (and cached there) and on A.
    expect((await http(apiB, 'GET', '/auth/me', { token })).status).toBe(200);
    expect((await http(apiA, 'GET', '/auth/me', { token })).status).toBe(200);
    expect((await http(apiA, 'POST', '/auth/logout', { token })).status).toBe(204);
    await waitFor(
      'B to refuse the logged-out token',
      async () => (await http(apiB, 'GET', '/auth/me', { token })).status === 401,
      15_000,
    );

    // A password change through B ends a session opened through A, on A too.
    const second = await login(apiA, email);
    expect(second.status).toBe(200);
    const token2 = second.body.accessToken as string;
    expect((await http(apiA, 'GET', '/auth/me', { token: token2 })).status).toBe(200);
    const changed = await http(apiB, 'POST', '/auth/password', {
      token: token2,
      body: { currentPassword: TEST_PASSWORD, newPassword: 'Another test passphrase 2026!' },
    });
    expect(changed.status).toBe(200);
    await waitFor(
      'A to refuse the token after the password change',
      async () => (await http(apiA, 'GET', '/auth/me', { token: token2 })).status === 401,
      15_000,
    );
  });

  it('has a vetting change made through A processed once by the two workers, seen through B', async () => {
    const officerEmail = await user([Role.VettingOfficer]);
    const signedIn = await login(apiA, officerEmail);
    expect(signedIn.status).toBe(200);
    const token = signedIn.body.accessToken as string;
    const post = await http(apiA, 'POST', '/workforce/posts', {
      token,
      body: { code: 'MULTI-1', title: 'Post', requiredLevel: 'MV' },
    });
    expect(post.status).toBe(201);
    // People on an MV post with no clearance: each below the required level.
    const people: string[] = [];
    for (let i = 1; i <= 4; i++) {
      const res = await http(apiA, 'POST', '/workforce', {
        token,
        body: {
          memberType: 'officer',
          staffNumber: `MULTI-${i}`,
          givenName: 'Test',
          familyName: `Multi${i}`,
          postId: post.body.id,
        },
      });
      expect(res.status).toBe(201);
      people.push(res.body.id as string);
    }
    const alerts = async () =>
      (
        await db.pool.query<{ member: string; kind: string; status: string }>(
          `SELECT workforce_member_id AS member, kind::text, status::text FROM vetting_alert
            WHERE workforce_member_id = ANY($1::uuid[]) ORDER BY 1`,
          [people],
        )
      ).rows;
    await waitFor(
      'an alert for everyone',
      async () => (await alerts()).length >= people.length,
      60_000,
    ).catch(withOutput);
    // Both workers idle: nothing left that could still add a second alert.
    const u = new URL(REDIS_URL);
    const queue = new Queue('vetting', {
      connection: { host: u.hostname, port: Number(u.port || 6379) },
      prefix: `${db.name}:bull`,
    });
    queue.on('error', () => undefined);
    try {
      await waitFor(
        'the vetting queue to be idle',
        async () => (await queue.getJobs(['active', 'waiting', 'prioritized'])).length === 0,
        60_000,
      );
    } finally {
      await queue.close();
    }
    expect(await alerts()).toEqual(
      [...people].sort().map((member) => ({ member, kind: 'below_required', status: 'open' })),
    );
    for (const member of people) {
      const seen = await http(apiB, 'GET', `/vetting/alerts?workforceMemberId=${member}`, { token });
      expect(seen.status).toBe(200);
      expect(seen.body.items.map((a: { kind: string }) => a.kind)).toEqual(['below_required']);
    }
  });
});
