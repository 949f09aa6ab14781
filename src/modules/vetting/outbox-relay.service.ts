import { createHmac } from 'node:crypto';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { Transactions } from '../../database/database.module.js';
import { type OutboxMessage, OutboxRepository } from './outbox.repository.js';

const BATCH = 100;
const CONCURRENCY = 8;
const TIMEOUT_MS = 10_000;
/** What `send` answers for a send cut short by the shutdown: handed back, not a failure. */
const ABORTED = 'aborted by shutdown';
/** A relay job stops taking new batches after this long (the next one carries on). */
const BUDGET_MS = 20_000;

/** Seconds to wait before attempt n+1 after n failures: 5 s, 10 s, 20 s ... at most an hour. */
export const backoffSeconds = (attempts: number): number =>
  Math.min(5 * 2 ** Math.max(0, attempts - 1), 3600);

/** The value of X-Lantern-Signature: HMAC-SHA256 of the exact body bytes, hex, with its scheme. */
export const signature = (secret: string, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;

export interface RelayResult {
  delivered: number;
  failed: number;
}

/**
 * Delivers outbox messages to ALERT_WEBHOOK_URL: JSON body, `X-Lantern-Signature` (HMAC-SHA256 of the
 * body with ALERT_WEBHOOK_SECRET), `Idempotency-Key` (one per alert: the receiver drops repeats). A batch
 * is claimed in one short statement (FOR UPDATE SKIP LOCKED, then leased: `next_attempt_at` moved past the
 * time its delivery can take), so any number of workers relay without sending one message twice and no
 * transaction is held while a receiver answers (issue 28); then delivered; then marked delivered, or failed
 * with exponential backoff. A worker that dies mid-batch leaves its lease to expire: those messages are sent
 * again (at least once; the Idempotency-Key makes it once for the receiver). On shutdown the relay stops
 * taking messages, aborts the sends in flight and hands back what it did not send, at once. Without a
 * webhook URL messages wait (and are delivered once one is configured).
 */
@Injectable()
export class OutboxRelayService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelayService.name);
  private readonly shutdown = new AbortController();
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly tx: Transactions,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly repository: OutboxRepository,
  ) {}

  /** Stops sending and waits for the batch in hand to be marked (sends aborted: moments, not timeouts). */
  async beforeApplicationShutdown(): Promise<void> {
    this.shutdown.abort();
    await this.running?.catch(() => undefined);
  }

  async relay(): Promise<RelayResult> {
    const run = this.relayBatches();
    this.running = run;
    try {
      return await run;
    } finally {
      if (this.running === run) this.running = null;
    }
  }

  private async relayBatches(): Promise<RelayResult> {
    const total: RelayResult = { delivered: 0, failed: 0 };
    if (!this.config.ALERT_WEBHOOK_URL) return total;
    const started = Date.now();
    while (!this.shutdown.signal.aborted) {
      const { claimed, delivered, failed } = await this.batch();
      total.delivered += delivered;
      total.failed += failed;
      if (claimed < BATCH || Date.now() - started > BUDGET_MS) break;
    }
    if (total.delivered + total.failed > 0) {
      this.logger.log(`outbox relay: delivered ${total.delivered}, failed ${total.failed}`);
    }
    return total;
  }

  private async batch(): Promise<RelayResult & { claimed: number }> {
    // The lease: longer than the batch can take to send (every message timing out, CONCURRENCY at a time).
    const leaseSeconds = Math.ceil((Math.ceil(BATCH / CONCURRENCY) * TIMEOUT_MS) / 1000) + 30;
    // Claimed in a statement of its own: no transaction is held while receivers answer.
    const messages = await this.tx.write((m) => this.repository.claim(m, BATCH, leaseSeconds));
    const ok: string[] = [];
    const unsent: string[] = [];
    const failed: { id: string; attempts: number; error: string }[] = [];
    let next = 0;
    const work = async (): Promise<void> => {
      while (next < messages.length) {
        const message = messages[next++];
        if (this.shutdown.signal.aborted) {
          unsent.push(message.id);
          continue;
        }
        const error = await this.send(message);
        if (error === null) ok.push(message.id);
        else if (error === ABORTED) unsent.push(message.id);
        else failed.push({ id: message.id, attempts: message.attempts + 1, error });
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, messages.length) }, work));
    await this.tx.write(async (m) => {
      await this.repository.delivered(m, ok);
      await this.repository.handBack(m, unsent);
      await this.repository.failed(
        m,
        failed.map((f) => ({ ...f, error: f.error.slice(0, 500), delaySeconds: backoffSeconds(f.attempts) })),
      );
    });
    return { claimed: messages.length, delivered: ok.length, failed: failed.length };
  }

  /** null when delivered (2xx); otherwise why not (no body content, which may hold nothing sensitive anyway). */
  private async send(message: OutboxMessage): Promise<string | null> {
    const body = JSON.stringify({ ...message.payload, idempotencyKey: message.idempotency_key });
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'idempotency-key': message.idempotency_key,
      'x-lantern-event': message.topic,
      'x-lantern-delivery': message.id,
    };
    if (this.config.ALERT_WEBHOOK_SECRET) {
      headers['x-lantern-signature'] = signature(this.config.ALERT_WEBHOOK_SECRET, body);
    }
    try {
      const res = await fetch(this.config.ALERT_WEBHOOK_URL, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.any([AbortSignal.timeout(TIMEOUT_MS), this.shutdown.signal]),
      });
      await res.arrayBuffer().catch(() => undefined);
      return res.ok ? null : `HTTP ${res.status}`;
    } catch (error) {
      if (this.shutdown.signal.aborted) return ABORTED;
      return (error as Error).name === 'TimeoutError' ? 'timeout' : `network: ${(error as Error).message}`;
    }
  }
}
