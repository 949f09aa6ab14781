import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { Queue, QueueEvents } from 'bullmq';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { Role } from '../src/common/auth/roles.js';
import { Clock } from '../src/common/clock.js';
import { QUEUES } from '../src/common/queues.js';
import { digestText } from '../src/modules/notifications/digest-mail.js';
import {
  OutboxRelayService,
  signature,
  verifySignature,
} from '../src/modules/vetting/outbox-relay.service.js';
import { RemindersService, TOPICS } from '../src/modules/notifications/reminders.service.js';
import { WorkerModule } from '../src/worker.module.js';
import { startApp, testConfig, type TestApp } from './helpers/app.js';
import {
  call,
  expectProblem,
  TEST_PASSWORD,
  type TestUser,
  userWith,
  workforceMember,
} from './helpers/http.js';
import { TcpProxy } from './helpers/processes.js';

const SECRET = 'reminders-webhook-secret';
const NARRATIVE = 'Seen with a known drug supplier outside the custody suite at night.';
const ALLEGATION = 'Alleged disclosure of custody records to an associate.';

interface Mail {
  to: string;
  subject: string;
  text: string;
  messageId: string;
}

interface Delivery {
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Reminders under the real worker (BullMQ on Redis, PostgreSQL), with the clock set to the days that matter:
 * raised once per key, escalated when overdue, resolved when done, never twice across a worker restart;
 * delivered to the inbox, to a real SMTP server as one digest per person (read back with mailparser), and to
 * a webhook that verifies the timestamped signature. The worker reaches Redis through a TCP proxy the test stops
 * (a Redis outage for the worker): what is raised meanwhile is delivered once per key when Redis is back.
 */
describe('reminders and escalation (issue 26)', () => {
  let t: TestApp;
  let smtp: SMTPServer;
  let hook: Server;
  const mails: Mail[] = [];
  const deliveries: Delivery[] = [];
  let worker: INestApplicationContext | null = null;
  const REDIS = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  const proxy = new TcpProxy(Number(REDIS.port || 6379), REDIS.hostname);
  let queue: Queue;
  let events: QueueEvents;
  let analyst: TestUser;
  let supervisor: TestUser;
  let conflicted: TestUser;
  let other: TestUser;
  let subject: string;
  let subjectName: string;
  let caseA: { id: string; reference: string };
  let caseHidden: { id: string; reference: string };
  let report: { id: string; reference: string };

  const workerConfig = () =>
    testConfig(t.db, {
      CLOCK_TODAY: '2026-01-10',
      SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
      SMTP_FROM: 'Lantern <lantern@test.lantern>',
      CONSOLE_URL: 'https://lantern.test',
      REMINDER_DIGEST_HOUR: '0',
      ALERT_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`,
      ALERT_WEBHOOK_SECRET: SECRET,
      OUTBOX_RELAY_INTERVAL_SECONDS: '1',
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
    });

  const startWorker = async (): Promise<void> => {
    worker = await NestFactory.createApplicationContext(WorkerModule.register(workerConfig()), {
      logger: false,
    });
    await worker.init();
  };
  const stopWorker = async (): Promise<void> => {
    await worker?.close();
    worker = null;
  };

  /** The day the worker's clock says, then one sweep through the reminders queue, waited for. */
  const sweepOn = async (day: string): Promise<{ raised: number; resolved: number; digests: number }> => {
    worker!.get(Clock).setToday(day);
    const job = await queue.add('reminders-sweep', {}, { jobId: `test-${randomUUID()}` });
    return (await job.waitUntilFinished(events, 30_000)) as {
      raised: number;
      resolved: number;
      digests: number;
    };
  };

  const rows = async (sql: string, params: unknown[] = []) => (await t.db.pool.query(sql, params)).rows;
  const notifications = () =>
    rows(
      `SELECT kind::text, record_id::text, due_on::text, recipient_id::text, escalated, resolved_on::text
         FROM notification ORDER BY kind, recipient_id`,
    );
  const until = async (what: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> => {
    const end = Date.now() + ms;
    while (!(await what())) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _session, done) {
        simpleParser(stream).then(
          (m) => {
            const to = Array.isArray(m.to) ? m.to[0] : m.to;
            mails.push({
              to: to?.text ?? '',
              subject: m.subject ?? '',
              text: m.text ?? '',
              messageId: m.messageId ?? '',
            });
            done();
          },
          (error: Error) => done(error),
        );
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        deliveries.push({ body, headers: req.headers });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));

    t = await startApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    subjectName = `Zebedee${Date.now().toString(36)}`;
    subject = await workforceMember(t, { familyName: subjectName });
    analyst = await userWith(t, [Role.Analyst]);
    supervisor = await userWith(t, [Role.Supervisor]);
    // A supervisor who is the subject of the cases and the report: told of none of them.
    conflicted = await userWith(t, [Role.Supervisor], { workforceMemberId: subject });
    other = await userWith(t, [Role.Analyst]);

    const made = await call(t.app, 'POST', '/api/v1/cases', {
      token: analyst.token,
      body: {
        caseType: 'misconduct',
        matterType: 'conduct_matter',
        allegationSummary: ALLEGATION,
        primaryCategory: 'disclosure_of_information',
        workforceMemberIds: [subject],
        recordedAt: '2026-01-05T10:00:00Z',
        investigatorId: analyst.id,
        supervisorId: supervisor.id,
      },
    });
    expect(made.status).toBe(201);
    caseA = { id: made.body.id, reference: made.body.reference };
    // A case nobody has: its reminders go to every supervisor, except the one it is about.
    const unowned = await call(t.app, 'POST', '/api/v1/cases', {
      token: analyst.token,
      body: {
        caseType: 'misconduct',
        matterType: 'conduct_matter',
        allegationSummary: ALLEGATION,
        primaryCategory: 'disclosure_of_information',
        workforceMemberIds: [subject],
        recordedAt: '2026-01-05T10:00:00Z',
      },
    });
    expect(unowned.status).toBe(201);
    caseHidden = { id: unowned.body.id, reference: unowned.body.reference };
    const rep = await call(t.app, 'POST', '/api/v1/intelligence', {
      token: analyst.token,
      body: {
        receivedAt: '2026-01-02T09:00:00Z',
        receiptMethod: 'telephone',
        sourceType: 'colleague',
        grading: { scheme: '3x5x2', sourceEvaluation: '2', intelligenceAssessment: 'B', handlingCode: 'P' },
        primaryCategory: 'drugs',
        narrative: NARRATIVE,
        subjects: [{ workforceMemberId: subject, role: 'subject' }],
      },
    });
    expect(rep.status).toBe(201);
    report = { id: rep.body.id, reference: rep.body.reference };

    await proxy.start();
    const connection = { host: REDIS.hostname, port: Number(REDIS.port || 6379) };
    queue = new Queue(QUEUES.reminders, { connection, prefix: `${t.db.name}:bull` });
    events = new QueueEvents(QUEUES.reminders, { connection, prefix: `${t.db.name}:bull` });
    await events.waitUntilReady();
    await startWorker();
  });

  afterAll(async () => {
    await proxy.start();
    await stopWorker();
    await proxy.stop();
    await events?.close();
    await queue?.close();
    await t?.close();
    await new Promise((r) => smtp.close(() => r(undefined)));
    await new Promise((r) => hook.close(() => r(undefined)));
  });

  it('raises nothing before the lead time, then the update reminders 7 days ahead, to the investigator', async () => {
    await sweepOn('2026-01-25');
    expect((await notifications()).filter((n) => n.record_id !== report.id)).toEqual([]);
    await sweepOn('2026-01-26');
    const mine = (await notifications()).filter((n) => n.record_id === caseA.id);
    expect(mine).toEqual([
      expect.objectContaining({
        kind: 'complainant_update_due',
        due_on: '2026-02-02',
        recipient_id: analyst.id,
        escalated: false,
      }),
      expect.objectContaining({
        kind: 'subject_update_due',
        due_on: '2026-02-02',
        recipient_id: analyst.id,
        escalated: false,
      }),
    ]);
    // The unowned case: every supervisor but the conflicted one.
    const unowned = (await notifications()).filter((n) => n.record_id === caseHidden.id);
    expect(unowned.map((n) => n.recipient_id)).not.toContain(conflicted.id);
    expect(unowned.map((n) => n.recipient_id)).toContain(supervisor.id);
  });

  it('keeps separate clocks: an update to the subject resolves that reminder only; the complainant one escalates', async () => {
    const upd = await call(t.app, 'POST', `/api/v1/cases/${caseA.id}/updates`, {
      token: analyst.token,
      body: { recipients: 'subject', givenAt: '2026-01-27T10:00:00Z' },
    });
    expect(upd.status).toBe(200);
    const r = await sweepOn('2026-02-03');
    expect(r.resolved).toBeGreaterThanOrEqual(1);
    const mine = (await notifications()).filter((n) => n.record_id === caseA.id);
    expect(mine.find((n) => n.kind === 'subject_update_due')?.resolved_on).toBe('2026-02-03');
    expect(mine.find((n) => n.kind === 'complainant_update_due')?.resolved_on).toBeNull();
    const overdue = mine.filter((n) => n.kind === 'complainant_update_overdue');
    expect(overdue).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ recipient_id: analyst.id, escalated: false, due_on: '2026-02-02' }),
        expect.objectContaining({ recipient_id: supervisor.id, escalated: true, due_on: '2026-02-02' }),
      ]),
    );
    expect(overdue).toHaveLength(2);
    expect(mine.some((n) => n.kind === 'subject_update_overdue')).toBe(false);
    // The assessment target (received 2 January + 28 days) passed: every supervisor but the conflicted one.
    const rep = (await notifications()).filter((n) => n.record_id === report.id);
    expect(rep.some((n) => n.kind === 'assessment_target_overdue' && n.recipient_id === supervisor.id)).toBe(
      true,
    );
    expect(rep.map((n) => n.recipient_id)).not.toContain(conflicted.id);
  });

  it('never raises or delivers the same reminder twice, across sweeps and a worker restart', async () => {
    const before = await notifications();
    const outboxBefore = await rows(`SELECT idempotency_key FROM outbox_message ORDER BY 1`);
    expect((await sweepOn('2026-02-03')).raised).toBe(0);
    await stopWorker();
    await startWorker();
    const again = await sweepOn('2026-02-03');
    expect(again).toMatchObject({ raised: 0, resolved: 0, digests: 0 });
    expect(await notifications()).toEqual(before);
    expect(await rows(`SELECT idempotency_key FROM outbox_message ORDER BY 1`)).toEqual(outboxBefore);
  });

  it('raises the 12-month commissioner mark 30 days ahead, and a development review date', async () => {
    await rows(
      `UPDATE intelligence_report SET state = 'development', review_date = '2026-12-10' WHERE id = $1`,
      [report.id],
    );
    await sweepOn('2026-12-06');
    const all = await notifications();
    expect(all).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'pcc_mark_due',
          record_id: caseA.id,
          due_on: '2027-01-05',
          recipient_id: analyst.id,
        }),
        expect.objectContaining({
          kind: 'development_review_due',
          record_id: report.id,
          due_on: '2026-12-10',
        }),
      ]),
    );
    // The assessment is over (the report is in development): its reminders are resolved.
    expect(
      all
        .filter((n) => n.record_id === report.id && n.kind.startsWith('assessment'))
        .every((n) => n.resolved_on),
    ).toBe(true);
    expect(all.filter((n) => n.recipient_id === conflicted.id)).toEqual([]);
  });

  it('mails one digest per person and day: references and links, no names, no narrative', async () => {
    const day = (m: Mail) => m.subject.endsWith('2026-12-06') && m.to.includes(analyst.email);
    await until(() => mails.some(day));
    // Another sweep the same day, and the relay's retries: still one digest each per day.
    await sweepOn('2026-12-06');
    await new Promise((r) => setTimeout(r, 1500));
    expect(mails.filter(day)).toHaveLength(1);
    const perPersonDay = mails.map((m) => `${m.to}|${m.subject.slice(-10)}`);
    expect(new Set(perPersonDay).size).toBe(perPersonDay.length);
    // Earlier days had their own digests (26 January, 3 February).
    expect(
      mails
        .filter((m) => m.to.includes(analyst.email))
        .map((m) => m.subject.slice(-10))
        .sort(),
    ).toEqual(['2026-01-26', '2026-02-03', '2026-12-06']);
    const mail = mails.find(day)!;
    expect(mail.text).toContain(caseA.reference);
    expect(mail.text).toContain(`https://lantern.test/cases/${caseA.id}`);
    expect(mail.text).not.toContain(subjectName);
    expect(mail.text).not.toContain(NARRATIVE);
    expect(mail.text).not.toContain(ALLEGATION);
    expect(mail.messageId).toContain('notification-digest');
    expect(
      mails.filter((m) => m.to.includes(conflicted.email)).every((m) => !m.text.includes(caseA.reference)),
    ).toBe(true);
    expect(
      mails.filter((m) => m.to.includes(conflicted.email)).every((m) => !m.text.includes(report.reference)),
    ).toBe(true);
    const perDay = await rows(
      `SELECT recipient_id, digest_on, count(*)::int AS n FROM notification_digest GROUP BY 1, 2 HAVING count(*) > 1`,
    );
    expect(perDay).toEqual([]);
  });

  it('reports raised and resolved reminders to the webhook, signed t=…,v1=… over "t.body", within a replay window', async () => {
    await until(() => deliveries.some((d) => d.headers['x-lantern-event'] === 'notification.resolved'));
    const resolved = deliveries.find((d) => d.headers['x-lantern-event'] === 'notification.resolved')!;
    expect(JSON.parse(resolved.body)).toMatchObject({
      event: 'notification.resolved',
      resolvedOn: expect.any(String),
    });
    expect(deliveries.some((d) => d.headers['x-lantern-event'] === 'notification.raised')).toBe(true);
    // The digests are mail only: never POSTed to the webhook (a worker just started once relayed them there,
    // before the mail transport had registered, and marked them delivered: the mail was lost).
    expect(deliveries.filter((d) => d.headers['x-lantern-event'] === 'notification.digest')).toEqual([]);
    const header = String(resolved.headers['x-lantern-signature']);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const t0 = Number(/^t=(\d+)/.exec(header)![1]);
    expect(verifySignature(SECRET, header, resolved.body, t0)).toBe(true);
    // Replayed after the window (300 s), or with the body or the timestamp changed: refused.
    expect(verifySignature(SECRET, header, resolved.body, t0 + 301)).toBe(false);
    expect(verifySignature(SECRET, header, `${resolved.body} `, t0)).toBe(false);
    expect(verifySignature(SECRET, header.replace(/^t=\d+/, `t=${t0 + 1}`), resolved.body, t0)).toBe(false);
    expect(verifySignature('wrong', header, resolved.body, t0)).toBe(false);
    expect(signature(SECRET, 'x', 1)).toBe(`t=1,v1=${signature(SECRET, 'x', 1).split('v1=')[1]}`);
    // No narrative or names in any webhook body.
    for (const d of deliveries) {
      expect(d.body).not.toContain(subjectName);
      expect(d.body).not.toContain(NARRATIVE);
    }
    // Once per key: each reminder event is one outbox message with its own Idempotency-Key. The relay delivers
    // at least once (a delivery cut short by a worker stopping is sent again), so a repeat carries the same key
    // and the same event, and the receiver drops it by the key.
    const keys = deliveries.map((d) => String(d.headers['idempotency-key']));
    expect(keys.every((k) => k !== 'undefined')).toBe(true);
    const bodyOf = new Map<string, string>();
    for (const d of deliveries) {
      const key = String(d.headers['idempotency-key']);
      const event = JSON.parse(d.body) as object;
      const seen = bodyOf.get(key);
      if (seen !== undefined) expect(JSON.stringify(event)).toBe(seen);
      else bodyOf.set(key, JSON.stringify(event));
    }
    expect(await rows(`SELECT idempotency_key FROM outbox_message GROUP BY 1 HAVING count(*) > 1`)).toEqual(
      [],
    );
  });

  it('the inbox: my own notifications, paginated, unread filter, mark read; another user’s is a 404', async () => {
    const first = await call(t.app, 'GET', '/api/v1/notifications?limit=1', { token: analyst.token });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const all = await call(t.app, 'GET', '/api/v1/notifications?limit=200', { token: analyst.token });
    const mine = (await notifications()).filter((n) => n.recipient_id === analyst.id);
    expect(all.body.items).toHaveLength(mine.length);
    expect(all.body.items[0]).toMatchObject({
      reference: expect.any(String),
      dueOn: expect.any(String),
      readAt: null,
    });
    const id = all.body.items[0].id as string;
    const read = await call(t.app, 'POST', `/api/v1/notifications/${id}/read`, { token: analyst.token });
    expect(read.status).toBe(200);
    expect(read.body.readAt).toEqual(expect.any(String));
    const again = await call(t.app, 'POST', `/api/v1/notifications/${id}/read`, { token: analyst.token });
    expect(again.body.readAt).toBe(read.body.readAt);
    const unread = await call(t.app, 'GET', '/api/v1/notifications?unread=true&limit=200', {
      token: analyst.token,
    });
    expect(unread.body.items.map((n: { id: string }) => n.id)).not.toContain(id);
    expect(unread.body.items).toHaveLength(mine.length - 1);
    const readOnly = await call(t.app, 'GET', '/api/v1/notifications?unread=false', { token: analyst.token });
    expect(readOnly.body.items.map((n: { id: string }) => n.id)).toEqual([id]);

    // Another user's notification, and one that does not exist: 404 alike.
    expectProblem(await call(t.app, 'POST', `/api/v1/notifications/${id}/read`, { token: other.token }), 404);
    expectProblem(
      await call(t.app, 'POST', `/api/v1/notifications/${randomUUID()}/read`, { token: other.token }),
      404,
    );
    expect((await call(t.app, 'GET', '/api/v1/notifications', { token: other.token })).body.items).toEqual(
      [],
    );
    // The conflicted supervisor's inbox holds nothing about the records about them.
    const theirs = await call(t.app, 'GET', '/api/v1/notifications?limit=200', { token: conflicted.token });
    expect(theirs.status).toBe(200);
    for (const n of theirs.body.items as { recordId: string }[]) {
      expect([caseA.id, caseHidden.id, report.id]).not.toContain(n.recordId);
    }

    // Bad input: 400 naming the field, never 500.
    expectProblem(
      await call(t.app, 'POST', '/api/v1/notifications/not-a-uuid/read', { token: analyst.token }),
      400,
    );
    expectProblem(
      await call(t.app, 'GET', '/api/v1/notifications?unread=maybe', { token: analyst.token }),
      400,
    );
    expectProblem(await call(t.app, 'GET', '/api/v1/notifications?limit=0', { token: analyst.token }), 400);
    expectProblem(
      await call(t.app, 'GET', '/api/v1/notifications?cursor=garbage', { token: analyst.token }),
      400,
    );
  });

  it('a recipient later linked to a subject no longer sees those notifications (policy applied on read)', async () => {
    const supInbox = await call(t.app, 'GET', '/api/v1/notifications?limit=200', { token: supervisor.token });
    const aboutCase = (supInbox.body.items as { id: string; recordId: string }[]).find(
      (n) => n.recordId === caseA.id,
    )!;
    expect(aboutCase).toBeDefined();
    await rows(`UPDATE app_user SET workforce_member_id = $1 WHERE id = $2`, [subject, supervisor.id]);
    try {
      const login = await call(t.app, 'POST', '/api/v1/auth/login', {
        body: { email: supervisor.email, password: TEST_PASSWORD },
      });
      expect(login.status).toBe(200);
      supervisor = { ...supervisor, token: login.body.accessToken as string };
      const after = await call(t.app, 'GET', '/api/v1/notifications?limit=200', { token: supervisor.token });
      expect((after.body.items as { recordId: string }[]).some((n) => n.recordId === caseA.id)).toBe(false);
      expectProblem(
        await call(t.app, 'POST', `/api/v1/notifications/${aboutCase.id}/read`, { token: supervisor.token }),
        404,
      );
    } finally {
      await rows(`UPDATE app_user SET workforce_member_id = NULL WHERE id = $1`, [supervisor.id]);
    }
  });

  it('never raises or delivers the same reminder twice across a Redis outage: what was raised meanwhile is delivered once per key', async () => {
    const raisedKey = (id: string) => `notification-raised:${id}`;
    const open = async (day: string) =>
      rows(
        `SELECT id::text, recipient_id::text, reference FROM notification WHERE raised_on = $1 ORDER BY id`,
        [day],
      );
    await sweepOn('2026-12-06');
    const outboxBefore = await rows(`SELECT idempotency_key FROM outbox_message ORDER BY 1`);

    // Redis goes away for the worker (its connections cut, new ones refused); the API still answers.
    await proxy.stop();
    worker!.get(Clock).setToday('2027-01-05');
    // A sweep that was under way when Redis went: its work is in PostgreSQL (the inbox rows, their webhook
    // messages, the day's digests), none of it can be nudged to the relay through Redis.
    const during = await worker!.get(RemindersService).sweep();
    expect(during.raised).toBeGreaterThan(0);
    expect(during.digests).toBeGreaterThan(0);
    const raisedDuring = await open('2027-01-05');
    expect(raisedDuring).toHaveLength(during.raised);
    const digestedDuring = await rows(
      `SELECT recipient_id::text FROM notification_digest WHERE digest_on = '2027-01-05'`,
    );
    expect(digestedDuring).toHaveLength(during.digests);
    // A case recorded while the worker cannot reach Redis: its updates are due, the sweep that raises them
    // is the one the worker runs when Redis is back.
    const made = await call(t.app, 'POST', '/api/v1/cases', {
      token: analyst.token,
      body: {
        caseType: 'misconduct',
        matterType: 'conduct_matter',
        allegationSummary: ALLEGATION,
        primaryCategory: 'disclosure_of_information',
        workforceMemberIds: [subject],
        recordedAt: '2026-12-01T10:00:00Z',
        investigatorId: analyst.id,
        supervisorId: supervisor.id,
      },
    });
    expect(made.status).toBe(201);
    const caseB = made.body as { id: string; reference: string };

    // Redis back: the worker's catch-up sweep raises the new case's reminders, once, and the relay delivers
    // everything waiting.
    await proxy.start();
    await until(
      async () => (await rows(`SELECT 1 FROM notification WHERE record_id = $1`, [caseB.id])).length === 4,
      60_000,
    );
    const raisedAfter = (await open('2027-01-05')).filter((n) => !raisedDuring.some((d) => d.id === n.id));
    expect(raisedAfter.map((n) => n.reference)).toEqual([
      caseB.reference,
      caseB.reference,
      caseB.reference,
      caseB.reference,
    ]);
    const delivered = (id: string) =>
      deliveries.filter((d) => d.headers['idempotency-key'] === raisedKey(id)).length;
    await until(() => [...raisedDuring, ...raisedAfter].every((n) => delivered(n.id) > 0), 60_000);
    const mailedOn = (day: string) => mails.filter((m) => m.subject.endsWith(day));
    const recipientsDuring = new Set(raisedDuring.map((n) => n.recipient_id));
    const emailOf = async (id: string) =>
      (await rows(`SELECT email FROM app_user WHERE id = $1`, [id]))[0].email as string;
    for (const d of digestedDuring) {
      const email = await emailOf(d.recipient_id);
      await until(() => mailedOn('2027-01-05').some((m) => m.to.includes(email)), 60_000);
    }
    expect([...recipientsDuring].every((r) => digestedDuring.some((d) => d.recipient_id === r))).toBe(true);

    // The same day again, as often as Redis and the schedule ask: nothing raised or digested twice.
    expect(await sweepOn('2027-01-05')).toMatchObject({ raised: 0, digests: 0 });
    // The next morning's digest carries what was raised after that day's digest went: each item once.
    expect((await sweepOn('2027-01-06')).digests).toBeGreaterThan(0);
    await until(() => mailedOn('2027-01-06').some((m) => m.to.includes(analyst.email)), 60_000);
    const nextDay = mailedOn('2027-01-06').filter((m) => m.to.includes(analyst.email));
    expect(nextDay).toHaveLength(1);
    expect(nextDay[0].text.split(caseB.reference).length - 1).toBe(
      raisedAfter.filter((n) => n.recipient_id === analyst.id).length,
    );
    const analystMails = mails.filter((m) => m.to.includes(analyst.email));
    for (const n of raisedDuring.filter((x) => x.recipient_id === analyst.id)) {
      // Each reminder raised during the outage is in exactly one of the analyst's digests (that day's).
      const holding = analystMails.filter(
        (m) => m.text.includes(n.reference) && m.subject.endsWith('2027-01-05'),
      );
      expect(holding).toHaveLength(1);
    }

    // Once per key: one inbox row per reminder, one outbox message per reminder event, one digest per person
    // and day; a webhook key delivered again (at least once) is the same event.
    expect(
      await rows(
        `SELECT kind, record_id, due_on, recipient_id FROM notification
          GROUP BY 1, 2, 3, 4 HAVING count(*) > 1`,
      ),
    ).toEqual([]);
    expect(await rows(`SELECT idempotency_key FROM outbox_message GROUP BY 1 HAVING count(*) > 1`)).toEqual(
      [],
    );
    const keysNow = (await rows(`SELECT idempotency_key FROM outbox_message`)).map(
      (r) => r.idempotency_key as string,
    );
    for (const n of [...raisedDuring, ...raisedAfter]) {
      expect(keysNow.filter((k) => k === raisedKey(n.id))).toHaveLength(1);
    }
    expect(keysNow.length).toBeGreaterThan(outboxBefore.length);
    const perPersonDay = mails.map((m) => `${m.to}|${m.subject.slice(-10)}`);
    expect(new Set(perPersonDay).size).toBe(perPersonDay.length);
    const bodyOf = new Map<string, string>();
    for (const d of deliveries) {
      const key = String(d.headers['idempotency-key']);
      const event = JSON.stringify(JSON.parse(d.body) as object);
      const seen = bodyOf.get(key);
      if (seen !== undefined) expect(event).toBe(seen);
      else bodyOf.set(key, event);
    }
    expect(
      await rows(`SELECT recipient_id, digest_on FROM notification_digest GROUP BY 1, 2 HAVING count(*) > 1`),
    ).toEqual([]);
  }, 240_000);

  it('has the mail transport registered with the relay as soon as the worker is made, before any queue runs', async () => {
    // Providers made, no lifecycle hook run: the queues' workers start in one, and a relay batch may run then.
    const made = await Test.createTestingModule({
      imports: [WorkerModule.register(workerConfig())],
    }).compile();
    try {
      expect(made.get(OutboxRelayService).owns(TOPICS.digest)).toBe(true);
    } finally {
      await made.close();
    }
  });

  it('renders a digest from references alone', () => {
    const { subject: s, text } = digestText({
      to: 'x@y',
      date: '2026-12-06',
      items: [
        {
          words: 'development review due',
          reference: 'INT-2026-ABCDEF',
          dueOn: '2026-12-10',
          escalated: true,
          link: 'https://l/x',
        },
      ],
    });
    expect(s).toBe('Lantern: 1 reminder for 2026-12-06');
    expect(text).toContain('INT-2026-ABCDEF: development review due (2026-12-10) [escalated to you]');
  });
});
