import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  type AddressInfo,
  connect as connectTcp,
  createServer as createNetServer,
  type Server,
  type Socket,
} from 'node:net';
import { Redis } from 'ioredis';
import type pg from 'pg';

/**
 * Real processes for the outage tests: the compiled worker and API (`dist/`, built by `npm test`) and private
 * redis-servers the test may stop. Every wait polls for a condition, with a deadline (no timing assertions).
 */

export async function waitFor<T>(
  what: string,
  check: () => Promise<T | false | null | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createNetServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });

export interface Proc {
  proc: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** `node dist/src/<entry>.js` with only the environment given (plus PATH and test defaults). */
export function startNode(entry: 'worker' | 'main', env: Record<string, string>): Proc {
  let output = '';
  const proc = spawn(process.execPath, [`dist/src/${entry}.js`], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      JWT_SECRET: randomBytes(32).toString('hex'),
      DATABASE_POOL_SIZE: '4',
      VETTING_SWEEP_CRON: '0 0 1 1 *',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, output: () => output, exited };
}

export async function stopProc(p: Proc | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!p || p.proc.exitCode !== null || p.proc.signalCode !== null) return;
  p.proc.kill(signal);
  const timer = setTimeout(() => p.proc.kill('SIGKILL'), 60_000);
  await p.exited;
  clearTimeout(timer);
}

/** A private redis-server without persistence: stopping it loses everything, as a restart without data. */
export class PrivateRedis {
  private proc: ChildProcess | undefined;
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.proc = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    const probe = new Redis({
      port: this.port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => undefined);
    await waitFor('redis-server to answer', async () => {
      try {
        if (probe.status !== 'ready') await probe.connect();
        return (await probe.ping()) === 'PONG';
      } catch {
        probe.disconnect();
        return false;
      }
    });
    probe.disconnect();
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const done = new Promise((r) => proc.on('exit', r));
    proc.kill('SIGTERM');
    await done;
  }
}

/** Sessions of the worker on a database; `waiting`: those waiting on a lock. */
export async function workerBackends(pool: pg.Pool, db: string, waiting = false): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = $1 AND application_name = 'lantern-worker' ${waiting ? `AND wait_event_type = 'Lock'` : ''}`,
    [db],
  );
  return rows[0].n;
}

/**
 * A TCP proxy in front of PostgreSQL that the test can stop (connections cut, new ones refused), and freeze
 * (connections accepted, nothing forwarded either way, as a server stopped with SIGSTOP), then start again.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly held: (() => void)[] = [];
  private frozen = false;
  port = 0;

  constructor(
    private readonly targetPort: number,
    private readonly targetHost = '127.0.0.1',
  ) {}

  async start(): Promise<void> {
    if (this.server) return;
    const server = createNetServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.held.length = 0;
    if (server) await new Promise((r) => server.close(r));
  }

  freeze(): void {
    this.frozen = true;
    for (const s of this.sockets) s.pause();
  }

  thaw(): void {
    this.frozen = false;
    for (const s of this.sockets) s.resume();
    for (const connect of this.held.splice(0)) connect();
  }

  private track(s: Socket): void {
    this.sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => this.sockets.delete(s));
  }

  private accept(client: Socket): void {
    this.track(client);
    const connect = () => {
      const upstream = connectTcp(this.targetPort, this.targetHost);
      this.track(upstream);
      upstream.on('close', () => client.destroy());
      client.on('close', () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
    };
    if (this.frozen) {
      client.pause();
      this.held.push(connect);
    } else connect();
  }
}
