/**
 * A seeded generator for property-style tests (mulberry32: small, and good enough to spread dates and codes),
 * so that a failure can name its seed and be run again.
 */
export function seeded(seed: number) {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
