import { Writable } from 'node:stream';
import type { pino } from 'pino';
import { stdSerializers } from 'pino';
import { pinoHttp } from 'pino-http';
import type { AppConfig } from '../config/app-config.js';
import { isSecretKey, loggerParams, REDACTED, redactDeep, serializeError } from './logging.js';

/**
 * The logger the application logs through, made as nestjs-pino makes it (pino-http's logger, with the
 * application's own options), writing its lines into `lines`.
 */
function captured(lines: Record<string, unknown>[]): pino.Logger {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const params = loggerParams({ LOG_LEVEL: 'info' } as AppConfig, 'lantern-test', destination);
  const [options, stream] = params.pinoHttp as [pino.LoggerOptions, pino.DestinationStream];
  return pinoHttp(options, stream).logger;
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('log redaction', () => {
  it('recognises secret field names in any case style', () => {
    for (const key of [
      'narrative',
      'text',
      'password',
      'newPassword',
      'assessment_text',
      'sourceDetails',
      'authorization',
      'cookie',
      'refreshToken',
      'access_token',
      'q',
    ]) {
      expect({ key, secret: isSecretKey(key) }).toEqual({ key, secret: true });
    }
    for (const key of ['context', 'textual', 'id', 'requestId', 'status', 'category']) {
      expect({ key, secret: isSecretKey(key) }).toEqual({ key, secret: false });
    }
  });

  it('redacts at any depth, arrays included', () => {
    const out = redactDeep({
      msg: 'x',
      body: { report: { narrative: 'canary', items: [{ text: 'canary' }] } },
      req: { headers: { authorization: 'Bearer t', cookie: 'c' } },
    });
    expect(JSON.stringify(out)).not.toContain('canary');
    expect(out).toMatchObject({ msg: 'x', req: { headers: { authorization: REDACTED, cookie: REDACTED } } });
  });

  it('logs a database error by code only, never its message or parameters', () => {
    const err = Object.assign(new Error('duplicate key value (narrative)=(canary)'), {
      name: 'QueryFailedError',
      parameters: ['canary'],
      driverError: { code: '23505', constraint: 'uq_x' },
    });
    const logged = serializeError(err);
    expect(JSON.stringify(logged)).not.toContain('canary');
    expect(logged).toMatchObject({
      type: 'QueryFailedError',
      code: '23505',
      message: 'database error 23505 on uq_x',
    });
  });

  it('does the same for an error the request logger has already made plain (pino-http)', () => {
    class QueryFailedError extends Error {
      readonly query = 'INSERT INTO intelligence_report (narrative) VALUES ($1)';
      readonly parameters = ['canary'];
      readonly driverError = { code: '42P01', constraint: undefined };
    }
    const logged = serializeError(
      stdSerializers.err(new QueryFailedError('relation "x" does not exist: canary')),
    );
    expect(JSON.stringify(logged)).not.toContain('canary');
    expect(logged).toMatchObject({
      type: 'QueryFailedError',
      code: '42P01',
      message: 'database error 42P01',
    });
    expect(serializeError(stdSerializers.err(new TypeError('bad thing')))).toMatchObject({
      type: 'TypeError',
      message: 'bad thing',
    });
    expect(serializeError('a string')).toEqual({ type: 'string', message: 'non-error thrown' });
  });
});

describe('the log line of a 5xx', () => {
  class ReportRenderError extends Error {
    readonly body = { narrative: 'canary narrative', sourceDetails: 'canary source' };
  }

  it('names the error by class, message and stack, never its other fields (ProblemFilter logs { err })', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = captured(lines);
    log.error(
      { err: new ReportRenderError('cannot render the timeline'), requestId: 'r-1' },
      'Unhandled error',
    );
    log.error({ err: new TypeError('x is not a function') }, 'Unhandled error');
    await flush();
    expect(lines).toHaveLength(2);
    const [first, second] = lines as { err: Record<string, unknown>; requestId?: string }[];
    expect(first.requestId).toBe('r-1');
    expect(first.err).toMatchObject({ type: 'ReportRenderError', message: 'cannot render the timeline' });
    expect(first.err.stack).toEqual(expect.stringContaining('logging.spec'));
    expect(JSON.stringify(first)).not.toContain('canary');
    expect(JSON.stringify(first)).not.toContain('non-error thrown');
    expect(second.err).toMatchObject({ type: 'TypeError', message: 'x is not a function' });
  });

  it('logs a database error by code, with its stack, whatever key it is under', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = captured(lines);
    class QueryFailedError extends Error {
      readonly parameters = ['canary'];
      readonly driverError = { code: '22021', constraint: undefined };
    }
    const err = new QueryFailedError('invalid byte sequence: canary');
    log.error({ err, context: { cause: err } }, 'Unhandled error');
    await flush();
    const line = lines[0] as { err: Record<string, unknown>; context: { cause: Record<string, unknown> } };
    expect(line.err).toMatchObject({
      type: 'QueryFailedError',
      code: '22021',
      message: 'database error 22021',
    });
    expect(line.err.stack).toEqual(expect.stringContaining('logging.spec'));
    expect(line.context.cause).toMatchObject({ type: 'QueryFailedError', code: '22021' });
    expect(JSON.stringify(line)).not.toContain('canary');
  });

  it('serializes an error once: a second pass keeps the first', () => {
    const once = serializeError(new RangeError('too deep'));
    expect(serializeError(once)).toBe(once);
    expect(redactDeep({ err: once })).toEqual({ err: once });
  });
});
