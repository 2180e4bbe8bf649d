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

  document.addEventListener("DOMContentLoaded", function () {
    htmx.onLoad(showToasts);
    var messages = document.body.dataset;
    document.body.addEventListener("htmx:responseError", function (event) {
      var status = event.detail.xhr.status;
      showError(status === 403 ? messages.errorForbidden : status === 404 ? messages.errorNotFound : messages.errorServer);
    });
    document.body.addEventListener("htmx:sendError", function () { showError(messages.errorNetwork); });
  });
})();
