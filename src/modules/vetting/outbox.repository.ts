import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { EntityManager } from 'typeorm';
import { all, allInSlices, db, execute } from '../../database/sql.js';
import type { JsonObject } from '../../database/db.js';

/** A claimed outbox message, ready to send. */
export interface OutboxMessage {
  id: string;
  topic: string;
  idempotency_key: string;
  /** Built by the alert trigger (jsonb_build_object). */
  payload: JsonObject;
  attempts: number;
}

/** A message to send: its topic, idempotency key and JSON payload (ids, codes, dates and references only). */
export interface NewOutboxMessage {
  topic: string;
  key: string;
  payload: JsonObject;
}

/** A failed delivery: its new attempt count, why, and the delay before the next one. */
export interface FailedDelivery {
  id: string;
  attempts: number;
  error: string;
  delaySeconds: number;
}

/**
 * The outbox's SQL (outbox_message, written by the alert table's trigger in the change's transaction, and by
 * OutboxService.enqueue for other modules' messages).
 */
@Injectable()
export class OutboxRepository {
  /**
   * Claims up to `limit` due messages in one short statement (FOR UPDATE SKIP LOCKED, then leased: their
   * next attempt moved `leaseSeconds` ahead), oldest first: those of `route.topics` (the enabled transports')
   * and, when `route.others` (the webhook), those of no transport's topic (`route.owned`, enabled or not).
   */
  claim(
    tx: EntityManager,
    limit: number,
    leaseSeconds: number,
    route: { topics: readonly string[]; owned: readonly string[]; others: boolean },
  ): Promise<OutboxMessage[]> {
    return all(
      tx,
      sql<OutboxMessage>`WITH claimed AS (
         UPDATE outbox_message o SET next_attempt_at = now() + make_interval(secs => ${leaseSeconds})
           FROM (SELECT id FROM outbox_message
                  WHERE delivered_at IS NULL AND next_attempt_at <= now()
                    AND (topic = ANY(${[...route.topics]}::text[])
                         OR (${route.others}::boolean AND NOT topic = ANY(${[...route.owned]}::text[])))
                  ORDER BY next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED) c
          WHERE o.id = c.id
          RETURNING o.id, o.topic, o.idempotency_key, o.payload, o.attempts, o.created_at)
       SELECT id, topic, idempotency_key, payload, attempts FROM claimed ORDER BY created_at, id`.compile(db),
    );
  }

  /** New messages (in the caller's transaction); a key already there is skipped (once per key). */
  async enqueue(tx: EntityManager, messages: readonly NewOutboxMessage[]): Promise<void> {
    // A sweep of a force's clearances, or a first reminders sweep, can enqueue more messages than one
    // statement's parameters allow.
    await allInSlices(tx, messages, (slice) =>
      db
        .insertInto('outbox_message')
        .values(
          slice.map((m) => ({
            topic: m.topic,
            idempotency_key: m.key,
            payload: JSON.stringify(m.payload),
          })),
        )
        .onConflict((oc) => oc.column('idempotency_key').doNothing()),
    );
  }

  async delivered(tx: EntityManager, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await execute(
      tx,
      db
        .updateTable('outbox_message')
        .set((eb) => ({ delivered_at: sql<Date>`now()`, attempts: eb('attempts', '+', 1), last_error: null }))
        .where('id', 'in', ids),
    );
  }

  /** Handed back untried: due again at once, no attempt counted. */
  async handBack(tx: EntityManager, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await execute(
      tx,
      db
        .updateTable('outbox_message')
        .set({ next_attempt_at: sql<Date>`now()` })
        .where('id', 'in', ids),
    );
  }

  async failed(tx: EntityManager, failures: FailedDelivery[]): Promise<void> {
    if (failures.length === 0) return;
    await execute(
      tx,
      sql`UPDATE outbox_message o SET attempts = f.attempts, last_error = f.error,
                 next_attempt_at = now() + make_interval(secs => f.delay)
            FROM unnest(${failures.map((f) => f.id)}::uuid[], ${failures.map((f) => f.attempts)}::int[],
                        ${failures.map((f) => f.error)}::text[], ${failures.map((f) => f.delaySeconds)}::int[])
                 AS f(id, attempts, error, delay)
           WHERE o.id = f.id`.compile(db),
    );
  }
}
