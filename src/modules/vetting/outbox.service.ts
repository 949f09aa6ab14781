import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type NewOutboxMessage, OutboxRepository } from './outbox.repository.js';

export type { NewOutboxMessage, OutboxMessage } from './outbox.repository.js';

/**
 * For other modules (the notifications module's reminders and digests): writes messages into the outbox in
 * the caller's transaction, once per idempotency key; the worker's relay delivers them (OutboxRelayService).
 */
@Injectable()
export class OutboxService {
  constructor(private readonly repository: OutboxRepository) {}

  enqueue(tx: EntityManager, messages: readonly NewOutboxMessage[]): Promise<void> {
    return this.repository.enqueue(tx, messages);
  }
}
