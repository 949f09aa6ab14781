import type pg from 'pg';

/**
 * A seeded generator for property-style tests (mulberry32: small, and good enough to spread dates and codes),
 * so that a failure can name its seed and be run again.
 */
export function seeded(seed: number) {
  const next = mulberry32(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)];
  return {
    int,
    pick,
    chance: (p: number): boolean => next() < p,
    /** One of `xs`, or null three times in ten. */
    maybe: <T>(xs: readonly T[]): T | null => (next() < 0.3 ? null : pick(xs)),
  };
}

export type Random = ReturnType<typeof seeded>;

/** The generator itself: numbers in [0, 1), the same sequence for the same seed. */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The read models' property tests' driver: `rounds` rounds of one to five random changes (`change` runs one
 * through the query function it is given and names it), every third round in one transaction, then the same
 * number again in a transaction rolled back (the triggers see each statement's rows), the others one statement
 * at a time; `check` after each round. Returns how often each committed change ran.
 */
export async function randomChangeRounds(o: {
  pool: pg.Pool;
  rounds: number;
  rnd: () => number;
  change: (query: (statement: string) => Promise<unknown>) => Promise<string>;
  check: (round: number) => Promise<void>;
}): Promise<Map<string, number>> {
  const done = new Map<string, number>();
  for (let round = 1; round <= o.rounds; round++) {
    const statements = 1 + Math.floor(o.rnd() * 5);
    if (round % 3 === 0) {
      const client = await o.pool.connect();
      try {
        for (const commit of [true, false]) {
          await client.query('BEGIN');
          for (let i = 0; i < statements; i++) {
            const name = await o.change((q) => client.query(q));
            if (commit) done.set(name, (done.get(name) ?? 0) + 1);
          }
          await client.query(commit ? 'COMMIT' : 'ROLLBACK');
        }
      } finally {
        client.release();
      }
    } else {
      for (let i = 0; i < statements; i++) {
        const name = await o.change((q) => o.pool.query(q));
        done.set(name, (done.get(name) ?? 0) + 1);
      }
    }
    await o.check(round);
  }
  return done;
}
