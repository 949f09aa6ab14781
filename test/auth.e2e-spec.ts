import { createHmac } from 'node:crypto';
import { jest } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../src/app.js';
import { Role } from '../src/common/auth/roles.js';
import { ConfigError, loadConfig } from '../src/config/app-config.js';
import { PasswordService } from '../src/modules/auth/password.service.js';
import { startApp, type TestApp } from './helpers/app.js';
import {
  call,
  expectProblem,
  TEST_PASSWORD,
  userWith,
  workforceMember,
  type TestUser,
} from './helpers/http.js';

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
/** The payload of a JWT, as issued. */
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
const sign = (header: object, payload: object, key: string) => {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
};
const me = (t: TestApp, token: string) => call(t.app, 'GET', '/api/v1/auth/me', { token });
const login = (t: TestApp, email: string, password = TEST_PASSWORD, remoteAddress = '10.1.1.1') =>
  call(t.app, 'POST', '/api/v1/auth/login', { body: { email, password }, remoteAddress });

describe('identity and tokens', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await startApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', LOGIN_MAX_FAILURES: '5' });
    admin = await userWith(t, [Role.Admin]);
  });
  afterAll(() => t.close());

  it('logs in and answers /auth/me', async () => {
    const analyst = await userWith(t, [Role.Analyst, Role.Supervisor]);
    const res = await me(t, analyst.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: analyst.id,
      email: analyst.email,
      roles: ['analyst', 'supervisor'],
    });
  });

  it('answers every login failure with the same generic 401', async () => {
    const user = await userWith(t, [Role.Analyst]);
    const disabled = await userWith(t, [Role.Analyst]);
    await t.db.pool.query('UPDATE app_user SET enabled = false WHERE id = $1', [disabled.id]);
    const answers = await Promise.all([
      login(t, 'nobody@test.lantern'),
      login(t, user.email, 'wrong password 123'),
      login(t, disabled.email),
    ]);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    for (const res of answers) expectProblem(res, 401, 'unauthorised');
    expect(strip(answers[1].body)).toEqual(strip(answers[0].body));
    expect(strip(answers[2].body)).toEqual(strip(answers[0].body));
  });

  it('locks an account after 5 failures, even against the right password, until an admin unlocks it', async () => {
    const user = await userWith(t, [Role.Analyst]);
    for (let i = 0; i < 5; i++) expectProblem(await login(t, user.email, `wrong password ${i}xx`), 401);
    expectProblem(await login(t, user.email), 429, 'login_locked');
    const view = await call(t.app, 'GET', `/api/v1/users/${user.id}`, { token: admin.token });
    expect(Date.parse(view.body.lockedUntil)).toBeGreaterThan(Date.now());
    // An unknown email locks the same way: a lock tells nothing about which emails exist.
    for (let i = 0; i < 5; i++)
      expectProblem(await login(t, 'no-such-user@test.lantern', `guess ${i}xx`), 401);
    expectProblem(await login(t, 'no-such-user@test.lantern'), 429, 'login_locked');

    expect(
      (await call(t.app, 'POST', `/api/v1/users/${user.id}/enable`, { token: admin.token })).status,
    ).toBe(200);
    expect((await login(t, user.email)).status).toBe(200);
  });

  it('rate-limits login attempts per client address, counted in Redis', async () => {
    const limited = await startApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '3' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await call(limited.app, 'POST', '/api/v1/auth/login', {
          body: { email: 'x@test.lantern', password: 'whatever at all' },
          remoteAddress: '192.0.2.7',
        });
        statuses.push(res.status);
        if (res.status === 429) expectProblem(res, 429, 'too_many_login_attempts');
      }
      // The minute may roll over mid-loop: at least one 429 and never more than 3 answered per window.
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
      const other = await call(limited.app, 'POST', '/api/v1/auth/login', {
        body: { email: 'x@test.lantern', password: 'whatever at all' },
        remoteAddress: '192.0.2.8',
      });
      expect(other.status).toBe(401);
    } finally {
      await limited.close();
    }
  });

  it('rotates refresh tokens, and reuse of a rotated one revokes the whole session', async () => {
    const user = await userWith(t, [Role.Analyst]);
    const first = await call(t.app, 'POST', '/api/v1/auth/refresh', {
      body: { refreshToken: user.refreshToken },
    });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(user.refreshToken);
    expect((await me(t, first.body.accessToken)).status).toBe(200);

    const replay = await call(t.app, 'POST', '/api/v1/auth/refresh', {
      body: { refreshToken: user.refreshToken },
    });
    expectProblem(replay, 401, 'unauthorised');
    // The family is gone: the newest access and refresh tokens no longer work either.
    expectProblem(await me(t, first.body.accessToken), 401);
    expectProblem(
      await call(t.app, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: first.body.refreshToken } }),
      401,
    );
  });

  it('logout ends the session at once', async () => {
    const user = await userWith(t, [Role.Auditor]);
    expect((await call(t.app, 'POST', '/api/v1/auth/logout', { token: user.token })).status).toBe(204);
    expectProblem(await me(t, user.token), 401);
    expectProblem(
      await call(t.app, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: user.refreshToken } }),
      401,
    );
  });

  it('ends access in every API process: a logout in one, or a change made in the database, reaches the others', async () => {
    const other = await createApp(t.config, { logs: false });
    await other.getHttpAdapter().getInstance().ready();
    const meOn = (app: NestFastifyApplication, token: string) =>
      call(app, 'GET', '/api/v1/auth/me', { token });
    /** The other process hears of the change by notification: wait (briefly) until it answers 401. */
    const until401 = async (app: NestFastifyApplication, token: string) => {
      for (let i = 0; i < 50; i++) {
        const res = await meOn(app, token);
        if (res.status === 401) return res;
        await new Promise((r) => setTimeout(r, 100));
      }
      return meOn(app, token);
    };
    try {
      const loggingOut = await userWith(t, [Role.Analyst]);
      const disabled = await userWith(t, [Role.Analyst]);
      // Both processes have checked (and may cache) both sessions.
      for (const app of [t.app, other]) {
        expect((await meOn(app, loggingOut.token)).status).toBe(200);
        expect((await meOn(app, disabled.token)).status).toBe(200);
      }
      expect((await call(t.app, 'POST', '/api/v1/auth/logout', { token: loggingOut.token })).status).toBe(
        204,
      );
      expectProblem(await meOn(t.app, loggingOut.token), 401);
      expectProblem(await until401(other, loggingOut.token), 401, 'unauthorised');

      // An operator's SQL, outside the app: both processes stop accepting the token.
      await t.db.pool.query('UPDATE app_user SET enabled = false WHERE id = $1', [disabled.id]);
      expectProblem(await until401(t.app, disabled.token), 401);
      expectProblem(await until401(other, disabled.token), 401);
    } finally {
      await other.close();
    }
  });

  it('changes a password under the policy; old tokens stop working', async () => {
    const user = await userWith(t, [Role.Analyst]);
    const url = '/api/v1/auth/password';
    expectProblem(
      await call(t.app, 'POST', url, {
        token: user.token,
        body: { currentPassword: 'nope', newPassword: 'x' },
      }),
      400,
    );
    const short = await call(t.app, 'POST', url, {
      token: user.token,
      body: { currentPassword: TEST_PASSWORD, newPassword: 'Short1!' },
    });
    expectProblem(short, 400, 'validation_failed');
    expect(short.body.errors[0]).toMatchObject({ field: 'newPassword', rule: 'passwordLength' });
    const common = await call(t.app, 'POST', url, {
      token: user.token,
      body: { currentPassword: TEST_PASSWORD, newPassword: 'password1234' },
    });
    expect(common.body.errors[0]).toMatchObject({ field: 'newPassword', rule: 'passwordStrength' });
    const ok = await call(t.app, 'POST', url, {
      token: user.token,
      body: { currentPassword: TEST_PASSWORD, newPassword: 'Velvet lantern over the quiet harbour 9' },
    });
    expect(ok.status).toBe(200);
    expectProblem(await me(t, user.token), 401);
    expect((await me(t, ok.body.accessToken)).status).toBe(200);
    expect((await login(t, user.email, 'Velvet lantern over the quiet harbour 9')).status).toBe(200);
  });

  it('refuses malformed, expired, foreign-key, alg:none and disabled-user tokens with 401', async () => {
    const user = await userWith(t, [Role.Analyst]);
    const claims = claimsOf(user.token);
    const now = Math.floor(Date.now() / 1000);
    const secret = t.config.JWT_SECRET;
    const tokens = {
      malformed: 'not.a.jwt',
      garbage: 'abc',
      expired: sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, iat: now - 3600, exp: now - 60 }, secret),
      otherKey: sign(
        { alg: 'HS256', typ: 'JWT' },
        { ...claims, exp: now + 600 },
        'another-key-another-key-another-key!',
      ),
      algNone: `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, exp: now + 600 })}.`,
      hs512: sign({ alg: 'HS512', typ: 'JWT' }, { ...claims, exp: now + 600 }, secret),
    };
    for (const [name, token] of Object.entries(tokens)) {
      const res = await me(t, token);
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
      expectProblem(res, 401, 'unauthorised');
    }
    expect((await me(t, user.token)).status).toBe(200);
    await call(t.app, 'POST', `/api/v1/users/${user.id}/disable`, { token: admin.token });
    expectProblem(await me(t, user.token), 401);
  });

  it('refuses a token it has accepted before once it expires, and never a variant of a known token', async () => {
    const user = await userWith(t, [Role.Analyst]);
    const claims = claimsOf(user.token);
    const now = Math.floor(Date.now() / 1000);
    const short = sign(
      { alg: 'HS256', typ: 'JWT' },
      { ...claims, iat: now, exp: now + 2 },
      t.config.JWT_SECRET,
    );
    expect((await me(t, short)).status).toBe(200);
    expect((await me(t, short)).status).toBe(200);
    // The same token with one character of its signature changed: verified afresh, and refused.
    const at = short.length - 5;
    const variant = `${short.slice(0, at)}${short[at] === 'A' ? 'B' : 'A'}${short.slice(at + 1)}`;
    expectProblem(await me(t, variant), 401, 'unauthorised');
    await new Promise((resolve) => setTimeout(resolve, (now + 2) * 1000 - Date.now() + 50));
    expectProblem(await me(t, short), 401, 'unauthorised');
    expect((await me(t, user.token)).status).toBe(200);
  });

  it('takes role changes and password resets into effect at the next request', async () => {
    const user = await userWith(t, [Role.Analyst]);
    const current = await call(t.app, 'GET', `/api/v1/users/${user.id}`, { token: admin.token });
    const changed = await call(t.app, 'PUT', `/api/v1/users/${user.id}/roles`, {
      token: admin.token,
      body: { roles: ['auditor'], version: current.body.version },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.roles).toEqual(['auditor']);
    expectProblem(await me(t, user.token), 401);
    const stale = await call(t.app, 'PUT', `/api/v1/users/${user.id}/roles`, {
      token: admin.token,
      body: { roles: ['analyst'], version: current.body.version },
    });
    expectProblem(stale, 409, 'stale_version');

    const again = (await login(t, user.email)).body.accessToken as string;
    const reset = await call(t.app, 'POST', `/api/v1/users/${user.id}/reset-password`, {
      token: admin.token,
      body: {},
    });
    expect(reset.body.generatedPassword).toEqual(expect.any(String));
    expectProblem(await me(t, again), 401);
    expect((await login(t, user.email, reset.body.generatedPassword)).status).toBe(200);
  });
});

describe('user administration', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await startApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    admin = await userWith(t, [Role.Admin]);
  });
  afterAll(() => t.close());

  it('creates users (generated password shown once), refuses duplicates and bad input', async () => {
    const created = await call(t.app, 'POST', '/api/v1/users', {
      token: admin.token,
      body: { email: 'New.Analyst@Force.example', displayName: 'New Analyst', roles: ['analyst'] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      email: 'new.analyst@force.example',
      roles: ['analyst'],
      enabled: true,
      version: 1,
    });
    expect((await login(t, 'new.analyst@force.example', created.body.generatedPassword)).status).toBe(200);
    expect(created.body.passwordHash).toBeUndefined();

    const dup = await call(t.app, 'POST', '/api/v1/users', {
      token: admin.token,
      body: { email: 'new.analyst@force.example', displayName: 'Again', roles: ['analyst'] },
    });
    expectProblem(dup, 409, 'email_taken');
    const weak = await call(t.app, 'POST', '/api/v1/users', {
      token: admin.token,
      body: {
        email: 'weak@force.example',
        displayName: 'Weak',
        roles: ['analyst'],
        password: 'qwertyuiop123',
      },
    });
    expectProblem(weak, 400, 'validation_failed');
    const noMember = await call(t.app, 'POST', '/api/v1/users', {
      token: admin.token,
      body: {
        email: 'm@force.example',
        displayName: 'M',
        roles: ['analyst'],
        workforceMemberId: '00000000-0000-4000-8000-000000000001',
      },
    });
    expectProblem(noMember, 400, 'validation_failed');
    const { rows } = await t.db.pool.query(
      `SELECT count(*)::int AS n FROM app_user WHERE email IN ('weak@force.example', 'm@force.example')`,
    );
    expect(rows[0].n).toBe(0);
  });

  it('lists users with keyset pages and filters', async () => {
    for (let i = 0; i < 5; i++) await userWith(t, [Role.Supervisor]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: {
        status: number;
        body: { items: { id: string; roles: string[] }[]; nextCursor: string | null };
      } = await call(
        t.app,
        'GET',
        `/api/v1/users?role=supervisor&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { token: admin.token },
      );
      expect(page.status).toBe(200);
      expect(page.body.items.every((u) => u.roles.includes('supervisor'))).toBe(true);
      seen.push(...page.body.items.map((u) => u.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.length).toBe(5);
    expect(new Set(seen).size).toBe(5);
    expectProblem(
      await call(t.app, 'GET', '/api/v1/users?cursor=bm9wZQ', { token: admin.token }),
      400,
      'validation_failed',
    );
  });

  it('links a user to their workforce record, and disables/enables them', async () => {
    const user = await userWith(t, [Role.Analyst]);
    const member = await workforceMember(t);
    const current = await call(t.app, 'GET', `/api/v1/users/${user.id}`, { token: admin.token });
    const linked = await call(t.app, 'PUT', `/api/v1/users/${user.id}/workforce-member`, {
      token: admin.token,
      body: { workforceMemberId: member, version: current.body.version },
    });
    expect(linked.status).toBe(200);
    expect(linked.body.workforceMemberId).toBe(member);
    expect(
      (await call(t.app, 'POST', `/api/v1/users/${user.id}/disable`, { token: admin.token })).body.enabled,
    ).toBe(false);
    expectProblem(await login(t, user.email), 401);
    expect(
      (await call(t.app, 'POST', `/api/v1/users/${user.id}/enable`, { token: admin.token })).body.enabled,
    ).toBe(true);
    expect((await login(t, user.email)).status).toBe(200);
    expectProblem(
      await call(t.app, 'POST', `/api/v1/users/${admin.id}/disable`, { token: admin.token }),
      409,
      'cannot_disable_self',
    );
    expectProblem(
      await call(t.app, 'GET', '/api/v1/users/00000000-0000-4000-8000-000000000009', { token: admin.token }),
      404,
    );
  });
});

describe('login lockout under concurrency', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await startApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', LOGIN_MAX_FAILURES: '5' });
    admin = await userWith(t, [Role.Admin]);
  });
  afterAll(() => t.close());

  /** Counts the password checks (argon2 verifications) made while `work` runs. */
  const checksDuring = async (work: () => Promise<void>): Promise<number> => {
    const verify = jest.spyOn(t.app.get(PasswordService), 'verify');
    try {
      await work();
      return verify.mock.calls.length;
    } finally {
      verify.mockRestore();
    }
  };
  const deniedReasons = async (userId: string, action = 'auth.login') => {
    const { rows } = await t.db.pool.query<{ reason: string; n: number }>(
      `SELECT details->>'reason' AS reason, count(*)::int AS n FROM audit_event
        WHERE resource_id = $1 AND action = $2 AND outcome = 'denied' GROUP BY 1 ORDER BY 1`,
      [userId, action],
    );
    return Object.fromEntries(rows.map((r) => [r.reason, r.n]));
  };

  it('counts 20 concurrent wrong logins before any password check: 5 are checked, 15 refused without one', async () => {
    const user = await userWith(t, [Role.Analyst]);
    let answers: Awaited<ReturnType<typeof login>>[] = [];
    const checks = await checksDuring(async () => {
      answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => login(t, user.email, `wrong guess number ${i}`)),
      );
    });
    expect(checks).toBe(5);
    expect(answers.filter((a) => a.status === 401)).toHaveLength(5);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(15);
    for (const res of refused) {
      expectProblem(res, 429, 'login_locked');
      expect(res.body.retryAfterSeconds).toBeGreaterThan(0);
    }
    // The right password is refused too, unchecked, and every refusal is audited.
    expect(await checksDuring(async () => expectProblem(await login(t, user.email), 429))).toBe(0);
    expect(await deniedReasons(user.id)).toEqual({ bad_password: 5, locked: 16 });
  });

  it('a success amid concurrent failures does not clear what they counted', async () => {
    const user = await userWith(t, [Role.Analyst]);
    const burst = await Promise.all([
      login(t, user.email, 'wrong guess alpha 1'),
      login(t, user.email, 'wrong guess bravo 2'),
      login(t, user.email),
      login(t, user.email, 'wrong guess charlie 3'),
    ]);
    expect(burst.map((r) => r.status).sort()).toEqual([200, 401, 401, 401]);
    // Three failures stay counted: two more are checked, then the account is locked.
    expectProblem(await login(t, user.email, 'wrong guess delta 4'), 401);
    expectProblem(await login(t, user.email, 'wrong guess echo 5'), 401);
    expectProblem(await login(t, user.email), 429, 'login_locked');
  });

  it('a success does not clear failures counted before it either: 5 per lock window', async () => {
    const user = await userWith(t, [Role.Analyst]);
    for (let i = 0; i < 4; i++) expectProblem(await login(t, user.email, `wrong password ${i}yy`), 401);
    expect((await login(t, user.email)).status).toBe(200);
    expectProblem(await login(t, user.email, 'wrong password 5yy'), 401);
    expectProblem(await login(t, user.email, 'wrong password 6yy'), 429, 'login_locked');
  });

  it('counts wrong current passwords at POST /auth/password toward the same lockout, and refuses once locked', async () => {
    const user = await userWith(t, [Role.Analyst]);
    const change = (currentPassword: string) =>
      call(t.app, 'POST', '/api/v1/auth/password', {
        token: user.token,
        body: { currentPassword, newPassword: 'Velvet lantern over the quiet harbour 9' },
      });
    let answers: Awaited<ReturnType<typeof change>>[] = [];
    expectProblem(await login(t, user.email, 'wrong password from login'), 401);
    const checks = await checksDuring(async () => {
      answers = await Promise.all(Array.from({ length: 8 }, (_, i) => change(`not my password ${i}`)));
    });
    expect(checks).toBe(4);
    const wrong = answers.filter((a) => a.status === 400);
    expect(wrong).toHaveLength(4);
    expect(wrong[0].body.errors[0]).toMatchObject({ field: 'currentPassword', rule: 'matchesCurrent' });
    for (const res of answers.filter((a) => a.status !== 400)) expectProblem(res, 429, 'login_locked');
    // Locked: the right current password is refused unchecked, and so is a login.
    expect(await checksDuring(async () => expectProblem(await change(TEST_PASSWORD), 429))).toBe(0);
    expectProblem(await login(t, user.email), 429, 'login_locked');
    expect(await deniedReasons(user.id, 'auth.password_change')).toEqual({
      bad_current_password: 4,
      locked: 5,
    });
    // An admin's password reset unlocks.
    const reset = await call(t.app, 'POST', `/api/v1/users/${user.id}/reset-password`, {
      token: admin.token,
      body: {},
    });
    expect((await login(t, user.email, reset.body.generatedPassword)).status).toBe(200);
  });
});

describe('client address behind proxies (TRUST_PROXY)', () => {
  const clientAddressOf = async (t: TestApp, requestId: string) => {
    const { rows } = await t.db.pool.query<{ client_address: string }>(
      `SELECT client_address FROM audit_event WHERE request_id = $1`,
      [requestId],
    );
    return rows[0]?.client_address;
  };
  let n = 0;
  const attempt = async (t: TestApp, remoteAddress: string, forwardedFor: string) => {
    const requestId = `proxy-test-${++n}-${Date.now()}`;
    const res = await call(t.app, 'POST', '/api/v1/auth/login', {
      body: { email: `ghost-${n}@test.lantern`, password: 'whatever at all' },
      remoteAddress,
      headers: { 'x-forwarded-for': forwardedFor, 'x-request-id': requestId },
    });
    expect(res.status).toBe(401);
    return clientAddressOf(t, requestId);
  };

  it('ignores X-Forwarded-For by default', async () => {
    const t = await startApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    try {
      expect(await attempt(t, '203.0.113.9', '198.51.100.1')).toBe('203.0.113.9');
    } finally {
      await t.close();
    }
  });

  it('believes X-Forwarded-For only from the listed proxies, addresses or CIDRs', async () => {
    const t = await startApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', TRUST_PROXY: '10.0.0.0/8, 192.0.2.1' });
    try {
      // A client that is not a listed proxy: its header is ignored.
      expect(await attempt(t, '203.0.113.9', '198.51.100.1')).toBe('203.0.113.9');
      expect(await attempt(t, '192.0.2.2', '198.51.100.1')).toBe('192.0.2.2');
      // A listed proxy (by CIDR, by address): the address it forwards for.
      expect(await attempt(t, '10.2.3.4', '198.51.100.2')).toBe('198.51.100.2');
      expect(await attempt(t, '192.0.2.1', '198.51.100.3')).toBe('198.51.100.3');
      // Through two listed proxies; and a client's own forged entry is not believed past an untrusted hop.
      expect(await attempt(t, '10.2.3.4', '198.51.100.4, 10.9.9.9')).toBe('198.51.100.4');
      expect(await attempt(t, '10.2.3.4', '127.0.0.1, 203.0.113.50')).toBe('203.0.113.50');
    } finally {
      await t.close();
    }
  });

  it('refuses a yes/no or a malformed TRUST_PROXY at start, naming it', () => {
    const env = { JWT_SECRET: 'k'.repeat(32) };
    for (const bad of [
      'true',
      '1',
      '10.0.0.0/33',
      'proxy.example',
      '10.0.0.1/8/1',
      '10.0.0.1;10.0.0.2',
      '*',
    ]) {
      expect(() => loadConfig({ ...env, TRUST_PROXY: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ ...env, TRUST_PROXY: bad })).toThrow(/TRUST_PROXY/);
    }
    expect(() => loadConfig({ ...env, TRUST_PROXY: 'true' })).toThrow(/addresses or CIDRs/);
    for (const good of ['', 'false', '10.0.0.5', '10.0.0.0/8, 172.16.0.0/12', '::1,fd00::/8', 'loopback']) {
      expect(() => loadConfig({ ...env, TRUST_PROXY: good })).not.toThrow();
    }
    expect(() => loadConfig({ ...env, ALLOW_AUDITOR_WITH_CASEWORK: 'perhaps' })).toThrow(
      /ALLOW_AUDITOR_WITH_CASEWORK/,
    );
  });
});

describe('separation of duties', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await startApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    const member = await workforceMember(t);
    admin = await userWith(t, [Role.Admin], { workforceMemberId: member });
  });
  afterAll(() => t.close());

  const denied = async (action: string, resourceId: string | null) => {
    const { rows } = await t.db.pool.query<{ reason: string; subject_ids: string[] }>(
      `SELECT details->>'reason' AS reason, subject_ids FROM audit_event
        WHERE action = $1 AND outcome = 'denied' AND resource_id IS NOT DISTINCT FROM $2 ORDER BY seq`,
      [action, resourceId],
    );
    return rows;
  };

  it('refuses every change of an admin to their own roles, workforce link, password or lock, audited', async () => {
    const own = await call(t.app, 'GET', `/api/v1/users/${admin.id}`, { token: admin.token });
    const roles = await call(t.app, 'PUT', `/api/v1/users/${admin.id}/roles`, {
      token: admin.token,
      body: { roles: ['admin', 'supervisor'], version: own.body.version },
    });
    expectProblem(roles, 403, 'cannot_change_own_roles');
    const other = await workforceMember(t);
    const link = await call(t.app, 'PUT', `/api/v1/users/${admin.id}/workforce-member`, {
      token: admin.token,
      body: { workforceMemberId: other, version: own.body.version },
    });
    expectProblem(link, 403, 'cannot_change_own_workforce_link');
    const unlink = await call(t.app, 'PUT', `/api/v1/users/${admin.id}/workforce-member`, {
      token: admin.token,
      body: { workforceMemberId: null, version: own.body.version },
    });
    expectProblem(unlink, 403, 'cannot_change_own_workforce_link');
    expectProblem(
      await call(t.app, 'POST', `/api/v1/users/${admin.id}/reset-password`, { token: admin.token, body: {} }),
      403,
      'cannot_reset_own_password',
    );
    expectProblem(
      await call(t.app, 'POST', `/api/v1/users/${admin.id}/enable`, { token: admin.token }),
      403,
      'cannot_enable_self',
    );
    // Nothing changed, and the admin's token still works (no role change bumped it).
    const after = await call(t.app, 'GET', `/api/v1/users/${admin.id}`, { token: admin.token });
    expect(after.body).toMatchObject({
      roles: ['admin'],
      workforceMemberId: own.body.workforceMemberId,
      version: own.body.version,
    });
    expect((await denied('user.roles', admin.id))[0]).toMatchObject({
      reason: 'cannot_change_own_roles',
      subject_ids: [own.body.workforceMemberId],
    });
    expect((await denied('user.link_workforce_member', admin.id)).map((r) => r.subject_ids)).toEqual([
      [own.body.workforceMemberId, other],
      [own.body.workforceMemberId],
    ]);
    expect(await denied('user.password_reset', admin.id)).toHaveLength(1);
    expect(await denied('user.enable', admin.id)).toHaveLength(1);

    // Another admin may change them.
    const second = await userWith(t, [Role.Admin]);
    const changed = await call(t.app, 'PUT', `/api/v1/users/${admin.id}/roles`, {
      token: second.token,
      body: { roles: ['admin', 'vetting_officer'], version: own.body.version },
    });
    expect(changed.status).toBe(200);
    admin = { ...admin, token: (await login(t, admin.email)).body.accessToken as string };
  });

  it('refuses auditor with analyst or supervisor on create and on a role change (422 naming roles), audited', async () => {
    const created = await call(t.app, 'POST', '/api/v1/users', {
      token: admin.token,
      body: { email: 'two-hats@force.example', displayName: 'Two Hats', roles: ['auditor', 'analyst'] },
    });
    expectProblem(created, 422, 'separation_of_duties');
    expect(created.body.errors).toEqual([
      expect.objectContaining({ field: 'roles', rule: 'separationOfDuties' }),
    ]);
    const { rows } = await t.db.pool.query(`SELECT 1 FROM app_user WHERE email = 'two-hats@force.example'`);
    expect(rows).toHaveLength(0);
    expect(await denied('user.create', null)).toEqual([
      expect.objectContaining({ reason: 'separation_of_duties' }),
    ]);

    const member = await workforceMember(t);
    const user = await userWith(t, [Role.Supervisor], { workforceMemberId: member });
    const current = await call(t.app, 'GET', `/api/v1/users/${user.id}`, { token: admin.token });
    const changed = await call(t.app, 'PUT', `/api/v1/users/${user.id}/roles`, {
      token: admin.token,
      body: { roles: ['supervisor', 'auditor'], version: current.body.version },
    });
    expectProblem(changed, 422, 'separation_of_duties');
    expect(changed.body.errors[0].field).toBe('roles');
    expect((await call(t.app, 'GET', `/api/v1/users/${user.id}`, { token: admin.token })).body.roles).toEqual(
      ['supervisor'],
    );
    expect(await denied('user.roles', user.id)).toEqual([
      { reason: 'separation_of_duties', subject_ids: [member] },
    ]);
    // Other combinations stay allowed.
    const fine = await call(t.app, 'PUT', `/api/v1/users/${user.id}/roles`, {
      token: admin.token,
      body: { roles: ['supervisor', 'analyst'], version: current.body.version },
    });
    expect(fine.status).toBe(200);
  });

  it('allows auditor with casework roles when ALLOW_AUDITOR_WITH_CASEWORK=true', async () => {
    const small = await startApp({
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
      ALLOW_AUDITOR_WITH_CASEWORK: 'true',
    });
    try {
      expect(small.config.ALLOW_AUDITOR_WITH_CASEWORK).toBe(true);
      const smallAdmin = await userWith(small, [Role.Admin]);
      const created = await call(small.app, 'POST', '/api/v1/users', {
        token: smallAdmin.token,
        body: { email: 'two-hats@force.example', displayName: 'Two Hats', roles: ['auditor', 'analyst'] },
      });
      expect(created.status).toBe(201);
      const changed = await call(small.app, 'PUT', `/api/v1/users/${created.body.id}/roles`, {
        token: smallAdmin.token,
        body: { roles: ['auditor', 'analyst', 'supervisor'], version: created.body.version },
      });
      expect(changed.status).toBe(200);
      expect(changed.body.roles).toEqual(['auditor', 'analyst', 'supervisor']);
    } finally {
      await small.close();
    }
  });
});
