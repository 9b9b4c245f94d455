// Starts onnxruntime-web (fetches and compiles its WebAssembly, sets up the backend) with a
// one-node graph while the model's files still download, so the model's own session start
// after the download is the session alone.

// Identity(x: float[1]) -> y, opset 18: the smallest graph that makes ORT initialise.
const IDENTITY = Uint8Array.from([
  8, 8, 58, 58, 10, 16, 10, 1, 120, 18, 1, 121, 34, 8, 73, 100, 101, 110, 116, 105, 116, 121, 18, 4, 119, 97, 114, 109,
  90, 15, 10, 1, 120, 18, 10, 10, 8, 8, 1, 18, 4, 10, 2, 8, 1, 98, 15, 10, 1, 121, 18, 10, 10, 8, 8, 1, 18, 4, 10, 2, 8,
  1, 66, 4, 10, 0, 16, 18,
]);

export async function warmUp(ort, providers) {
  const session = await ort.InferenceSession.create(IDENTITY, { executionProviders: providers, logSeverityLevel: 3 });
  await session.release();
}
