/* Anxin field service worker: the technician's pages keep working without network.
   - GET of the field pages: network first, the last copy when offline; static files: cache first.
   - POST from those pages (htmx): sent at once when online; offline (or while older actions still wait)
     queued in IndexedDB with its Idempotency-Key and replayed in order on reconnect. A refusal on replay
     (the order was reassigned meanwhile: 403/404/409/422) is kept as a conflict and shown on the page,
     never dropped. The server answers a repeated key from its first attempt (anxin/core/replay.py).
   Served by anxin/portal/pwa.py at /sw.js so that its scope covers the field pages. */
"use strict";
const VERSION = "{{ version }}";
const FIELD_PREFIXES = {{ field_prefixes|safe }};
const START_URL = "{{ start_url }}";
const PAGES = "anxin-field-pages-" + VERSION;
const STATIC = "anxin-field-static-" + VERSION;
const DB_NAME = "anxin-field";
const QUEUED_MESSAGE = "{{ queued_message|escapejs }}";

function isField(url) {
  return url.origin === self.location.origin && FIELD_PREFIXES.some((p) => url.pathname.startsWith(p));
}

// --- IndexedDB: two stores, "queue" (auto-increment: the replay order) and "conflicts" -------------
function db() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB_NAME, 1);
    open.onupgradeneeded = () => {
      open.result.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
      open.result.createObjectStore("conflicts", { keyPath: "seq", autoIncrement: true });
    };
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}
async function store(name, mode, work) {
  const conn = await db();
  return new Promise((resolve, reject) => {
    const tx = conn.transaction(name, mode);
    const result = work(tx.objectStore(name));
    tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
    tx.onerror = () => reject(tx.error);
  });
}
const all = (name) => store(name, "readonly", (s) => s.getAll());
const add = (name, value) => store(name, "readwrite", (s) => s.add(value));
const remove = (name, seq) => store(name, "readwrite", (s) => s.delete(seq));

async function state() {
  const [queue, conflicts] = await Promise.all([all("queue"), all("conflicts")]);
  return {
    queued: queue.map((q) => ({ seq: q.seq, path: q.path, label: q.label, at: q.at })),
    conflicts: conflicts.map((c) => ({ seq: c.seq, path: c.path, label: c.label, at: c.at, status: c.status, message: c.message })),
  };
}
async function tellPages() {
  const message = { type: "anxin-field-state", state: await state() };
  for (const client of await self.clients.matchAll({ includeUncontrolled: true })) client.postMessage(message);
}

// --- install / activate ---------------------------------------------------------------------------
self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(PAGES).then((cache) => cache.add(new Request(START_URL, { credentials: "same-origin" })).catch(() => {}))
      .then(() => self.skipWaiting())
  );
});
self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (![PAGES, STATIC].includes(name)) await caches.delete(name);
    await self.clients.claim();
    await flush();
  })());
});

// --- fetch ----------------------------------------------------------------------------------------
self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "GET" && url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(request));
  } else if (request.method === "GET" && isField(url) && !request.headers.get("HX-Request")) {
    // Whole pages only: an htmx partial under the same address must not replace the page's copy.
    event.respondWith(networkFirst(request));
  } else if (request.method === "POST" && isField(url) && request.mode !== "navigate") {
    event.respondWith(sendOrQueue(request));
  }
});

async function cacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) (await caches.open(STATIC)).put(request, response.clone());
  return response;
}

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) (await caches.open(PAGES)).put(request, response.clone());
    return response;
  } catch (offline) {
    const cached = await caches.match(request, { ignoreVary: true });
    if (cached) return cached;
    throw offline;
  }
}

async function sendOrQueue(request) {
  const waiting = (await all("queue")).length > 0;
  if (!waiting) {
    try {
      return await fetch(request.clone());
    } catch (offline) { /* no network: keep it */ }
  }
  await enqueue(request);
  flushSoon();
  // One toast when the phone starts keeping actions, not one per answer: a checklist filled offline would
  // bury the page under them; the page marks each kept action itself (field-offline.js) and counts them.
  const headers = new Headers({ "X-Anxin-Queued": "1" });
  if (!waiting) headers.set("HX-Trigger", asciiJson({ "anxin:toast": { level: "warning", message: QUEUED_MESSAGE } }));
  await tellPages();
  return new Response(null, { status: 202, headers });
}

// A header is Latin-1: Chinese travels as \u escapes, which JSON.parse undoes (as anxin/core/htmx.py does).
function asciiJson(value) {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

async function enqueue(request) {
  const headers = {};
  for (const [name, value] of request.headers) headers[name] = value;
  if (!headers["idempotency-key"]) headers["idempotency-key"] = self.crypto.randomUUID();
  const url = new URL(request.url);
  await add("queue", {
    url: request.url, path: url.pathname, label: headers["x-anxin-action"] || "",
    headers, body: await request.arrayBuffer(), at: new Date().toISOString(),
  });
}

// --- replay ---------------------------------------------------------------------------------------
let flushing = null;
let flushAgain = false;
function flushSoon() { setTimeout(() => flush(), 1500); }
// A flush asked for while one runs is run after it, not merged into it: the running one may have
// started before the network came back and end having sent nothing.
function flush() {
  if (flushing) {
    flushAgain = true;
    return flushing;
  }
  flushing = (async () => {
    let changed = false;
    do {
      flushAgain = false;
      changed = (await replayAll()) || changed;
    } while (flushAgain);
    return changed;
  })().finally(() => { flushing = null; });
  return flushing;
}
async function replayAll() {
  let changed = false;
  for (const item of await all("queue")) {
    let response;
    try {
      response = await fetch(item.url, { method: "POST", headers: item.headers, body: item.body, credentials: "same-origin" });
    } catch (offline) {
      break; // still offline: keep this one and everything after it, in order
    }
    if (response.status >= 500) break; // the server is unwell: try again later, same order
    changed = true;
    if (response.status >= 400) {
      await add("conflicts", {
        path: item.path, label: item.label, at: item.at, status: response.status,
        message: await reasonOf(response),
      });
    }
    await remove("queue", item.seq);
  }
  if (changed) await tellPages();
  return changed;
}
async function reasonOf(response) {
  const trigger = response.headers.get("HX-Trigger");
  if (trigger) {
    try {
      const toast = JSON.parse(trigger)["anxin:toast"];
      const first = Array.isArray(toast) ? toast[0] : toast;
      if (first && first.message) return first.message;
    } catch (ignored) { /* not JSON */ }
  }
  return (await response.text()).slice(0, 300);
}

self.addEventListener("sync", (event) => { if (event.tag === "anxin-field") event.waitUntil(flush()); });
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "flush") event.waitUntil(flush().then(tellPages));
  else if (data.type === "state") event.waitUntil(tellPages());
  else if (data.type === "dismiss") event.waitUntil(remove("conflicts", data.seq).then(tellPages));
  else if (data.type === "warm") event.waitUntil(warm(data.urls || []));
});

async function warm(urls) {
  const cache = await caches.open(PAGES);
  for (const path of urls) {
    const url = new URL(path, self.location.origin);
    if (!isField(url)) continue;
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.ok && !response.redirected) await cache.put(url, response);
    } catch (offline) { return; }
  }
}
