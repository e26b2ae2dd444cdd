#include "html_assets.hpp"

namespace probity::manual::html {

namespace {

// Plain JavaScript, no framework, nothing fetched: the index arrives as a
// script (search-index.js) because Chromium blocks fetch() of file:// URLs.
constexpr std::string_view search_js = R"js(// Probity manual search: filters the probes of search-index.js as you type.
// Works from file:// without a network. A query is a substring of a probe's
// name or summary, or a provider:event prefix ("sched:", "sched:sched_s");
// exact probe names rank first, then documented probes, the stablest first.
// Enter opens the first result; ?q=TERM in the page's URL searches on load.
(function () {
  "use strict";

  var index = window.PROBITY_SEARCH_INDEX || [];
  var root = document.body.getAttribute("data-root") || "";
  var input = document.getElementById("search-input");
  var form = document.getElementById("search-form");
  var panel = document.getElementById("search-results");
  var onSearchPage = document.body.classList.contains("search-page");
  var shownAtMost = 200;

  function normalise(raw) {
    var query = raw.trim().toLowerCase();
    query = query.replace(/^(tracepoint|tp):/, "");  // bpftrace spelling
    query = query.replace(/:::/, ":");               // DTrace spelling
    return query.replace(/\*+$/, "");
  }

  // Lower is better; -1 when the entry does not match.
  function rank(entry, query) {
    var probe = entry.probe.toLowerCase();
    var colon = probe.indexOf(":");
    var provider = probe.slice(0, colon);
    var event = probe.slice(colon + 1);
    var queryColon = query.indexOf(":");
    if (queryColon >= 0) {
      var wantedProvider = query.slice(0, queryColon);
      var wantedEvent = query.slice(queryColon + 1);
      if (probe === query) return 0;
      if (provider === wantedProvider && event.indexOf(wantedEvent) === 0) return 1;
      if (provider.indexOf(wantedProvider) === 0 && event.indexOf(wantedEvent) === 0) return 2;
      return -1;
    }
    if (probe === query || event === query) return 0;
    if (event.indexOf(query) === 0 || provider.indexOf(query) === 0) return 1;
    if (probe.indexOf(query) >= 0) return 2;
    if (entry.summary.toLowerCase().indexOf(query) >= 0) return 3;
    return -1;
  }

  var levels = ["internal", "private", "obsolete", "external", "unstable", "evolving", "stable", "standard"];

  // The name and data levels of "Name/Data/Class", summed: higher is stabler.
  function strength(stability) {
    var parts = stability.toLowerCase().split("/");
    return levels.indexOf(parts[0]) + levels.indexOf(parts[1] || "");
  }

  function search(raw) {
    var query = normalise(raw);
    var matches = [];
    if (query === "") return matches;
    for (var i = 0; i < index.length; i++) {
      var r = rank(index[i], query);
      if (r >= 0) matches.push({ entry: index[i], rank: r });
    }
    // An exact name first; then what the catalogue documents before what it
    // does not; then closer matches; then the more stable.
    matches.sort(function (a, b) {
      var aExact = a.rank === 0 ? 0 : 1, bExact = b.rank === 0 ? 0 : 1;
      if (aExact !== bExact) return aExact - bExact;
      var aUndocumented = a.entry.summary ? 0 : 1, bUndocumented = b.entry.summary ? 0 : 1;
      if (aUndocumented !== bUndocumented) return aUndocumented - bUndocumented;
      if (a.rank !== b.rank) return a.rank - b.rank;
      var aStrength = strength(a.entry.stability), bStrength = strength(b.entry.stability);
      if (aStrength !== bStrength) return bStrength - aStrength;
      return a.entry.probe < b.entry.probe ? -1 : a.entry.probe > b.entry.probe ? 1 : 0;
    });
    return matches;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // "Stable/Evolving/Common" with a class per level; the text stays.
  function stabilityNode(stability) {
    var span = element("span", "stability");
    var parts = stability.split("/");
    for (var i = 0; i < parts.length; i++) {
      if (i > 0) span.appendChild(document.createTextNode("/"));
      var kind = i < 2 ? "level" : "class";
      span.appendChild(element("span", kind + " " + kind + "-" + parts[i].toLowerCase(), parts[i]));
    }
    return span;
  }

  function resultNode(entry) {
    var item = element("li", "search-result");
    var link = element("a", "probe", entry.probe);
    link.href = root + entry.url;
    item.appendChild(link);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(stabilityNode(entry.stability));
    if (entry.hazard) {
      item.appendChild(document.createTextNode(" "));
      item.appendChild(element("span", "hazard hazard-" + entry.hazard, entry.hazard));
    }
    if (entry.summary) item.appendChild(element("p", "summary", entry.summary));
    return item;
  }

  function render(raw) {
    while (panel.firstChild) panel.removeChild(panel.firstChild);
    if (raw.trim() === "") {
      panel.hidden = !onSearchPage;
      panel.appendChild(element("p", "search-status",
        "Type a probe name (sched_switch), a provider (sched:) or a word of its summary."));
      return;
    }
    panel.hidden = false;
    var matches = search(raw);
    var quoted = "\u201c" + raw.trim() + "\u201d";
    if (matches.length === 0) {
      panel.appendChild(element("p", "search-status no-results", "No probe matches " + quoted + "."));
      return;
    }
    panel.appendChild(element("p", "search-status",
      matches.length + (matches.length === 1 ? " probe matches " : " probes match ") + quoted +
      (matches.length > shownAtMost ? "; the first " + shownAtMost + " are shown." : ".")));
    var list = element("ol", "search-result-list");
    for (var i = 0; i < matches.length && i < shownAtMost; i++) list.appendChild(resultNode(matches[i].entry));
    panel.appendChild(list);
  }

  function remember(raw) {
    try {
      var url = new URL(window.location.href);
      if (raw.trim() === "") url.searchParams.delete("q"); else url.searchParams.set("q", raw);
      window.history.replaceState(null, "", url.toString());
    } catch (ignored) {
      // Some browsers refuse history changes on file:// pages; searching still works.
    }
  }

  if (!input || !form || !panel) return;

  input.addEventListener("input", function () {
    render(input.value);
    remember(input.value);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var matches = search(input.value);
    if (matches.length > 0) window.location.href = root + matches[0].entry.url;
    else render(input.value);
  });

  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial !== null) input.value = initial;
  if (initial !== null || onSearchPage) render(input.value);
})();
)js";

constexpr std::string_view style_css = R"css(/* Probity manual: one small sheet for screens, phones and print. */
:root {
  --text: #1d1f21; --muted: #5b6168; --background: #ffffff; --rule: #d9dde1;
  --accent: #0b5cad; --code: #f3f5f7;
  --good: #1b6e2e; --fair: #8a5a00; --poor: #b3261e;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; color: var(--text); background: var(--background);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
}
a { color: var(--accent); }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.92em; }
code { background: var(--code); padding: 0.05em 0.3em; border-radius: 3px; }
pre { background: var(--code); padding: 0.75em 1em; overflow-x: auto; border-radius: 4px; }
pre code { padding: 0; background: none; }

.site-header {
  display: flex; flex-wrap: wrap; gap: 0.5em 1.5em; align-items: center;
  padding: 0.6em 1.25em; border-bottom: 1px solid var(--rule);
}
.site-title { font-weight: 700; font-size: 1.1em; text-decoration: none; color: var(--text); }
.search { flex: 1 1 16em; max-width: 36em; }
.search input {
  width: 100%; font: inherit; padding: 0.35em 0.6em;
  border: 1px solid var(--rule); border-radius: 4px;
}
.visually-hidden {
  position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap;
}

.layout { display: grid; grid-template-columns: 15em minmax(0, 1fr); gap: 2em; padding: 0 1.25em; }
.sidebar { grid-column: 1; grid-row: 1; padding: 1em 0; font-size: 0.92em; border-right: 1px solid var(--rule); }
.sidebar h2 { font-size: 0.8em; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); margin: 1.2em 0 0.3em; }
.sidebar ul { list-style: none; margin: 0; padding: 0; }
.sidebar li { margin: 0.15em 0; }
.sidebar a { text-decoration: none; }
.sidebar a[aria-current="page"] { font-weight: 700; color: var(--text); }
main { grid-column: 2; grid-row: 1; padding: 1em 0 3em; max-width: 60em; min-width: 0; }
h1, h2, h3, h4 { line-height: 1.25; }
:target { scroll-margin-top: 1em; background: #fff8d6; }

table { border-collapse: collapse; margin: 1em 0; display: block; overflow-x: auto; max-width: 100%; }
th, td { border: 1px solid var(--rule); padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: var(--code); }

.stability, .hazard { white-space: nowrap; }
.level-standard, .level-stable { color: var(--good); font-weight: 600; }
.level-evolving { color: var(--fair); font-weight: 600; }
.level-unstable, .level-external { color: var(--fair); }
.level-obsolete, .level-private, .level-internal { color: var(--poor); font-weight: 600; }
.class { color: var(--muted); }
.hazard { font-size: 0.85em; padding: 0 0.4em; border-radius: 3px; border: 1px solid currentColor; }
.hazard-hot { color: var(--fair); }
.hazard-sensitive, .hazard-forbidden { color: var(--poor); }

.search-results { border-bottom: 1px solid var(--rule); margin-bottom: 1.5em; }
.search-result-list { padding-left: 1.5em; }
.search-result { margin: 0.4em 0; }
.search-result .probe { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-weight: 600; }
main code, .search-result .probe { overflow-wrap: anywhere; }
.search-result .summary { margin: 0.1em 0 0; color: var(--muted); }
.no-results { color: var(--poor); }

.site-footer { border-top: 1px solid var(--rule); padding: 0.8em 1.25em; color: var(--muted); font-size: 0.85em; }

@media (max-width: 48em) {
  .layout { display: block; padding: 0 0.9em; }
  .sidebar { border-right: none; border-top: 1px solid var(--rule); }
  .site-header { padding: 0.6em 0.9em; }
}

@media print {
  .site-header .search, .sidebar, .search-results { display: none; }
  .layout { display: block; padding: 0; }
  body { font-size: 11pt; }
  a { color: inherit; }
  table { display: table; }
  pre, tr, h2, h3 { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
}
)css";

}  // namespace

std::string_view search_script() { return search_js; }

std::string_view style_sheet() { return style_css; }

}  // namespace probity::manual::html
