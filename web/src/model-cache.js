// The model worker's side of the offline copy. A variant's graphs and weight shards do not
// stream through the service worker (sw-core.js says why): the model worker reads them from
// the service worker's model cache itself, and writes the ones it downloaded into it. Nothing
// read here is trusted: the caller checks every file's sha256 and drops a file that fails.

/** @typedef {{ url: string, data: Uint8Array }} KeptFile */

// `name`: the cache the page got from the service worker (isolation.js modelCacheName), or
// null where none controls the page (file://, no service worker): then nothing is kept.
// The service worker creates its caches when it activates and deletes them when a newer one
// (a rebuilt site) activates: a cache that no longer exists is never created again here, so
// a page older than the site cannot leave its weights behind for good.
/** @param {string | null} name @param {CacheStorage | undefined} [storage] */
export function openModelCache(name, storage = globalThis.caches) {
  if (!name || !storage) return null;
  const open = async () => ((await storage.has(name)) ? storage.open(name) : null);
  return {
    /** The stored response for `url`, or null (none, or the cache cannot be read). @param {string} url */
    async read(url) {
      try {
        return (await (await open())?.match(url)) || null;
      } catch {
        return null;
      }
    },
    /** @param {string} url */
    async drop(url) {
      try {
        await (await open())?.delete(url);
      } catch {
        // a copy that cannot be deleted fails its check again next time, and is fetched again
      }
    },
    /** Stores checked downloads; resolves whether every one was stored. @param {KeptFile[]} files */
    async keep(files) {
      try {
        const cache = await open();
        if (!cache) return false; // deleted by a newer service worker
        for (const { url, data } of files) {
          const headers = { 'content-type': 'application/octet-stream', 'content-length': String(data.length) };
          await cache.put(url, new Response(/** @type {BodyInit} */ (/** @type {unknown} */ (data)), { headers }));
        }
        return true;
      } catch {
        return false; // quota: the service worker's keep fetches what is missing, or says it is not offline
      }
    },
  };
}
