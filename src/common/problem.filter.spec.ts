import { QueryFailedError } from 'typeorm';
import { isUnavailable, problemFor } from './problem.filter.js';

const pgError = (code: string, message = 'error') => Object.assign(new Error(message), { code });
const failed = (driverError: Error) => new QueryFailedError('SELECT 1', [], driverError);

describe('an unavailable database or Redis is a 503, never a 500', () => {
  it.each([
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    ],
    ['a server shut down', failed(pgError('57P01', 'terminating connection due to administrator command'))],
    ['a server starting up', pgError('57P03', 'the database system is starting up')],
    ['a connection exception', failed(pgError('08006', 'connection failure'))],
    ['a statement timeout', failed(pgError('57014', 'canceling statement due to statement timeout'))],
    ['pg-pool waiting too long', new Error('timeout exceeded when trying to connect')],
    ['a connection timeout', new Error('Connection terminated due to connection timeout')],
    ['a frozen server (query_timeout)', failed(new Error('Query read timeout'))],
    ['a lost connection', failed(new Error('Connection terminated unexpectedly'))],
    ['Redis away', new Error("Stream isn't writeable and enableOfflineQueue options is false")],
  ])('%s', (_what, error) => {
    expect(isUnavailable(error)).toBe(true);
    expect(problemFor(error, '/x', 'r1')).toMatchObject({ status: 503, code: 'service_unavailable' });
  });

  it('leaves other errors alone', () => {
    expect(isUnavailable(new Error('boom'))).toBe(false);
    expect(problemFor(new Error('boom'), '/x', 'r1').status).toBe(500);
    expect(problemFor(failed(pgError('23505')), '/x', 'r1').status).toBe(409);
  });
});
