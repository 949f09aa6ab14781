import { createHmac } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../src/app.js';
import { Role } from '../src/common/auth/roles.js';
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

  it('locks an account after 5 failures, even against the right password, until the lock ends', async () => {
    const user = await userWith(t, [Role.Analyst]);
    for (let i = 0; i < 5; i++) expectProblem(await login(t, user.email, `wrong password ${i}xx`), 401);
    expectProblem(await login(t, user.email), 401, 'unauthorised');
    const { rows } = await t.db.pool.query(
      'SELECT locked_until > now() AS locked FROM app_user WHERE id = $1',
      [user.id],
    );
    expect(rows[0].locked).toBe(true);
    await t.db.pool.query(`UPDATE app_user SET locked_until = now() - interval '1 second' WHERE id = $1`, [
      user.id,
    ]);
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
