import { DataSource } from 'typeorm';
import { Role } from '../src/common/auth/roles.js';
import { DEMO_REPORTS, seedIntelligence } from '../src/demo/intelligence.js';
import { startApp, type TestApp } from './helpers/app.js';
import { call, userWith } from './helpers/http.js';

describe('intelligence demo data', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
  });
  afterAll(() => t.close());

  it('seeds five years of graded reports across categories, states and ages, once', async () => {
    const analyst = await userWith(t, [Role.Analyst]);
    const supervisor = await userWith(t, [Role.Supervisor]);
    const db = t.app.get(DataSource);
    const seed = () =>
      db.transaction((manager) =>
        seedIntelligence({
          manager,
          users: { analyst: analyst.id, supervisor: supervisor.id },
          log: () => undefined,
        }),
      );
    await seed();
    await seed();
    const q = async <T>(sql: string): Promise<T[]> => (await t.db.pool.query(sql)).rows as T[];
    const [counts] = await q<Record<string, number>>(
      `SELECT count(*)::int AS n, count(DISTINCT reference)::int AS refs, count(DISTINCT state)::int AS states,
              count(DISTINCT primary_category)::int AS categories, count(DISTINCT source_type)::int AS sources,
              count(DISTINCT grading_scheme)::int AS schemes FROM intelligence_report`,
    );
    expect(counts).toEqual({
      n: DEMO_REPORTS,
      refs: DEMO_REPORTS,
      states: 7,
      categories: 13,
      sources: 11,
      schemes: 2,
    });
    // Random references of the year received (src/common/reference.ts), all distinct.
    const odd = await q<{ reference: string }>(
      `SELECT reference FROM intelligence_report
        WHERE reference !~ '^INT-[0-9]{4}-[0-9A-HJKMNP-TV-Z]{6}$'
           OR substring(reference from 5 for 4)::int <> EXTRACT(YEAR FROM received_at AT TIME ZONE 'UTC')::int`,
    );
    expect(odd).toEqual([]);

    const summary = await call(t.app, 'GET', '/api/v1/intelligence/queue/summary', {
      token: supervisor.token,
    });
    expect(summary.body.open).toBeGreaterThan(15);
    expect(summary.body.overdue).toBeGreaterThan(0);
    expect(summary.body.perAnalyst.length).toBeGreaterThan(3);
    const queue = await call(t.app, 'GET', '/api/v1/intelligence/queue?limit=50', {
      token: supervisor.token,
    });
    expect(queue.body.items).toHaveLength(Math.min(50, summary.body.open));
    expect(queue.body.items[0]).toMatchObject({ urgencyRank: 0 });
    const search = await call(t.app, 'GET', '/api/v1/intelligence/search?q=cocaine', {
      token: analyst.token,
    });
    expect(search.body.items.length).toBeGreaterThan(0);
  });
});
