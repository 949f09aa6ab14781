import { readFileSync } from 'node:fs';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { PUBLIC_KEY, ROLES_KEY } from '../src/common/auth/roles.decorator.js';
import { ALL_ROLES, type Role } from '../src/common/auth/roles.js';
import { startApp, type TestApp } from './helpers/app.js';
import { call, userWith, type TestUser } from './helpers/http.js';

/** 'source_key': no user token opens it; a source system's key does (X-Source-Key), else 401. */
type Rule = 'public' | 'source_key' | Role[];
const matrix = JSON.parse(readFileSync(new URL('./access-matrix.json', import.meta.url), 'utf8')) as Record<
  string,
  Rule
>;
const openapi = JSON.parse(readFileSync(new URL('../openapi.json', import.meta.url), 'utf8')) as {
  paths: Record<string, Record<string, unknown>>;
};
const operations = Object.entries(openapi.paths).flatMap(([path, methods]) =>
  Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
);
const rules = Object.entries(matrix).filter(([k]) => k !== '$comment');

/** Path parameters filled with a UUID that names nothing: an allowed caller gets 404/400, never 401/403. */
const concrete = (path: string): string => path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');

describe('access control', () => {
  let t: TestApp;
  const users = new Map<Role, TestUser>();
  beforeAll(async () => {
    t = await startApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    for (const role of ALL_ROLES) users.set(role, await userWith(t, [role]));
  });
  afterAll(() => t.close());

  it('lists every operation of openapi.json in the matrix, and nothing else', () => {
    expect(rules.map(([k]) => k).sort()).toEqual([...operations].sort());
  });

  it('has every registered route either @Public() or @Roles(...)', () => {
    const discovery = t.app.get(DiscoveryService);
    const scanner = t.app.get(MetadataScanner);
    const reflector = t.app.get(Reflector);
    const undeclared: string[] = [];
    for (const wrapper of discovery.getControllers()) {
      const proto = Object.getPrototypeOf(wrapper.instance) as object;
      for (const name of scanner.getAllMethodNames(proto)) {
        const handler = (proto as Record<string, unknown>)[name] as () => unknown;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const targets = [handler, wrapper.metatype as () => unknown];
        const isPublic = reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets);
        const roles = reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets);
        if (!isPublic && !(roles && roles.length > 0)) {
          const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
          undeclared.push(`${wrapper.name}.${name} (${method})`);
        }
      }
    }
    expect(undeclared).toEqual([]);
  });

  it.each(rules)('%s: allows exactly %j', async (operation, rule) => {
    const [method, path] = operation.split(' ') as ['GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', string];
    const url = concrete(path);
    const body = method === 'GET' ? undefined : {};
    const unexpected: string[] = [];

    const anonymous = await call(t.app, method, url, { body });
    if (rule === 'public' ? [401, 403].includes(anonymous.status) : anonymous.status !== 401) {
      unexpected.push(`no token → ${anonymous.status}`);
    }
    if (rule === 'source_key') {
      // Every user's token, whatever the role, is refused: only a source system's key opens the route.
      for (const role of ALL_ROLES) {
        const res = await call(t.app, method, url, { body, token: (users.get(role) as TestUser).token });
        if (res.status !== 401) unexpected.push(`${role} → ${res.status}`);
      }
    } else if (rule !== 'public') {
      for (const role of ALL_ROLES) {
        const user = users.get(role) as TestUser;
        const res = await call(t.app, method, url, { body, token: user.token });
        const allowed = rule.includes(role);
        if (allowed ? [401, 403].includes(res.status) : res.status !== 403) {
          unexpected.push(`${role} → ${res.status}`);
        }
        if (res.status >= 500) unexpected.push(`${role} → ${res.status} ${res.text}`);
        // Calls that end the session (logout, password) leave the role needing a fresh login.
        if (allowed && /auth\/(logout|password)$/.test(path)) users.set(role, await userWith(t, [role]));
      }
    }
    expect(unexpected).toEqual([]);
  });
});
