import { ModulesContainer } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';

import type { OpenAPIObject, OperationObject, ResponseObject } from '@nestjs/swagger';
import { PUBLIC_KEY, ROLES_KEY } from './auth/roles.decorator.js';
import type { Role } from './auth/roles.js';
import { CommonError } from './problem.js';

const PROBLEM_JSON = 'application/problem+json';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** Who may call each operation, by operationId, read from the metadata the guard enforces (`@Roles`, `@Public`). */
export function accessByOperation(
  app: INestApplication,
  operationId: (controller: string, method: string) => string,
): Map<string, Role[] | 'public'> {
  const access = new Map<string, Role[] | 'public'>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const method of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[method];
        if (method === 'constructor' || typeof handler !== 'function') continue;
        // Method metadata overrides the class's, as the guard reads it (getAllAndOverride).
        const meta = <T>(key: string): T | undefined =>
          (Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, controller)) as T | undefined;
        access.set(
          operationId(controller.name, method),
          meta<boolean>(PUBLIC_KEY) ? 'public' : (meta<Role[]>(ROLES_KEY) ?? []),
        );
      }
    }
  }
  return access;
}

/** A problem+json response naming the codes it may carry. */
const problem = (codes: string[], why: string): ResponseObject => ({
  description: `${why} (\`code\`: ${codes.map((c) => `\`${c}\``).join(', ')})`,
  content: { [PROBLEM_JSON]: { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** The errors routes of a kind share, as components the operations refer to. */
const SHARED: Record<string, ResponseObject> = {
  BadRequest: problem(
    [CommonError.ValidationFailed, CommonError.BadRequest],
    'Invalid parameters or body, or a query parameter the route does not declare',
  ),
  Unauthorised: problem([CommonError.Unauthorised], 'No valid access token'),
  Forbidden: problem([CommonError.Forbidden], 'The caller has none of the roles allowed'),
  NotFound: problem([CommonError.NotFound], 'No such record, or one the caller may not see (need to know)'),
  UnsupportedMediaType: problem(
    [CommonError.UnsupportedMediaType],
    'A body in a media type the route does not take',
  ),
  ServiceUnavailable: problem(
    [CommonError.ServiceUnavailable],
    'PostgreSQL or Redis unavailable; retry after `Retry-After`',
  ),
};
const shared = (name: keyof typeof SHARED) => ({ $ref: `#/components/responses/${name}` });

/**
 * Completes every operation from what the code enforces, so that the document cannot drift from it:
 * - the roles allowed, from the guard's own metadata, stated in the description (and as `x-roles`);
 * - the errors every route of its kind can answer: 400 for all (an undeclared query parameter), 401 and 403 for
 *   a route that needs a token, 404 for a route naming a record, 415 for a route with a body, 503 for all;
 * - every error response typed `application/problem+json` (RFC 9457), the one error format of the API.
 * Errors particular to a route (409, 422, 429 …) are declared on the route itself, with their codes.
 */
export function describeOperations(document: OpenAPIObject, access: Map<string, Role[] | 'public'>): void {
  document.components = {
    ...document.components,
    responses: { ...document.components?.responses, ...SHARED },
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation: OperationObject | undefined = item[method];
      if (!operation) continue;
      const allowed = operation.operationId ? access.get(operation.operationId) : undefined;
      if (allowed === undefined) throw new Error(`OpenAPI: no access metadata for ${method} ${path}`);
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
      const add = (status: string, name: keyof typeof SHARED) => {
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
        const json = response.content['application/json'];
        if (json) {
          response.content = { [PROBLEM_JSON]: json };
          if (!response.description) response.description = 'See `code`';
        }
      }
    }
  }
}
