// The few lines of script the shop needs on top of htmx; every page works without them.
(function () {
  "use strict";

  // Toasts arrive visible (so they show without JavaScript); here they fade after a while.
  function showToasts(root) {
    root.querySelectorAll(".toast:not([data-shop-ready])").forEach(function (element) {
      element.dataset.shopReady = "1";
      element.addEventListener("hidden.bs.toast", function () { element.remove(); });
      if (window.bootstrap) {
        bootstrap.Toast.getOrCreateInstance(element, { delay: 5000 }).show();
      }
    });
  }

  // An answer htmx does not swap (403, 404, 500, no network) must not fail silently.
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
    container.appendChild(toast);
    showToasts(container);
  }

  // A form with an idempotency token ({% idempotency_token %}, the add-to-cart forms): once the
  // shop has answered it, sending it again is a new change and needs a new token; a retry after
  // no answer (a network error) keeps the token, so the shop makes that change only once.
  function newToken() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, function (byte) { return (byte + 256).toString(16).slice(1); }).join("");
  }

  document.addEventListener("DOMContentLoaded", function () {
    htmx.onLoad(showToasts);
    document.body.addEventListener("htmx:afterRequest", function (event) {
      var form = event.detail.elt.closest && event.detail.elt.closest("form");
      var token = form && form.querySelector("input[data-idempotency-token]");
      if (token && event.detail.xhr && event.detail.xhr.status) token.value = newToken();
    });
    var messages = document.body.dataset;
    document.body.addEventListener("htmx:responseError", function (event) {
      var status = event.detail.xhr.status;
      showError(status === 403 ? messages.errorForbidden : status === 404 ? messages.errorNotFound : messages.errorServer);
    });
    document.body.addEventListener("htmx:sendError", function () { showError(messages.errorNetwork); });
  });
})();
