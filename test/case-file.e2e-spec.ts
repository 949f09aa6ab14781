import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Role } from '../src/common/auth/roles.js';
import { startApp, type TestApp } from './helpers/app.js';
import { call, expectProblem, type Reply, userWith, workforceMember, type TestUser } from './helpers/http.js';

const run = promisify(execFile);

/**
 * The case file (issue 26): `GET /cases/{id}/file.pdf`, read back with poppler-utils (`pdfinfo`, `pdftotext`,
 * installed by .ci/run): what it holds, what it must not hold (a linked report about the reader), a footer on
 * every page, the same 404 as `GET /cases/{id}` for a case about the reader, and its audit row.
 */
describe('the case file (PDF)', () => {
  let t: TestApp;
  let dir: string;
  let analyst: TestUser;
  let supervisor: TestUser;
  let confirmer: TestUser;
  let reader: TestUser;
  let me: string;
  let subject: string;
  const READER_NAME = 'Reader Pat Quill';
  const marker = `ZQfile${Date.now().toString(36)}`;

  beforeAll(async () => {
    t = await startApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    dir = await mkdtemp(join(tmpdir(), 'lantern-case-file-'));
    analyst = await userWith(t, [Role.Analyst]);
    supervisor = await userWith(t, [Role.Supervisor]);
    confirmer = await userWith(t, [Role.Supervisor]);
    me = await workforceMember(t, { givenName: 'Morgan', familyName: 'Reader' });
    reader = await userWith(t, [Role.Analyst], { workforceMemberId: me });
    await t.db.pool.query(`UPDATE app_user SET display_name = $1 WHERE id = $2`, [READER_NAME, reader.id]);
    subject = await workforceMember(t, {
      givenName: 'Casey',
      familyName: 'Subjectson',
      staffNumber: `S${marker}`,
    });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await t.close();
  });

  const post = async (url: string, body: unknown, user = analyst): Promise<Reply> => {
    const res = await call(t.app, 'POST', url, { token: user.token, body });
    if (res.status >= 300) throw new Error(`${url}: ${res.status} ${res.text}`);
    return res;
  };
  const report = async (subjects: { workforceMemberId: string; role: string }[]) =>
    (
      await post('/api/v1/intelligence', {
        receivedAt: new Date(Date.now() - 86400_000).toISOString(),
        receiptMethod: 'telephone',
        sourceType: 'colleague',
        grading: { scheme: '3x5x2', sourceEvaluation: '2', intelligenceAssessment: 'B', handlingCode: 'P' },
        primaryCategory: 'misuse_of_systems',
        narrative: 'Fictional test narrative.',
        subjects,
      })
    ).body as { id: string; reference: string };

  /** The PDF's pages as text (pdftotext, one page at a time) and its page count (pdfinfo). */
  async function pagesOf(res: Reply): Promise<string[]> {
    const file = join(dir, `${Math.random().toString(36).slice(2)}.pdf`);
    await writeFile(file, res.bytes);
    const { stdout: info } = await run('pdfinfo', [file]);
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
    const out: string[] = [];
    for (let p = 1; p <= pages; p++) {
      const { stdout } = await run('pdftotext', ['-f', String(p), '-l', String(p), '-layout', file, '-']);
      out.push(stdout);
    }
    return out;
  }

  it('holds the case as its reader may see it, footed on every page, without the linked report about the reader', async () => {
    const visible = await report([{ workforceMemberId: subject, role: 'subject' }]);
    const aboutMe = await report([
      { workforceMemberId: subject, role: 'subject' },
      { workforceMemberId: me, role: 'associate' },
    ]);
    const c = (
      await post('/api/v1/cases', {
        caseType: 'misconduct',
        matterType: 'conduct_matter',
        allegationSummary: `Alleged misuse of force systems ${marker}.`,
        primaryCategory: 'misuse_of_systems',
        categories: ['misuse_of_systems', 'disclosure_of_information'],
        workforceMemberIds: [subject],
        intelligenceReportIds: [visible.id, aboutMe.id],
      })
    ).body as { id: string; reference: string };
    await post(`/api/v1/cases/${c.id}/severity`, { severity: 'misconduct', reason: `Severity ${marker}` });
    await post(`/api/v1/cases/${c.id}/referral`, {
      referredOn: '2026-01-05',
      basis: 'voluntary',
      reason: 'x',
    });
    await post(`/api/v1/cases/${c.id}/referral/decision`, {
      decision: 'local',
      decidedOn: '2026-01-20',
      iopcReference: `IOPC-${marker}`,
    });
    const proposed = await call(t.app, 'PUT', `/api/v1/cases/${c.id}/subjects/${subject}/outcome`, {
      token: supervisor.token,
      body: {
        misconductFinding: 'case_to_answer',
        proceedings: 'misconduct_meeting',
        proceedingsResult: 'proven',
        misconductOutcome: 'written_warning',
        allegationResult: 'substantiated',
      },
    });
    expect(proposed.status).toBe(200);
    await post(
      `/api/v1/cases/${c.id}/subjects/${subject}/outcome/confirm`,
      { version: proposed.body.version },
      confirmer,
    );
    await post(`/api/v1/cases/${c.id}/updates`, { recipients: 'both' });
    // Enough notes for several pages.
    for (let i = 0; i < 60; i++) {
      await post(`/api/v1/cases/${c.id}/notes`, { text: `Note ${i} ${marker} ${'lorem ipsum '.repeat(8)}` });
    }

    const res = await call(t.app, 'GET', `/api/v1/cases/${c.id}/file.pdf`, { token: reader.token });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${c.reference}.pdf"`);
    expect(res.bytes.subarray(0, 5).toString()).toBe('%PDF-');

    const pages = await pagesOf(res);
    expect(pages.length).toBeGreaterThan(1);
    pages.forEach((page, i) => {
      // The footer of every page: the case, the reader, the time, the marking, the page.
      const footer = page
        .split('\n')
        .filter((l) => l.includes('OFFICIAL-SENSITIVE') && l.includes(READER_NAME));
      expect({ page: i + 1, footer: footer.length }).toEqual({ page: i + 1, footer: 1 });
      expect(footer[0]).toContain(c.reference);
      expect(footer[0]).toMatch(/\d{2} \w{3} \d{4}, \d{2}:\d{2}/);
      expect(page).toContain(`page ${i + 1} of ${pages.length}`);
    });
    const all = pages.join('\n');
    for (const held of [
      `Case file ${c.reference}`,
      `Alleged misuse of force systems ${marker}`,
      'Casey Subjectson',
      `S${marker}`,
      'disclosure of information',
      `Severity ${marker}`,
      `IOPC-${marker}`,
      'local',
      'written warning',
      'Note 0',
      'Note 59',
      'update given',
      visible.reference,
    ]) {
      expect({ held, found: all.includes(held) }).toEqual({ held, found: true });
    }
    // The linked report about the reader is in no part of the file (not listed, not in the timeline).
    expect(all).not.toContain(aboutMe.reference);
    expect(all).not.toContain(aboutMe.id);

    // A reader with no link to it sees that report in the file (the check above means something).
    const full = await call(t.app, 'GET', `/api/v1/cases/${c.id}/file.pdf`, { token: analyst.token });
    expect((await pagesOf(full)).join('\n')).toContain(aboutMe.reference);

    // Audited as an export naming the case's people.
    const { rows } = await t.db.pool.query<{ outcome: string; subject_ids: string[]; details: any }>(
      `SELECT outcome, subject_ids, details FROM audit_event
        WHERE action = 'case.export' AND resource_id = $1 AND user_id = $2`,
      [c.id, reader.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ outcome: 'allowed', subject_ids: [subject] });
    expect(rows[0].details).toMatchObject({ format: 'pdf', linkedReports: [visible.id] });
  });

  it('answers a case about the reader like a missing one (404, audited as denied), and refuses other roles', async () => {
    const mine = (
      await post('/api/v1/cases', {
        caseType: 'misconduct',
        matterType: 'conduct_matter',
        allegationSummary: 'About the reader.',
        primaryCategory: 'misuse_of_systems',
        workforceMemberIds: [me, subject],
      })
    ).body as { id: string };
    const hidden = await call(t.app, 'GET', `/api/v1/cases/${mine.id}/file.pdf`, { token: reader.token });
    expectProblem(hidden, 404, 'not_found');
    const missing = await call(t.app, 'GET', `/api/v1/cases/3b241101-e2bb-4255-8caf-4136c566a962/file.pdf`, {
      token: reader.token,
    });
    expectProblem(missing, 404, 'not_found');
    const shape = (r: Reply, id: string) => ({
      ...r.body,
      requestId: 0,
      instance: r.body.instance.replace(id, '<id>'),
    });
    expect(shape(hidden, mine.id)).toEqual(shape(missing, '3b241101-e2bb-4255-8caf-4136c566a962'));
    const { rows } = await t.db.pool.query<{ outcome: string; subject_ids: string[] }>(
      `SELECT outcome, subject_ids FROM audit_event
        WHERE action = 'case.export' AND resource_id = $1 AND user_id = $2`,
      [mine.id, reader.id],
    );
    expect(rows).toEqual([{ outcome: 'denied', subject_ids: expect.arrayContaining([me]) }]);
    expectProblem(
      await call(t.app, 'GET', `/api/v1/cases/not-a-uuid/file.pdf`, { token: analyst.token }),
      400,
      'validation_failed',
    );
    for (const role of [Role.VettingOfficer, Role.Auditor, Role.Admin]) {
      const u = await userWith(t, [role]);
      expectProblem(
        await call(t.app, 'GET', `/api/v1/cases/${mine.id}/file.pdf`, { token: u.token }),
        403,
        'forbidden',
      );
    }
  });
});
