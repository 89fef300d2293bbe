/* Files sent in resumable chunks (the tus protocol, anxin/uploads; client: static/vendor/tus) when the
   phone is online. A form opts in with data-upload-purpose, data-upload-target, data-upload-endpoint,
   data-upload-meta-<key> (sent as metadata <key>, dashes as underscores), and data-upload-refresh +
   data-upload-select (the page and the part of it to swap in once the server has the file).
   field-offline.js hands the shrunk photo here; offline (or without this script) it posts the whole
   form through htmx as before, and the service worker queues it.
   - A dropped request is retried by tus-js-client, which asks the server where it stands (HEAD) and sends
     only the rest; when the phone goes offline mid-upload it waits and goes on once back online.
   - The upload's address is kept in localStorage under a fingerprint of the file's content, so taking the
     same photo again after a reload resumes it instead of sending it again.
   - The server hands the finished file to its purpose exactly once (a retried last chunk does nothing). */
(function () {
  "use strict";
  var CHUNK_SIZE = 256 * 1024;
  var RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000];
  var texts = function () {
    var el = document.getElementById("upload-texts");
    return el ? el.dataset : {};
  };
  var running = 0;

  function eligible(form) {
    return form && form.dataset.uploadPurpose && window.tus && tus.isSupported && navigator.onLine;
  }

  function metadataOf(form, file) {
    var meta = {
      purpose: form.dataset.uploadPurpose,
      target: form.dataset.uploadTarget || "",
      filetype: file.type || "application/octet-stream",
      filename: file.name || "file",
    };
    Object.keys(form.dataset).forEach(function (key) {
      if (key.indexOf("uploadMeta") !== 0 || key === "uploadMeta") return;
      var name = key.slice("uploadMeta".length).replace(/[A-Z]/g, function (c, i) {
        return (i ? "_" : "") + c.toLowerCase();
      });
      meta[name] = form.dataset[key];
    });
    return meta;
  }

  // Same bytes, same purpose and target: the same upload to resume (a shrunk photo gets a new
  // lastModified every time, so tus-js-client's default fingerprint would never match).
  function fingerprintOf(file, meta) {
    var key = [meta.purpose, meta.target, meta.role || "", meta.inspection_id || "", meta.item_code || ""].join("|");
    if (!(window.crypto && crypto.subtle && file.arrayBuffer)) {
      return Promise.resolve("anxin-tus|" + key + "|" + file.name + "|" + file.type + "|" + file.size);
    }
    return file.arrayBuffer().then(function (buffer) {
      return crypto.subtle.digest("SHA-256", buffer);
    }).then(function (digest) {
      var hex = Array.prototype.map.call(new Uint8Array(digest), function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("");
      return "anxin-tus|" + key + "|" + hex;
    });
  }

  function statusOf(form) {
    var box = form.querySelector(":scope > .upload-status");
    if (!box) {
      box = document.createElement("p");
      box.className = "upload-status";
      box.setAttribute("role", "status");
      box.setAttribute("aria-live", "polite");
      var bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute("aria-label", texts().label || "");
      var text = document.createElement("span");
      text.className = "upload-text";
      box.append(bar, " ", text);
      form.append(box);
    }
    return box;
  }

  function show(form, percent, message) {
    var box = statusOf(form);
    if (percent !== null) box.querySelector("progress").value = percent;
    box.querySelector(".upload-text").textContent = message;
    box.dataset.percent = percent === null ? box.dataset.percent || "" : String(percent);
  }

  function fill(template, value) {
    return (template || "%s").replace("%s", value);
  }

  function errorText(error) {
    var response = error && error.originalResponse;
    if (response) {
      try {
        var body = JSON.parse(response.getBody() || "{}");
        if (body.detail) return body.detail;
      } catch (ignored) { /* not our JSON: the generic text below */ }
    }
    return texts().failed || "";
  }

  function refresh(form) {
    var url = form.dataset.uploadRefresh;
    var select = form.dataset.uploadSelect;
    if (!url || !select || !window.htmx) return Promise.resolve();
    return htmx.ajax("GET", url, { target: select, select: select, swap: "outerHTML" });
  }

  function send(input, files) {
    var form = input.closest && input.closest("form");
    if (!eligible(form) || !files.length) return false;
    var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
    files.forEach(function (file) {
      var meta = metadataOf(form, file);
      running += 1;
      show(form, 0, fill(texts().progress, "0%"));
      fingerprintOf(file, meta).then(function (fingerprint) {
        var upload = new tus.Upload(file, {
          endpoint: form.dataset.uploadEndpoint,
          chunkSize: CHUNK_SIZE,
          retryDelays: RETRY_DELAYS,
          metadata: meta,
          headers: csrf ? { "X-CSRFToken": csrf.value } : {},
          fingerprint: function () { return Promise.resolve(fingerprint); },
          storeFingerprintForResuming: true,
          removeFingerprintOnSuccess: true,
          onProgress: function (sent, total) {
            var percent = total ? Math.floor((sent / total) * 100) : 0;
            show(form, percent, fill(texts().progress, percent + "%"));
          },
          onSuccess: function () {
            running -= 1;
            show(form, 100, texts().done || "");
            input.value = "";
            // The swap replaces the form and its progress: the toast says it, as the form post's did.
            refresh(form).then(function () {
              if (window.anxinToast) window.anxinToast("success", texts().done || "");
            });
          },
          onError: function (error) {
            var status = error && error.originalResponse ? error.originalResponse.getStatus() : 0;
            if (!navigator.onLine || !status) {
              // The network went away: keep what the server has and go on from there once it is back
              // (or, if the phone still claims to be online, try again in a while).
              var percent = statusOf(form).dataset.percent || "0";
              show(form, null, fill(texts().waiting, percent + "%"));
              if (navigator.onLine) setTimeout(function () { upload.start(); }, 15000);
              else window.addEventListener("online", function () { upload.start(); }, { once: true });
              return;
            }
            running -= 1;
            show(form, null, errorText(error));
            var box = document.getElementById("visit-error");
            if (box) box.textContent = errorText(error);
          },
        });
        return upload.findPreviousUploads().then(function (previous) {
          if (previous.length) upload.resumeFromPreviousUpload(previous[0]);
          upload.start();
        });
      }).catch(function () {
        running -= 1;
        show(form, null, texts().failed || "");
      });
    });
    return true;
  }

  // Leaving the page mid-upload would stop it: ask first (what the server has is kept for 24 hours).
  window.addEventListener("beforeunload", function (event) {
    if (running > 0) {
      event.preventDefault();
      event.returnValue = texts().leave || "";
    }
  });

  window.anxinResumable = { send: send };
})();
