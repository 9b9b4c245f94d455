// Streamed download into one preallocated buffer, reporting every chunk so the page can draw
// a byte-accurate progress bar. The manifest knows each file's size, so the buffer is
// allocated once instead of growing (a 500 MB shard must not be copied twice).

import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

// `cache: 'reload'` (a Retry) goes past the HTTP cache, which may hold the bytes that failed.
/**
 * @param {string} url
 * @param {{ expectedBytes?: number, onBytes?: (n: number) => void, signal?: AbortSignal, fetchImpl?: typeof fetch, cache?: RequestCache }} [options]
 */
export async function fetchBytes(
  url,
  { expectedBytes = 0, onBytes = () => {}, signal, fetchImpl = fetch, cache = 'default' } = {},
) {
  // mode 'same-origin' makes the browser itself refuse anything off the site's origin.
  const res = await fetchImpl(url, { mode: 'same-origin', credentials: 'same-origin', signal, cache });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  if (!res.body) {
    const buf = new Uint8Array(await res.arrayBuffer());
    onBytes(buf.length);
    return checkSize(url, buf, expectedBytes);
  }
  let buf = new Uint8Array(expectedBytes);
  let n = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (n + value.length > buf.length) {
      const bigger = new Uint8Array(Math.max(n + value.length, buf.length * 2));
      bigger.set(buf.subarray(0, n));
      buf = bigger;
    }
    buf.set(value, n);
    n += value.length;
    onBytes(value.length);
  }
  return checkSize(url, buf.length === n ? buf : buf.slice(0, n), expectedBytes);
}

function checkSize(url, buf, expectedBytes) {
  if (expectedBytes && buf.length !== expectedBytes) {
    throw new Error(`${url}: got ${buf.length} bytes, the manifest says ${expectedBytes}`);
  }
  return buf;
}

// WebCrypto where the page is a secure context; plain http on a LAN address is not, and
// there the pure-JS SHA-256 of @noble/hashes does it: every file is checked everywhere.
export async function sha256Hex(bytes, subtle = globalThis.crypto?.subtle) {
  const digest = subtle ? new Uint8Array(await subtle.digest('SHA-256', bytes)) : nobleSha256(bytes);
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

// The check every model file passes before use: its size and its sha256 as the manifest says.
export async function verifiedBytes(url, bytes, sha256, subtle = globalThis.crypto?.subtle) {
  if (typeof sha256 !== 'string') throw new Error(`${url}: the manifest gives no sha256`);
  const got = await sha256Hex(bytes, subtle);
  if (got !== sha256) throw new Error(`${url}: sha256 ${got}, the manifest says ${sha256}`);
  return bytes;
}
