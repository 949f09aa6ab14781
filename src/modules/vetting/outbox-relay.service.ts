import { createHmac, timingSafeEqual } from 'node:crypto';
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

/**
 * The value of X-Lantern-Signature: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` (docs/reminders.md).
 * The timestamp is signed with the body, so a receiver refuses a replay outside its window.
 */
export const signature = (secret: string, body: string, unixSeconds: number): string =>
  `t=${unixSeconds},v1=${createHmac('sha256', secret).update(`${unixSeconds}.${body}`, 'utf8').digest('hex')}`;

/** The replay window a receiver should apply (seconds either side of its clock); documented. */
export const WEBHOOK_REPLAY_WINDOW_SECONDS = 300;

/**
 * A receiver's check of X-Lantern-Signature (exported for receivers written in TypeScript and for the tests):
 * the scheme parses, the timestamp is within `windowSeconds` of `nowSeconds`, and some v1 matches (compared in
 * constant time).
 */
export function verifySignature(
  secret: string,
  header: string | undefined,
  body: string,
  nowSeconds: number,
  windowSeconds = WEBHOOK_REPLAY_WINDOW_SECONDS,
): boolean {
  if (!header) return false;
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > windowSeconds) return false;
  const expected = Buffer.from(signature(secret, body, t).split('v1=')[1], 'hex');
  return parts
    .filter(([k, v]) => k === 'v1' && /^[0-9a-f]{64}$/.test(v ?? ''))
    .some(([, v]) => timingSafeEqual(Buffer.from(v, 'hex'), expected));
}

/**
 * A way out for messages of some topics other than the webhook (e.g. the notifications module's digest
 * e-mails): `send` answers null when delivered, otherwise why not; `enabled` false leaves them waiting. Register
 * it in its constructor: a relay batch may run as soon as the worker's queues start (before any module's
 * `onModuleInit`), and a topic no transport has claimed yet would otherwise be taken for the webhook's.
 */
export interface OutboxTransport {
  topics: readonly string[];
  enabled: boolean;
  send(message: OutboxMessage, signal: AbortSignal): Promise<string | null>;
}

export interface RelayResult {
  delivered: number;
  failed: number;
}

/**
 * Delivers outbox messages to ALERT_WEBHOOK_URL: JSON body, `X-Lantern-Signature` (`t=…,v1=…`: HMAC-SHA256
 * of the timestamp and the body with ALERT_WEBHOOK_SECRET), `Idempotency-Key` (one per alert: the receiver drops repeats). A batch
 * is claimed in one short statement (FOR UPDATE SKIP LOCKED, then leased: `next_attempt_at` moved past the
 * time its delivery can take), so any number of workers relay without sending one message twice and no
 * transaction is held while a receiver answers (issue 28); then delivered; then marked delivered, or failed
 * with exponential backoff. A worker that dies mid-batch leaves its lease to expire: those messages are sent
 * again (at least once; the Idempotency-Key makes it once for the receiver). On shutdown the relay stops
 * taking messages, aborts the sends in flight and hands back what it did not send, at once. Without a
 * webhook URL messages wait (and are delivered once one is configured). Topics a registered transport
 * claims (the digest e-mails) go to it instead, by the same claim, lease, backoff and once per key.
 */
@Injectable()
export class OutboxRelayService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelayService.name);
  private readonly shutdown = new AbortController();
  private running: Promise<unknown> | null = null;
  private readonly transports: OutboxTransport[] = [];
  /** Every registered transport's topics, enabled or not: never sent to the webhook. */
  private readonly owned = new Set<string>();

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

  /** Routes `transport.topics` to it (at start, by the module that owns them). */
  register(transport: OutboxTransport): void {
    this.transports.push(transport);
    for (const topic of transport.topics) this.owned.add(topic);
  }

  /** Whether a transport has claimed `topic` (its messages are never the webhook's). */
  owns(topic: string): boolean {
    return this.owned.has(topic);
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
    if (!this.config.ALERT_WEBHOOK_URL && !this.transports.some((t) => t.enabled)) return total;
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
    const route = {
      topics: this.transports.flatMap((t) => (t.enabled ? t.topics : [])),
      owned: [...this.owned],
      others: !!this.config.ALERT_WEBHOOK_URL,
    };
    const messages = await this.tx.write((m) => this.repository.claim(m, BATCH, leaseSeconds, route));
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
    const transport = this.transports.find((t) => t.enabled && t.topics.includes(message.topic));
    if (transport) {
      try {
        const error = await transport.send(message, this.shutdown.signal);
        return error !== null && this.shutdown.signal.aborted ? ABORTED : error;
      } catch (error) {
        return this.shutdown.signal.aborted
          ? ABORTED
          : `${(error as Error).name}: ${(error as Error).message}`;
      }
    }
    const body = JSON.stringify({ ...message.payload, idempotencyKey: message.idempotency_key });
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'idempotency-key': message.idempotency_key,
      'x-lantern-event': message.topic,
      'x-lantern-delivery': message.id,
    };
    if (this.config.ALERT_WEBHOOK_SECRET) {
      headers['x-lantern-signature'] = signature(
        this.config.ALERT_WEBHOOK_SECRET,
        body,
        Math.floor(Date.now() / 1000),
      );
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
