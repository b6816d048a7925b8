// The reporter pages' script: the form and the relay's HTTP API; the sealing module
// (candour-web, built from the same Rust as the CLI) is reached through candour-module.js. Every secret operation (directory check,
// routing, metadata stripping, sealing, proof of work, opening replies) runs in the module; this
// script moves bytes and renders. It stores nothing: no cookies, no localStorage, no IndexedDB.

import { CandourError, OP, SealingModule } from "./candour-module.js";

const $ = (id) => document.getElementById(id);

// ---- where the page's parts come from --------------------------------------------------------
// The page's HTML names the relay it talks to (absent: the origin that served it) and the
// SHA-256 of the module and of the module glue the worker runs; the script and glue themselves
// are pinned by the HTML's integrity attributes. The kept single file carries the module and
// glue inline. None of this proves the page to its reader (whoever serves the HTML could change
// it all): it makes every part follow from the HTML, which `candour page verify` checks against
// the organisation's signed manifest. See README "Where the page comes from".
const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.getAttribute("content") || null;
const RELAY = meta("candour-relay") || location.origin;
const INTEGRITY = Object.fromEntries((meta("candour-integrity") || "").split(/\s+/).filter(Boolean).map((kv) => kv.split("=")));

// ---- the page's language ---------------------------------------------------------------------
// Every message this script shows comes from the page's own catalogue, formatted from the
// Fluent files when the page was built (crates/candour-l10n): each `{$name}` is a slot filled
// here. A message missing from the catalogue shows its id, so a gap is seen, never hidden.
const MESSAGES = JSON.parse(document.getElementById("candour-messages")?.textContent || "{}");
function t(id, args = {}) {
  const pattern = MESSAGES[id];
  if (typeof pattern !== "string") return `[${id}]`;
  return pattern.replace(/\{\$([A-Za-z0-9_-]+)\}/g, (slot, name) => (name in args ? String(args[name]) : slot));
}

async function sha256Hex(bytes) {
  if (!globalThis.crypto || !crypto.subtle) {
    throw new CandourError("insecure-context", t("js-insecure-context"));
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// The bytes of one part, refused unless they are the ones the HTML names.
async function matchingPart(name, bytes) {
  const expected = INTEGRITY[name];
  const found = await sha256Hex(bytes);
  if (!expected || expected !== found) {
    throw new CandourError("page-part-mismatch", t("js-part-mismatch", { part: name, found }));
  }
  return found;
}

function inline(id) {
  const node = document.getElementById(id);
  return node ? node.textContent : null;
}

function fromBase64(text) {
  const raw = atob(text.replace(/\s+/g, ""));
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

// ---- quick exit ----------------------------------------------------------------------------
// "Leave this site" and the Escape key empty the page and replace it, and its entry in the
// browser's history, with a neutral page (as forces' own reporting pages do), so Back does not
// return here. The links between the two reporter pages replace rather than add an entry, so the
// site never holds more than one. Without JavaScript the button is still a plain link away.
const EXIT = $("quick-exit")?.getAttribute("href") || "about:blank";
function leave() {
  document.title = "";
  document.body.replaceChildren();
  location.replace(EXIT);
}
$("quick-exit")?.addEventListener("click", (e) => { e.preventDefault(); leave(); });
document.addEventListener("keydown", (e) => { if (e.key === "Escape") leave(); });
for (const link of document.querySelectorAll("a[data-page]")) {
  link.addEventListener("click", (e) => { e.preventDefault(); location.replace(link.href); });
}

// ---- the reader's language -------------------------------------------------------------------
// An English page opened by a browser that asks for Welsh first moves to its Welsh twin, unless
// the reader chose English with the switch (its link carries ?lang=en). A Welsh page is never
// moved: someone sent there meant it. Tor Browser always asks for English, so the visible switch
// is what counts there.
{
  const twin = document.querySelector("a[data-language-switch]");
  const chose = new URLSearchParams(location.search).has("lang");
  const first = (navigator.languages || []).map((l) => l.toLowerCase().split(/[-_]/)[0]).find((l) => l === "en" || l === "cy");
  if (twin && !chose && first === "cy" && document.documentElement.lang !== "cy" && twin.lang === "cy") location.replace(twin.href);
}

// ---- the module ---------------------------------------------------------------------------
// One instance on the page for quick calls (directory, preview, inspect), and one in a worker
// for the long ones, so the page never freezes while sealing or solving the proof of work.
let wasmBytes = null;
let wasmSha = null;
// Which build runs: "wasm", or "javascript" (the same module through wasm2js, in the worker).
let build = "wasm";
let module = null;
let worker = null;
const pending = new Map();
let nextId = 1;

// Whether this browser can compile and run WebAssembly at all (Tor Browser's "Safer" level
// removes it; some browsers keep the object but refuse to compile).
async function webAssemblyWorks() {
  if (typeof WebAssembly !== "object") return false;
  try {
    // The smallest module: the magic number and version.
    await WebAssembly.instantiate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]), {});
    return true;
  } catch (_) {
    return false;
  }
}

// Without WebAssembly: the JavaScript build of the same module, checked against the HTML's
// hash like the module, runs in the page's worker (started from that text and the checked
// glue). Every call then goes to the worker. A page opened from disk has no worker, so it
// cannot use this build.
async function loadJavaScriptBuild() {
  if (location.protocol === "file:" || inline("candour-wasm") !== null) {
    throw new CandourError("no-webassembly", t("js-no-webassembly"));
  }
  const fetched = async (name) => {
    const response = await fetch(new URL(name, import.meta.url), { cache: "no-store" });
    if (!response.ok) throw new CandourError("module-missing", t("js-module-missing"));
    return response.text();
  };
  const [code, glue] = await Promise.all([fetched("candour-wasm.js"), fetched("candour-module.js")]);
  wasmSha = await matchingPart("wasmjs", new TextEncoder().encode(code));
  await matchingPart("glue", new TextEncoder().encode(glue));
  build = "javascript";
  startWorker(`${code}\n${glue}`);
  await post({ javascript: true });
  document.documentElement.dataset.worker = "ready";
  document.documentElement.dataset.build = "javascript";
}

function startWorker(text) {
  worker = new Worker(URL.createObjectURL(new Blob([text], { type: "text/javascript" })), { type: "module" });
  worker.onmessage = (event) => {
    const { id, error, json, parts } = event.data;
    const waiting = pending.get(id);
    pending.delete(id);
    if (!waiting) return;
    if (error) waiting.reject(new CandourError(error.code, error.message));
    else waiting.resolve({ json, parts });
  };
  worker.onerror = () => {
    for (const waiting of pending.values()) waiting.reject(new CandourError("worker", t("js-worker-stopped")));
    pending.clear();
  };
}

async function loadModule() {
  if (!(await webAssemblyWorks())) return loadJavaScriptBuild();
  const kept = inline("candour-wasm");
  if (kept !== null) {
    wasmBytes = fromBase64(kept);
  } else {
    const response = await fetch(new URL("candour.wasm", import.meta.url), { cache: "no-store" });
    if (!response.ok) throw new CandourError("module-missing", t("js-module-missing"));
    wasmBytes = new Uint8Array(await response.arrayBuffer());
  }
  wasmSha = await matchingPart("wasm", wasmBytes);
  module = await SealingModule.create(wasmBytes);
  // Opened from disk, the page has no origin a worker could start under: the long calls run
  // on the page (it pauses meanwhile).
  if (location.protocol === "file:") return;
  try {
    let glue = inline("candour-glue");
    if (glue === null) {
      const response = await fetch(new URL("candour-module.js", import.meta.url), { cache: "no-store" });
      glue = await response.text();
    }
    await matchingPart("glue", new TextEncoder().encode(glue));
    startWorker(glue);
    await post({ wasm: wasmBytes });
    // For the browser test, which checks that the long calls really run off the page.
    document.documentElement.dataset.worker = "ready";
  } catch (e) {
    if (e instanceof CandourError && e.code === "page-part-mismatch") throw e;
    // No module workers here: the long calls run on the page instead (it pauses meanwhile).
    worker = null;
  }
}

function post(message) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, ...message });
  });
}

// Every call says the page's language, so what the module words for the reporter (conflicts,
// who reads the name, what stripping removed, notes on replies) is in it too.
const LANG = document.documentElement.lang || "en-GB";

// The quick calls: on the page, or in the worker when only the JavaScript build runs.
async function call(op, request, blobs = []) {
  const said = { ...request, lang: LANG };
  if (!module) return post({ op, request: said, blobs });
  return module.call(op, said, blobs);
}

// The long calls: in the worker when there is one.
async function callLong(op, request, blobs = []) {
  if (!worker) return call(op, request, blobs);
  return post({ op, request: { ...request, lang: LANG }, blobs });
}

const nowUnix = () => Math.floor(Date.now() / 1000);

// ---- the relay ----------------------------------------------------------------------------
async function relay(path, options = {}) {
  let response;
  try {
    response = await fetch(new URL(path, RELAY), { cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer", mode: "cors", ...options });
  } catch (e) {
    throw new CandourError("unreachable", t("js-unreachable"));
  }
  if (!response.ok) {
    // The relay's refusals are {code, message}; its message is written for people.
    let body = null;
    try { body = await response.json(); } catch (_) { /* not JSON */ }
    const code = body && typeof body.code === "string" ? body.code : "relay-" + response.status;
    const message = body && typeof body.message === "string" ? body.message : t("js-relay-status", { status: response.status });
    throw new CandourError(code, t("js-relay-refused", { message, code }));
  }
  return response;
}

let directoryBytes = null;
let directory = null;

async function loadDirectory() {
  // Every force's directory, the same answer for every visitor: the module keeps the one the
  // root compiled into it signed, so the request tells nobody which force this page is for.
  let bundle = null;
  try {
    bundle = new Uint8Array(await (await relay("/v1/directories")).arrayBuffer());
  } catch (e) {
    // A relay from before shared relays serves its one directory at /v1/directory.
    if (e.code !== "not-found") throw e;
  }
  if (bundle) {
    const answer = await call(OP.directoryBundle, { now_unix: nowUnix() }, [bundle]);
    directory = answer.json;
    directoryBytes = answer.parts[1].slice();
  } else {
    directoryBytes = new Uint8Array(await (await relay("/v1/directory")).arrayBuffer());
    // Verified against the root compiled into the module; on failure nothing can be sent.
    directory = (await call(OP.directory, { now_unix: nowUnix() }, [directoryBytes])).json;
  }
  $("directory-info").textContent = t("js-directory-info", { organisation: directory.organisation, version: directory.version, sha: directory.sha256 });
}

// Returns how long the proof of work took, in milliseconds.
async function submitEnvelope(envelope) {
  // The relay prices its proof of work by the envelope's size.
  const challenge = await (await relay("/v1/inbox/challenge", postJson({ max_bytes: envelope.length }))).json();
  const started = performance.now();
  const pow = (await callLong(OP.pow, challenge)).json;
  const powMs = performance.now() - started;
  await relay("/v1/inbox", {
    method: "POST",
    headers: { "content-type": "application/octet-stream", [pow.header]: pow.value },
    body: envelope,
  });
  return powMs;
}

// ---- shared rendering ---------------------------------------------------------------------
function show(id, message) {
  const el = $(id);
  el.textContent = message;
  el.hidden = !message;
}

// Category titles and their one-line help in the page's language; the module's English ones
// only if the catalogue lacks a category (a newer module than this page).
const categoryTitle = (c) => (MESSAGES[`category-${c.id}`] ?? c.name);
const categoryHelp = (c) => (MESSAGES[`category-${c.id}-help`] ?? c.explanation);
// What the help line says before a category is chosen: as the page was built.
const HELP_BEFORE_CHOOSING = $("category-help")?.textContent || "";

function fillCategories(select) {
  for (const c of directory.categories) {
    const option = document.createElement("option");
    option.value = c.id;
    option.textContent = categoryTitle(c);
    select.append(option);
  }
}

function fillExclusions(container, onChange) {
  for (const r of directory.reviewers) {
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.value = r.id;
    box.name = "excluded";
    box.addEventListener("change", onChange);
    const queues = r.queues.map((q) => directory.queues.find((x) => x.id === q)?.name || q).join(", ");
    // Someone who reads no queue is only ever sent notices that a case is late.
    label.append(box, `${r.display_name} (${queues || t("js-late-notices-only")})`);
    container.append(label);
  }
}

const checked = (container) => [...container.querySelectorAll("input[type=checkbox]:checked")].map((b) => b.value);

function renderReaders(container, sealedTo) {
  container.replaceChildren();
  if (sealedTo.queues.length) {
    const p = document.createElement("p");
    p.textContent = t("js-goes-to", { queues: sealedTo.queues.map((q) => q.name).join(", ") });
    container.append(p);
  }
  const intro = document.createElement("p");
  intro.textContent = t("js-only-these-readers");
  const list = document.createElement("ul");
  list.className = "readers";
  for (const r of sealedTo.readers) {
    const li = document.createElement("li");
    li.textContent = r.supervisor ? t("js-supervisor-suffix", { name: r.display_name }) : r.display_name;
    li.dataset.reviewer = r.id;
    list.append(li);
  }
  container.append(intro, list);
  if (sealedTo.fallback) {
    const note = document.createElement("p");
    note.className = "warning";
    note.textContent = sealedTo.fallback;
    container.append(note);
  }
  if (sealedTo.identity) {
    const note = document.createElement("p");
    note.className = "identity-note";
    note.textContent = sealedTo.identity;
    container.append(note);
  }
}

// What the module noticed: the report (or follow-up) may reach the person it is about. Each
// conflict comes with the ways out: the independent office, or leaving a reader out.
function renderConflicts(section, list, actions, conflicts, handlers) {
  list.replaceChildren(...conflicts.map((c) => { const li = document.createElement("li"); li.textContent = c.message; return li; }));
  actions.replaceChildren();
  const seen = new Set();
  for (const c of conflicts) {
    const key = c.reviewer ? "r:" + c.reviewer : c.concerning ? "c:" + c.concerning : null;
    if (!key || seen.has(key)) continue;
    seen.add(key);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    if (c.reviewer) {
      const name = directory.reviewers.find((r) => r.id === c.reviewer)?.display_name || c.reviewer;
      button.textContent = t("js-leave-out", { name });
      button.dataset.exclude = c.reviewer;
      button.addEventListener("click", () => handlers.exclude(c.reviewer));
    } else {
      button.textContent = t("js-independent-office");
      button.dataset.concerning = c.concerning;
      button.addEventListener("click", () => handlers.concerning(c.concerning));
    }
    actions.append(button);
  }
  if (handlers.concerning && conflicts.some((c) => c.reviewer) && !seen.has("c:professional-standards-staff")) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = t("js-independent-office");
    button.dataset.concerning = "professional-standards-staff";
    button.addEventListener("click", () => handlers.concerning("professional-standards-staff"));
    actions.append(button);
  }
  section.hidden = conflicts.length === 0;
}

// Attachments are read into memory and inspected by the module as soon as they are chosen, so
// the reporter sees what will be removed, or that a file cannot be cleaned, before sending.
async function readAttachments(input, list) {
  const chosen = [];
  list.replaceChildren();
  // Checked before reading: a file too large for the module should not fill the tab's memory.
  const total = [...input.files].reduce((n, f) => n + f.size, 0);
  if (total > directory.max_attachment_bytes) {
    const li = document.createElement("li");
    li.className = "error";
    li.setAttribute("role", "alert");
    li.textContent = t("js-attachments-too-large", { total: Math.ceil(total / 1048576), limit: directory.max_attachment_bytes / 1048576 });
    list.append(li);
    input.value = "";
    return chosen;
  }
  for (const file of input.files) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const li = document.createElement("li");
    const entry = { name: file.name, bytes, allow_unstripped: false };
    try {
      const answer = (await call(OP.inspect, { name: file.name }, [bytes])).json;
      if (answer.warning) {
        const warn = document.createElement("span");
        warn.className = "warning";
        warn.textContent = `${file.name}: ${answer.warning} `;
        const label = document.createElement("label");
        const box = document.createElement("input");
        box.type = "checkbox";
        box.addEventListener("change", () => { entry.allow_unstripped = box.checked; });
        label.append(box, t("js-send-as-is", { name: file.name }));
        li.append(warn, label);
      } else {
        li.textContent = `${file.name}: ${answer.attachment.removed}`;
      }
      chosen.push(entry);
    } catch (e) {
      li.className = "error";
      li.textContent = t("js-attachment-refused", { name: file.name, reason: e.message });
    }
    list.append(li);
  }
  return chosen;
}

const describe = (attachments) => attachments.map((a) => ({ name: a.name, allow_unstripped: a.allow_unstripped }));

function busy(button, on) {
  button.disabled = on;
  button.setAttribute("aria-busy", on ? "true" : "false");
}

// `task` now, or, while it runs, once more when it ends: typing never queues a line of stale
// previews behind a slow module (the JavaScript build takes a while for each). The promise
// each caller gets settles after a run that began after its call.
function coalesced(task) {
  let running = null;
  let next = null;
  return function run() {
    if (!running) {
      running = task().finally(() => { running = null; });
      return running;
    }
    if (!next) next = running.then(() => { next = null; return run(); });
    return next;
  };
}

// Lets the status text paint before a long call blocks the page.
const paint = () => new Promise((resolve) => setTimeout(resolve, 30));

// ---- the report page ----------------------------------------------------------------------
function concern() {
  const subjects = [...document.querySelectorAll("#subjects .subject")]
    .map((div) => {
      const s = {};
      for (const input of div.querySelectorAll("input")) {
        if (input.value.trim()) s[input.dataset.field] = input.value.trim();
      }
      return s;
    })
    .filter((s) => Object.keys(s).length);
  const optional = (id) => $(id).value.trim() || undefined;
  const c = {
    category: $("category").value || undefined,
    concerning: [...document.querySelectorAll("input[name=concerning]:checked")].map((b) => b.value),
    subjects,
    what: $("what").value,
    when: optional("when"),
    where: optional("where"),
    reported_elsewhere: optional("elsewhere"),
    disclosure: "anonymous",
  };
  if (document.querySelector("input[name=disclosure]:checked").value === "confidential") {
    c.disclosure = { confidential: { name: optional("contact-name"), contact: optional("contact-how") } };
  }
  return c;
}

function reportPage() {
  let attachments = [];
  fillCategories($("category"));
  fillExclusions($("exclusions"), () => updatePreview());
  $("report").hidden = false;

  let conflicts = [];
  const handlers = {
    exclude: (id) => {
      const box = $("exclusions").querySelector(`input[value="${CSS.escape(id)}"]`);
      if (box) box.checked = true;
      updatePreview();
    },
    concerning: (value) => {
      const box = document.querySelector(`input[name=concerning][value="${CSS.escape(value)}"]`);
      if (box) box.checked = true;
      updatePreview();
    },
  };

  // Each preview supersedes the ones before it: they answer asynchronously, and an older
  // answer must not overwrite a newer one.
  let previewNumber = 0;
  const updatePreview = coalesced(previewNow);
  async function previewNow() {
    const number = ++previewNumber;
    const help = directory.categories.find((c) => c.id === $("category").value);
    $("category-help").textContent = help ? categoryHelp(help) : HELP_BEFORE_CHOOSING;
    if (!$("category").value) return;
    try {
      // The whole form, so the module can notice whether it names one of its readers.
      const c = concern();
      // Stand-ins for what is not typed yet, so the preview can already say who would read it
      // (and who would read the name of someone who chose to give it).
      const held = c.disclosure.confidential;
      const disclosure = held && !held.name && !held.contact ? { confidential: { name: "preview" } } : c.disclosure;
      const request = { now_unix: nowUnix(), concern: { ...c, what: c.what.trim() ? c.what : "preview", disclosure }, excluded: checked($("exclusions")) };
      const answer = (await call(OP.preview, request, [directoryBytes])).json;
      if (number !== previewNumber) return;
      renderReaders($("preview"), answer);
      conflicts = answer.conflicts || [];
      renderConflicts($("conflicts"), $("conflict-list"), $("conflict-actions"), conflicts, handlers);
    } catch (e) {
      if (number !== previewNumber) return;
      const p = document.createElement("p");
      p.className = "error";
      p.textContent = e.message;
      $("preview").replaceChildren(p);
    }
  }

  $("category").addEventListener("change", updatePreview);
  // Names, roles, stations and the text are checked as they are typed.
  $("report").addEventListener("input", (event) => {
    if (event.target.closest("#subjects") || ["what", "when", "where"].includes(event.target.id)) updatePreview();
  });
  // An error stays only until the reporter changes something.
  for (const kind of ["input", "change"]) {
    $("report").addEventListener(kind, (event) => {
      event.target.removeAttribute?.("aria-invalid");
      show("form-error", "");
    });
  }
  for (const box of document.querySelectorAll("input[name=concerning]")) box.addEventListener("change", updatePreview);
  for (const radio of document.querySelectorAll("input[name=disclosure]")) {
    // The preview then says who will read the reporter's name, before they type it.
    radio.addEventListener("change", () => { $("contact").hidden = radio.value !== "confidential" || !radio.checked; updatePreview(); });
  }
  $("add-subject").addEventListener("click", () => {
    const all = document.querySelectorAll("#subjects .subject");
    const copy = all[0].cloneNode(true);
    const n = all.length;
    for (const el of copy.querySelectorAll("input")) { el.value = ""; el.id = el.id.replace(/subject-\d+/, `subject-${n}`); }
    for (const el of copy.querySelectorAll("label")) el.htmlFor = el.htmlFor.replace(/subject-\d+/, `subject-${n}`);
    all[all.length - 1].after(copy);
    copy.querySelector("input").focus();
  });
  $("attachments").addEventListener("change", async () => { attachments = await readAttachments($("attachments"), $("attachment-list")); });

  $("report").addEventListener("submit", async (event) => {
    event.preventDefault();
    show("form-error", "");
    const c = concern();
    const missing = !c.category ? ["category", t("js-choose-category")] : !c.what.trim() ? ["what", t("js-say-what-happened")] : null;
    for (const id of ["category", "what"]) $(id).removeAttribute("aria-invalid");
    if (missing) {
      $(missing[0]).setAttribute("aria-invalid", "true");
      show("form-error", missing[1]);
      $(missing[0]).focus();
      return;
    }
    await updatePreview();
    if (conflicts.length && !$("keep-route").checked) {
      show("form-error", t("js-conflict-not-sent"));
      $("conflicts").scrollIntoView?.();
      $("conflict-actions").querySelector("button")?.focus();
      return;
    }
    busy($("send"), true);
    try {
      show("send-status", t("js-locking-report"));
      await paint();
      const started = performance.now();
      const request = { now_unix: nowUnix(), concern: c, excluded: checked($("exclusions")), keep_route: $("keep-route").checked, attachments: describe(attachments) };
      const sealed = await callLong(OP.seal, request, [directoryBytes, ...attachments.map((a) => a.bytes)]);
      const sealMs = performance.now() - started;
      show("send-status", t("js-sending-report"));
      await paint();
      const powMs = await submitEnvelope(sealed.parts[1]);
      showToken(sealed.json, sealMs, powMs);
    } catch (e) {
      show("form-error", t("js-not-sent", { reason: e.message }));
      show("send-status", "");
      $("form-error").focus?.();
    } finally {
      busy($("send"), false);
    }
  });
}

function showToken(answer, sealMs, powMs) {
  $("report").hidden = true;
  const words = answer.token.split(" ");
  $("token").replaceChildren(...words.map((w) => { const li = document.createElement("li"); li.textContent = w; return li; }));
  // For measurements: how long locking and the relay's proof of work took on this device.
  $("token").dataset.sealMs = String(Math.round(sealMs));
  $("token").dataset.powMs = String(Math.round(powMs));
  $("copy-token").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(words.join(" "));
      $("copy-status").textContent = t("js-copied");
    } catch (_) {
      $("copy-status").textContent = t("js-copy-refused");
    }
  });
  const summary = document.createElement("div");
  renderReaders(summary, answer.sealed_to);
  const files = answer.attachments.map((a) => {
    const li = document.createElement("li");
    li.textContent = a.sent_as_is ? t("js-sent-as-is", { name: a.name }) : `${a.name}: ${a.removed}`;
    return li;
  });
  if (files.length) {
    const ul = document.createElement("ul");
    ul.append(...files);
    summary.append(ul);
  }
  $("sent-summary").replaceChildren(summary);
  $("sent").hidden = false;
  $("sent").focus();
  show("page-status", t("js-report-sent"));
}

// ---- the mailbox page ---------------------------------------------------------------------
function mailboxPage() {
  let token = null;
  // Who the next follow-up goes to, as the module found it: the readers the report itself
  // committed to, never one reviewer's word (null before any receipt).
  let followUp = null;
  let attachments = [];
  let conflicts = [];
  const exclude = new Set();
  $("open-mailbox").hidden = false;
  $("fu-attachments").addEventListener("change", async () => { attachments = await readAttachments($("fu-attachments"), $("fu-attachment-list")); });
  $("fu-text").addEventListener("input", () => updateFollowUpPreview());

  // Exactly the report's readers, as its route commitment names them: never routed afresh.
  function followUpRequest(extra) {
    const request = { now_unix: nowUnix(), token, text: $("fu-text").value, attachments: describe(attachments),
      exclude: [...exclude], keep_readers: $("fu-keep-readers").checked, ...extra };
    if (followUp) {
      request.recipients = followUp.readers;
      if (followUp.route) request.route = followUp.route;
      if (followUp.last_seen) request.last_seen = followUp.last_seen;
      if (followUp.reader_changes && followUp.reader_changes.length) request.reader_changes = followUp.reader_changes;
    }
    return request;
  }

  const handlers = { exclude: (id) => { exclude.add(id); updateFollowUpPreview(); } };

  let previewNumber = 0;
  const updateFollowUpPreview = coalesced(followUpPreviewNow);
  async function followUpPreviewNow() {
    const number = ++previewNumber;
    if (!token || !followUp) { $("fu-preview").replaceChildren(); return; }
    try {
      const text = $("fu-text").value.trim() ? $("fu-text").value : "preview";
      const answer = (await call(OP.followUp, followUpRequest({ dry_run: true, text }), [directoryBytes])).json;
      if (number !== previewNumber) return;
      renderReaders($("fu-preview"), answer.sealed_to);
      conflicts = answer.conflicts || [];
      renderConflicts($("fu-conflicts"), $("fu-conflict-list"), $("fu-conflict-actions"), conflicts, handlers);
    } catch (e) {
      if (number === previewNumber) $("fu-preview").textContent = e.message;
    }
  }

  async function openMailbox() {
    const { mailbox_id } = (await call(OP.mailbox, { token })).json;
    const envelopes = [];
    let after;
    for (;;) {
      const page = await (await relay("/v1/mailbox/list", postJson({ mailbox_id, after }))).json();
      for (const entry of page.entries) {
        const bytes = await (await relay("/v1/mailbox/read", postJson({ mailbox_id, seq: entry.seq }))).arrayBuffer();
        envelopes.push(new Uint8Array(bytes));
      }
      if (!page.entries.length || page.next == null || page.next === after) break;
      after = page.next;
    }
    const opened = await callLong(OP.openReplies, { now_unix: nowUnix(), token }, [directoryBytes, ...envelopes]);
    renderReplies(opened);
  }

  function renderReplies(opened) {
    const { replies, warnings } = opened.json;
    followUp = opened.json.follow_up;
    const items = replies.map((r) => {
      const div = document.createElement("article");
      div.className = "reply";
      div.dataset.kind = r.kind;
      const from = document.createElement("p");
      from.className = "from";
      const queues = r.queues.map((q) => directory.queues.find((x) => x.id === q)?.name || q).join(", ");
      const text = document.createElement("p");
      if (r.kind === "receipt") {
        from.textContent = t("js-receipt-from", { day: r.day, queues });
        text.textContent = t("js-receipt-text");
      } else {
        from.textContent = r.supervisor ? t("js-reply-from-supervisor", { day: r.day, queues }) : t("js-reply-from-reviewer", { day: r.day, queues });
        text.textContent = r.text;
      }
      div.append(from, text);
      // What the reviewer had read of the reporter's messages when writing (format 2 replies).
      if (r.seen_line) {
        const seen = document.createElement("p");
        seen.className = "seen";
        seen.textContent = r.seen_line;
        div.append(seen);
      }
      for (const a of r.attachments) {
        const link = document.createElement("a");
        // Saved, never shown inline: a reply's attachment is data, not a page.
        link.href = URL.createObjectURL(new Blob([opened.parts[a.part]], { type: "application/octet-stream" }));
        link.download = a.name;
        link.textContent = t("js-save-attachment", { name: a.name, bytes: a.bytes });
        div.append(link);
      }
      return div;
    });
    if (!items.length) {
      const p = document.createElement("p");
      p.textContent = t("js-nothing-yet");
      items.push(p);
    }
    for (const w of warnings) {
      const p = document.createElement("p");
      p.className = "warning";
      p.textContent = w;
      items.push(p);
    }
    // Anything a reviewer proposed or tried that the page did not apply, in plain words.
    for (const n of followUp ? followUp.notes : []) {
      const p = document.createElement("p");
      p.className = "warning route-note";
      p.textContent = n;
      items.push(p);
    }
    $("replies").replaceChildren(...items);
    // Before any receipt, nothing can be sent: the page will not guess who may read it.
    $("not-received").hidden = !!followUp;
    $("fu-send").disabled = !followUp;
    $("thread").hidden = false;
    updateFollowUpPreview();
  }

  $("open-mailbox").addEventListener("submit", async (event) => {
    event.preventDefault();
    show("token-error", "");
    busy($("open"), true);
    try {
      token = $("token-input").value.trim().toLowerCase().split(/\s+/).join(" ");
      show("open-status", t("js-opening-mailbox"));
      await paint();
      await openMailbox();
      // Out of sight once used: the page keeps it only in memory, for follow-ups.
      $("token-input").value = "";
      show("open-status", t("js-mailbox-opened"));
      $("token-input").removeAttribute("aria-invalid");
    } catch (e) {
      token = null;
      $("token-input").setAttribute("aria-invalid", "true");
      show("token-error", e.message);
      show("open-status", "");
    } finally {
      busy($("open"), false);
    }
  });

  $("follow-up").addEventListener("submit", async (event) => {
    event.preventDefault();
    show("fu-error", "");
    if (!$("fu-text").value.trim()) { show("fu-error", t("js-write-first")); $("fu-text").focus(); return; }
    if (!followUp) { show("fu-error", t("js-follow-up-not-received")); return; }
    await updateFollowUpPreview();
    if (conflicts.length && !$("fu-keep-readers").checked) {
      show("fu-error", t("js-follow-up-conflict"));
      $("fu-conflict-actions").querySelector("button")?.focus();
      return;
    }
    busy($("fu-send"), true);
    try {
      show("fu-status", t("js-locking-message"));
      await paint();
      const sealed = await callLong(OP.followUp, followUpRequest({}), [directoryBytes, ...attachments.map((a) => a.bytes)]);
      show("fu-status", t("js-sending"));
      await submitEnvelope(sealed.parts[1]);
      $("fu-text").value = "";
      $("fu-attachments").value = "";
      $("fu-attachment-list").replaceChildren();
      attachments = [];
      exclude.clear();
      $("fu-keep-readers").checked = false;
      updateFollowUpPreview();
      show("fu-status", t("js-follow-up-sent"));
    } catch (e) {
      show("fu-error", t("js-not-sent", { reason: e.message }));
      show("fu-status", "");
    } finally {
      busy($("fu-send"), false);
    }
  });
}

const postJson = (body) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

// ---- start --------------------------------------------------------------------------------
async function start() {
  // Hidden in the HTML, so that with JavaScript off nothing claims to be checking.
  $("page-status").hidden = false;
  try {
    await loadModule();
    // Computed by the browser, not by the module it describes; still only a number to compare
    // with the published one: it cannot prove the page (README "Where the page comes from").
    $("wasm-sha").textContent = build === "javascript" ? t("js-module-javascript-build", { sha: wasmSha }) : wasmSha;
    await loadDirectory();
    show("page-status", "");
    if ($("report")) reportPage();
    else mailboxPage();
  } catch (e) {
    show("page-status", "");
    show("page-error", t("js-cannot-use", { reason: e.message }) + (e.code ? ` (${e.code})` : ""));
  }
}

start();
