// The roster of a study session, kept on the secretary's phone during the meeting:
// "全部出席" fills the rows not yet chosen, and members' own sign-ins appear as they
// arrive. Without JavaScript the roster still works: each row is chosen by hand.
(function () {
  "use strict";

  var form = document.getElementById("roster");
  if (!form) {
    return;
  }

  var allPresent = document.getElementById("all-present");
  if (allPresent) {
    allPresent.hidden = false;
    allPresent.addEventListener("click", function () {
      form.querySelectorAll("[data-member]").forEach(function (row) {
        if (row.querySelector("input[type=radio]:checked")) {
          return;
        }
        var present = row.querySelector('input[type=radio][value="present"]');
        if (present) {
          present.checked = true;
        }
      });
    });
  }

  var url = form.dataset.checkinsUrl;
  if (!url) {
    return;
  }
  var POLL_MS = 5000;
  var label = form.dataset.selfSignedLabel;
  // Sign-ins already shown: a later choice by the secretary is not overwritten.
  var shown = {};
  form.querySelectorAll("[data-member]").forEach(function (row) {
    var badge = row.querySelector("[data-self-signed]");
    if (badge && !badge.hidden) {
      shown[row.dataset.member] = true;
    }
  });

  function show(checkin) {
    var key = String(checkin.member);
    var row = form.querySelector('[data-member="' + key + '"]');
    if (!row || shown[key]) {
      return;
    }
    shown[key] = true;
    var radio = row.querySelector('input[type=radio][value="' + checkin.status + '"]');
    if (radio) {
      radio.checked = true;
    }
    var badge = row.querySelector("[data-self-signed]");
    if (badge) {
      badge.textContent = label + " " + checkin.time;
      badge.hidden = false;
    }
  }

  var timer = null;
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) {
          return;
        }
        data.checkins.forEach(show);
        if (data.over && timer !== null) {
          clearInterval(timer);
          timer = null;
        }
      })
      .catch(function () {
        // A dropped connection in the meeting room: the next poll tries again.
      });
  }

  // Delays come from the server relative to the page load, so a phone's wrong clock
  // does not matter; the server says when the window is over.
  var opensIn = Math.max(0, Number(form.dataset.opensIn) || 0) * 1000;
  setTimeout(function () {
    poll();
    timer = setInterval(poll, POLL_MS);
  }, opensIn);
})();
