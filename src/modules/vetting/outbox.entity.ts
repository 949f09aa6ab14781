import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Messages to deliver outside Lantern (the alert webhook), written in the same transaction as the change
 * they announce and relayed by the worker (`FOR UPDATE SKIP LOCKED`); the idempotency key is unique, so
 * a message exists once, and the receiver de-duplicates retries by it.
 */
@Entity('outbox_message')
@Index('ix_outbox_message_pending', ['nextAttemptAt'], { where: 'delivered_at IS NULL' })
export class OutboxMessage {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 64 })
  topic: string;

  @Index('uq_outbox_message_idempotency_key', { unique: true })
  @Column({ type: 'varchar', length: 128 })
  idempotencyKey: string;

  /** Ids and codes only: no names, no narrative. */
  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  lastError: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
