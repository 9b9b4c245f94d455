// A tripwire for the "no third-party requests" rule: every resource the page loads shows up
// in the Resource Timing buffer; anything from another origin is counted on the section
// (data-foreign-requests, for tests) and logged as a console error. The worker's model
// fetches cannot leave the origin at all (fetch mode 'same-origin').

export function watchOrigins(win, el) {
  if (!win.PerformanceObserver) return () => {};
  const origin = win.location.origin;
  let foreign = 0;
  const check = (entries) => {
    for (const e of entries) {
      const url = new URL(e.name, win.location.href);
      if (!/^https?:$/.test(url.protocol) || url.origin === origin) continue;
      foreign += 1;
      el.dataset.foreignRequests = String(foreign);
      console.error(`txbuild: request to another origin: ${url.href}`);
    }
  };
  const observer = new win.PerformanceObserver((list) => check(list.getEntries()));
  observer.observe({ type: 'resource', buffered: true });
  return () => observer.disconnect();
}
