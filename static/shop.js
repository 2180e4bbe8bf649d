// The few lines of script the shop needs on top of htmx; every page works without them.
(function () {
  "use strict";

  // The toast arrives visible (so it shows without JavaScript); here it fades after a while,
  // unless the pointer or the focus is on it, and its close button works.
  var TOAST_MS = 5000;

  function showToasts(root) {
    var toasts = root.querySelectorAll ? root.querySelectorAll(".toast:not([data-shop-ready])") : [];
    toasts.forEach(function (toast) {
      toast.dataset.shopReady = "1";
      var timer = null;
      function later() { timer = setTimeout(function () { toast.remove(); }, TOAST_MS); }
      function hold() { clearTimeout(timer); }
      toast.addEventListener("mouseenter", hold);
      toast.addEventListener("focusin", hold);
      toast.addEventListener("mouseleave", later);
      toast.addEventListener("focusout", later);
      var close = toast.querySelector("[data-shop-dismiss]");
      if (close) close.addEventListener("click", function () { toast.remove(); });
      later();
    });
  }

  // An answer htmx does not swap (403, 404, 500, no network) must not fail silently. It takes
  // the place of the toast shown before, as a message does.
  function showError(message) {
    var container = document.getElementById("toasts");
    if (!container) return;
    var toast = document.createElement("div");
    toast.className = "toast show align-items-center border-0 text-bg-danger";
    toast.setAttribute("role", "alert");
    var body = document.createElement("div");
    body.className = "toast-body";
    body.textContent = message;
    toast.appendChild(body);
    container.replaceChildren(toast);
    showToasts(container);
  }

  // The navbar's menus (<details data-shop-menu>) open and close by themselves, with or without
  // JavaScript; here Escape or a click elsewhere closes an open one, as a menu does.
  function closeMenus(except) {
    document.querySelectorAll("details[data-shop-menu][open]").forEach(function (menu) {
      if (!menu.contains(except)) menu.open = false;
    });
  }

  // A form with an idempotency token ({% idempotency_token %}, the add-to-cart forms): once the
  // shop has answered it, sending it again is a new change and needs a new token; a retry after
  // no answer (a network error) keeps the token, so the shop makes that change only once.
  function newToken() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, function (byte) { return (byte + 256).toString(16).slice(1); }).join("");
  }

  document.addEventListener("click", function (event) { closeMenus(event.target); });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.activeElement && document.activeElement.closest("details[data-shop-menu][open]");
    closeMenus(null);
    if (open) open.querySelector("summary").focus();
  });

  document.addEventListener("DOMContentLoaded", function () {
    htmx.onLoad(showToasts);
    document.body.addEventListener("htmx:afterRequest", function (event) {
      var form = event.detail.elt.closest && event.detail.elt.closest("form");
      var token = form && form.querySelector("input[data-idempotency-token]");
      if (token && event.detail.xhr && event.detail.xhr.status) token.value = newToken();
    });
    // A form sent on each change of its field (the cart's quantities): htmx sends the change,
    // Enter included, so the form's own submit would be a second request.
    document.body.addEventListener("submit", function (event) {
      if (event.target.matches("form[data-shop-submit-on-change]")) event.preventDefault();
    });
    // The filters' off-canvas panel (a phone) closes once its form is sent: the results show.
    document.body.addEventListener("submit", function (event) {
      var panel = event.target.closest(".offcanvas-lg.show");
      if (panel && window.bootstrap) bootstrap.Offcanvas.getOrCreateInstance(panel).hide();
    });
    var messages = document.body.dataset;
    document.body.addEventListener("htmx:responseError", function (event) {
      var status = event.detail.xhr.status;
      showError(status === 403 ? messages.errorForbidden : status === 404 ? messages.errorNotFound : messages.errorServer);
    });
    document.body.addEventListener("htmx:sendError", function () { showError(messages.errorNetwork); });
  });
})();
