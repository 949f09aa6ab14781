import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { buildOpenApiDocument } from '../src/app.js';
import { ENUM_TYPES } from '../src/database/enum-types.js';
import { dbTypesArgs } from '../src/scripts/db-types.js';
import { serialiseOpenApi } from '../src/scripts/openapi.js';
import type { OpenAPIObject, OperationObject, ParameterObject, SchemaObject } from '@nestjs/swagger';
import AjvModule from 'ajv';
import formatsModule from 'ajv-formats';
import { getMetadataStorage } from 'class-validator';
import { INT4_MAX } from '../src/common/dto.js';
import { RULES_NOT_IN_SCHEMA, unstatedRules } from '../src/common/openapi-constraints.js';
import { describeEnums, exampleOf } from '../src/common/openapi.js';
import type { Role } from '../src/common/auth/roles.js';
import { cloneDatabase, startApp, type TestApp } from './helpers/app.js';
import { call, userWith } from './helpers/http.js';

// ajv is CommonJS: its default export is the module object under ESM.
const Ajv = ((AjvModule as unknown as { default?: unknown }).default ??
  AjvModule) as typeof AjvModule.default;
const addFormats = ((formatsModule as unknown as { default?: unknown }).default ??
  formatsModule) as typeof formatsModule.default;

const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;
const JSON_TYPE = /^application\/(.+\+)?json$/;

/** Every operation of the document, with its method and path. */
function operations(
  document: OpenAPIObject,
): { name: string; method: string; path: string; op: OperationObject }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({
      name: `${method.toUpperCase()} ${path}`,
      method,
      path,
      op: item[method]!,
    })),
  );
}

/** The media types of an operation's request body and 2xx answers: what an example is wanted for. */
function media(
  op: OperationObject,
): { where: string; type: string; schema?: SchemaObject; example?: unknown }[] {
  const out: { where: string; type: string; schema?: SchemaObject; example?: unknown }[] = [];
  const body = op.requestBody;
  if (body && 'content' in body)
    for (const [type, m] of Object.entries(body.content))
      out.push({ where: 'request body', type, schema: m.schema as SchemaObject, example: m.example });
  for (const [status, response] of Object.entries(op.responses))
    if (/^2/.test(status) && response && 'content' in response)
      for (const [type, m] of Object.entries(response.content ?? {}))
        out.push({ where: status, type, schema: m.schema as SchemaObject, example: m.example });
  return out;
}

/** OpenAPI 3.0's `nullable` as JSON Schema (ajv wants a `type` beside it, and a $ref has none). */
function jsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(jsonSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const { nullable, example: _example, ...rest } = schema as Record<string, unknown>;
  const out = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, k === 'enum' ? v : jsonSchema(v)]));
  return nullable ? { anyOf: [out, { type: 'null' }] } : out;
}

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

  it('names every JSON property in camelCase, in every body and answer (issue 27)', () => {
    const document = buildOpenApiDocument(t.app);
    const notCamel = Object.entries(document.components?.schemas ?? {}).flatMap(([name, schema]) =>
      Object.keys((schema as SchemaObject).properties ?? {})
        .filter((property) => !/^[a-z][A-Za-z0-9]*$/.test(property))
        .map((property) => `${name}.${property}`),
    );
    expect(notCamel).toEqual([]);
  });

  it('states what every code of every enum means (src/common/enum-meanings.ts)', () => {
    const document = buildOpenApiDocument(t.app);
    // Run again on the finished document: every code has a meaning, and every meaning a code.
    expect(describeEnums(structuredClone(document))).toEqual([]);
    const vetting = document.components!.schemas!.VettingState as SchemaObject;
    expect(vetting.description).toContain('- `below_required`: the post requires a level');
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

  it('gives every request body and 2xx answer an example, from an example authored on every property', () => {
    // The rule: every media type of a request body or a 2xx answer has an example, except a file answer
    // (`format: binary`, e.g. the case file PDF); a JSON example is composed from its schema's properties
    // (src/common/openapi.ts `exampleOf`), so every property of every schema a body or an answer uses needs an
    // example of its own (`@ApiProperty({ example })`), or an enum (its first value) or an object or array
    // property whose own example covers it. A CSV answer's example is the route's `@ApiCsvExample`.
    const document = buildOpenApiDocument(t.app);
    const lacking: string[] = [];
    for (const { name, op } of operations(document))
      for (const m of media(op)) {
        if (m.schema?.format === 'binary' && m.type !== 'text/csv') continue;
        if (m.example === undefined) lacking.push(`${name} ${m.where} ${m.type}: no example`);
        const properties: string[] = [];
        if (m.schema && JSON_TYPE.test(m.type)) exampleOf(document, m.schema, name, properties);
        lacking.push(...properties.map((p) => `${name} ${m.where}: ${p} has no example`));
      }
    expect([...new Set(lacking)]).toEqual([]);
  });

  it('has every example valid against its own schema, and every error example a code of the catalogue its description names', () => {
    const document = buildOpenApiDocument(t.app);
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addFormat('password', true);
    ajv.addFormat('binary', true);
    const components = jsonSchema(document.components);
    const invalid: string[] = [];
    const check = (where: string, schema: unknown, example: unknown) => {
      if (!schema || example === undefined) return;
      const validate = ajv.compile({ ...(jsonSchema(schema) as object), components });
      if (!validate(example)) invalid.push(`${where}: ${ajv.errorsText(validate.errors)}`);
    };
    for (const { name, op } of operations(document)) {
      for (const m of media(op)) if (JSON_TYPE.test(m.type)) check(`${name} ${m.where}`, m.schema, m.example);
      for (const [status, response] of Object.entries(op.responses))
        if (/^[45]/.test(status) && response && 'content' in response)
          for (const m of Object.values(response.content ?? {})) {
            check(`${name} ${status}`, m.schema, m.example);
            // The error's description names the codes it may carry, the example's among them.
            const code = (m.example as { code?: string } | undefined)?.code ?? '(none)';
            if (!response.description.includes(code))
              invalid.push(`${name} ${status}: ${code} not described`);
          }
    }
    for (const [name, response] of Object.entries(document.components?.responses ?? {}))
      for (const m of Object.values(
        (response as { content?: Record<string, { schema?: unknown; example?: unknown }> }).content ?? {},
      )) {
        expect(m.example).toBeDefined();
        check(`components.responses.${name}`, m.schema, m.example);
        const code = (m.example as { code?: string }).code ?? '(none)';
        if (!(response as { description: string }).description.includes(code))
          invalid.push(`components.responses.${name}: ${code} not described`);
      }
    expect(invalid).toEqual([]);
  });

  it('states every constraint the validators enforce: patterns, lengths, integer bounds, enums, uuids', () => {
    const document = buildOpenApiDocument(t.app);
    const schemas = document.components!.schemas! as Record<string, SchemaObject>;
    // Every validator of every request DTO is stated in its schema, or listed as one no keyword can state.
    const storage = getMetadataStorage() as unknown as {
      validationMetadatas: Map<abstract new () => unknown, unknown>;
    };
    const dtos = [...storage.validationMetadatas.keys()].filter(
      (c) => c.name in schemas || /(Query|Param)$/.test(c.name),
    );
    expect(dtos.length).toBeGreaterThan(40);
    expect(dtos.flatMap((c) => unstatedRules(c))).toEqual([]);
    expect(Object.keys(RULES_NOT_IN_SCHEMA)).toContain('conditionalValidation');

    const unbounded: string[] = [];
    for (const { name, op } of operations(document)) {
      for (const p of (op.parameters ?? []) as ParameterObject[]) {
        const schema = p.schema as SchemaObject;
        // A path parameter naming a record (id, …Id) is a UUID, as its ParseUUIDPipe enforces.
        if (p.in === 'path' && /^id$|Id$/.test(p.name) && schema.format !== 'uuid')
          unbounded.push(`${name} {${p.name}}: not format uuid`);
        if (schema.type === 'integer' && (schema.minimum === undefined || !(schema.maximum! <= INT4_MAX)))
          unbounded.push(`${name} ?${p.name}: integer without int4 bounds`);
      }
    }
    // Every integer a body may carry is bounded (Int4).
    for (const [name, schema] of Object.entries(schemas))
      for (const [key, property] of Object.entries(schema.properties ?? {}) as [string, SchemaObject][])
        if (/Request$|Input$/.test(name) && property.type === 'integer')
          if (property.minimum === undefined || !(property.maximum! <= INT4_MAX))
            unbounded.push(`${name}.${key}: integer without int4 bounds`);
    expect(unbounded).toEqual([]);

    // Spot checks of what the validators hold, as the document states it.
    expect(schemas.CreateMemberRequest.properties!.staffNumber).toMatchObject({
      pattern: '^[A-Za-z0-9][A-Za-z0-9/-]{0,31}$',
    });
    expect(schemas.CreateDepartmentRequest.properties!.name).toMatchObject({ minLength: 1, maxLength: 200 });
    const reference = document.paths['/api/v1/directory/references/{reference}'].get!.parameters!.find(
      (p) => 'name' in p && p.name === 'reference',
    ) as ParameterObject;
    expect(reference.schema).toMatchObject({ pattern: '^[A-Za-z0-9-]{3,40}$' });
  });

  it('offers the workforce CSV import as a file in Swagger UI, and keeps the token across reloads', async () => {
    const document = buildOpenApiDocument(t.app);
    const body = document.paths['/api/v1/workforce/import'].post!.requestBody as {
      content: Record<string, { schema: SchemaObject; example: string }>;
    };
    // Swagger UI offers a file input for a `type: string, format: binary` body (isFileUploadIntended).
    expect(body.content['text/csv'].schema).toMatchObject({ type: 'string', format: 'binary' });
    expect(body.content['text/csv'].example).toMatch(/^staff_number,member_type,given_name,family_name,/);
    expect(Object.keys(document.paths['/api/v1/workforce/import'].post!.responses)).toContain('201');
    // The UI's init script carries persistAuthorization (the token is kept in localStorage).
    const init = await call(t.app, 'GET', '/api/docs/swagger-ui-init.js');
    expect(init.status).toBe(200);
    expect(init.text).toMatch(/"persistAuthorization":\s*true/);
  });

  it('answers a malformed id in a path with a 400 naming it, as the document says (format: uuid)', async () => {
    const document = buildOpenApiDocument(t.app);
    const tokens = new Map<string, string>();
    const tokenFor = async (role: Role) => {
      if (!tokens.has(role)) tokens.set(role, (await userWith(t, [role])).token);
      return tokens.get(role)!;
    };
    const wrong: string[] = [];
    let sent = 0;
    for (const { name, method, path, op } of operations(document)) {
      const ids = ((op.parameters ?? []) as ParameterObject[]).filter(
        (p) => p.in === 'path' && (p.schema as SchemaObject).format === 'uuid',
      );
      const roles = (op as unknown as { 'x-roles': Role[] })['x-roles'];
      if (ids.length === 0 || roles.length === 0) continue;
      for (const id of ids) {
        const url = path.replace(/\{([^}]+)\}/g, (_, p: string) =>
          p === id.name ? 'not-a-uuid' : '3f6c1e9a-2b7d-4c55-9e0a-6d1b8f2c4a70',
        );
        const json = (op.requestBody as { content?: Record<string, { example?: unknown }> } | undefined)
          ?.content?.['application/json'];
        const res = await call(t.app, method.toUpperCase() as 'GET', url, {
          token: await tokenFor(roles[0]),
          ...(json ? { body: json.example } : {}),
        });
        sent++;
        const fields = ((res.body as { errors?: { field: string }[] }).errors ?? []).map((e) => e.field);
        if (res.status !== 400 || !fields.includes(id.name))
          wrong.push(`${name} {${id.name}}: ${res.status} ${fields.join(',')}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(sent).toBeGreaterThan(50);
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
