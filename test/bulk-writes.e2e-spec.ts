import { randomUUID } from 'node:crypto';
import { Transactions } from '../src/database/database.module.js';
import { MAX_BIND_PARAMETERS } from '../src/database/sql.js';
import {
  NotificationKind,
  NotificationRecordType,
} from '../src/modules/notifications/notifications.enums.js';
import {
  type NewNotification,
  NotificationsRepository,
} from '../src/modules/notifications/notifications.repository.js';
import { type NewOutboxMessage, OutboxRepository } from '../src/modules/vetting/outbox.repository.js';
import { startApp, type TestApp } from './helpers/app.js';

/**
 * The worker's writes whose size follows the force's data, not one request: a first reminders sweep over a
 * decade's open records, a vetting sweep's outbox messages. On the bench's data (1M reports, 50,000 cases) the
 * reminders sweep raised ~12,000 notifications in one INSERT of 8 parameters a row and failed every time
 * ("bind message has 31360 parameter formats but 0 parameters": PostgreSQL counts parameters in 16 bits).
 */
describe('bulk writes beyond one statement’s parameters', () => {
  let t: TestApp;
  let tx: Transactions;
  let recipient: string;

  beforeAll(async () => {
    t = await startApp();
    tx = t.app.get(Transactions, { strict: false });
    const { rows } = await t.db.pool.query<{ id: string }>(
      `INSERT INTO app_user (email, display_name, roles, password_hash)
       VALUES ('bulk@lantern.test', 'Bulk Recipient', ARRAY['analyst']::user_role[], 'x') RETURNING id`,
    );
    recipient = rows[0].id;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('raises every reminder once, in one transaction, however many there are', async () => {
    const repository = t.app.get(NotificationsRepository, { strict: false });
    // 8 parameters a row: 12,000 rows need 96,000, about one and a half statements' worth.
    const items: NewNotification[] = Array.from({ length: 12_000 }, (_, i) => ({
      kind: NotificationKind.AssessmentTargetOverdue,
      recordType: NotificationRecordType.IntelligenceReport,
      recordId: randomUUID(),
      reference: `INT-2020-${String(i).padStart(6, '0')}`,
      dueOn: '2020-01-01',
      recipientId: recipient,
      escalated: false,
    }));
    expect(items.length * 8).toBeGreaterThan(MAX_BIND_PARAMETERS);
    const raised = await tx.write((m) => repository.raise(m, items, '2026-12-07'));
    expect(raised).toHaveLength(items.length);
    expect(new Set(raised.map((n) => n.record_id))).toEqual(new Set(items.map((i) => i.recordId)));
    // Once per key: the same items again raise nothing.
    await expect(tx.write((m) => repository.raise(m, items, '2026-12-08'))).resolves.toEqual([]);
    const { rows } = await t.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM notification');
    expect(Number(rows[0].n)).toBe(items.length);
  });

  it('enqueues every outbox message once, and a failure leaves none of them', async () => {
    // The worker's repository (it has no dependencies); the API app lends its unit of work.
    const outbox = new OutboxRepository();
    const messages: NewOutboxMessage[] = Array.from({ length: 25_000 }, (_, i) => ({
      topic: 'bulk.test',
      key: `bulk:${i}`,
      payload: { i },
    }));
    expect(messages.length * 3).toBeGreaterThan(MAX_BIND_PARAMETERS);
    // A failure after the slices were written takes them all back: they share the unit of work's transaction.
    await expect(
      tx.write(async (m) => {
        await outbox.enqueue(m, messages);
        throw new Error('later step failed');
      }),
    ).rejects.toThrow('later step failed');
    const count = async () =>
      Number(
        (
          await t.db.pool.query<{ n: string }>(
            `SELECT count(*) AS n FROM outbox_message WHERE topic = 'bulk.test'`,
          )
        ).rows[0].n,
      );
    expect(await count()).toBe(0);
    await tx.write((m) => outbox.enqueue(m, messages));
    await tx.write((m) => outbox.enqueue(m, messages));
    expect(await count()).toBe(messages.length);
  });
});
