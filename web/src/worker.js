// The model worker on WebAssembly (onnxruntime-web's wasm build); the logic is worker-core.js.
import * as ort from 'onnxruntime-web/wasm';
import { serve } from './worker-core.js';

serve(self, ort, 'wasm');
