import { Inject, Injectable } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { AppConfig } from '../../config/app-config.js';
import type { OutboxMessage } from '../vetting/outbox.service.js';
import { OutboxRelayService, type OutboxTransport } from '../vetting/outbox-relay.service.js';
import { TOPICS } from './reminders.service.js';

/** A digest's payload (built by RemindersService: references, kinds, dates and links only). */
interface DigestPayload {
  to: string;
  date: string;
  items: { words: string; reference: string; dueOn: string; escalated: boolean; link: string }[];
}

/**
 * The digest e-mail's text: one line per item, its reference, what is due and when, and its console link. No
 * narrative, no names of subjects (the payload has none to give).
 */
export function digestText(p: DigestPayload): { subject: string; text: string } {
  const lines = p.items.map(
    (i) =>
      `- ${i.reference}: ${i.words} (${i.dueOn})${i.escalated ? ' [escalated to you]' : ''}\n  ${i.link}`,
  );
  return {
    subject: `Lantern: ${p.items.length} reminder${p.items.length === 1 ? '' : 's'} for ${p.date}`,
    text: [
      `Reminders for ${p.date}. Open each in the Lantern console for the details.`,
      '',
      ...lines,
      '',
      'OFFICIAL-SENSITIVE. This message holds references only.',
    ].join('\n'),
  };
}

/**
 * Sends the outbox's digest messages by SMTP (nodemailer, SMTP_URL), registered with the outbox relay: the
 * same claim, lease, retry with backoff and once-per-key as the webhook. The Message-ID is derived from the
 * idempotency key, so a mail server or client can drop a repeat after a crash mid-send. Off without SMTP_URL
 * (the digests then wait; they never go to the webhook). Registered with the relay as it is made, before any
 * queue runs: registered later (in `onModuleInit`), a relay batch run by a worker just started took the digests
 * for webhook messages, POSTed them there and marked them delivered, and the mail was never sent.
 */
@Injectable()
export class DigestMailTransport implements OutboxTransport {
  readonly topics = [TOPICS.digest];
  readonly enabled: boolean;
  private readonly transporter: Transporter | null;

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    relay: OutboxRelayService,
  ) {
    this.enabled = !!config.SMTP_URL;
    this.transporter = config.SMTP_URL
      ? nodemailer.createTransport(config.SMTP_URL, { connectionTimeout: 10_000, socketTimeout: 10_000 })
      : null;
    relay.register(this);
  }

  async send(message: OutboxMessage, signal: AbortSignal): Promise<string | null> {
    if (!this.transporter) return 'e-mail is off';
    if (signal.aborted) return 'aborted';
    const payload = message.payload as unknown as DigestPayload;
    const { subject, text } = digestText(payload);
    try {
      await this.transporter.sendMail({
        from: this.config.SMTP_FROM,
        to: payload.to,
        subject,
        text,
        messageId: `<${message.idempotency_key.replace(/[^A-Za-z0-9.-]/g, '.')}@lantern>`,
      });
      return null;
    } catch (error) {
      return `smtp: ${(error as Error).message}`.slice(0, 500);
    }
  }
}
