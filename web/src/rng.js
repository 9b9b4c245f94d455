// A seeded generator (mulberry32) so a draw can be reproduced from the URL's seed.
// Not cryptographic, and it need not be: it picks tokens, and the tests re-implement it in
// Python to check the same seed gives the same tokens.

export function seededRandom(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
