// Which onnxruntime-web backend runs the model: WebGPU where the browser gives an adapter,
// WebAssembly otherwise; ?backend=wasm|webgpu (or the reader's switch) picks among those
// available. And how many wasm threads: from measurements, not from the core count alone.

// ['webgpu', 'wasm'] when navigator.gpu answers with an adapter, else ['wasm'].
export async function availableBackends(nav) {
  try {
    const adapter = nav?.gpu ? await nav.gpu.requestAdapter() : null;
    return adapter ? ['webgpu', 'wasm'] : ['wasm'];
  } catch {
    return ['wasm'];
  }
}

export function pickBackend(available, search = '') {
  const wanted = new URLSearchParams(search).get('backend');
  return available.includes(wanted) ? wanted : available[0];
}

// Measured on a 2-core machine (2026-12-01, GPT-2-small config, int8, headless Chromium and
// native ORT alike): one thread 27 ms a cached step, two threads 56 ms. Core counts not
// measured yet get half the cores, at most 4 (the page and the browser need the rest);
// ?threads=N overrides, so scripts/bench_browser.py --threads N can fill this table in.
export const THREADS_BY_CORES = { 1: 1, 2: 1 };

export function threadCount({ isolated, cores, search = '' }) {
  if (!isolated) return 1; // without cross-origin isolation ORT runs one thread anyway
  const wanted = Number(new URLSearchParams(search).get('threads'));
  if (Number.isInteger(wanted) && wanted >= 1 && wanted <= 16) return wanted; // the benchmark's override
  const n = Math.max(1, cores || 1);
  return THREADS_BY_CORES[n] ?? Math.min(4, Math.max(1, Math.floor(n / 2)));
}
