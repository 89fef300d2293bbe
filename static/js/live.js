/* Live order updates over WebSockets (docs/realtime.md).
 *
 * Markup: any element with data-live-socket="/ws/…" opens one socket. Messages:
 *   {kind: "event", number, event, status, status_label, awaiting_approval}  a timeline row
 *   {kind: "position", number, eta_minutes, map}                            the technician en route
 * The customer's page updates its status, ETA, quote banner and map in place; staff pages (board,
 * technician's phone) re-fetch their polling htmx region at once instead of waiting for the poll.
 * The socket reconnects with backoff; its first message (hello) carries the order's status now, so a
 * page catches up on a change made while it was not connected. Nothing is ever sent on it.
 */
(function () {
  "use strict";
  if (window.AnxinLive) return;

  function byId(id) { return document.getElementById(id); }

  function onEvent(msg) {
    showStatus(msg);
    refreshRegions();
  }

  function showStatus(msg) {
    var status = byId("order-status");
    if (status && msg.status_label) status.textContent = msg.status_label;
    var quote = byId("live-quote");
    if (quote) quote.hidden = !msg.awaiting_approval;
    if (msg.status !== "en_route") {
      var eta = byId("live-eta");
      if (eta) eta.hidden = true;
    }
    if (msg.status !== "en_route" && msg.status !== "technician_accepted") {
      var code = byId("arrival-code-box");
      if (code) code.hidden = true;
    }
  }

  function onPosition(msg) {
    var eta = byId("live-eta"), minutes = byId("live-eta-minutes");
    if (eta && minutes && msg.eta_minutes) { minutes.textContent = String(msg.eta_minutes); eta.hidden = false; }
    var data = byId("order-map-data");
    if (data && msg.map) {
      var config = JSON.parse(data.textContent);
      config.spec = msg.map;
      data.textContent = JSON.stringify(config); // anxin-map.js redraws the overlays on this change
    }
  }

  var pending = null;
  function refreshRegions() {
    // Staff pages poll a region with htmx (hx-trigger="every …"): fetch it now, once per burst.
    if (!window.htmx) return;
    clearTimeout(pending);
    pending = setTimeout(function () {
      document.querySelectorAll("[hx-get][hx-trigger*='every']").forEach(function (el) {
        window.htmx.ajax("GET", el.getAttribute("hx-get"), {target: el, swap: el.getAttribute("hx-swap") || "innerHTML"});
      });
    }, 300);
  }

  function connect(el, delay, again) {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + el.getAttribute("data-live-socket"));
    var state = byId("live-state");
    socket.onopen = function () { delay = 1000; el.setAttribute("data-live-connected", "1"); if (state) state.setAttribute("data-connected", "1"); };
    socket.onmessage = function (e) {
      var msg = JSON.parse(e.data);
      // hello carries the order's state now: a page catches up on what changed while it was not
      // connected (between rendering and the first socket, or while reconnecting).
      if (msg.kind === "hello") { if (msg.status) showStatus(msg); if (again) refreshRegions(); }
      else if (msg.kind === "event") onEvent(msg);
      else if (msg.kind === "position") onPosition(msg);
      el.setAttribute("data-live-last", msg.kind);
    };
    socket.onclose = function (e) {
      el.setAttribute("data-live-connected", "0");
      if (e.code === 4403) return; // refused: not this viewer's order; retrying would not help
      setTimeout(function () { connect(el, Math.min(delay * 2, 30000), true); }, delay);
    };
  }

  function start() {
    document.querySelectorAll("[data-live-socket]").forEach(function (el) {
      if (el.getAttribute("data-live-started")) return;
      el.setAttribute("data-live-started", "1");
      connect(el, 1000);
    });
  }
  window.AnxinLive = {start: start};
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
