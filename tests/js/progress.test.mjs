import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createByteProgress } from '../../web/src/progress.js';
import { fetchBytes, sha256Hex } from '../../web/src/fetch-bytes.js';

test('bytes from several files add up against the manifest total', () => {
  const p = createByteProgress(1000);
  p.add(100);
  p.add(400);
  assert.deepEqual(p.snapshot(), { loaded: 500, total: 1000, fraction: 0.5 });
  p.add(500);
  assert.equal(p.snapshot().fraction, 1);
});

test('more bytes than announced grow the total instead of passing 100 %', () => {
  const p = createByteProgress(10);
  assert.deepEqual(p.add(15), { loaded: 15, total: 15, fraction: 1 });
  assert.equal(createByteProgress(0).snapshot().fraction, 0);
});

function fakeFetch(chunks, { status = 200 } = {}) {
  const calls = [];
  const impl = async (url, init) => {
    calls.push([url, init]);
    const body = new ReadableStream({
      start(c) {
        for (const ch of chunks) c.enqueue(Uint8Array.from(ch));
        c.close();
      },
    });
    return new Response(body, { status });
  };
  return { impl, calls };
}

test('streamed download: every chunk reported, bytes intact, same-origin mode', async () => {
  const { impl, calls } = fakeFetch([[1, 2, 3], [4], [5, 6]]);
  const seen = [];
  const buf = await fetchBytes('http://x/a', { expectedBytes: 6, onBytes: (n) => seen.push(n), fetchImpl: impl });
  assert.deepEqual([...buf], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(seen, [3, 1, 2]);
  assert.equal(calls[0][1].mode, 'same-origin');
});

test('a size that disagrees with the manifest fails; unknown size grows', async () => {
  await assert.rejects(
    fetchBytes('http://x/a', { expectedBytes: 5, fetchImpl: fakeFetch([[1, 2, 3]]).impl }),
    /manifest says 5/,
  );
  const buf = await fetchBytes('http://x/a', {
    fetchImpl: fakeFetch([
      [1, 2],
      [3, 4, 5],
    ]).impl,
  });
  assert.deepEqual([...buf], [1, 2, 3, 4, 5]);
  await assert.rejects(fetchBytes('http://x/a', { fetchImpl: fakeFetch([], { status: 404 }).impl }), /HTTP 404/);
});

test('sha256 of the downloaded bytes', async () => {
  const hex = await sha256Hex(new TextEncoder().encode('abc'));
  assert.equal(hex, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});
