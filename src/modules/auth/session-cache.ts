import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import pg from 'pg';
import type { Role } from '../../common/auth/roles.js';
import { AppConfig } from '../../config/app-config.js';
import { connectionOptions } from '../../database/data-source.js';

/** What the per-request check found for a token's (user, session, auth version). */
export interface LiveSession {
  roles: Role[];
  workforceMemberId: string | null;
  /** When the session itself ends (epoch ms). */
  expiresAt: number;
}

interface Entry extends LiveSession {
  userId: string;
  /** When this entry must be checked against the database again (epoch ms). */
  until: number;
}

export const AUTH_CHANNEL = 'lantern_auth';
const MAX_ENTRIES = 10_000;

/**
 * The per-request session check, cached in the API process for at most AUTH_CACHE_SECONDS, and only while
 * this process is listening to `lantern_auth`: triggers on app_user and auth_session notify that channel with
 * the user's id whenever a change could end their access (logout, disable, role or password change, a
 * session revoked), and the entries of that user are dropped. So a revocation still takes effect on the next
 * request, in every API process, without a database round trip on every request.
 *
 * Races: a check that was already running when a notification arrived is not cached (`epoch`), and the
 * process that makes a change drops the user's entries itself at once (`forgetUser`), not only when the
 * notification comes back. When the listening connection is lost, the cache empties and is bypassed until it
 * is listening again: it fails towards the database, never towards a stale answer.
 */
@Injectable()
export class SessionCache implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SessionCache.name);
  private readonly entries = new Map<string, Entry>();
  private epoch = 0;
  private listening = false;
  private client: pg.Client | null = null;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(@Inject(AppConfig) private readonly config: AppConfig) {}

  private get enabled(): boolean {
    return this.config.AUTH_CACHE_SECONDS > 0;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.enabled) await this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.stopListening();
  }

  /** The live session behind a token, from the cache or from `check` (the database). */
  async get(
    userId: string,
    sessionId: string,
    authVersion: number,
    check: () => Promise<LiveSession | null>,
  ): Promise<LiveSession | null> {
    const key = `${sessionId}:${userId}:${authVersion}`;
    const now = Date.now();
    const hit = this.listening ? this.entries.get(key) : undefined;
    if (hit && hit.until > now) return hit;
    if (hit) this.entries.delete(key);

    const epoch = this.epoch;
    const live = await check();
    // Only what no notification may have overtaken is kept; a failed check (null) is never cached.
    if (live && this.listening && epoch === this.epoch) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(key, {
        ...live,
        userId,
        until: Math.min(now + this.config.AUTH_CACHE_SECONDS * 1000, live.expiresAt),
      });
    }
    return live;
  }

  /** Drops what is cached about a user (called by the change itself and on each notification). */
  forgetUser(userId: string): void {
    this.epoch++;
    for (const [key, entry] of this.entries) if (entry.userId === userId) this.entries.delete(key);
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.config.DATABASE_URL,
      options: connectionOptions(),
      application_name: 'lantern-auth-listener',
    });
    const lost = (error?: Error) => {
      if (this.client !== client) return;
      if (error) this.logger.warn(`auth change listener lost (${error.message}); checking every request`);
      this.stopListening();
      if (!this.closed) this.retry = setTimeout(() => void this.listen(), 1000);
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (message) => {
      if (message.channel === AUTH_CHANNEL && message.payload) this.forgetUser(message.payload);
    });
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${AUTH_CHANNEL}`);
      // Anything cached before now may have missed a notification.
      this.entries.clear();
      this.epoch++;
      this.listening = true;
    } catch (error) {
      lost(error as Error);
    }
  }

  private stopListening(): void {
    this.listening = false;
    this.entries.clear();
    this.epoch++;
    const client = this.client;
    this.client = null;
    if (client) void client.end().catch(() => undefined);
  }
}
