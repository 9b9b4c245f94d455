// The model worker on WebGPU (onnxruntime-web's webgpu build, whose wasm part runs any
// operator the WebGPU execution provider lacks); the logic is worker-core.js.
import * as ort from 'onnxruntime-web/webgpu';
import { serve } from './worker-core.js';

serve(self, ort, 'webgpu');
