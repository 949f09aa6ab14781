import { ModulesContainer } from '@nestjs/core';
import { SetMetadata, type INestApplication } from '@nestjs/common';
import type {
  OpenAPIObject,
  OperationObject,
  ReferenceObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger';
import { PUBLIC_KEY, ROLES_KEY } from './auth/roles.decorator.js';
import type { Role } from './auth/roles.js';
import { ENUM_MEANINGS } from './enum-meanings.js';
import { constrainParameters, constrainSchemas, isReference, type Schema } from './openapi-constraints.js';
import type { Controller, Handler, Route } from './openapi-route.js';
import { CommonError, titleFor } from './problem.js';

const PROBLEM_JSON = 'application/problem+json';
const PROBLEM_TYPE_BASE = 'https://lantern.police.uk/problems/';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** Every route by operationId. */
export function routesByOperation(
  app: INestApplication,
  operationId: (controller: string, method: string) => string,
): Map<string, Route> {
  const routes = new Map<string, Route>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Controller | null;
      if (!controller) continue;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const method of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[method];
        if (method === 'constructor' || typeof handler !== 'function') continue;
        routes.set(operationId(controller.name, method), { controller, method, handler: handler as Handler });
      }
    }
  }
  return routes;
}

/** Who may call a route, from the metadata the guard enforces (`@Roles`, `@Public`). */
export function accessOf(route: Route): Role[] | 'public' {
  // Method metadata overrides the class's, as the guard reads it (getAllAndOverride).
  const meta = <T>(key: string): T | undefined =>
    (Reflect.getMetadata(key, route.handler) ?? Reflect.getMetadata(key, route.controller)) as T | undefined;
  return meta<boolean>(PUBLIC_KEY) ? 'public' : (meta<Role[]>(ROLES_KEY) ?? []);
}

/** Who may call each operation, by operationId. */
export function accessByOperation(
  app: INestApplication,
  operationId: (controller: string, method: string) => string,
): Map<string, Role[] | 'public'> {
  return new Map([...routesByOperation(app, operationId)].map(([id, route]) => [id, accessOf(route)]));
}

const CSV_EXAMPLE = 'lantern:openapi:csv-example';
/**
 * The example of a route's `text/csv` answer (a table's JSON example does not say what the CSV looks like):
 * the CSV exactly as the route writes it, header row first.
 */
export const ApiCsvExample = (csv: string): MethodDecorator => SetMetadata(CSV_EXAMPLE, csv);

/** What a problem+json answer with this status and code looks like (RFC 9457, as the filter writes it). */
export const problemExample = (status: number, code: string, detail: string, instance: string): object => ({
  type: `${PROBLEM_TYPE_BASE}${code}`,
  title: titleFor(status),
  status,
  detail,
  instance,
  code,
  ...(code === String(CommonError.ValidationFailed)
    ? { errors: [{ field: 'version', rule: 'min', message: 'version must not be less than 1' }] }
    : {}),
  requestId: '5f0c2a8e-3c1b-4c1e-9a51-8d2f0a7c9b11',
});

/** A problem+json response naming the codes it may carry, with an example of the first. */
const problem = (status: number, codes: [CommonError, ...CommonError[]], why: string): ResponseObject => ({
  description: `${why} (\`code\`: ${codes.map((c) => `\`${c}\``).join(', ')})`,
  content: {
    [PROBLEM_JSON]: {
      schema: { $ref: '#/components/schemas/Problem' },
      example: problemExample(status, codes[0], why, '/api/v1/cases/3f6c1e9a-2b7d-4c55-9e0a-6d1b8f2c4a70'),
    },
  },
});

/** The errors routes of a kind share, as components the operations refer to. */
const SHARED = {
  BadRequest: problem(
    400,
    [CommonError.ValidationFailed, CommonError.BadRequest],
    'Invalid parameters or body, or a query parameter the route does not declare',
  ),
  Unauthorised: problem(401, [CommonError.Unauthorised], 'No valid access token'),
  Forbidden: problem(403, [CommonError.Forbidden], 'The caller has none of the roles allowed'),
  NotFound: problem(
    404,
    [CommonError.NotFound],
    'No such record, or one the caller may not see (need to know)',
  ),
  UnsupportedMediaType: problem(
    415,
    [CommonError.UnsupportedMediaType],
    'A body in a media type the route does not take',
  ),
  ServiceUnavailable: problem(
    503,
    [CommonError.ServiceUnavailable],
    'PostgreSQL or Redis unavailable; retry after `Retry-After`',
  ),
} satisfies Record<string, ResponseObject>;
type SharedResponse = keyof typeof SHARED;
const shared = (name: SharedResponse): ReferenceObject => ({ $ref: `#/components/responses/${name}` });

/** The code an error response is shown with when its description names none of the catalogue's. */
const DEFAULT_CODES: Record<number, CommonError> = {
  400: CommonError.ValidationFailed,
  401: CommonError.Unauthorised,
  403: CommonError.Forbidden,
  404: CommonError.NotFound,
  409: CommonError.Conflict,
  413: CommonError.PayloadTooLarge,
  415: CommonError.UnsupportedMediaType,
  422: CommonError.Unprocessable,
  429: CommonError.TooManyRequests,
  503: CommonError.ServiceUnavailable,
};

/** The catalogue code a description names first (`cannot_enable_self`, `login_locked: …`), if any. */
function firstCodeIn(description: string, codes: string[]): string | undefined {
  let first: { code: string; at: number } | undefined;
  for (const code of codes) {
    const at = description.search(new RegExp(`(?<![a-z_])${code}(?![a-z_])`));
    if (at >= 0 && (!first || at < first.at)) first = { code, at };
  }
  return first?.code;
}

/**
 * Writes what each code means into the description of every enum schema of the document (ENUM_MEANINGS,
 * src/common/enum-meanings.ts): a list of the codes, each with its meaning, after any description it had.
 * Returns the enums' problems (a code without a meaning, a meaning without a code) for the contract test.
 */
export function describeEnums(document: OpenAPIObject, meanings = ENUM_MEANINGS): string[] {
  const problems: string[] = [];
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
    const values = (schema as SchemaObject).enum as unknown[] | undefined;
    if (!values) continue;
    const meaning = meanings[name] ?? {};
    const codes = values.map(String);
    for (const code of codes) if (!(code in meaning)) problems.push(`${name}.${code}: no meaning`);
    for (const code of Object.keys(meaning))
      if (!codes.includes(code)) problems.push(`${name}.${code}: not a code of the enum`);
    const list = codes
      .filter((code) => code in meaning)
      .map((code) => `- \`${code}\`: ${meaning[code]}`)
      .join('\n');
    if (!list) continue;
    const before = (schema as SchemaObject).description;
    (schema as SchemaObject).description = before ? `${before}\n\n${list}` : list;
  }
  return problems;
}

/**
 * Completes every operation from what the code enforces, so that the document cannot drift from it:
 * - the roles allowed, from the guard's own metadata, stated in the description (and as `x-roles`);
 * - the errors every route of its kind can answer: 400 for all (an undeclared query parameter), 401 and 403 for
 *   a route that needs a token, 404 for a route naming a record, 415 for a route with a body, 503 for all;
 * - every error response typed `application/problem+json` (RFC 9457), the one error format of the API, with
 *   an example carrying a code from the catalogue (`codes`);
 * - the constraints the validators enforce, in the schemas of bodies, queries and paths (`constrain`);
 * - an example of every request body and answer, composed from the properties' `@ApiProperty({ example })`
 *   (`composeExamples`).
 * Errors particular to a route (409, 422, 429 …) are declared on the route itself, with their codes.
 */
export function describeOperations(
  document: OpenAPIObject,
  routes: Map<string, Route>,
  codes: string[],
): void {
  document.components = {
    ...document.components,
    responses: { ...document.components?.responses, ...SHARED },
  };
  constrainSchemas(document);
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation: OperationObject | undefined = item[method];
      if (!operation) continue;
      const route = operation.operationId ? routes.get(operation.operationId) : undefined;
      if (route === undefined) throw new Error(`OpenAPI: no route for ${method} ${path}`);
      const allowed = accessOf(route);
      const who =
        allowed === 'public'
          ? '**Access:** public (no token).'
          : `**Roles:** ${allowed.map((r) => `\`${r}\``).join(', ')}.`;
      operation.description = operation.description ? `${operation.description}\n\n${who}` : who;
      (operation as OperationObject & { 'x-roles': Role[] })['x-roles'] = allowed === 'public' ? [] : allowed;

      const responses = operation.responses;
      const params = operation.parameters ?? [];
      const inPath = params.some((p) => 'in' in p && p.in === 'path');
      const hasBody = operation.requestBody !== undefined;
      const add = (status: string, name: SharedResponse) => {
        if (!responses[status]) responses[status] = shared(name);
      };
      // Every route refuses an undeclared query parameter (RejectUndeclaredQuery), so every route can answer 400.
      add('400', 'BadRequest');
      if (allowed !== 'public') {
        add('401', 'Unauthorised');
        add('403', 'Forbidden');
      }
      if (inPath) add('404', 'NotFound');
      if (hasBody) add('415', 'UnsupportedMediaType');
      add('503', 'ServiceUnavailable');

      for (const [status, response] of Object.entries(responses)) {
        if (!response || !/^[45]/.test(status) || '$ref' in response || !response.content) continue;
        const json = response.content['application/json'] ?? response.content[PROBLEM_JSON];
        if (!json) continue;
        if (!response.description) response.description = 'See `code`';
        const code =
          firstCodeIn(response.description, codes) ?? DEFAULT_CODES[Number(status)] ?? CommonError.Error;
        const instance = path.replace(/\{[^}]+\}/g, '3f6c1e9a-2b7d-4c55-9e0a-6d1b8f2c4a70');
        response.content = {
          [PROBLEM_JSON]: {
            schema: json.schema,
            example: problemExample(Number(status), code, response.description, instance),
          },
        };
      }

      constrainParameters(operation, route);
      composeExamples(document, operation, route);
    }
  }
}

// ---------- Examples: composed from the properties' own ----------

/** Media types whose content is a file: their schema is `format: binary` and they need no example. */
const BINARY = new Set(['application/pdf', 'application/octet-stream']);
const JSON_TYPES = new Set(['application/json', PROBLEM_JSON]);

/**
 * An example of a schema from its parts: a schema's own `example`; else an object of its properties'
 * examples, an array of one item's example, an enum's first value, a reference's or `allOf`'s target's
 * example. `lacking` collects the places (Schema.property) where none is authored.
 */
export function exampleOf(
  document: OpenAPIObject,
  schema: Schema,
  where: string,
  lacking: string[],
  seen: string[] = [],
): unknown {
  if (isReference(schema)) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    if (seen.includes(name)) return undefined;
    const target = document.components?.schemas?.[name];
    if (!target) throw new Error(`OpenAPI: no schema ${name}`);
    return exampleOf(document, target, name, lacking, [...seen, name]);
  }
  if (schema.example !== undefined) return schema.example;
  if (schema.allOf?.length === 1) return exampleOf(document, schema.allOf[0], where, lacking, seen);
  if (schema.allOf)
    return Object.assign(
      {},
      ...schema.allOf.map((s) => exampleOf(document, s, where, lacking, seen) as object),
    );
  if (schema.oneOf ?? schema.anyOf)
    return exampleOf(document, (schema.oneOf ?? schema.anyOf)![0], where, lacking, seen);
  if (schema.enum) return schema.enum[0];
  if (schema.type === 'array' && schema.items)
    return [exampleOf(document, schema.items, where, lacking, seen)];
  if (schema.properties)
    return Object.fromEntries(
      Object.entries(schema.properties).map(([key, property]) => [
        key,
        exampleOf(document, property, `${where}.${key}`, lacking, seen),
      ]),
    );
  lacking.push(where);
  return undefined;
}

/**
 * Every request body and 2xx answer gets an example (`content[type].example`): JSON composed from its schema
 * (`exampleOf`); a `text/csv` answer from the route's `@ApiCsvExample`; a text body (CSV, NDJSON) from its
 * `@ApiBody` schema's example. A CSV or file body is `format: binary`, so that Swagger UI offers a file.
 */
function composeExamples(document: OpenAPIObject, operation: OperationObject, route: Route): void {
  const where = operation.operationId ?? '?';
  const body = operation.requestBody;
  if (body && !('$ref' in body)) {
    for (const [type, media] of Object.entries(body.content)) {
      const schema = media.schema;
      if (JSON_TYPES.has(type) && schema) media.example ??= exampleOf(document, schema, where, []);
      else if (schema && !isReference(schema)) {
        media.example ??= schema.example;
        delete schema.example;
        if (type === 'text/csv' || BINARY.has(type)) schema.format = 'binary';
      }
    }
  }
  for (const [status, response] of Object.entries(operation.responses)) {
    if (!/^2/.test(status) || !response || '$ref' in response) continue;
    for (const [type, media] of Object.entries(response.content ?? {})) {
      if (BINARY.has(type)) media.schema = { type: 'string', format: 'binary' };
      else if (type === 'text/csv') {
        media.schema = { type: 'string' };
        const csv = Reflect.getMetadata(CSV_EXAMPLE, route.handler) as string | undefined;
        if (csv !== undefined) media.example = csv;
        else delete media.example;
      } else if (media.schema) media.example ??= exampleOf(document, media.schema, where, []);
    }
  }
}
