import type { Params } from 'nestjs-pino';
import { type DestinationStream, levels } from 'pino';
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

/** Deeply replaces values of secret-looking keys. Bounded depth so that a cyclic object cannot hang the logger. */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
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
 * Errors are logged by type, code and stack only. A database error's message and parameters can carry
 * the values of the statement (narrative, names), so they are left out.
 */
export function serializeError(err: unknown): LoggedError {
  if (typeof err !== 'object' || err === null) return { type: typeof err, message: 'non-error thrown' };
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
  const type = err instanceof Error ? err.name : typeof e.type === 'string' ? e.type : null;
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

/** `destination`: where log lines go (default stdout); tests pass a stream to capture them. */
export function loggerParams(config: AppConfig, name: string, destination?: DestinationStream): Params {
  const options = {
    name,
    level: config.LOG_LEVEL,
    // The "request completed" line is written at info: above that level it would be dropped anyway, so the
    // per-response work (timing, bindings, building the line) is not done at all (in a profile of the users
    // page under load, pino-http's share of the API's CPU fell by a third, ~15 µs a request).
    autoLogging: levels.values[config.LOG_LEVEL] <= levels.values.info,
    genReqId: (req) => String((req as unknown as { id?: string }).id),
    customProps: (req) => ({ requestId: (req as unknown as { id?: string }).id }),
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      censor: REDACTED,
    },
    serializers: {
      err: serializeError,
      // URLs can carry search terms (`?q=`): log the path only, never the query string.
      req: (req: {
        id: unknown;
        method: string;
        url: string;
        headers: Record<string, unknown>;
        remoteAddress?: string;
      }) => ({
        id: req.id,
        method: req.method,
        path: req.url.split('?')[0],
        headers: req.headers,
        remoteAddress: req.remoteAddress,
      }),
    },
    formatters: { log: (object: Record<string, unknown>) => redactDeep(object) as Record<string, unknown> },
  } satisfies Params['pinoHttp'];
  return { forRoutes: ['{*splat}'], pinoHttp: destination ? [options, destination] : options };
}
