import { spawn, type ChildProcess } from 'node:child_process';
import { type EventEmitter, once } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import autocannon from 'autocannon';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { readEach } from '../src/common/csv.js';
import { runtimeOf } from '../src/common/runtime.js';

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

/** How long one call takes (ms). */
async function elapsedMs(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Median wall time (ms) of `fn` after warm-up runs. */
export async function time(fn: () => Promise<unknown>, runs = 15, warmup = 3): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await elapsedMs(fn));
  return median(samples);
}

/**
 * Calls timed in rotation, one of each in turn, round after round, so that drift in the machine's load falls
 * on all alike; each position's samples (ms). The order matters: a call that follows an idle wait (the other
 * process's turn) starts colder than one made back to back.
 */
export async function timeRotation(
  fns: (() => Promise<unknown>)[],
  runs = 15,
  warmup = 3,
): Promise<number[][]> {
  for (let i = 0; i < warmup; i++) for (const fn of fns) await fn();
  const samples: number[][] = fns.map(() => []);
  for (let i = 0; i < runs; i++)
    for (let j = 0; j < fns.length; j++) samples[j].push(await elapsedMs(fns[j]));
  return samples;
}

/**
 * Median wall time (ms) of `fn` called after `idleMs` of idleness each time: what a first request costs on a
 * machine whose processes were woken from an idle wait (on a VM that can be many times the back-to-back time).
 */
export async function timeAfterIdle(fn: () => Promise<unknown>, idleMs: number, runs = 9): Promise<number> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    await new Promise((resolve) => setTimeout(resolve, idleMs));
    samples.push(await elapsedMs(fn));
  }
  return median(samples);
}

/** One kept-alive connection for the bench's own requests (timed one at a time). */
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/**
 * One HTTP request, the whole response body read; refused unless 2xx (or `expectStatus`). Node's own `http` on a kept-alive
 * connection rather than `fetch`: what a timed request measures is Lantern, and `fetch` (undici under WHATWG
 * streams) costs the client itself more per request and per chunk of a large body (the floor row of the
 * table shows both on GET /auth/me).
 */
export function request(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    /** The status expected instead of a 2xx (e.g. 404 for the timing-parity row). */
    expectStatus?: number;
  } = {},
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        agent,
        method: options.method ?? 'GET',
        headers: {
          ...options.headers,
          ...(options.body === undefined
            ? {}
            : { 'content-length': String(Buffer.byteLength(options.body)) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const status = res.statusCode ?? 0;
          if (
            options.expectStatus === undefined
              ? status >= 200 && status < 300
              : status === options.expectStatus
          )
            resolve(body);
          else
            reject(
              new Error(`${options.method ?? 'GET'} ${url}: ${status} ${body.toString().slice(0, 500)}`),
            );
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export interface Target {
  url: string;
  headers?: Record<string, string>;
}

interface Sample {
  latencies: number[];
  non2xx: number;
  errors: number;
  seconds: number;
}

/**
 * The first part of each autocannon run that is not counted: its connections all open at once and send
 * their first requests together, so the first ~30 responses of a run take 2–5× the median, for the raw
 * routes as for Lantern. In rounds of a few seconds that burst alone is ~1% of the responses, the p99 the
 * targets judge; the steady state after it is what is measured.
 */
export const SETTLE_SECONDS = 0.5;

/**
 * One autocannon run, keeping the latency of every response to a request sent after the settling time (for
 * exact percentiles over several runs); requests/s over the same window. Errors count over the whole run.
 */
async function sample(target: Target, connections: number, seconds: number): Promise<Sample> {
  const latencies: number[] = [];
  // The promise autocannon returns is also its event emitter (its typings show only the promise).
  const instance = autocannon({
    url: target.url,
    connections,
    duration: seconds,
    headers: target.headers,
  }) as unknown as Promise<autocannon.Result> & EventEmitter;
  const settled = performance.now() + SETTLE_SECONDS * 1000;
  const events: EventEmitter = instance;
  events.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
    if (performance.now() - ms >= settled) latencies.push(ms);
  });
  const result = await instance;
  return {
    latencies,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    seconds: result.duration - SETTLE_SECONDS,
  };
}

function summarise(samples: Sample[]): Load {
  const latencies = samples.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const seconds = samples.reduce((n, s) => n + s.seconds, 0);
  return {
    rps: latencies.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
    errors: samples.reduce((n, s) => n + s.errors, 0),
    non2xx: samples.reduce((n, s) => n + s.non2xx, 0),
  };
}

/** HTTP load with autocannon: requests/s, latency p50/p99 (ms), errors. */
export async function load(
  target: Target,
  options: { connections: number; duration: number },
): Promise<Load> {
  return summarise([await sample(target, options.connections, options.duration)]);
}

/**
 * Lantern and its baselines under the same load, alternating in short rounds (the order rotating each round)
 * so that whatever else the machine is doing falls on all alike, after a warm-up of each; requests/s over
 * all rounds and exact p50/p99 over every counted response of each target (`SETTLE_SECONDS`), in the order
 * given.
 */
export async function loadRounds(
  targets: Target[],
  options: { connections: number; duration: number; rounds?: number },
): Promise<Load[]> {
  const rounds = options.rounds ?? 4;
  const seconds = Math.max(1, Math.round(options.duration / rounds));
  // Warm-up, not counted: each target under the same load for as long as it will be measured, so that none
  // is measured while its process is still reaching its steady state (V8 compiling the request path, the
  // heap growing, the pool's backends filling their caches). On a freshly started API that took ~12 s: the
  // users page served 288, 496, 632, 638, 705, 765, 771 requests/s in successive 2 s runs, its raw route 513,
  // 704, 736. With a warm-up of one second, the first load scenario measured Lantern mid-climb (users page
  // 0.78x, 0.79x and 0.85x its raw route in three runs on one machine; ~1.05x once both were warm).
  for (const target of targets) await sample(target, options.connections, options.duration);
  const samples: Sample[][] = targets.map(() => []);
  for (let i = 0; i < rounds; i++) {
    for (let j = 0; j < targets.length; j++) {
      const k = (i + j) % targets.length;
      samples[k].push(await sample(targets[k], options.connections, seconds));
    }
  }
  return samples.map(summarise);
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

/**
 * The Node flags and environment Lantern's processes run with in production (`npm start`, the Dockerfile,
 * compose): the heap ceiling, pretenuring and malloc's trim threshold decide how much garbage V8 keeps, how
 * often it collects and how much memory is given back, so the bench uses them too.
 */
export const { flags: RUNTIME_NODE_FLAGS, env: RUNTIME_ENV } = runtimeOf(
  new URL('../../package.json', import.meta.url),
);

/**
 * Starts a compiled entry point as `npm start` would (its flags and environment) and samples its RSS from
 * /proc every 200 ms.
 */
export function start(script: string, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [...RUNTIME_NODE_FLAGS, script], {
    env: { ...process.env, ...RUNTIME_ENV, ...env },
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
  // JIT off as on the API's connections (src/database/data-source.ts): the raw SQL timed against an endpoint
  // must not pay a compile cost the endpoint does not.
  return new pg.Pool({ connectionString: url, max, options: '-c jit=off' });
}

/** Runs a `COPY … TO STDOUT` on a connection of `db` and reads its output to the end, as the API does; its size. */
export async function drainCopy(db: pg.Pool, copy: string): Promise<number> {
  const client = await db.connect();
  try {
    // Gathered into one buffer, as `copyCsv` gathers the API's.
    const chunks: Buffer[] = [];
    await readEach(client.query(copyStreams.to(copy)), (chunk) => chunks.push(chunk));
    const bytes = Buffer.concat(chunks).length;
    client.release();
    return bytes;
  } catch (error) {
    client.release(true);
    throw error;
  }
}
