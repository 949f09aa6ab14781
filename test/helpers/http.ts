import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import argon2 from 'argon2';
import type { Role } from '../../src/common/auth/roles.js';
import { ARGON2_OPTIONS } from '../../src/modules/auth/password.service.js';
import type { TestApp } from './app.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
  text: string;
  /** The body's bytes as sent. */
  bytes: Buffer;
}

/** One request to the in-process app, JSON in and out. */
export async function call<T = any>(
  app: NestFastifyApplication,
  method: Method,
  url: string,
  options: {
    token?: string;
    body?: unknown;
    headers?: Record<string, string>;
    payload?: string;
    remoteAddress?: string;
  } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const res = await app.inject({
    method,
    url,
    headers,
    ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
    ...(options.payload !== undefined
      ? { payload: options.payload }
      : options.body !== undefined
        ? { payload: options.body as object }
        : {}),
  });
  let body: unknown = res.body;
  if (String(res.headers['content-type'] ?? '').includes('json') && res.body) body = JSON.parse(res.body);
  return {
    status: res.statusCode,
    body: body as T,
    headers: res.headers,
    text: res.body,
    bytes: res.rawPayload,
  };
}

export const TEST_PASSWORD = 'Lantern test passphrase 2026!';
let hashed: Promise<string> | undefined;

export interface TestUser {
  id: string;
  email: string;
  token: string;
  refreshToken: string;
}

let n = 0;

/** A user with the given roles, created directly in the database and logged in through the API. */
export async function userWith(
  t: TestApp,
  roles: Role[],
  options: { workforceMemberId?: string } = {},
): Promise<TestUser> {
  hashed ??= argon2.hash(TEST_PASSWORD, ARGON2_OPTIONS);
  const email = `${roles.join('-') || 'none'}-${++n}-${Date.now()}@test.lantern`;
  const { rows } = await t.db.pool.query<{ id: string }>(
    `INSERT INTO app_user (email, display_name, roles, password_hash, workforce_member_id)
     VALUES ($1, $2, $3::user_role[], $4, $5) RETURNING id`,
    [email, `Test ${roles.join(' ')}`, roles, await hashed, options.workforceMemberId ?? null],
  );
  const res = await call(t.app, 'POST', '/api/v1/auth/login', { body: { email, password: TEST_PASSWORD } });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
  return { id: rows[0].id, email, token: res.body.accessToken, refreshToken: res.body.refreshToken };
}

/** A workforce member inserted directly (the workforce API has its own tests). */
export async function workforceMember(t: TestApp, overrides: Record<string, unknown> = {}): Promise<string> {
  const staff = `T${Date.now().toString(36)}${++n}`;
  const { rows } = await t.db.pool.query<{ id: string }>(
    `INSERT INTO workforce_member (member_type, staff_number, given_name, family_name)
     VALUES ($1, $2, $3, $4) RETURNING id`,
    [
      overrides.memberType ?? 'officer',
      overrides.staffNumber ?? staff,
      overrides.givenName ?? 'Alex',
      overrides.familyName ?? `Member${n}`,
    ],
  );
  return rows[0].id;
}

/** A workforce member created through the API (so the vetting checks a change enqueues run as in use). */
export async function memberViaApi(
  t: TestApp,
  token: string,
  staffNumber: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const res = await call(t.app, 'POST', '/api/v1/workforce', {
    token,
    body: { memberType: 'officer', staffNumber, givenName: 'Test', familyName: staffNumber, ...extra },
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

export function expectProblem(res: Reply, status: number, code?: string): void {
  expect({ status: res.status, type: res.headers['content-type'] }).toEqual({
    status,
    type: expect.stringContaining('application/problem+json'),
  });
  expect(res.body).toMatchObject({
    status,
    type: expect.any(String),
    title: expect.any(String),
    requestId: expect.any(String),
  });
  if (code) expect(res.body.code).toBe(code);
}
