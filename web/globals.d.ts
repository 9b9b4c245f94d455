// For tsc (make lint): what esbuild supplies at bundle time (web/build.mjs).
declare module '*.css';
declare const __TXB_ORT_MJS__: string;
declare const __TXB_ORT_WASM__: string;
declare const __TXB_ORT_GPU_MJS__: string;
declare const __TXB_ORT_GPU_WASM__: string;
declare const __TXB_WORKER__: string;
declare const __TXB_WORKER_WEBGPU__: string;
declare const __TXB_SW_SITE__: string;
declare const __TXB_SW_MODEL__: string;
declare const __TXB_HEADERS__: Record<string, string>;
