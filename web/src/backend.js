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

// What a model worker asks ORT for, and the backend that will really run. Given
// ['webgpu', 'wasm'], ORT drops 'webgpu' (a console warning, no error) when the worker gets no
// adapter and runs on wasm: the worker asks for an adapter first, as ORT does, so that it
// asks only for what starts and reports that (the page's adapter says nothing of the worker's).
export async function workerProviders(backend, nav) {
  if (backend !== 'webgpu') return { backend: 'wasm', providers: ['wasm'] };
  const [got] = await availableBackends(nav);
  return got === 'webgpu'
    ? { backend: 'webgpu', providers: ['webgpu', 'wasm'] }
    : { backend: 'wasm', providers: ['wasm'], fallback: 'webgpu' };
}

export function pickBackend(available, search = '') {
  const wanted = new URLSearchParams(search).get('backend');
  return available.includes(wanted) ? wanted : available[0];
}

// The URL's ?backend= and ?threads= that the page cannot follow, by name (for the page's
// notice, like url-state.js's): a backend that is unknown or that this browser does not
// offer (the first available runs instead), a thread count that is not an integer 1…16.
export function badRuntimeParams(available, search = '') {
  const q = new URLSearchParams(search);
  const bad = [];
  if (q.has('backend') && !available.includes(q.get('backend'))) bad.push('backend');
  if (q.has('threads') && wantedThreads(q.get('threads')) === null) bad.push('threads');
  return bad;
}

const wantedThreads = (text) => (/^\d{1,2}$/.test(text) && +text >= 1 && +text <= 16 ? +text : null);

// Measured on a 2-core machine (2026-12-01, GPT-2-small config, int8, headless Chromium and
// native ORT alike): one thread 27 ms a cached step, two threads 56 ms. Core counts not
// measured yet get half the cores, at most 4 (the page and the browser need the rest);
// ?threads=N overrides, so scripts/bench_browser.py --threads N can fill this table in.
export const THREADS_BY_CORES = { 1: 1, 2: 1 };

export function threadCount({ isolated, cores, search = '' }) {
  if (!isolated) return 1; // without cross-origin isolation ORT runs one thread anyway
  const wanted = wantedThreads(new URLSearchParams(search).get('threads') ?? '');
  if (wanted !== null) return wanted; // the benchmark's override
  const n = Math.max(1, cores || 1);
  return THREADS_BY_CORES[n] ?? Math.min(4, Math.max(1, Math.floor(n / 2)));
}
