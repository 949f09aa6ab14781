import { createHmac } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { Transactions } from '../../database/database.module.js';

const BATCH = 100;
const CONCURRENCY = 8;
const TIMEOUT_MS = 10_000;
/** A relay job stops taking new batches after this long (the next one carries on). */
const BUDGET_MS = 20_000;

/** Seconds to wait before attempt n+1 after n failures: 5 s, 10 s, 20 s ... at most an hour. */
export const backoffSeconds = (attempts: number): number =>
  Math.min(5 * 2 ** Math.max(0, attempts - 1), 3600);

/** The value of X-Lantern-Signature: HMAC-SHA256 of the exact body bytes, hex, with its scheme. */
export const signature = (secret: string, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;

interface Message {
  id: string;
  topic: string;
  idempotency_key: string;
  payload: Record<string, unknown>;
  attempts: number;
}

export interface RelayResult {
  delivered: number;
  failed: number;
}

/**
 * Delivers outbox messages to ALERT_WEBHOOK_URL: JSON body, `X-Lantern-Signature` (HMAC-SHA256 of the
 * body with ALERT_WEBHOOK_SECRET), `Idempotency-Key` (one per alert: the receiver drops repeats). Rows
 * are claimed with FOR UPDATE SKIP LOCKED, so any number of workers relay without sending one message
 * twice; a failure is retried with exponential backoff. Without a webhook URL messages wait (and are
 * delivered once one is configured).
 */
@Injectable()
export class OutboxRelayService {
  private readonly logger = new Logger(OutboxRelayService.name);

  constructor(
    private readonly tx: Transactions,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async relay(): Promise<RelayResult> {
    const total: RelayResult = { delivered: 0, failed: 0 };
    if (!this.config.ALERT_WEBHOOK_URL) return total;
    const started = Date.now();
    for (;;) {
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
    return this.tx.run(async (m) => {
      const messages = await m.query<Message[]>(
        `SELECT id, topic, idempotency_key, payload, attempts FROM outbox_message
          WHERE delivered_at IS NULL AND next_attempt_at <= now()
          ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [BATCH],
      );
      const ok: string[] = [];
      const failed: { id: string; attempts: number; error: string }[] = [];
      let next = 0;
      const work = async (): Promise<void> => {
        while (next < messages.length) {
          const message = messages[next++];
          const error = await this.send(message);
          if (error === null) ok.push(message.id);
          else failed.push({ id: message.id, attempts: message.attempts + 1, error });
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, messages.length) }, work));
      if (ok.length > 0) {
        await m.query(
          `UPDATE outbox_message SET delivered_at = now(), attempts = attempts + 1, last_error = NULL
            WHERE id = ANY($1::uuid[])`,
          [ok],
        );
      }
      if (failed.length > 0) {
        await m.query(
          `UPDATE outbox_message o SET attempts = f.attempts, last_error = f.error,
                  next_attempt_at = now() + make_interval(secs => f.delay)
             FROM unnest($1::uuid[], $2::int[], $3::text[], $4::int[]) AS f(id, attempts, error, delay)
            WHERE o.id = f.id`,
          [
            failed.map((f) => f.id),
            failed.map((f) => f.attempts),
            failed.map((f) => f.error.slice(0, 500)),
            failed.map((f) => backoffSeconds(f.attempts)),
          ],
        );
      }
      return { claimed: messages.length, delivered: ok.length, failed: failed.length };
    });
  }

  /** null when delivered (2xx); otherwise why not (no body content, which may hold nothing sensitive anyway). */
  private async send(message: Message): Promise<string | null> {
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
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await res.arrayBuffer().catch(() => undefined);
      return res.ok ? null : `HTTP ${res.status}`;
    } catch (error) {
      return (error as Error).name === 'TimeoutError' ? 'timeout' : `network: ${(error as Error).message}`;
    }
  }
}
