import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor.js';
import { type Keyset, type Page, pageOf } from '../../common/pagination.js';
import { all, allInSlices, db, execute, first } from '../../database/sql.js';
import { concernsMember, RecordKind, visibleTo } from '../access/access.policy.js';
import type { NotificationKind, NotificationRecordType } from './notifications.enums.js';
import type { NotificationQuery, NotificationView } from './dto/notification.dto.js';

const NEWEST_FIRST: Keyset = {
  columns: [
    { expr: 'n.raised_at', type: 'timestamptz' },
    { expr: 'n.id', type: 'uuid' },
  ],
  direction: 'DESC',
};

/** A notification to raise (its key: kind, record, due date, recipient). */
export interface NewNotification {
  kind: NotificationKind;
  recordType: NotificationRecordType;
  recordId: string;
  reference: string;
  dueOn: string;
  recipientId: string;
  escalated: boolean;
}

const inbox = () =>
  db
    .selectFrom('notification as n')
    .select([
      'n.id',
      'n.kind',
      'n.record_type',
      'n.record_id',
      'n.reference',
      sql<string>`n.due_on::text`.as('due_on'),
      'n.escalated',
      'n.raised_at',
      'n.read_at',
      sql<string | null>`n.resolved_on::text`.as('resolved_on'),
    ]);

type InboxRow = Awaited<ReturnType<ReturnType<typeof inbox>['execute']>>[number];

const toView = (r: InboxRow): NotificationView => ({
  id: r.id,
  kind: r.kind,
  recordType: r.record_type,
  recordId: r.record_id,
  reference: r.reference,
  dueOn: r.due_on,
  escalated: r.escalated,
  raisedAt: r.raised_at.toISOString(),
  readAt: r.read_at ? r.read_at.toISOString() : null,
  resolvedOn: r.resolved_on,
});

/** The SQL of the notification tables (owned by this module). */
@Injectable()
export class NotificationsRepository {
  /** Inserts those not raised before (once per key); returns the ones inserted now, with their ids. */
  raise(tx: EntityManager, items: readonly NewNotification[], today: string) {
    // A first sweep over a force's open records can raise more than one statement's parameters allow.
    return allInSlices(tx, items, (slice) =>
      db
        .insertInto('notification')
        .values(
          slice.map((i) => ({
            kind: i.kind,
            record_type: i.recordType,
            record_id: i.recordId,
            reference: i.reference,
            due_on: i.dueOn,
            recipient_id: i.recipientId,
            escalated: i.escalated,
            raised_on: today,
          })),
        )
        .onConflict((oc) => oc.columns(['kind', 'record_id', 'due_on', 'recipient_id']).doNothing())
        .returning([
          'id',
          'kind',
          'record_type',
          'record_id',
          'reference',
          sql<string>`due_on::text`.as('due_on'),
          'recipient_id',
          'escalated',
        ]),
    );
  }

  /** Every notification not resolved (the worker compares them with the records' current dates). */
  open(tx: EntityManager) {
    return all(
      tx,
      db
        .selectFrom('notification')
        .select([
          'id',
          'kind',
          'record_type',
          'record_id',
          'reference',
          sql<string>`due_on::text`.as('due_on'),
        ])
        .where('resolved_on', 'is', null),
    );
  }

  /** Marks `ids` resolved on `today` (those not yet); returns the ones marked now. */
  resolve(tx: EntityManager, ids: readonly string[], today: string) {
    if (ids.length === 0) return Promise.resolve([]);
    return all(
      tx,
      db
        .updateTable('notification')
        .set({ resolved_on: today })
        .where(sql<boolean>`id = ANY(${[...ids]}::uuid[])`)
        .where('resolved_on', 'is', null)
        .returning([
          'id',
          'kind',
          'record_type',
          'record_id',
          'reference',
          sql<string>`due_on::text`.as('due_on'),
          'recipient_id',
        ]),
    );
  }

  /**
   * The caller's own notifications, newest first: `unread` keeps those not read; records that concern the
   * caller are never shown (policy), even if their link to the record came after the notification.
   */
  page(tx: EntityManager, actor: Actor, query: NotificationQuery): Promise<Page<NotificationView>> {
    let q = inbox()
      .where('n.recipient_id', '=', actor.userId ?? '00000000-0000-0000-0000-000000000000')
      .where(visibleTo(actor, RecordKind.Notification, 'n').expr());
    if (query.unread !== undefined) q = q.where('n.read_at', query.unread ? 'is' : 'is not', null);
    return pageOf(tx, q, NEWEST_FIRST, query, toView);
  }

  /** The caller's own notification `id`, marked read (kept as first read); undefined when none (404). */
  async markRead(tx: EntityManager, actor: Actor, id: string): Promise<NotificationView | undefined> {
    await execute(
      tx,
      db
        .updateTable('notification as n')
        .set({ read_at: sql<Date>`COALESCE(n.read_at, now())` })
        .where('n.id', '=', id)
        .where('n.recipient_id', '=', actor.userId ?? '00000000-0000-0000-0000-000000000000')
        .where(visibleTo(actor, RecordKind.Notification, 'n').expr()),
    );
    const row = await first(
      tx,
      inbox()
        .where('n.id', '=', id)
        .where('n.recipient_id', '=', actor.userId ?? '00000000-0000-0000-0000-000000000000')
        .where(visibleTo(actor, RecordKind.Notification, 'n').expr()),
    );
    return row && toView(row);
  }

  /**
   * Per recipient without a digest on `today`, the notifications not yet mailed (unread, unresolved), oldest
   * due first. The policy is applied again, per recipient (their workforce link may be newer).
   */
  undigested(tx: EntityManager, today: string, links: readonly { userId: string; memberId: string }[]) {
    return all(
      tx,
      db
        .selectFrom('notification as n')
        .select([
          'n.id',
          'n.recipient_id',
          'n.kind',
          'n.record_type',
          'n.record_id',
          'n.reference',
          sql<string>`n.due_on::text`.as('due_on'),
          'n.escalated',
        ])
        .where('n.digest_on', 'is', null)
        .where('n.read_at', 'is', null)
        .where('n.resolved_on', 'is', null)
        .where(
          sql<boolean>`NOT EXISTS (SELECT 1 FROM notification_digest d
            WHERE d.recipient_id = n.recipient_id AND d.digest_on = ${today}::date)`,
        )
        .where(
          sql<boolean>`NOT EXISTS (SELECT 1 FROM unnest(${links.map((l) => l.userId)}::uuid[],
              ${links.map((l) => l.memberId)}::uuid[]) AS link(user_id, member_id)
            WHERE link.user_id = n.recipient_id
              AND ${concernsMember(RecordKind.Notification, 'n', 'link.member_id')})`,
        )
        .orderBy('n.recipient_id')
        .orderBy('n.due_on')
        .orderBy('n.id'),
    );
  }

  /** The recipients with notifications not yet mailed (whose links and addresses the service looks up). */
  async undigestedRecipients(tx: EntityManager): Promise<string[]> {
    const rows = await all(
      tx,
      db
        .selectFrom('notification')
        .select('recipient_id')
        .distinct()
        .where('digest_on', 'is', null)
        .where('read_at', 'is', null)
        .where('resolved_on', 'is', null),
    );
    return rows.map((r) => r.recipient_id);
  }

  /** Records `recipientId`'s digest of `today` (false: one exists) and marks its notifications mailed. */
  async digest(
    tx: EntityManager,
    recipientId: string,
    today: string,
    ids: readonly string[],
  ): Promise<boolean> {
    const made = await all(
      tx,
      db
        .insertInto('notification_digest')
        .values({ recipient_id: recipientId, digest_on: today, items: ids.length })
        .onConflict((oc) => oc.columns(['recipient_id', 'digest_on']).doNothing())
        .returning('recipient_id'),
    );
    if (made.length === 0) return false;
    await execute(
      tx,
      db
        .updateTable('notification')
        .set({ digest_on: today })
        .where(sql<boolean>`id = ANY(${[...ids]}::uuid[])`),
    );
    return true;
  }
}
