import { HttpStatus } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CommonError, problems, ProblemException } from './problem.js';
import { validationProblem } from './validation.js';

/**
 * How deep a JSON body may nest (objects and arrays). The API's deepest request is three levels
 * (`{ grading: { … } }`, `{ subjects: [{ … }] }`); 32 leaves room and keeps every later step (validation,
 * class-transformer, the text check, logging) far from the stack limit, where a body nested 10,000 deep
 * used to end in a 500.
 */
export const JSON_MAX_DEPTH = 32;

/**
 * Whether `text`, read as JSON, nests deeper than `max`: one pass counting brackets outside strings, done
 * before parsing so that a deep body is refused without building it. Malformed JSON is left to the parser.
 */
export function jsonDepthExceeds(text: string, max: number): boolean {
  if (text.length <= max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/**
 * The JSON body parser: Fastify's own (secure-json-parse, prototype poisoning refused), behind the depth cap.
 * Replaces the parser Nest registers at init, so it is called after `app.init()`.
 */
export function registerJsonParser(fastify: FastifyInstance, bodyLimit: number): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit },
    (request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (jsonDepthExceeds(text, JSON_MAX_DEPTH)) {
        done(
          validationProblem([
            {
              field: 'body',
              rule: 'maxDepth',
              message: `body must not nest objects and arrays more than ${JSON_MAX_DEPTH} deep`,
            },
          ]),
          undefined,
        );
        return;
      }
      void parse(request, text, done);
    },
  );
}

const CSV_BODY = 'csvBody';

/** Marks the one kind of route that takes a text/csv body (the workforce import), up to IMPORT_BODY_LIMIT. */
export const CsvBody = (): MethodDecorator => RouteConfig({ [CSV_BODY]: true });

const isCsv = (request: FastifyRequest): boolean => {
  const type = request.headers['content-type'];
  return typeof type === 'string' && type.split(';')[0].trim().toLowerCase() === 'text/csv';
};

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

/**
 * The text/csv body parser (the body as a string, up to `bodyLimit`), for routes marked `@CsvBody()` only.
 * Before a byte of a CSV body is read: on any other route it is a 415, and on a CSV route a caller without
 * a valid bearer token is a 401 (the route's guard still checks the roles), so that nobody unauthenticated
 * makes the API buffer `bodyLimit` bytes. `authenticate`: the access guard's token check.
 */
export function registerCsvParser(
  fastify: FastifyInstance,
  bodyLimit: number,
  authenticate: (token: string, request: FastifyRequest) => Promise<unknown>,
): void {
  fastify.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit }, (_request, body, done) =>
    done(null, body),
  );
  fastify.addHook('preParsing', (request, _reply, payload, done) => {
    if (!isCsv(request)) {
      done(null, payload);
      return;
    }
    const config: object | undefined = request.routeOptions.config;
    if (!config || (config as Record<string, unknown>)[CSV_BODY] !== true) {
      done(
        new ProblemException({
          status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          code: CommonError.UnsupportedMediaType,
          detail: 'The request body must be sent as application/json',
        }),
      );
      return;
    }
    const header = request.headers.authorization;
    const token = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    if (!token) {
      done(problems.unauthorised());
      return;
    }
    authenticate(token, request).then(
      (actor) => (actor ? done(null, payload) : done(problems.unauthorised())),
      (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
    );
  });
}

const NDJSON_BODY = 'ndjsonBody';

/** Marks the one route that takes an application/x-ndjson body (monitoring events), up to IMPORT_BODY_LIMIT. */
export const NdjsonBody = (): MethodDecorator => RouteConfig({ [NDJSON_BODY]: true });

const isNdjson = (request: FastifyRequest): boolean => {
  const type = request.headers['content-type'];
  return typeof type === 'string' && type.split(';')[0].trim().toLowerCase() === 'application/x-ndjson';
};

/**
 * The application/x-ndjson body parser (the body as a string, up to `bodyLimit`), for routes marked
 * `@NdjsonBody()` only: elsewhere a 415 before a byte is read, and on the route a request without the
 * `headerName` credential is a 401 before the body is read (the route checks the credential itself).
 */
export function registerNdjsonParser(fastify: FastifyInstance, bodyLimit: number, headerName: string): void {
  fastify.addContentTypeParser(
    'application/x-ndjson',
    { parseAs: 'string', bodyLimit },
    (_request, body, done) => done(null, body),
  );
  fastify.addHook('preParsing', (request, _reply, payload, done) => {
    if (!isNdjson(request)) {
      done(null, payload);
      return;
    }
    const config: object | undefined = request.routeOptions.config;
    if (!config || (config as Record<string, unknown>)[NDJSON_BODY] !== true) {
      done(
        new ProblemException({
          status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          code: CommonError.UnsupportedMediaType,
          detail: 'The request body must be sent as application/json',
        }),
      );
      return;
    }
    const key = request.headers[headerName];
    if (typeof key !== 'string' || key === '') {
      done(problems.unauthorised());
      return;
    }
    done(null, payload);
  });
}
