import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Role } from '../src/common/auth/roles.js';
import { RulesService } from '../src/modules/monitoring/rules.service.js';
import { startApp, type TestApp } from './helpers/app.js';
import { call, expectProblem, userWith, workforceMember, type TestUser } from './helpers/http.js';

const DAY = '2026-06-10';
const at = (day: string, time: string) => `${day}T${time}+01:00`;

describe('ICT access monitoring', () => {
  let t: TestApp;
  let admin: TestUser;
  let supervisor: TestUser;
  let analyst: TestUser;
  let key: string;
  let sourceId: string;
  let n = 0;

  const api = (method: 'GET' | 'POST' | 'PATCH', url: string, user: TestUser, body?: unknown) =>
    call(t.app, method, `/api/v1/monitoring${url}`, { token: user.token, body });
  const send = (lines: unknown[], withKey: string = key) =>
    call(t.app, 'POST', '/api/v1/monitoring/events', {
      headers: { 'content-type': 'application/x-ndjson', ...(withKey ? { 'x-source-key': withKey } : {}) },
      payload: lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'),
    });
  const access = (user: string, occurredAt: string, extra: Record<string, unknown> = {}) => ({
    kind: 'access',
    eventId: `A${++n}`,
    occurredAt,
    user,
    action: 'view',
    recordType: 'crime',
    recordId: `CR/${n}`,
    people: [],
    ...extra,
  });
  const staff = async (department?: string) => {
    const staffNumber = `M${Date.now().toString(36)}${++n}`;
    const id = await workforceMember(t, { staffNumber });
    if (department) {
      const { rows } = await t.db.pool.query<{ id: string }>(
        `INSERT INTO department (code, name) VALUES ($1, $1) ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
        [department],
      );
      await t.db.pool.query(`UPDATE workforce_member SET department_id = $1 WHERE id = $2`, [rows[0].id, id]);
    }
    return { id, staffNumber };
  };
  const rules = () => t.app.get(RulesService);
  const enable = async (code: string, thresholds?: Record<string, number>) => {
    const list = await api('GET', '/rules', supervisor);
    const rule = list.body.find((r: { code: string }) => r.code === code);
    const res = await api('PATCH', `/rules/${code}`, supervisor, {
      version: rule.version,
      enabled: true,
      thresholds,
    });
    expect(res.status).toBe(200);
  };
  const flagsOf = async (memberId: string) =>
    (
      await t.db.pool.query<{ rule_code: string; report_id: string | null; event_count: number }>(
        `SELECT rule_code::text, report_id, event_count FROM monitoring_flag WHERE member_id = $1 ORDER BY rule_code`,
        [memberId],
      )
    ).rows;

  beforeAll(async () => {
    t = await startApp({ CLOCK_TODAY: '2026-06-20' });
    admin = await userWith(t, [Role.Admin]);
    supervisor = await userWith(t, [Role.Supervisor]);
    analyst = await userWith(t, [Role.Analyst]);
    const res = await api('POST', '/sources', admin, { name: 'Records management' });
    expect(res.status).toBe(201);
    key = res.body.key;
    sourceId = res.body.id;
    expect(key).toMatch(/^lmk_/);
    const stored = await t.db.pool.query(`SELECT key_hash FROM monitoring_source WHERE id = $1`, [sourceId]);
    expect(stored.rows[0].key_hash.toString('utf8')).not.toContain(key);
  });
  afterAll(() => t?.close());

  describe('ingest', () => {
    it('keeps good rows, reports bad rows by line and reason, and is idempotent', async () => {
      const m = await staff();
      const lines = [
        access(m.staffNumber, at(DAY, '10:00:00')),
        '{not json',
        access(m.staffNumber, 'yesterday'),
        { ...access(m.staffNumber, at(DAY, '10:05:00')), action: 'delete' },
        '',
        {
          kind: 'contact',
          eventId: `C${++n}`,
          occurredAt: at(DAY, '11:00:00'),
          user: m.staffNumber,
          channel: 'call',
        },
        access(m.staffNumber, '2020-01-01T00:00:00Z'),
      ];
      const res = await send(lines);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ accepted: 2, stored: 2, duplicates: 0 });
      expect(res.body.rejected).toEqual([
        { line: 2, reason: 'not valid JSON' },
        { line: 3, reason: 'occurredAt must be an ISO 8601 instant with its offset' },
        { line: 4, reason: 'action must be one of view, search, print, export' },
        { line: 7, reason: 'occurredAt is before the retention period' },
      ]);
      const again = await send(lines);
      expect(again.body).toMatchObject({ accepted: 2, stored: 0, duplicates: 2 });
      const { rows } = await t.db.pool.query(
        `SELECT count(*)::int AS n, count(member_id)::int AS mapped FROM monitoring_access_event WHERE user_ref = $1`,
        [m.staffNumber],
      );
      expect(rows[0]).toEqual({ n: 1, mapped: 1 });
    });

    it('refuses a missing, wrong or revoked key with 401 problem+json', async () => {
      const line = [access('X', at(DAY, '09:00:00'))];
      expectProblem(await send(line, ''), 401);
      expectProblem(await send(line, 'lmk_wrong'), 401, 'invalid_source_key');
      const other = await api('POST', '/sources', admin, { name: 'Custody' });
      expect((await send(line, other.body.key)).status).toBe(200);
      const rotated = await api('POST', `/sources/${other.body.id}/rotate`, admin);
      expect(rotated.status).toBe(200);
      expectProblem(await send(line, other.body.key), 401, 'invalid_source_key');
      expect((await send([access('X', at(DAY, '09:01:00'))], rotated.body.key)).status).toBe(200);
      expect((await api('POST', `/sources/${other.body.id}/revoke`, admin)).status).toBe(200);
      expectProblem(await send(line, rotated.body.key), 401, 'invalid_source_key');
      // A user's token is not a source key.
      const res = await call(t.app, 'POST', '/api/v1/monitoring/events', {
        token: admin.token,
        headers: { 'content-type': 'application/x-ndjson' },
        payload: JSON.stringify(line[0]),
      });
      expectProblem(res, 401);
      expect((await api('GET', '/sources', admin)).body.map((s: { name: string }) => s.name)).toEqual([
        'Custody',
        'Records management',
      ]);
    });
  });

  it('imports CSV and NDJSON files with the CLI, as the source whose key it is given', async () => {
    const m = await staff();
    const dir = mkdtempSync(join(tmpdir(), 'monitoring-import-'));
    const csv = join(dir, 'events.csv');
    writeFileSync(
      csv,
      [
        'kind,eventId,occurredAt,user,action,channel,recordType,recordId,incidentRef,people',
        `access,CSV1,${at(DAY, '08:00:00')},${m.staffNumber},print,,custody,CU/1,,"[{""ref"":""P9"",""role"":""suspect""}]"`,
        `contact,CSV2,${at(DAY, '08:30:00')},${m.staffNumber},,call,,,INC-9,`,
        `access,CSV3,${at(DAY, '08:40:00')},${m.staffNumber},shred,,custody,CU/2,,`,
      ].join('\n'),
    );
    const ndjson = join(dir, 'events.ndjson');
    writeFileSync(ndjson, `${JSON.stringify(access(m.staffNumber, at(DAY, '09:00:00')))}\n{oops\n`);
    const env = {
      ...process.env,
      DATABASE_URL: t.config.DATABASE_URL,
      DATABASE_OWNER_URL: t.config.DATABASE_OWNER_URL,
      REDIS_URL: t.config.REDIS_URL,
      REDIS_PREFIX: t.config.REDIS_PREFIX,
      MONITORING_SOURCE_KEY: key,
    };
    const run = (file: string) =>
      promisify(execFile)('node', ['dist/src/scripts/monitoring-import.js', file], { env }).then(
        (r) => ({ code: 0, stdout: r.stdout }),
        (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
      );
    const first = await run(csv);
    expect(first.stdout).toContain('line 4: action must be one of view, search, print, export');
    expect(first.stdout).toContain('2 accepted, 2 stored, 0 already stored, 1 refused');
    expect(first.code).toBe(1);
    const again = await run(csv);
    expect(again.stdout).toContain('2 accepted, 0 stored, 2 already stored, 1 refused');
    const nd = await run(ndjson);
    expect(nd.stdout).toContain('line 2: not valid JSON');
    expect(nd.stdout).toContain('1 accepted, 1 stored');
    const wrong = await promisify(execFile)('node', ['dist/src/scripts/monitoring-import.js', csv], {
      env: { ...env, MONITORING_SOURCE_KEY: 'lmk_wrong' },
    }).catch((e: { code: number; stderr: string }) => e);
    expect(wrong).toMatchObject({ code: 1, stderr: expect.stringContaining('valid source system key') });
  });

  describe('rules', () => {
    it('each rule flags its pattern once per window and not the control, and raises a lead', async () => {
      const self = await staff('Response');
      const assoc = await staff('Response');
      const apsp = await staff('CID');
      const contact = await staff('CID');
      const night = await staff('Response');
      const control = await staff('Response');
      await t.db.pool.query(
        `INSERT INTO monitoring_declared_association (member_id, person_ref, declared_on) VALUES ($1, 'P-FRIEND', '2026-01-01')`,
        [assoc.id],
      );
      const victim = { ref: 'P-V1', role: 'victim', vulnerable: true };
      const lines = [
        access(self.staffNumber, at(DAY, '10:00:00'), {
          people: [{ ref: 'P-SELF', role: 'other', staffNumber: self.staffNumber }],
        }),
        access(assoc.staffNumber, at(DAY, '10:00:00'), { people: [{ ref: 'P-FRIEND', role: 'suspect' }] }),
        // APSP: the same vulnerable person on three days, no duty link.
        ...['2026-06-08', '2026-06-09', '2026-06-11'].map((d) =>
          access(apsp.staffNumber, at(d, '14:00:00'), { people: [victim] }),
        ),
        {
          kind: 'contact',
          eventId: `C${++n}`,
          occurredAt: at(DAY, '12:00:00'),
          user: contact.staffNumber,
          channel: 'message',
          people: [victim],
        },
        ...Array.from({ length: 5 }, (_, i) =>
          access(night.staffNumber, at(DAY, `23:0${i}:00`), { action: 'export' }),
        ),
        // The control population: duty-linked access to the same person on three days, a contact within an
        // incident, daytime searches, another person's record.
        ...['2026-06-08', '2026-06-09', '2026-06-11'].map((d) =>
          access(control.staffNumber, at(d, '14:00:00'), { people: [victim], incidentRef: 'INC-1' }),
        ),
        {
          kind: 'contact',
          eventId: `C${++n}`,
          occurredAt: at(DAY, '12:00:00'),
          user: control.staffNumber,
          channel: 'call',
          incidentRef: 'INC-1',
          people: [victim],
        },
        ...Array.from({ length: 5 }, (_, i) =>
          access(control.staffNumber, at(DAY, `15:0${i}:00`), { action: 'search' }),
        ),
        access(control.staffNumber, at(DAY, '10:00:00'), {
          people: [{ ref: 'P-SELF', role: 'other', staffNumber: self.staffNumber }],
        }),
      ];
      expect((await send(lines)).body.rejected).toEqual([]);
      // Disabled rules raise nothing.
      await rules().evaluate();
      expect(await flagsOf(apsp.id)).toEqual([]);

      for (const code of ['self_lookup', 'declared_association', 'vulnerable_contact']) await enable(code);
      await enable('vulnerable_repeat_access', { minDays: 3, windowDays: 14 });
      await enable('out_of_hours_burst', { minEvents: 5 });
      // Re-read the same events (a rule enabled later evaluates events already loaded through a backfill).
      await rules().evaluateDays('2026-06-01', '2026-06-14');
      await rules().evaluate();

      expect((await flagsOf(self.id)).map((f) => f.rule_code)).toEqual(['self_lookup']);
      expect((await flagsOf(assoc.id)).map((f) => f.rule_code)).toEqual(['declared_association']);
      expect(await flagsOf(apsp.id)).toEqual([
        { rule_code: 'vulnerable_repeat_access', report_id: expect.any(String), event_count: 3 },
      ]);
      expect((await flagsOf(contact.id)).map((f) => f.rule_code)).toEqual(['vulnerable_contact']);
      expect((await flagsOf(night.id)).map((f) => f.rule_code)).toEqual(['out_of_hours_burst']);
      expect(await flagsOf(control.id)).toEqual([]);

      // Never twice for the same rule, member and window.
      await rules().evaluateDays('2026-06-01', '2026-06-14');
      expect(await flagsOf(apsp.id)).toHaveLength(1);

      // The lead: an intelligence report in the queue, APSP, vulnerable person, the member as subject.
      const reportId = (await flagsOf(apsp.id))[0].report_id;
      const report = await call(t.app, 'GET', `/api/v1/intelligence/${reportId}`, {
        token: supervisor.token,
      });
      expect(report.status).toBe(200);
      expect(report.body).toMatchObject({
        sourceType: 'ict_monitoring',
        primaryCategory: 'abuse_of_position_sexual',
        vulnerablePerson: true,
        state: 'received',
      });
      expect(report.body.subjects.map((s: { workforceMemberId: string }) => s.workforceMemberId)).toEqual([
        apsp.id,
      ]);
      expect(report.body.narrative).toContain(
        'Repeatedly accessed the records of the same vulnerable person',
      );
      expect(report.body.narrative).toContain('P-V1');

      // Trial: a lower threshold shows the difference by department, without names.
      const trial = await api('POST', '/rules/out_of_hours_burst/trial', supervisor, {
        from: DAY,
        to: DAY,
        thresholds: { minEvents: 1 },
      });
      expect(trial.status).toBe(200);
      expect(trial.body.currentTotal).toBe(1);
      expect(trial.body.proposedTotal).toBeGreaterThanOrEqual(1);
      expect(trial.body.byDepartment).toContainEqual({
        department: 'Response',
        proposed: expect.any(Number),
        current: 1,
        difference: expect.any(Number),
      });
      expect(JSON.stringify(trial.body)).not.toContain(night.id);
      const stricter = await api('POST', '/rules/vulnerable_repeat_access/trial', supervisor, {
        from: '2026-06-01',
        to: '2026-06-14',
        thresholds: { minDays: 4 },
      });
      expect(stricter.body).toMatchObject({ proposedTotal: 0, currentTotal: 1 });
      expect(stricter.body.byDepartment).toEqual([
        { department: 'CID', proposed: 0, current: 1, difference: -1 },
      ]);

      // Need to know: the APSP member, as a user, does not see or count their own flag.
      const conflicted = await userWith(t, [Role.Supervisor], { workforceMemberId: apsp.id });
      const list = await api('GET', '/flags?limit=200', conflicted);
      expect(list.status).toBe(200);
      expect(JSON.stringify(list.body)).not.toContain(apsp.id);
      const flagId = (await t.db.pool.query(`SELECT id FROM monitoring_flag WHERE member_id = $1`, [apsp.id]))
        .rows[0].id;
      expectProblem(await api('GET', `/flags/${flagId}`, conflicted), 404, 'not_found');
      const hidden = await api('POST', '/rules/vulnerable_repeat_access/trial', conflicted, {
        from: '2026-06-01',
        to: '2026-06-14',
      });
      expect(hidden.body).toMatchObject({ currentTotal: 0, callerRecordsExcluded: true });
      const seen = await api('GET', `/flags/${flagId}`, analyst);
      expect(seen.status).toBe(200);
      expect(seen.body.events).toHaveLength(3);
      const audited = await t.db.pool.query(
        `SELECT count(*)::int AS n FROM audit_event WHERE action = 'monitoring_flag.read' AND resource_id = $1`,
        [flagId],
      );
      expect(audited.rows[0].n).toBe(2);
    });

    it('refuses bad thresholds and trial periods with 400', async () => {
      const rule = (await api('GET', '/rules', supervisor)).body[0];
      expectProblem(
        await api('PATCH', `/rules/${rule.code}`, supervisor, {
          version: rule.version,
          thresholds: { nope: 1 },
        }),
        400,
      );
      expectProblem(
        await api('POST', '/rules/out_of_hours_burst/trial', supervisor, { from: DAY, to: '2026-06-01' }),
        400,
      );
      expectProblem(
        await api('POST', '/rules/out_of_hours_burst/trial', supervisor, {
          from: DAY,
          to: DAY,
          thresholds: { minEvents: 0 },
        }),
        400,
      );
      expectProblem(await api('POST', '/rules/no_such_rule/trial', supervisor, { from: DAY, to: DAY }), 404);
    });
  });

  it('drops partitions past the retention period', async () => {
    const ahead = await rules().ensureAhead(2);
    expect(ahead).toBeGreaterThanOrEqual(0);
    const before = await t.db.pool.query(`SELECT to_regclass('monitoring_access_event_20260610') AS t`);
    expect(before.rows[0].t).not.toBeNull();
    // CLOCK_TODAY is 2026-06-20: with 5 days' retention everything before 2026-06-16 goes.
    t.config.MONITORING_RETENTION_DAYS = 5;
    try {
      expect(await rules().applyRetention()).toBeGreaterThan(0);
    } finally {
      t.config.MONITORING_RETENTION_DAYS = 400;
    }
    const after = await t.db.pool.query(`SELECT to_regclass('monitoring_access_event_20260610') AS t`);
    expect(after.rows[0].t).toBeNull();
    const kept = await t.db.pool.query(`SELECT to_regclass('monitoring_access_event_20260620') AS t`);
    expect(kept.rows[0].t).not.toBeNull();
  });
});
