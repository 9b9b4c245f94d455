// Loading a precision variant into a fresh worker, with byte-level progress in the store.
// A newer load makes an older one's late progress and results void.

// `reload` (a Retry after a failed load) makes the worker fetch every file past the HTTP cache.
export async function loadVariant(rt, name, { createClient, ortPaths, numThreads, onReady, reload = false }) {
  const { store, manifest } = rt;
  rt.client?.destroy();
  rt.ready = false;
  rt.busy = false;
  rt.cachedIds = [];
  if (store.get().gen.running) rt.setGen({ running: false, message: 'stopped' }); // its worker is gone
  const v = manifest.variants[name];
  const onProgress = (p) => {
    const { model } = store.get();
    // the worker has kept this load's downloads in the model cache (offline use can be asked for)
    if (p.type === 'stored') return rt.client === mine && rt.set({ model: { ...model, storing: false } });
    // late progress from parallel downloads must not undo a failure
    if (rt.client === mine && (model.phase === 'download' || model.phase === 'init')) {
      rt.set({ model: { ...model, phase: p.phase || 'download', loaded: p.loaded, total: p.total } });
    }
  };
  const mine = createClient({ onProgress });
  rt.client = mine;
  rt.set({
    variant: name,
    model: { phase: 'download', loaded: 0, total: v.bytes },
    top: { ...store.get().top, error: null },
  });
  try {
    const info = await mine.load({
      variant: v,
      inputs: manifest.inputs,
      dims: manifest.dims,
      ort: ortPaths,
      numThreads,
      reload,
    });
    if (rt.client !== mine) return;
    rt.ready = true;
    rt.set({
      model: {
        ...store.get().model,
        phase: 'ready',
        loaded: v.bytes,
        total: v.bytes,
        threads: info.threads,
        initMs: info.initMs,
        backend: info.backend,
        storing: !!info.storing,
      },
    });
    onReady();
  } catch (err) {
    if (rt.client !== mine) return;
    rt.set({ model: { ...store.get().model, phase: 'error', error: String(err.message || err) } });
  }
}
