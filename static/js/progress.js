// Bootstrap sizes a progress bar with an inline style="width: …%", which the
// Content-Security-Policy refuses: each bar takes its width here from the aria-valuenow
// the template writes on its .progress (set through element.style, which the policy allows).
(function () {
  "use strict";

  document.querySelectorAll(".progress[aria-valuenow] > .progress-bar").forEach(function (bar) {
    // At once, as the inline style drew it: Bootstrap's transition is for later changes
    // (static/js/briefing.js moves the bar as the briefing is made).
    bar.style.transition = "none";
    bar.style.width = bar.parentElement.getAttribute("aria-valuenow") + "%";
    void bar.offsetWidth;
    bar.style.transition = "";
  });
})();
