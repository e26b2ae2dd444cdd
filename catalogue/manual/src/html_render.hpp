// The pieces of the static HTML manual that work on one page: escaping,
// relative URLs between the site's files, and Markdown rendered through
// libcmark-gfm with stable heading ids and rewritten page links.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "probity/manual/manual.hpp"

namespace probity::manual::html {

// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string escape(std::string_view text);

// Percent-encodes what may not stand in a URL path or fragment as it is.
std::string escape_url(std::string_view text);

// The URL of `to_file` (a path relative to the site root: "reference/sched.html")
// as written in the page whose path is `from_page` ("guide/start", no extension).
std::string relative_url(std::string_view from_page, std::string_view to_file);

// "../" once for every directory of `page_path`: the way back to the site root.
std::string root_prefix(std::string_view page_path);

// The page's Markdown as an HTML fragment:
//  - GFM tables and autolinks;
//  - every heading gets an id: the SearchEntry.anchor of the probe it
//    documents, otherwise a slug of its text (unique within the page);
//  - links to another page's Markdown ("reference/sched.md#x", relative to
//    the page or to the manual's root) become relative links to its .html;
//  - stability triples ("Stable/Evolving/Common") anywhere in the text, and
//    table cells that hold one level, class or hazard ("Stable", "hot"),
//    keep their text inside spans with a class per level;
//  - an <h1> with the page title when the Markdown does not start with one.
// `page_paths` are the paths of every page of the manual.
std::string render_page(const Page& page, const std::set<std::string, std::less<>>& page_paths);

}  // namespace probity::manual::html
