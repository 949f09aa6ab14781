import { readFileSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { ALL_ROLES, Role } from '../src/common/auth/roles.js';
import { csvCell, neutraliseFormula, toCsv } from '../src/common/csv.js';
import { startApp, type TestApp, whileAuditRefused } from './helpers/app.js';
import { call, expectProblem, type Reply, type TestUser, userWith } from './helpers/http.js';

/**
 * Issue 22, finding 10: inputs that used to answer 500 (or be buffered whole) answer a 4xx problem+json
 * naming the field, and change nothing stored.
 */
describe('bad input', () => {
  let t: TestApp;
  let analyst: TestUser;
  let auditor: TestUser;
  let admin: TestUser;

  const count = async (table: string): Promise<number> =>
    Number((await t.db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  const fields = (res: Reply): string[] => (res.body.errors as { field: string }[]).map((e) => e.field);

  const report = {
    receivedAt: new Date(Date.now() - 86_400_000).toISOString(),
    receiptMethod: 'telephone',
    sourceType: 'colleague',
    sourceDetails: 'Source: PC in the same team, met in person',
    grading: { scheme: '3x5x2', sourceEvaluation: '2', intelligenceAssessment: 'B', handlingCode: 'P' },
    primaryCategory: 'disclosure_of_information',
    narrative: 'The subject was seen looking up a relative on the police national computer.',
  };

  /** What the app logs at error level (nestjs-pino keeps the first app's logger per process: one app here). */
  const lines: string[] = [];
  const logs = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });

  beforeAll(async () => {
    t = await startApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000', LOG_LEVEL: 'error' }, { logDestination: logs });
    analyst = await userWith(t, [Role.Analyst]);
    auditor = await userWith(t, [Role.Auditor]);
    admin = await userWith(t, [Role.Admin]);
  });
  afterAll(() => t.close());

  describe('NUL bytes and unpaired surrogates, in every string of every request', () => {
    it('refuses a NUL byte in a body text field with a 400 naming it, and stores nothing', async () => {
      const before = await count('intelligence_report');
      const res = await call(t.app, 'POST', '/api/v1/intelligence', {
        token: analyst.token,
        body: { ...report, narrative: 'before\u0000after' },
      });
      expectProblem(res, 400, 'validation_failed');
      expect(fields(res)).toEqual(['narrative']);
      expect(res.body.errors[0].rule).toBe('wellFormedText');
      expect(await count('intelligence_report')).toBe(before);
    });

    it('names a nested field by its path', async () => {
      const res = await call(t.app, 'POST', '/api/v1/intelligence', {
        token: analyst.token,
        body: {
          ...report,
          grading: { ...report.grading, handlingCode: 'C', handlingConditions: 'Not to be\u0000shared' },
        },
      });
      expectProblem(res, 400, 'validation_failed');
      expect(fields(res)).toEqual(['grading.handlingConditions']);
    });

    it('refuses a NUL byte in a search query with a 400 naming the parameter', async () => {
      const res = await call(t.app, 'GET', '/api/v1/intelligence/search?q=scrap%00yard', {
        token: analyst.token,
      });
      expectProblem(res, 400, 'validation_failed');
      expect(fields(res)).toEqual(['q']);
    });

    it('refuses a NUL byte in a path parameter with a 400 naming it', async () => {
      const res = await call(t.app, 'GET', '/api/v1/intelligence/abc%00def', { token: analyst.token });
      expectProblem(res, 400, 'validation_failed');
      expect(fields(res)).toEqual(['id']);
    });

    it('refuses an unpaired surrogate in the unauthenticated login email, counting no attempt', async () => {
      const audit = await count('audit_event');
      for (const email of ['\\ud800@test.lantern', 'a\\udc00b@test.lantern', `${admin.email}\\ud83d`]) {
        const res = await call(t.app, 'POST', '/api/v1/auth/login', {
          payload: `{"email":"${email}","password":"whatever it is"}`,
          headers: { 'content-type': 'application/json' },
        });
        expectProblem(res, 400, 'validation_failed');
        expect(fields(res)).toEqual(['email']);
      }
      expect(await count('audit_event')).toBe(audit);
      // A surrogate pair (an emoji) is well-formed text and passes this check.
      const pair = await call(t.app, 'POST', '/api/v1/auth/login', {
        payload: '{"email":"\\ud83d\\ude00@test.lantern","password":"whatever it is"}',
        headers: { 'content-type': 'application/json' },
      });
      expect(pair.body.errors?.map((e: { rule: string }) => e.rule) ?? []).not.toContain('wellFormedText');
    });

    it('refuses an unpaired surrogate in a body key', async () => {
      const res = await call(t.app, 'POST', '/api/v1/auth/login', {
        payload: '{"email":"a@test.lantern","password":"x","\\ud800":1}',
        headers: { 'content-type': 'application/json' },
      });
      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors[0].rule).toBe('wellFormedText');
    });
  });

  describe('query parameters a route does not declare', () => {
    /** Every operation of the committed document, reads first (a write refused here changes nothing anyway). */
    const operations = (): { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; path: string }[] => {
      const document = JSON.parse(readFileSync(new URL('../openapi.json', import.meta.url), 'utf8')) as {
        paths: Record<string, Record<string, unknown>>;
      };
      const all = Object.entries(document.paths).flatMap(([path, item]) =>
        Object.keys(item)
          .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
          .map((m) => ({ method: m.toUpperCase() as 'GET', path })),
      );
      return [...all.filter((o) => o.method === 'GET'), ...all.filter((o) => o.method !== 'GET')];
    };
    const ANY_ID = '00000000-0000-4000-8000-000000000000';

    it('refuses ?bogus=1 on every GET operation with a 400 naming the parameter', async () => {
      const everyone = await userWith(t, [...ALL_ROLES]);
      const gets = operations().filter((o) => o.method === 'GET');
      expect(gets.length).toBeGreaterThan(40);
      expect(gets.map((o) => o.path)).toEqual(expect.arrayContaining(['/api/v1/vetting/compliance']));
      const answered: string[] = [];
      for (const { path } of gets) {
        const url = `${path.replace(/\{[^}]+\}/g, ANY_ID)}?bogus=1`;
        const res = await call(t.app, 'GET', url, { token: everyone.token });
        const named =
          res.status === 400 && res.body?.code === 'validation_failed' && fields(res).includes('bogus');
        if (!named || !String(res.headers['content-type']).startsWith('application/problem+json'))
          answered.push(`GET ${path}: ${res.status} ${res.text.slice(0, 120)}`);
      }
      expect(answered).toEqual([]);
    });

    it('refuses an undeclared parameter on every other operation too, before its handler runs', async () => {
      const everyone = await userWith(t, [...ALL_ROLES]);
      const answered: string[] = [];
      for (const { method, path } of operations().filter((o) => o.method !== 'GET')) {
        const url = `${path.replace(/\{[^}]+\}/g, ANY_ID)}?bogus=1`;
        const res = await call(t.app, method, url, { token: everyone.token });
        if (res.status !== 400 || !fields(res).includes('bogus'))
          answered.push(`${method} ${path}: ${res.status} ${res.text.slice(0, 120)}`);
      }
      expect(answered).toEqual([]);
      // Nothing ran: the token still works (logout was refused) and no user was made.
      expect((await call(t.app, 'GET', '/api/v1/auth/me', { token: everyone.token })).status).toBe(200);
    });

    it("names the parameter with the ValidationPipe's rule on a route with a query DTO, as on one without", async () => {
      const compliance = await call(t.app, 'GET', '/api/v1/vetting/compliance?asof=2026-01-01', {
        token: admin.token,
      });
      expectProblem(compliance, 400);
      expect(compliance.body.errors).toEqual([
        { field: 'asof', rule: 'whitelistValidation', message: 'asof is not allowed' },
      ]);
      const rules = await call(t.app, 'GET', '/api/v1/vetting/rules?asOf=2026-01-01', { token: admin.token });
      expectProblem(rules, 400);
      expect(rules.body.errors).toEqual([
        { field: 'asOf', rule: 'whitelistValidation', message: 'asOf is not allowed' },
      ]);
      // Without a token, the answer is still a 401: the check runs after the guard.
      expect((await call(t.app, 'GET', '/api/v1/vetting/rules?bogus=1')).status).toBe(401);
    });
  });

  describe('financial years', () => {
    it('takes a case list financial year written 2017/18 and refuses 2017 with a 400 naming it', async () => {
      const supervisor = await userWith(t, [Role.Supervisor]);
      const ok = await call(t.app, 'GET', '/api/v1/cases?financialYear=2017%2F18', {
        token: supervisor.token,
      });
      expect(ok.status).toBe(200);
      for (const bad of ['2017', '2017-18', '2017/19']) {
        const res = await call(t.app, 'GET', `/api/v1/cases?financialYear=${encodeURIComponent(bad)}`, {
          token: supervisor.token,
        });
        expectProblem(res, 400);
        expect(res.body.errors).toEqual([
          expect.objectContaining({ field: 'financialYear', rule: 'isFinancialYear' }),
        ]);
      }
    });
  });

  describe('integers bounded to their columns', () => {
    it('refuses version 2^31 with a 400 naming it, and changes nothing', async () => {
      const created = await call(t.app, 'POST', '/api/v1/intelligence', {
        token: analyst.token,
        body: report,
      });
      expect(created.status).toBe(201);
      for (const version of [2 ** 31, 2 ** 53, 1e300, -(2 ** 31) - 1, 0]) {
        const res = await call(t.app, 'PATCH', `/api/v1/intelligence/${created.body.id}`, {
          token: analyst.token,
          body: { version, narrative: 'Changed by a request that must fail.' },
        });
        expectProblem(res, 400, 'validation_failed');
        expect(fields(res)).toEqual(['version']);
      }
      const { rows } = await t.db.pool.query<{ version: number; narrative: string }>(
        'SELECT version, narrative FROM intelligence_report WHERE id = $1',
        [created.body.id],
      );
      expect(rows[0]).toEqual({ version: created.body.version, narrative: report.narrative });
    });

    it('refuses query integers beyond their bounds', async () => {
      for (const query of ['limit=2147483648', 'limit=99999999999999999999']) {
        const res = await call(t.app, 'GET', `/api/v1/intelligence/queue?${query}`, { token: analyst.token });
        expectProblem(res, 400, 'validation_failed');
        expect(fields(res)).toEqual(['limit']);
      }
    });
  });

  describe('JSON depth', () => {
    it('refuses JSON nested 10,000 deep, unauthenticated, with a 400 naming the body', async () => {
      const audit = await count('audit_event');
      for (const payload of [
        '['.repeat(10_000) + ']'.repeat(10_000),
        '{"email":' + '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000) + ',"password":"x"}',
      ]) {
        const res = await call(t.app, 'POST', '/api/v1/auth/login', {
          payload,
          headers: { 'content-type': 'application/json' },
        });
        expectProblem(res, 400, 'validation_failed');
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'body', rule: 'maxDepth' })]);
      }
      expect(await count('audit_event')).toBe(audit);
    });

    it('still reads brackets inside strings as text, and JSON within the cap', async () => {
      const res = await call(t.app, 'POST', '/api/v1/auth/login', {
        payload: JSON.stringify({ email: `${'[{'.repeat(40)}@test.lantern`, password: 'x' }),
        headers: { 'content-type': 'application/json' },
      });
      // Not a depth refusal: the email is checked as an email.
      expectProblem(res, 400, 'validation_failed');
      expect(fields(res)).toEqual(['email']);
    });
  });

  describe('the CSV body parser belongs to the import route only', () => {
    /** A body that announces 19 MiB and never ends: only an answer given before reading it comes back. */
    const endless = (): Readable => {
      let sent = 0;
      return new Readable({
        read() {
          if (sent < 4) {
            sent += 1;
            this.push(Buffer.alloc(65_536, 'a'));
          }
          // then nothing more, and never the end: a server that waits for the body never answers
        },
      });
    };
    const post = (url: string, headers: Record<string, string> = {}) =>
      t.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'text/csv', 'content-length': String(19 * 1024 * 1024), ...headers },
        payload: endless(),
      });

    it('refuses a large CSV body to a route that takes none, before reading it', async () => {
      for (const url of ['/api/v1/auth/login', '/api/v1/auth/refresh', '/api/v1/intelligence']) {
        const res = await post(url);
        expect({ url, status: res.statusCode }).toEqual({ url, status: 415 });
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(JSON.parse(res.body).code).toBe('unsupported_media_type');
      }
    }, 15_000);

    it('refuses an unauthenticated CSV post to the import route before reading it', async () => {
      const res = await post('/api/v1/workforce/import');
      expect(res.statusCode).toBe(401);
      expect(JSON.parse(res.body).code).toBe('unauthorised');
      const forged = await post('/api/v1/workforce/import', { authorization: 'Bearer not.a.token' });
      expect(forged.statusCode).toBe(401);
    }, 15_000);

    it('still takes a CSV import from an admin', async () => {
      const res = await call(t.app, 'POST', '/api/v1/workforce/import', {
        token: admin.token,
        payload: 'staff_number,member_type,given_name,family_name\nBI1,officer,Sam,Patel\n',
        headers: { 'content-type': 'text/csv' },
      });
      expect(res.status).toBe(201);
    });

    it('refuses a NUL byte in an imported CSV', async () => {
      const before = await count('workforce_member');
      const res = await call(t.app, 'POST', '/api/v1/workforce/import', {
        token: admin.token,
        payload: 'staff_number,member_type,given_name,family_name\nBI2,officer,S\u0000m,Patel\n',
        headers: { 'content-type': 'text/csv' },
      });
      expectProblem(res, 400, 'validation_failed');
      expect(fields(res)).toEqual(['body']);
      expect(await count('workforce_member')).toBe(before);
    });
  });

  describe('CSV exports neutralise formula cells', () => {
    it('prefixes a cell a spreadsheet would run (OWASP) in the audit export', async () => {
      const requestId = '-2-3.cmd:calc';
      const denied = await call(t.app, 'POST', '/api/v1/auth/login', {
        body: { email: analyst.email, password: 'not the password' },
        headers: { 'x-request-id': requestId },
      });
      expect(denied.status).toBe(401);
      const csv = await call(t.app, 'GET', '/api/v1/audit/events.csv?action=auth.login&outcome=denied', {
        token: auditor.token,
      });
      expect(csv.status).toBe(200);
      expect(csv.text).toContain(`,'${requestId},`);
      expect(csv.text).not.toContain(`,${requestId},`);
    });

    it('writes the same neutralised cells from PostgreSQL (csvCell, for COPY) as toCsv does', async () => {
      const values = ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', 'plain', "'quoted", '', '-'];
      const select = values
        .map((v, i) => `SELECT ${i} AS i, ${csvCell(`'${v.replace(/'/g, "''")}'::text`)} AS v`)
        .join(' UNION ALL ');
      const { rows } = await t.db.pool.query<{ v: string | null }>(`SELECT v FROM (${select}) s ORDER BY i`);
      expect(rows.map((r) => r.v)).toEqual(values.map((v) => (v === '' ? null : neutraliseFormula(v))));
      expect(toCsv(['v'], [{ v: '=1+1' }, { v: '-1' }, { v: '@x' }])).toBe("v\n'=1+1\n'-1\n'@x\n");
      // Numbers stay numbers: -5 is not text a spreadsheet would run as a formula.
      const { rows: ints } = await t.db.pool.query<{ v: string }>(
        `SELECT ${csvCell('-5')} AS v, ${csvCell('(-5)::smallint')} AS s, ${csvCell('(-5)::bigint')} AS b`,
      );
      expect(ints[0]).toEqual({ v: '-5', s: '-5', b: "'-5" });
      expect(toCsv(['v', 'b'], [{ v: -5, b: '-5' }])).toBe("v,b\n-5,'-5\n");
    });
  });

  describe('the log of a 5xx', () => {
    it('names the error by class, message and stack, never the request body', async () => {
      lines.length = 0;
      await whileAuditRefused(t.db.pool, `NEW.action = 'intelligence.create'`, async () => {
        const res = await call(t.app, 'POST', '/api/v1/intelligence', {
          token: analyst.token,
          body: { ...report, narrative: 'A canary narrative that must never be logged.' },
        });
        expectProblem(res, 500, 'internal_error');
      });
      await new Promise((resolve) => setTimeout(resolve, 50)); // the log stream's last write
      const entries = lines.map((l) => JSON.parse(l) as { msg?: string; err?: Record<string, unknown> });
      const unhandled = entries.filter((e) => e.msg === 'Unhandled error');
      expect(unhandled).toHaveLength(1);
      expect(unhandled[0].err).toMatchObject({
        type: 'QueryFailedError',
        code: 'P0001',
        message: 'database error P0001',
        stack: expect.stringContaining('at '),
      });
      expect(lines.join('\n')).not.toContain('canary');
      expect(lines.join('\n')).not.toContain('non-error thrown');
    });
  });
});
