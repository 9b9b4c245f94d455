// Builds the session inputs from the manifest's input list alone: the int64 input over
// `seq` gets the token ids, inputs with a `past` dim get an empty cache (a full run).
// No input name or shape is assumed here beyond the dim names of the contract.

import { resolveDims } from './manifest.js';

export function feedsFor(inputs, dims, ids) {
  const sizes = { ...dims, batch: 1, seq: ids.length, past: 0 };
  return inputs.map((input) => {
    const shape = resolveDims(input.dims, sizes);
    const count = shape.reduce((a, b) => a * b, 1);
    if (input.dtype === 'int64') {
      if (!input.dims.includes('seq') || count !== ids.length) {
        throw new Error(`input ${input.name}: cannot feed ${ids.length} ids into ${input.dims}`);
      }
      return { name: input.name, type: 'int64', dims: shape, data: BigInt64Array.from(ids, BigInt) };
    }
    if (input.dtype === 'float32' && input.dims.includes('past')) {
      return { name: input.name, type: 'float32', dims: shape, data: new Float32Array(count) };
    }
    throw new Error(`input ${input.name}: no rule to feed ${input.dtype} ${input.dims}`);
  });
}
