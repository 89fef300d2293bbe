/* Anxin page behaviour: toasts, the global progress bar, busy forms, the staff sidebar drawer.
   Toast contract (docs/architecture.md): a response header
   HX-Trigger: {"anxin:toast": {"level": "success|info|warning|error", "message": "…"}} (or a list of them). */
(function () {
  "use strict";
  var LEVELS = ["success", "info", "warning", "error"];
  var STAYS = { warning: true, error: true }; // problems stay until closed; good news fades

  function dismissLater(toast) {
    if (!STAYS[toast.dataset.level]) setTimeout(function () { toast.remove(); }, 6000);
  }

  function showToast(level, message) {
    var box = document.getElementById("toasts");
    if (!box || !message) return;
    level = LEVELS.indexOf(level) >= 0 ? level : "info";
    var toast = document.createElement("div");
    toast.className = "toast show anxin-toast toast-" + level;
    toast.dataset.level = level;
    toast.setAttribute("role", STAYS[level] ? "alert" : "status");
    var body = document.createElement("div");
    body.className = "toast-body";
    body.textContent = message; // text, never HTML
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("aria-label", box.dataset.closeLabel || "Close");
    toast.append(body, close);
    box.append(toast);
    dismissLater(toast);
  }
  window.anxinToast = showToast;

  document.addEventListener("anxin:toast", function (event) {
    var detail = event.detail || {};
    var items = Array.isArray(detail.value) ? detail.value : [detail];
    items.forEach(function (item) { showToast(item.level, item.message); });
  });

  document.addEventListener("click", function (event) {
    var close = event.target.closest(".anxin-toast .btn-close");
    if (close) close.closest(".anxin-toast").remove();
    var toggle = event.target.closest("[data-sidebar-toggle]");
    var sidebar = document.getElementById("sidebar");
    if (toggle && sidebar) {
      var open = sidebar.classList.toggle("open");
      toggle.setAttribute("aria-expanded", String(open));
      if (open) (sidebar.querySelector("a") || sidebar).focus();
    } else if (event.target.closest("[data-sidebar-close]") && sidebar) {
      sidebar.classList.remove("open");
      document.querySelector("[data-sidebar-toggle]").setAttribute("aria-expanded", "false");
    }
  });

  // One progress bar for every request in flight; the busy element is marked for screen readers too.
  var inFlight = 0;
  function busy(delta) {
    inFlight = Math.max(0, inFlight + delta);
    document.documentElement.classList.toggle("anxin-busy", inFlight > 0);
  }
  document.addEventListener("htmx:beforeRequest", function (event) { busy(1); event.target.setAttribute("aria-busy", "true"); });
  document.addEventListener("htmx:afterRequest", function (event) { busy(-1); event.target.removeAttribute("aria-busy"); });
  document.addEventListener("htmx:sendError", function () {
    showToast("error", document.documentElement.lang === "en" ? "Network problem: please try again." : "网络异常，请稍后重试。");
  });
  // Full-page form posts (sign-in, the repair form) show the same spinner and refuse a second click.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.hasAttribute("hx-post") || form.hasAttribute("hx-get")) return;
    form.classList.add("is-submitting");
    busy(1);
  });
  window.addEventListener("pageshow", function () { // back/forward cache: nothing is in flight any more
    inFlight = 0;
    document.documentElement.classList.remove("anxin-busy");
    document.querySelectorAll(".is-submitting").forEach(function (f) { f.classList.remove("is-submitting"); });
  });

  // Runs deferred (staff, technician) or inline in the <head> (customer pages, ADR 24): wait for the DOM.
  function onReady(init) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
    else init();
  }
  onReady(function () { document.querySelectorAll(".anxin-toast").forEach(dismissLater); });
  // Toasts a page brought in an htmx swap (hx-select-oob="#toasts") go away like the page's own.
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("#toasts .anxin-toast:not([data-timed])").forEach(function (toast) {
      toast.dataset.timed = "1";
      dismissLater(toast);
    });
  });

  // List filters are a closed <details> on phones (the list comes first) and open on wider screens.
  onReady(function () {
    document.querySelectorAll("details[data-open-from]").forEach(function (details) {
      if (window.matchMedia("(min-width: " + details.dataset.openFrom + "px)").matches) details.open = true;
    });
  });
})();
