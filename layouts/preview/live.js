/* report-build preview: keeps a page the preview serves up to date. The preview adds this
 * script to the pages it serves; no build ever includes it.
 *
 * It asks the preview what happened since the page was served, by loading
 * /_preview/poll.js (a script: the site's Content-Security-Policy lets a page load its own
 * scripts and connect nowhere else), which the preview answers when something happens. Then:
 * - "reload": the page changed; reload it, keeping the reader's place (the nearest heading and
 *   where it stood on the screen, kept in sessionStorage across the reload);
 * - "go": another page changed (the writer is editing it): go there, to the section that changed;
 * - "panel": only the faults or the PDF's state changed: swap the panel in place. */
(function () {
  "use strict";
  var script = document.currentScript;
  var known = {
    session: script.dataset.session,
    since: script.dataset.generation,
    panel: script.dataset.panel,
    pdf: script.dataset.pdf,
    view: script.dataset.view,
    page: script.dataset.page
  };
  var KEY = "report-build-preview-place";
  var PLACES = "main h1[id], main h2[id], main h3[id], main h4[id], main h5[id], main h6[id], main figure[id]";
  var retry = 0;

  function remember() {
    var place = { path: location.pathname, x: window.scrollX, y: window.scrollY, id: "", top: 0 };
    var marks = document.querySelectorAll(PLACES);
    for (var i = 0; i < marks.length; i++) {
      var top = marks[i].getBoundingClientRect().top;
      if (place.id && top > 8) break;
      place.id = marks[i].id;
      place.top = top;
    }
    try { sessionStorage.setItem(KEY, JSON.stringify(place)); } catch (e) { /* storage off: the browser's own restore */ }
  }

  function restore() {
    var saved = null;
    try { saved = JSON.parse(sessionStorage.getItem(KEY) || "null"); } catch (e) { return; }
    if (!saved || saved.path !== location.pathname) return;
    function place() {
      var mark = saved.id && document.getElementById(saved.id);
      var y = mark ? window.scrollY + mark.getBoundingClientRect().top - saved.top : saved.y;
      window.scrollTo({ left: saved.x, top: y, behavior: "instant" });
    }
    place();
    window.addEventListener("load", function () {
      place();
      try { sessionStorage.removeItem(KEY); } catch (e) { /* nothing kept */ }
    }, { once: true });
    if (document.fonts) document.fonts.ready.then(place);
  }

  function ages() {
    var format = window.Intl && Intl.RelativeTimeFormat
      ? new Intl.RelativeTimeFormat(document.documentElement.lang || undefined, { numeric: "auto" }) : null;
    document.querySelectorAll("time.rb-age").forEach(function (time) {
      var seconds = Math.round((Date.parse(time.dateTime) - Date.now()) / 1000);
      if (!format || isNaN(seconds)) return;
      var text = seconds > -60 ? format.format(seconds, "second")
        : seconds > -3600 ? format.format(Math.round(seconds / 60), "minute")
        : format.format(Math.round(seconds / 3600), "hour");
      time.textContent = "(" + text + ")";
    });
  }

  function swap(markup) {
    var old = document.getElementById("rb-preview");
    var box = document.createElement("template");
    box.innerHTML = markup.trim();
    var fresh = box.content.firstElementChild;
    if (old && fresh) old.replaceWith(fresh);
    ages();
  }

  function poll() {
    var tag = document.createElement("script");
    tag.src = "/_preview/poll.js?" + new URLSearchParams(known).toString();
    tag.onerror = function () {  /* the preview is stopped or restarting: ask again, less often */
      tag.remove();
      retry = Math.min(retry ? retry * 2 : 500, 5000);
      setTimeout(poll, retry);
    };
    document.head.appendChild(tag);
  }

  window.reportBuildPreview = function (answer) {
    if (document.currentScript) document.currentScript.remove();
    retry = 0;
    if (answer.action === "reload") { remember(); location.reload(); return; }
    if (answer.action === "go") { location.assign(answer.href); return; }
    if (answer.action === "panel" && answer.html) swap(answer.html);
    known.session = answer.session;
    known.since = answer.generation;
    known.panel = answer.panel;
    known.pdf = answer.pdf;
    poll();
  };

  restore();
  ages();
  setInterval(ages, 5000);
  // Only once the page has loaded: a script the page is still waiting for would hold its load
  // event (and the browser's spinner) for as long as the preview takes to answer.
  if (document.readyState === "complete") poll();
  else window.addEventListener("load", function () { setTimeout(poll, 0); }, { once: true });
})();
