import pg from 'pg';
import { Redis } from 'ioredis';
import type { DatabaseConfig } from '../config/app-config.js';

/**
 * Start-up in one line (issue 28): a connection problem at start is one line on stderr naming what is wrong,
 * and exit code 1, not a stack per retry. The entry points check PostgreSQL before Nest starts; the worker
 * waits for Redis, one line per attempt with backoff.
 */
export class StartupError extends Error {}

const where = (url: string): string => {
  const u = new URL(url);
  return `${u.hostname}:${u.port || (u.protocol.startsWith('redis') ? 6379 : 5432)}${u.protocol.startsWith('redis') ? '' : u.pathname}`;
};

/** The error's code and message, one line, without credentials (the URL is never part of it). */
const reason = (error: unknown): string => {
  const e = error as { code?: unknown; message?: unknown };
  const message = String(e?.message ?? error).split('\n')[0];
  return typeof e?.code === 'string' && !message.includes(e.code) ? `${e.code}: ${message}` : message;
};

/** Connects once (within DATABASE_CONNECT_TIMEOUT_MS) and runs `SELECT 1`, or throws a StartupError. */
export async function checkDatabase(config: DatabaseConfig): Promise<void> {
  const client = new pg.Client({
    connectionString: config.DATABASE_URL,
    connectionTimeoutMillis: config.DATABASE_CONNECT_TIMEOUT_MS,
    application_name: 'lantern-startup-check',
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new StartupError(
      `PostgreSQL at ${where(config.DATABASE_URL)} is not usable (${reason(error)}): check DATABASE_URL and that the server is up`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Waits until Redis answers PING, logging one line per failed attempt; backoff 1, 2, 4 … 30 s. */
export async function waitForRedis(url: string, log: (line: string) => void): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const u = new URL(url);
    const client = new Redis({
      host: u.hostname,
      port: Number(u.port || 6379),
      username: u.username ? decodeURIComponent(u.username) : undefined,
      password: u.password ? decodeURIComponent(u.password) : undefined,
      tls: u.protocol === 'rediss:' ? {} : undefined,
      lazyConnect: true,
      connectTimeout: 2000,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    let cause: unknown;
    client.on('error', (error: unknown) => (cause ??= error));
    try {
      await client.connect();
      await client.ping();
      return;
    } catch (error) {
      const delay = Math.min(2 ** (attempt - 1), 30);
      log(
        `Redis at ${where(url)} unreachable (${reason(cause ?? error)}); attempt ${attempt}, next in ${delay}s`,
      );
      await new Promise((r) => setTimeout(r, delay * 1000));
    } finally {
      client.disconnect();
    }
  }
}

/** Writes the one line for a failed start and exits 1. */
export function failStartup(error: unknown, listen?: { port: number; host: string }): never {
  const e = error as { code?: unknown };
  const line =
    error instanceof StartupError
      ? error.message
      : e?.code === 'EADDRINUSE' && listen
        ? `Port ${listen.port} on ${listen.host} is already in use (EADDRINUSE): set PORT or stop the other process`
        : e?.code === 'EACCES' && listen
          ? `Port ${listen.port} on ${listen.host} may not be used by this user (EACCES): set PORT`
          : `Lantern failed to start: ${(error as Error)?.name ?? 'Error'}: ${reason(error)}`;
  process.stderr.write(`${line}\n`);
  process.exit(1);
}
