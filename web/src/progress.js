// Byte accounting for a download made of several files. The manifest gives the expected
// total up front; if a server sends more than announced the total grows rather than the bar
// overshooting 100 %.

export function createByteProgress(expectedTotal) {
  let loaded = 0;
  let total = Math.max(0, expectedTotal || 0);
  return {
    add(n) {
      loaded += n;
      if (loaded > total) total = loaded;
      return this.snapshot();
    },
    snapshot: () => ({ loaded, total, fraction: total > 0 ? loaded / total : 0 }),
  };
}
