// The member's online note or essay: count its characters as they are typed, and for the
// long essay say how many are still short of the target. The words come from the
// template (#char-counter's data-written, data-short, data-reached), translated there.
(function () {
  "use strict";

  var out = document.getElementById("char-counter");
  var text = document.getElementById("id_text");
  var kind = document.getElementById("id_kind");
  if (!out || !text || !kind) {
    return;
  }
  // Exactly the characters Python's str.isspace() accepts: services.count_characters leaves
  // these out, so the number shown here is the number the ledger will keep.
  var SPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
  var target = parseInt(out.dataset.target, 10);

  function count(value) {
    var n = 0;
    // for…of walks code points, as Python does; .length would count surrogate halves.
    for (var ch of value) {
      if (!SPACE.test(ch)) {
        n += 1;
      }
    }
    return n;
  }

  function update() {
    var n = count(text.value);
    var message = out.dataset.written.replace("{n}", n);
    if (target && kind.value === out.dataset.essay) {
      var template = n >= target ? out.dataset.reached : out.dataset.short;
      message += template.replace("{target}", target).replace("{short}", target - n);
    }
    out.textContent = message;
  }

  text.addEventListener("input", update);
  kind.addEventListener("change", update);
  update();
})();
