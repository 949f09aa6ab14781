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

    it('open_case_lookup: flags a look-up of an open case’s subject by someone not on the case, after a trial', async () => {
      const DAY2 = '2026-06-12';
      const subject = await staff('Response');
      const investigator = await staff('CCU');
      const caseSupervisor = await staff('CCU');
      const outsider = await staff('Roads');
      const closedSubject = await staff('Response');
      const investigatorUser = await userWith(t, [Role.Analyst], { workforceMemberId: investigator.id });
      const supervisorUser = await userWith(t, [Role.Supervisor], { workforceMemberId: caseSupervisor.id });
      const newCase = async (subjectId: string) => {
        const res = await call(t.app, 'POST', '/api/v1/cases', {
          token: supervisor.token,
          body: {
            caseType: 'misconduct',
            matterType: 'conduct_matter',
            allegationSummary: 'Fictional allegation for the open-case rule',
            primaryCategory: 'misuse_of_systems',
            workforceMemberIds: [subjectId],
            investigatorId: investigatorUser.id,
            supervisorId: supervisorUser.id,
          },
        });
        expect(res.status).toBe(201);
        return res.body.id as string;
      };
      await newCase(subject.id);
      const closed = await newCase(closedSubject.id);
      // Arrangement: the second case is closed (closing through the API needs a whole investigation).
      await t.db.pool.query(`UPDATE case_record SET status = 'closed' WHERE id = $1`, [closed]);
      const naming = (s: { staffNumber: string }) => ({
        people: [{ ref: `P-${s.staffNumber}`, role: 'suspect', staffNumber: s.staffNumber }],
      });
      const lines = [
        // Hits: the outsider reads the subject's record twice.
        access(outsider.staffNumber, at(DAY2, '10:00:00'), naming(subject)),
        access(outsider.staffNumber, at(DAY2, '10:05:00'), { ...naming(subject), action: 'print' }),
        // Non-hits: the case's investigator and supervisor, the subject themselves, the closed case's subject.
        access(investigator.staffNumber, at(DAY2, '10:00:00'), naming(subject)),
        access(caseSupervisor.staffNumber, at(DAY2, '10:00:00'), naming(subject)),
        access(subject.staffNumber, at(DAY2, '11:00:00'), naming(subject)),
        access(outsider.staffNumber, at(DAY2, '12:00:00'), naming(closedSubject)),
      ];
      expect((await send(lines)).body.rejected).toEqual([]);

      // Disabled: nothing is raised, but the trial shows what would be, by department only.
      await rules().evaluate();
      expect(await flagsOf(outsider.id)).toEqual([]);
      const trial = await api('POST', '/rules/open_case_lookup/trial', supervisor, { from: DAY2, to: DAY2 });
      expect(trial.status).toBe(200);
      expect(trial.body).toMatchObject({ currentTotal: 1, proposedTotal: 1 });
      expect(trial.body.byDepartment).toEqual([
        { department: 'Roads', proposed: 1, current: 1, difference: 0 },
      ]);
      const stricter = await api('POST', '/rules/open_case_lookup/trial', supervisor, {
        from: DAY2,
        to: DAY2,
        thresholds: { minEvents: 3 },
      });
      expect(stricter.body).toMatchObject({ currentTotal: 1, proposedTotal: 0 });
      expect(JSON.stringify(trial.body)).not.toContain(outsider.id);

      // Enabled: a backfill over the day raises it (the incremental pass looks at events loaded since).
      await enable('open_case_lookup');
      await rules().evaluateDays(DAY2, DAY2);
      const flags = await t.db.pool.query<{ member_id: string; event_count: number; report_id: string }>(
        `SELECT member_id, event_count, report_id FROM monitoring_flag WHERE rule_code = 'open_case_lookup'`,
      );
      expect(flags.rows).toEqual([{ member_id: outsider.id, event_count: 2, report_id: expect.any(String) }]);
      const report = await call(t.app, 'GET', `/api/v1/intelligence/${flags.rows[0].report_id}`, {
        token: supervisor.token,
      });
      expect(report.body).toMatchObject({
        sourceType: 'ict_monitoring',
        primaryCategory: 'disclosure_of_information',
      });
      expect(report.body.narrative).toContain('subject of an open CCU case');
      // Once per member and day.
      await rules().evaluateDays(DAY2, DAY2);
      expect((await flagsOf(outsider.id)).filter((f) => f.rule_code === 'open_case_lookup')).toHaveLength(1);
    });

    it('declared_association: a vetting declaration’s associates feed the rule, validated', async () => {
      const DAY3 = '2026-06-13';
      const vetting = await userWith(t, [Role.VettingOfficer]);
      const declarant = await staff('Response');
      const other = await staff('Response');
      const declare = (memberId: string, body: Record<string, unknown>) =>
        call(t.app, 'POST', `/api/v1/workforce/${memberId}/declarations`, { token: vetting.token, body });
      const res = await declare(declarant.id, {
        category: 'association',
        declaredOn: '2026-06-01',
        description: 'A childhood friend, since convicted of supply offences',
        associates: [
          {
            name: ' Sam Example ',
            dateOfBirth: '1990-02-03',
            personRefs: [' RMS-4411 ', 'PNC-90/123X', 'RMS-4411'],
          },
          { name: 'Unknown to the systems' },
        ],
      });
      expect(res.status).toBe(201);
      expect(res.body.associates).toEqual([
        { name: 'Sam Example', dateOfBirth: '1990-02-03', personRefs: ['RMS-4411', 'PNC-90/123X'] },
        { name: 'Unknown to the systems', dateOfBirth: null, personRefs: [] },
      ]);
      const list = await call(t.app, 'GET', `/api/v1/workforce/${declarant.id}/declarations`, {
        token: vetting.token,
      });
      expect(list.body.items[0].associates).toEqual(res.body.associates);
      const stored = await t.db.pool.query(
        `SELECT person_ref, declaration_id FROM monitoring_declared_association WHERE member_id = $1 ORDER BY 1`,
        [declarant.id],
      );
      expect(stored.rows).toEqual([
        { person_ref: 'PNC-90/123X', declaration_id: res.body.id },
        { person_ref: 'RMS-4411', declaration_id: res.body.id },
      ]);
      // The trail counts the associates, never names them.
      const audit = await t.db.pool.query(
        `SELECT details FROM audit_event WHERE action = 'vetting_declaration.create' AND resource_id = $1`,
        [res.body.id],
      );
      expect(audit.rows[0].details).toMatchObject({ associates: 2, personRefs: 2 });
      expect(JSON.stringify(audit.rows[0].details)).not.toContain('Sam');

      // Refused: associates with another category, a future birth date, too many references, an empty one.
      expectProblem(
        await declare(declarant.id, {
          category: 'financial',
          declaredOn: '2026-06-01',
          description: 'Debts',
          associates: [{ name: 'A lender', personRefs: ['RMS-1'] }],
        }),
        400,
      );
      const bad = await declare(declarant.id, {
        category: 'relationship',
        declaredOn: '2026-06-01',
        description: 'Partner',
        associates: [
          { name: '', personRefs: Array.from({ length: 21 }, (_, i) => `R${i}`) },
          { name: 'B', dateOfBirth: '03/02/1990', personRefs: [''] },
        ],
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'associates.0.name',
        'associates.0.personRefs',
        'associates.1.dateOfBirth',
        'associates.1.personRefs',
      ]);
      expectProblem(
        await declare(declarant.id, {
          category: 'relationship',
          declaredOn: '2026-06-01',
          description: 'Partner',
          associates: [{ name: 'C', dateOfBirth: '2030-01-01' }],
        }),
        400,
      );

      await enable('declared_association');
      const record = { people: [{ ref: 'RMS-4411', role: 'suspect' }] };
      expect(
        (
          await send([
            access(declarant.staffNumber, at(DAY3, '09:00:00'), record),
            // Non-hit: someone else reading the same person.
            access(other.staffNumber, at(DAY3, '09:00:00'), record),
          ])
        ).body.rejected,
      ).toEqual([]);
      await rules().evaluate();
      expect((await flagsOf(declarant.id)).map((f) => f.rule_code)).toEqual(['declared_association']);
      expect(await flagsOf(other.id)).toEqual([]);
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
