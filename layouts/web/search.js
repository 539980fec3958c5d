/* report-build web edition: offline search. assets/search-index.js (made at build time) sets
 * window.RB_SEARCH to one entry per section: t title, c chapter, h link, x text. Every word of
 * the query must appear; a word in a title counts more than one in the text. */
(function () {
  "use strict";
  var page = document.querySelector(".search-page");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var input = document.getElementById("search-q");
  if (!page || !list || !status || !window.RB_SEARCH) return;

  function fold(text) {
    return text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f\u064b-\u065f\u0670\u0640]/g, "");
  }
  var entries = window.RB_SEARCH.map(function (e) {
    return { entry: e, title: fold(e.t), text: fold(e.x) };
  });

  function snippet(text, folded, word) {
    var at = folded.indexOf(word);
    if (at < 0) return text.slice(0, 160) + (text.length > 160 ? "…" : "");
    var start = Math.max(0, text.lastIndexOf(" ", Math.max(0, at - 60)));
    var end = Math.min(text.length, at + 120);
    return (start > 0 ? "…" : "") + text.slice(start, end).trim() + (end < text.length ? "…" : "");
  }

  function search(query) {
    var words = fold(query).split(/\s+/).filter(function (w) { return w.length > 0; });
    list.textContent = "";
    if (!words.length) { status.textContent = page.dataset.hint; return; }
    var found = [];
    entries.forEach(function (item) {
      var score = 0;
      for (var i = 0; i < words.length; i++) {
        var inTitle = item.title.indexOf(words[i]) >= 0;
        var inText = item.text.indexOf(words[i]) >= 0;
        if (!inTitle && !inText) return;
        score += (inTitle ? 10 : 0) + (inText ? 1 : 0);
      }
      found.push({ item: item, score: score });
    });
    found.sort(function (a, b) { return b.score - a.score; });
    found.forEach(function (hit) {
      var e = hit.item.entry;
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = e.h;
      link.textContent = e.t;
      li.appendChild(link);
      if (e.c) {
        var where = document.createElement("span");
        where.className = "search-chapter";
        where.textContent = e.c;
        li.appendChild(where);
      }
      var text = document.createElement("p");
      text.textContent = snippet(e.x, hit.item.text, words[0]);
      li.appendChild(text);
      list.appendChild(li);
    });
    var message = found.length === 0 ? page.dataset.none : found.length === 1 ? page.dataset.one : page.dataset.results;
    status.textContent = message.replace("{count}", String(found.length)).replace("{query}", query.trim());
  }

  var query = new URLSearchParams(window.location.search).get("q") || "";
  if (input) {
    input.value = query;
    input.form.addEventListener("submit", function (event) {
      event.preventDefault();
      search(input.value);
      try {
        var url = new URL(window.location.href);
        url.searchParams.set("q", input.value);
        window.history.replaceState(null, "", url.toString());
      } catch (ignored) { /* some browsers refuse this on file:// pages; the results stand */ }
    });
  }
  search(query);
})();
