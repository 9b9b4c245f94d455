// Multi-threaded wasm needs cross-origin isolation (COOP/COEP). `txbuild serve` sends the
// headers; GitHub Pages cannot, so coi-serviceworker (copied to the site root by build.mjs)
// adds them from a service worker, which takes effect after one reload. Only over http(s),
// and at most one reload per tab session so a browser that refuses isolation cannot loop.
// Returns true when the page is about to reload (the caller should then start nothing).

const RELOADED = 'txb-coi-reloaded';

export async function ensureIsolation(win, swUrl) {
  const sw = win.navigator.serviceWorker;
  if (win.crossOriginIsolated || !win.isSecureContext || !sw) return false;
  if (!/^https?:$/.test(win.location.protocol)) return false;
  try {
    await sw.register(swUrl);
    if (sw.controller || win.sessionStorage.getItem(RELOADED)) return false;
    await sw.ready;
    win.sessionStorage.setItem(RELOADED, '1');
  } catch {
    return false; // isolation is an optimisation: one thread still works
  }
  win.location.reload();
  return true;
}
