// The page's worker: runs the long calls (sealing, the proof of work, opening replies) off the
// page's thread, so the page stays responsive and its status messages reach screen readers
// while a phone works. Same module bytes as the page (sent by the page, which has hashed them).
import { SealingModule } from "/static/candour-module.js";

let module = null;

self.onmessage = async (event) => {
  const { id, wasm, op, request, blobs } = event.data;
  if (wasm) {
    try {
      module = await SealingModule.create(wasm);
      self.postMessage({ id, json: { ready: true } });
    } catch (e) {
      self.postMessage({ id, error: { code: "module-missing", message: e.message } });
    }
    return;
  }
  try {
    const answer = module.call(op, request, blobs);
    self.postMessage({ id, json: answer.json, parts: answer.parts });
  } catch (e) {
    self.postMessage({ id, error: { code: e.code || "internal", message: e.message } });
  }
};
