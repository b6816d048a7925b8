// The glue to the sealing module (candour-web, built from the same Rust as the CLI), shared by
// the page and its worker: the page imports it, and starts its worker from this same text once it
// has checked the text's SHA-256 (a worker script cannot carry an integrity attribute), so this
// file has no imports. The module exports two buffers and one call: the page writes 32 bytes
// of the browser's CSPRNG and a request frame (parts, then each part's length, then the count),
// calls, and reads the answer frame. See crates/candour-web/src/{abi,frame}.rs.

export const OP = { directory: 1, preview: 2, inspect: 3, seal: 4, pow: 5, mailbox: 6, openReplies: 7, followUp: 8, sha256: 9, directoryBundle: 10 };

const enc = new TextEncoder();
const dec = new TextDecoder();

export class CandourError extends Error {
  constructor(code, message) { super(message); this.code = code; }
}

export class SealingModule {
  constructor(bytes) { this.bytes = bytes; this.exports = null; }

  static async create(bytes) {
    const module = new SealingModule(bytes);
    await module.instantiate();
    return module;
  }

  async instantiate() {
    // No bytes: the JavaScript build of the same module (candour-wasm.js), which the page puts
    // in front of this glue in its worker when the browser has no WebAssembly.
    if (this.bytes === null) {
      this.exports = candourModuleInstance(); // eslint-disable-line no-undef
      return;
    }
    const { instance } = await WebAssembly.instantiate(this.bytes, {});
    this.exports = instance.exports;
  }

  call(op, request, blobs = []) {
    const ex = this.exports;
    const parts = [enc.encode(JSON.stringify(request)), ...blobs];
    const total = 32 + parts.reduce((n, p) => n + p.length, 0) + 4 * parts.length + 4;
    let status;
    try {
      const ptr = ex.candour_input(total);
      const memory = new Uint8Array(ex.memory.buffer);
      crypto.getRandomValues(memory.subarray(ptr, ptr + 32));
      let at = ptr + 32;
      for (const p of parts) { memory.set(p, at); at += p.length; }
      const view = new DataView(ex.memory.buffer);
      for (const p of parts) { view.setUint32(at, p.length, true); at += 4; }
      view.setUint32(at, parts.length, true);
      status = ex.candour_call(op);
    } catch (e) {
      // A trap leaves the instance unusable: start a fresh one for the next call.
      this.instantiate();
      throw new CandourError("internal", "Something went wrong inside the sealing module; nothing was sent. (" + e.message + ")");
    }
    const out = new Uint8Array(ex.memory.buffer, ex.candour_output_ptr(), ex.candour_output_len()).slice();
    ex.candour_release();
    const answer = unframe(out);
    if (status !== 0) throw new CandourError(answer.json.error.code, answer.json.error.message);
    return answer;
  }
}

function unframe(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(bytes.length - 4, true);
  const table = bytes.length - 4 - 4 * count;
  const parts = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const len = view.getUint32(table + 4 * i, true);
    parts.push(bytes.subarray(at, at + len));
    at += len;
  }
  return { json: JSON.parse(dec.decode(parts[0])), parts };
}

// ---- in the worker ------------------------------------------------------------------------
// The long calls (sealing, the proof of work, opening replies) run here, off the page's thread,
// so the page stays responsive and its status messages reach screen readers while a phone
// works. Same module bytes as the page (sent by the page, which has checked them).
if (typeof WorkerGlobalScope !== "undefined" && self instanceof WorkerGlobalScope) {
  let module = null;
  self.onmessage = async (event) => {
    const { id, wasm, javascript, op, request, blobs } = event.data;
    if (wasm || javascript) {
      try {
        module = await SealingModule.create(javascript ? null : wasm);
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
}
