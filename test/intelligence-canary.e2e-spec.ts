import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { Role } from '../src/common/auth/roles.js';
import { startApp, type TestApp } from './helpers/app.js';
import { call, userWith, workforceMember } from './helpers/http.js';

/**
 * Narrative and source details never reach logs, Redis or error messages: a canary string written through
 * every intelligence route is searched for afterwards in everything the app logged (at trace level) and in
 * every Redis key and value under the app's prefix.
 */
describe('intelligence canary', () => {
  const canary = `CANARY${randomBytes(8).toString('hex')}`;
  const lines: string[] = [];
  const logs = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ LOG_LEVEL: 'trace', LOGIN_RATE_LIMIT_PER_MINUTE: '1000' }, { logDestination: logs });
  });
  afterAll(() => t.close());

  it('keeps the canary out of logs, Redis and every error message', async () => {
    const analyst = await userWith(t, [Role.Analyst]);
    const supervisor = await userWith(t, [Role.Supervisor]);
    const member = await workforceMember(t);
    const responses: { status: number; text: string }[] = [];
    const send = async (method: 'GET' | 'POST' | 'PATCH', url: string, token: string, body?: unknown) => {
      const res = await call(t.app, method, url, { token, body, headers: { 'x-canary-free': '1' } });
      responses.push(res);
      return res;
    };
    const report = {
      receivedAt: new Date(Date.now() - 86_400_000).toISOString(),
      receiptMethod: 'reporting_line',
      sourceType: 'covert_source',
      sourceDetails: `handler notes ${canary}`,
      grading: {
        scheme: '3x5x2',
        sourceEvaluation: '1',
        intelligenceAssessment: 'B',
        handlingCode: 'C',
        handlingConditions: `conditions ${canary}`,
      },
      primaryCategory: 'abuse_of_position_sexual',
      subjects: [{ workforceMemberId: member, role: 'subject' }],
      vulnerablePerson: true,
      vulnerablePersonNote: `note ${canary}`,
      narrative: `The account ${canary} in full.`,
    };
    const created = await send('POST', '/api/v1/intelligence', analyst.token, report);
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.text).toContain(canary); // the allowed caller gets it back...

    await send('GET', `/api/v1/intelligence/${id}`, supervisor.token);
    await send('PATCH', `/api/v1/intelligence/${id}`, analyst.token, {
      version: 1,
      narrative: `Edited ${canary}`,
    });
    await send('POST', `/api/v1/intelligence/${id}/assign`, supervisor.token, { assigneeId: analyst.id });
    await send('POST', `/api/v1/intelligence/${id}/submit-for-review`, analyst.token, {
      assessmentText: `Assessment ${canary}`,
      recommendedDecision: 'no_further_action',
    });
    await send('POST', `/api/v1/intelligence/${id}/review`, supervisor.token, {
      decision: 'no_further_action',
      reason: `Reason ${canary}`,
    });
    await send('GET', `/api/v1/intelligence/search?q=${canary}`, analyst.token);
    await send('GET', '/api/v1/intelligence/queue', supervisor.token);
    await send('GET', `/api/v1/workforce/${member}/profile`, supervisor.token);

    // Refusals: nothing of what was sent may come back in the error.
    const refusals = [
      await send('POST', '/api/v1/intelligence', analyst.token, {
        ...report,
        narrative: `${canary}${'x'.repeat(50_000)}`,
      }),
      await send('POST', '/api/v1/intelligence', analyst.token, { ...report, primaryCategory: canary }),
      await send('POST', '/api/v1/intelligence', analyst.token, { ...report, sourceType: canary }),
      // (An unknown field is named in its error: that is the caller's own key, not content.)
      await send('POST', '/api/v1/intelligence', analyst.token, { ...report, colour: canary }),
      await send('POST', '/api/v1/intelligence', analyst.token, { ...report, receivedAt: canary }),
      await send('POST', '/api/v1/intelligence', analyst.token, {
        ...report,
        grading: { ...report.grading, sourceEvaluation: canary },
      }),
      await send('PATCH', `/api/v1/intelligence/${id}`, analyst.token, {
        version: 1,
        narrative: `Stale ${canary}`,
      }),
      await send('POST', `/api/v1/intelligence/${id}/review`, supervisor.token, {
        decision: 'no_further_action',
        reason: `Again ${canary}`,
      }),
      await send('GET', `/api/v1/intelligence/search?q=${canary}${'y'.repeat(300)}`, analyst.token),
    ];
    for (const res of refusals) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.text).not.toContain(canary);
    }

    // Logs: at trace level, every request was logged; the canary in none of it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const logged = lines.join('');
    expect(logged).toContain('/api/v1/intelligence');
    expect(logged).not.toContain(canary);

    // Redis: every key and value under this app's prefix (sessions, rate limits, queues).
    const redis = new Redis(t.config.REDIS_URL);
    try {
      let cursor = '0';
      const seen: string[] = [];
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${t.config.REDIS_PREFIX}*`, 'COUNT', 500);
        cursor = next;
        for (const key of keys) {
          seen.push(key);
          const type = await redis.type(key);
          const value =
            type === 'string'
              ? await redis.get(key)
              : type === 'hash'
                ? JSON.stringify(await redis.hgetall(key))
                : type === 'list'
                  ? JSON.stringify(await redis.lrange(key, 0, -1))
                  : type === 'set'
                    ? JSON.stringify(await redis.smembers(key))
                    : type === 'zset'
                      ? JSON.stringify(await redis.zrange(key, 0, -1))
                      : type === 'stream'
                        ? JSON.stringify(await redis.xrange(key, '-', '+'))
                        : '';
          expect(`${key} ${value}`).not.toContain(canary);
        }
      } while (cursor !== '0');
      expect(seen.length).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }

    // The database holds it where it belongs, and the audit trail does not.
    const stored = await t.db.pool.query(`SELECT narrative FROM intelligence_report WHERE id = $1`, [id]);
    expect(stored.rows[0].narrative).toContain(canary);
    const audit = await t.db.pool.query(`SELECT details::text AS d FROM audit_event`);
    expect(audit.rows.map((r: { d: string }) => r.d).join('')).not.toContain(canary);
  });

  it('logs one line per response: request id, method, path without its query string, status and time', async () => {
    const analyst = await userWith(t, [Role.Analyst]);
    const res = await call(t.app, 'GET', '/api/v1/intelligence/search?q=pocket&limit=5', {
      token: analyst.token,
      headers: { 'x-request-id': 'canary-request-line-1' },
    });
    expect(res.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const line = lines
      .flatMap((l) => l.split('\n'))
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'request completed' && l.requestId === 'canary-request-line-1');
    expect(line).toMatchObject({
      level: 30,
      method: 'GET',
      path: '/api/v1/intelligence/search',
      statusCode: 200,
    });
    expect(typeof line?.responseTime).toBe('number');
    expect(JSON.stringify(line)).not.toContain('pocket');
    expect(JSON.stringify(line)).not.toContain(analyst.token);
  });
});
