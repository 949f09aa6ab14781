import { stdSerializers } from 'pino';
import { isSecretKey, REDACTED, redactDeep, serializeError } from './logging.js';

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
