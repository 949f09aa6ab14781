import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { buildOpenApiDocument } from '../src/app.js';
import { ENUM_TYPES } from '../src/database/enum-types.js';
import { dbTypesArgs } from '../src/scripts/db-types.js';
import { serialiseOpenApi } from '../src/scripts/openapi.js';
import { cloneDatabase, startApp, type TestApp } from './helpers/app.js';

describe('contracts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  it('has openapi.json up to date with the code (npm run openapi rewrites it)', () => {
    const committed = readFileSync(new URL('../openapi.json', import.meta.url), 'utf8');
    expect(serialiseOpenApi(buildOpenApiDocument(t.app))).toBe(committed);
  });

  it('describes every operation: a summary, who may call it, and its errors as problem+json', () => {
    const document = buildOpenApiDocument(t.app);
    const lacking: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item) as [string, Record<string, unknown>][]) {
        if (!['get', 'put', 'post', 'patch', 'delete'].includes(method)) continue;
        const name = `${method.toUpperCase()} ${path}`;
        if (!operation.summary) lacking.push(`${name}: no summary`);
        if (!/\*\*(Roles|Access):\*\*/.test(String(operation.description))) lacking.push(`${name}: no roles`);
        const responses = operation.responses as Record<string, { $ref?: string; content?: object }>;
        const errors = Object.entries(responses).filter(([status]) => /^[45]/.test(status));
        if (errors.length === 0) lacking.push(`${name}: no error responses`);
        for (const [status, response] of errors)
          if (!response.$ref && !Object.keys(response.content ?? {}).includes('application/problem+json'))
            lacking.push(`${name}: ${status} not application/problem+json`);
        if (path !== '/health/live' && !responses['503']) lacking.push(`${name}: no 503`);
      }
    }
    expect(lacking).toEqual([]);
  });

  it('states the roles the guard enforces: an admin-only route says admin, a public one needs no token', () => {
    const document = buildOpenApiDocument(t.app);
    const users = document.paths['/api/v1/users']?.get as unknown as {
      description: string;
      'x-roles': string[];
    };
    expect(users['x-roles']).toEqual(['admin']);
    expect(users.description).toContain('**Roles:** `admin`.');
    const login = document.paths['/api/v1/auth/login']?.post as unknown as {
      description: string;
      'x-roles': string[];
    };
    expect(login['x-roles']).toEqual([]);
    expect(login.description).toContain('**Access:** public');
  });

  it('has src/database/db.ts (Kysely types) up to date with the migrated schema (npm run db:types rewrites it)', async () => {
    const db = await cloneDatabase();
    try {
      const result = await promisify(execFile)(process.execPath, [...dbTypesArgs(db.url), '--verify']).then(
        () => 'up to date',
        (e: { stdout: string; stderr: string }) => `${e.stdout}${e.stderr}`,
      );
      expect(result).toBe('up to date');
    } finally {
      await db.drop();
    }
  });

  it('has every PostgreSQL enum holding the same codes as its TypeScript enum (src/database/enum-types.ts)', async () => {
    const db = await cloneDatabase();
    try {
      const { rows } = await db.pool.query<{ name: string; labels: string[] }>(
        `SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumlabel) AS labels
           FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`,
      );
      const inDatabase = Object.fromEntries(rows.map((r) => [r.name, r.labels]));
      const inCode: Record<string, string[]> = {};
      for (const [pgType, [name, module]] of Object.entries(ENUM_TYPES)) {
        const loaded: Record<string, Record<string, string>> = await import(
          module.replace(/^\.\.\//, '../src/')
        );
        inCode[pgType] = Object.values(loaded[name]).sort();
      }
      expect(inCode).toEqual(Object.fromEntries(Object.keys(ENUM_TYPES).map((k) => [k, inDatabase[k]])));
      expect(Object.keys(inDatabase).filter((k) => !(k in ENUM_TYPES))).toEqual([]);
    } finally {
      await db.drop();
    }
  });
});
