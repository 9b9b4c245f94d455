// The page side of the site's service worker (sw.js at the site root, built from
// web/src/sw.js). It is registered over http(s) only (never from file://) and serves two
// ends: offline use (the Cache API), and cross-origin isolation where the host cannot send
// COOP/COEP itself (GitHub Pages): the worker adds the headers, which take effect after one
// reload. `txbuild serve` sends the headers, so there the page is isolated already and never
// reloads; elsewhere at most one reload per tab session, so a browser that refuses isolation
// cannot loop. Isolation only buys ONNX Runtime its threads: where the page would run one
// thread anyway (`isolate: false`, 2 cores: backend.js threadCount), it does not reload at all.
//
// registerWorker() resolves to {reloading, worker}: reloading is true when the page is about
// to reload (start nothing then); worker() resolves to the active worker (activeWorker), or
// null when there is none within `waitMs` (the model then loads without it: only the offline
// copy of this visit's downloads is missed).

const RELOADED = 'txb-coi-reloaded';
const NONE = { reloading: false, worker: async () => null };

export async function registerWorker(win, swUrl, { waitMs = 3000, isolate = true } = {}) {
  const sw = win.navigator.serviceWorker;
  if (!sw || !win.isSecureContext || !/^https?:$/.test(win.location.protocol)) return NONE;
  try {
    await sw.register(swUrl, { updateViaCache: 'none' });
  } catch {
    return NONE; // isolation and offline use are extras: the page works without them
  }
  if (isolate && !win.crossOriginIsolated && !sw.controller && !reloadedBefore(win)) {
    try {
      await sw.ready;
      win.sessionStorage.setItem(RELOADED, '1');
      win.location.reload();
      return { reloading: true, worker: NONE.worker };
    } catch {
      return NONE;
    }
  }
  return { reloading: false, worker: () => activeWorker(win, sw, waitMs) };
}

function reloadedBefore(win) {
  try {
    return !!win.sessionStorage.getItem(RELOADED);
  } catch {
    return true; // no session storage: never risk a reload loop
  }
}

// The worker to talk to: the one that controls this page, else the registration's active one
// (it answers messages whether or not it controls the page; the model worker keeps the weights
// itself), or null when none is active within `waitMs`. Nothing waits for control: a browser
// that registers the worker but never lets it control the page costs no start-up time.
export function activeWorker(win, sw, waitMs) {
  if (sw.controller) return Promise.resolve(sw.controller);
  return new Promise((resolve) => {
    const timer = win.setTimeout(() => resolve(null), waitMs);
    sw.ready.then(
      (reg) => {
        win.clearTimeout(timer);
        resolve(sw.controller || reg?.active || null);
      },
      () => {},
    );
  });
}

// Sends `msg` to the service worker `worker` with a port for its answer; resolves to
// read(answer), or `fallback` when it does not answer within `timeoutMs`. The port is closed
// either way.
function ask(win, worker, msg, { timeoutMs, read, fallback }) {
  return new Promise((resolve) => {
    const channel = new win.MessageChannel();
    const answer = (value) => {
      win.clearTimeout(timer);
      channel.port1.close();
      resolve(value);
    };
    const timer = win.setTimeout(() => answer(fallback), timeoutMs);
    channel.port1.onmessage = (e) => answer(read(e.data));
    worker.postMessage(msg, [channel.port2]);
  });
}

// The name of the cache where the service worker `worker` keeps the model: the model worker
// reads the graphs and weights from it and writes its downloads into it (sw-core.js). null
// without a worker, or when it does not answer within `timeoutMs`.
export function modelCacheName(win, worker, { timeoutMs = 2000 } = {}) {
  if (!worker) return Promise.resolve(null);
  const read = (data) => (typeof data?.model === 'string' ? data.model : null);
  return ask(win, worker, { type: 'names' }, { timeoutMs, read, fallback: null });
}

// Asks the worker to keep this page, what it loaded before the worker controlled it, and
// the model files `modelUrls` (and the site files `site`); resolves true once all of those are stored for offline use.
export function keepOffline(win, worker, modelUrls, { site: extra = [], timeoutMs = 120_000 } = {}) {
  if (!worker) return Promise.resolve(false);
  const origin = win.location.origin;
  const site = [...(win.performance?.getEntriesByType?.('resource') || []).map((e) => e.name), ...extra].filter((u) => {
    try {
      return new URL(u).origin === origin;
    } catch {
      return false;
    }
  });
  const page = `${origin}${win.location.pathname}`;
  const msg = { type: 'keep', page, site: [...new Set(site)], model: modelUrls };
  return ask(win, worker, msg, { timeoutMs, read: (data) => !!data?.offline, fallback: false });
}
