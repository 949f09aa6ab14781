import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import autocannon from 'autocannon';
import pg from 'pg';

export interface Result {
  scenario: string;
  lantern: number;
  baseline: number | null;
  unit: string;
  /** lantern ÷ baseline for times (lower is better), baseline ÷ lantern… see `better`. */
  ratio: number | null;
  target: string;
  pass: boolean | null;
}

export const say = (line: string): boolean => process.stdout.write(`${line}\n`);

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median wall time (ms) of `fn` after warm-up runs. */
export async function time(fn: () => Promise<unknown>, runs = 15, warmup = 3): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

export interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** HTTP load with autocannon: requests/s, latency p50/p99 (ms), errors. */
export async function load(
  url: string,
  options: { connections: number; duration: number; headers?: Record<string, string> },
): Promise<Load> {
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.duration,
    headers: options.headers,
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  return port;
}

export interface Proc {
  child: ChildProcess;
  /** Peak resident set size (MB) seen while sampling. */
  peakRssMb(): number;
  /** Peak RSS (MB) since the previous call (or the start): which scenario drives memory. */
  phasePeakRssMb(): number;
  stop(): Promise<void>;
}

/** Starts a compiled entry point and samples its RSS from /proc every 200 ms. */
export function start(script: string, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let peak = 0;
  let phasePeak = 0;
  const sampler = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      peak = Math.max(peak, kb / 1024);
      phasePeak = Math.max(phasePeak, kb / 1024);
    } catch {
      // exited
    }
  }, 200);
  return {
    child,
    peakRssMb: () => peak,
    phasePeakRssMb: () => {
      const p = phasePeak;
      phasePeak = 0;
      return p;
    },
    stop: async () => {
      clearInterval(sampler);
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    },
  };
}

export async function waitFor(check: () => Promise<boolean>, what: string, seconds = 60): Promise<void> {
  for (let i = 0; i < seconds * 5; i++) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} not ready after ${seconds}s`);
}

export function pool(url: string, max = 10): pg.Pool {
  return new pg.Pool({ connectionString: url, max });
}
