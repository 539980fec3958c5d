/* report-build web edition: what JavaScript adds. Every page reads without it.
 * On a narrow screen, where side notes are not shown, a note call opens its note in place
 * (and closes it again) instead of jumping to the list at the end of the page. */
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 68em)");
  document.addEventListener("click", function (event) {
    var call = event.target.closest && event.target.closest("a.noteref[data-note]");
    if (!call || wide.matches) return;
    var note = document.getElementById(call.getAttribute("data-note"));
    if (!note) return;
    event.preventDefault();
    var open = !note.classList.contains("open");
    note.classList.toggle("open", open);
    note.setAttribute("aria-hidden", open ? "false" : "true");
    call.setAttribute("aria-expanded", open ? "true" : "false");
  });
  document.querySelectorAll("a.noteref[data-note]").forEach(function (call) {
    call.setAttribute("aria-expanded", "false");
    call.setAttribute("aria-controls", call.getAttribute("data-note"));
  });
})();
