// A briefing being made in the background: ask the server every two seconds how far it
// has got, move the progress bar, and reload the page once it is done or has failed so the
// download link or the failure reason shows. Without JavaScript the page refreshes itself.
(function () {
  "use strict";

  var box = document.getElementById("briefing");
  if (!box || !box.dataset.statusUrl) {
    return;
  }
  var POLL_MS = 2000;
  var url = box.dataset.statusUrl;
  var progress = document.getElementById("progress");
  var bar = progress ? progress.querySelector(".progress-bar") : null;
  var badge = box.querySelector("[data-state-badge]");

  function show(status) {
    if (bar) {
      bar.style.width = status.progress + "%";
      bar.textContent = status.progress + "%";
      progress.setAttribute("aria-valuenow", status.progress);
    }
    if (badge) {
      badge.textContent = status.state_label;
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (status) {
        show(status);
        if (status.state === "done" || status.state === "failed") {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, POLL_MS);
      })
      .catch(function () {
        // A dropped connection on an intranet: keep asking, a little less often.
        window.setTimeout(poll, POLL_MS * 2);
      });
  }

  window.setTimeout(poll, POLL_MS);
})();
