/* The technician's phone offline: registers the field service worker (/sw.js), gives every htmx POST an
   Idempotency-Key, shows what waits to be sent and what the server refused on replay (conflicts), asks the
   worker to replay when the network is back (and again, backing off, while actions still wait), keeps today's job pages warm for offline use, and shrinks
   photos before upload (sent in resumable chunks when online: static/js/resumable-upload.js). Contract
   with the worker: anxin/portal/templates/portal/sw.js. */
(function () {
  "use strict";
  var panel = document.getElementById("field-offline");
  if (!panel || !("serviceWorker" in navigator)) return;
  var T = panel.dataset;

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return String(Date.now()) + "-" + Math.random().toString(16).slice(2);
  }

  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb !== "post") return;
    event.detail.headers["Idempotency-Key"] = uuid();
    var source = event.detail.elt;
    var label = source && (source.getAttribute("data-offline-label") || source.getAttribute("data-action") || "");
    if (label) event.detail.headers["X-Anxin-Action"] = encodeURIComponent(label);
  });

  // A queued action is answered 202 with no body by the worker: keep the page as it is (an empty swap
  // would wipe the item or the list) and mark what was saved on the phone, with the photo's preview.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr || xhr.getResponseHeader("X-Anxin-Queued") !== "1") return;
    event.detail.shouldSwap = false;
    markSaved(event.detail.requestConfig ? event.detail.requestConfig.elt : event.detail.elt, event.detail.target);
  });

  function markSaved(source, target) {
    var form = source && (source.closest ? source.closest("form") || source : source);
    if (!form || !form.append) return;
    if (target && target.classList) target.classList.add("offline-queued");
    var note = form.querySelector(":scope > .offline-saved");
    if (!note) {
      note = document.createElement("p");
      note.className = "offline-saved";
      note.setAttribute("role", "status");
      form.append(note);
    }
    note.textContent = T.savedText || "";
    Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (input) {
      Array.prototype.forEach.call(input.files || [], function (file) {
        if (!/^image\//.test(file.type)) return;
        var img = document.createElement("img");
        img.className = "offline-preview";
        img.width = 96; img.height = 72; img.alt = T.savedText || "";
        img.src = URL.createObjectURL(file);
        note.append(" ", img);
      });
    });
  }

  function send(message) {
    if (navigator.serviceWorker.controller) navigator.serviceWorker.controller.postMessage(message);
  }

  function render(state) {
    var queued = state.queued || [];
    var conflicts = state.conflicts || [];
    panel.hidden = !queued.length && !conflicts.length && navigator.onLine;
    panel.querySelector("[data-offline-net]").textContent = navigator.onLine ? "" : T.offlineText;
    panel.querySelector("[data-offline-queued]").textContent = queued.length ? T.queuedText.replace("%s", queued.length) : "";
    var list = panel.querySelector("[data-offline-conflicts]");
    list.textContent = "";
    conflicts.forEach(function (c) {
      var item = document.createElement("li");
      item.className = "offline-conflict";
      var text = document.createElement("span");
      var label = c.label ? decodeURIComponent(c.label) : c.path;
      text.textContent = T.conflictText.replace("%s", label) + " " + (c.message || c.status);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-sm";
      button.textContent = T.dismissText;
      button.addEventListener("click", function () { send({ type: "dismiss", seq: c.seq }); });
      item.append(text, " ", button);
      list.append(item);
    });
  }

  // While actions wait and the phone says it is online, ask the worker again, backing off: "online"
  // can come before the network (or the worker's own network) works, and a server fault keeps the
  // queue too. Every flush answers with the state, which schedules the next try until the queue empties.
  var retryTimer = null;
  var retryDelay = 2000;
  function retryLater(state) {
    if (!(state.queued || []).length) {
      retryDelay = 2000;
      return;
    }
    if (retryTimer || !navigator.onLine) return;
    retryTimer = setTimeout(function () { retryTimer = null; send({ type: "flush" }); }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 60000);
  }

  navigator.serviceWorker.addEventListener("message", function (event) {
    if (!event.data || event.data.type !== "anxin-field-state") return;
    render(event.data.state);
    retryLater(event.data.state);
  });
  window.addEventListener("online", function () { send({ type: "flush" }); render({}); });
  window.addEventListener("offline", function () { render({}); });

  navigator.serviceWorker.register(T.worker, { scope: "/" }).then(function () {
    return navigator.serviceWorker.ready;
  }).then(function (registration) {
    send({ type: "state" });
    if (navigator.onLine) send({ type: "flush" });
    var warm = Array.prototype.map.call(document.querySelectorAll("[data-offline-warm]"), function (a) {
      return a.getAttribute("href");
    });
    if (warm.length) send({ type: "warm", urls: warm });
    if (registration.sync) registration.sync.register("anxin-field").catch(function () {});
  }).catch(function () { /* no worker (private mode): the pages still work online */ });

  // Photos: a phone camera's 12 MP JPEG becomes ~1600 px before it is sent (or queued).
  var MAX_SIDE = 1600;
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-shrink]") || !input.files.length) return;
    if (input.dataset.shrunk === "1") { input.dataset.shrunk = ""; return; }
    event.stopImmediatePropagation(); // htmx sees the shrunk photo, re-sent below, not the original
    Promise.all(Array.prototype.map.call(input.files, shrink)).then(function (files) {
      // Online, a form that takes resumable uploads sends it in chunks (static/js/resumable-upload.js);
      // otherwise htmx posts it whole, and offline the worker queues that post.
      if (window.anxinResumable && window.anxinResumable.send(input, files)) return;
      var transfer = new DataTransfer();
      files.forEach(function (f) { transfer.items.add(f); });
      input.files = transfer.files;
      input.dataset.shrunk = "1";
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }, true);

  function shrink(file) {
    if (!/^image\/(jpeg|png|webp)$/.test(file.type) || !window.createImageBitmap) return Promise.resolve(file);
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      if (scale === 1 && file.size < 1500000) return file;
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          resolve(blob ? new File([blob], file.name.replace(/\.\w+$/, "") + ".jpg", { type: "image/jpeg" }) : file);
        }, "image/jpeg", 0.85);
      });
    }).catch(function () { return file; });
  }
})();
