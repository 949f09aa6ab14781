import type { FastifyInstance } from 'fastify';
import { type Params, PinoLogger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { AppConfig } from '../config/app-config.js';

/** Field names whose values never reach a log line, wherever they sit in the logged object. */
const SECRET_WORD =
  /(^|_)(narrative|text|password|passphrase|secret|token|authorization|cookie|source_details|assessment|notes?|reason|conditions|q)(_|$)/;

/** `assessmentText`, `assessment_text` and `ASSESSMENT-TEXT` all count as the same word list. */
export const isSecretKey = (key: string): boolean =>
  SECRET_WORD.test(
    key
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/-/g, '_')
      .toLowerCase(),
  );

export const REDACTED = '[redacted]';

/** Marks what `serializeError` made, so that a second pass (the `err` serializer after redaction) keeps it. */
const SERIALIZED = Symbol('lantern.serializedError');

/**
 * Deeply replaces values of secret-looking keys. Bounded depth so that a cyclic object cannot hang the logger.
 * An error is logged as `serializeError` makes it (class, message, stack), wherever it sits: this runs before
 * pino's serializers (`formatters.log`), and an Error copied key by key would lose all three (they are not
 * enumerable) and reach the `err` serializer as a plain object ("non-error thrown").
 */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return serializeError(value);
  if (SERIALIZED in value) return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = isSecretKey(key) ? REDACTED : redactDeep(v, depth + 1);
  }
  return out;
}

interface LoggedError {
  type: string;
  message: string;
  code?: string;
  stack?: string;
}

/**
 * Errors are logged by class (`type`), message, code and stack, never their other fields (a request body, a
 * statement's parameters). A database error's message can carry the values of the statement (narrative,
 * names), so it is replaced by its code and constraint.
 */
export function serializeError(err: unknown): LoggedError {
  if (typeof err !== 'object' || err === null) return { type: typeof err, message: 'non-error thrown' };
  if (SERIALIZED in err) return err as unknown as LoggedError;
  return Object.defineProperty(serialize(err), SERIALIZED, { value: true, enumerable: false });
}

/**
 * The error's class: the name it gives itself (`TypeError`, TypeORM's `QueryFailedError`), else, for a
 * subclass that keeps `Error` as its name (`class Foo extends Error {}`), the constructor's name.
 */
function errorClass(err: Error): string {
  if (typeof err.name === 'string' && err.name !== '' && err.name !== 'Error') return err.name;
  const made = (err.constructor as { name?: unknown } | undefined)?.name;
  return typeof made === 'string' && made !== '' && made !== 'Object' ? made : 'Error';
}

function serialize(err: object): LoggedError {
  // The request logger (pino-http) hands errors over already made plain by pino's own serializer: the
  // constructor's name as `type`, message, stack, and the error's own fields.
  const e = err as {
    name?: unknown;
    type?: unknown;
    message?: unknown;
    stack?: unknown;
    code?: unknown;
    driverError?: { code?: string; constraint?: string };
  };
  const type = err instanceof Error ? errorClass(err) : typeof e.type === 'string' ? e.type : null;
  if (type === null) return { type: 'object', message: 'non-error thrown' };
  const stack = typeof e.stack === 'string' ? e.stack : undefined;
  if (type === 'QueryFailedError' || e.driverError) {
    const code = e.driverError?.code ?? (typeof e.code === 'string' ? e.code : '');
    const constraint = e.driverError?.constraint ? ` on ${e.driverError.constraint}` : '';
    return {
      type,
      code,
      message: `database error ${code}${constraint}`,
      stack: stack?.split('\n').slice(1).join('\n'),
    };
  }
  return {
    type,
    message: typeof e.message === 'string' ? e.message : '',
    code: typeof e.code === 'string' ? e.code : undefined,
    stack,
  };
}

/**
 * The logger both processes log through (nestjs-pino: Nest's Logger over one pino instance). `destination`:
 * where log lines go (default stdout); tests pass a stream to capture them.
 *
 * nestjs-pino's per-request middleware is not used (`forRoutes: []`): it runs each request inside an
 * AsyncLocalStorage scope (so that logs written while handling it carry its id), which makes every promise
 * of every request dearer, and reaches Fastify through @fastify/middie. On the users page at 16 connections
 * it cost ~10% of the API's requests/s. The one log written while handling a request (ProblemFilter's
 * unhandled error) names the request itself; the request line is `logRequests`'s.
 */
export function loggerParams(config: AppConfig, name: string, destination?: DestinationStream): Params {
  const options = {
    name,
    level: config.LOG_LEVEL,
    autoLogging: false,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      censor: REDACTED,
    },
    serializers: { err: serializeError },
    // pino-http would put pino's own error serializer before ours, which reads the error `formatters.log`
    // has already made plain (below) as an error of class `Object`.
    wrapSerializers: false,
    formatters: { log: (object: Record<string, unknown>) => redactDeep(object) as Record<string, unknown> },
  } satisfies Params['pinoHttp'];
  return { forRoutes: [], pinoHttp: destination ? [options, destination] : options };
}

/**
 * One line per response at info ("request completed": request id, method, path, status, time), from a
 * Fastify hook on the application's logger. The path only: URLs can carry search terms (`?q=`), so the query
 * string is never logged, nor are headers. Above info nothing is done per request but the level check.
 */
export function logRequests(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const log = PinoLogger.root;
    if (log.isLevelEnabled('info')) {
      log.info(
        {
          requestId: request.id,
          method: request.method,
          path: request.url.split('?')[0],
          statusCode: reply.statusCode,
          responseTime: Math.round(reply.elapsedTime * 1000) / 1000,
          remoteAddress: request.ip,
        },
        'request completed',
      );
    }
    done();
  });
}
