// Every byte the page loads must come from the site's own origin (no CDN, no third party).
// Resolving and checking here means a bad manifest path fails loudly before any fetch.

export function sameOriginUrl(path, base, origin = new URL(base).origin) {
  const url = new URL(path, base);
  if (url.origin !== origin) {
    throw new Error(`refusing to load ${url.href}: not from ${origin}`);
  }
  return url.href;
}
