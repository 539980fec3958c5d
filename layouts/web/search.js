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
    var end = Math.min(text.length, at + 140);
    if (end < text.length && text.lastIndexOf(" ", end) > at) end = text.lastIndexOf(" ", end);
    return (start > 0 ? "…" : "") + text.slice(start, end).trim() + (end < text.length ? "…" : "");
  }

  // The snippet as text nodes, each word of the query in a <mark> (compared folded; the
  // folding keeps lengths for Latin and Arabic letters alike, except for removed marks).
  function mark(into, text, words) {
    var folded = "", map = [];
    for (var i = 0; i < text.length; i++) {
      var f = fold(text[i]);
      for (var k = 0; k < f.length; k++) { folded += f[k]; map.push(i); }
    }
    var spans = [];
    words.forEach(function (word) {
      var from = 0, at;
      while (word && (at = folded.indexOf(word, from)) >= 0) {
        spans.push([map[at], map[at + word.length - 1] + 1]);
        from = at + word.length;
      }
    });
    spans.sort(function (a, b) { return a[0] - b[0]; });
    var cursor = 0;
    spans.forEach(function (span) {
      if (span[0] < cursor) return;
      into.appendChild(document.createTextNode(text.slice(cursor, span[0])));
      var m = document.createElement("mark");
      m.textContent = text.slice(span[0], span[1]);
      into.appendChild(m);
      cursor = span[1];
    });
    into.appendChild(document.createTextNode(text.slice(cursor)));
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
      mark(text, snippet(e.x, hit.item.text, words[0]), words);
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
