// The PRNG behind `probability` rules: the same seed gives the same sequence of draws, so a
// flaky-network test fails (or passes) the same way on every run. mulberry32 is a 32-bit
// generator with a full period, small enough to write here; no quality beyond "spread out"
// is needed. see: https://gist.github.com/tommyettinger/46a874533244883189143505d203312c

/** Returns a function drawing numbers in [0, 1), deterministic for a given seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
