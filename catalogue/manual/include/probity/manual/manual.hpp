// The reference manual, generated from the catalogue index so that it cannot
// drift from what the compiler enforces, plus the hand-written guide
// (docs/manual/*.md, embedded at build time). One Markdown model (CommonMark
// with GFM tables) is rendered three ways: Markdown files, man pages and a
// static HTML site with offline search (both through libcmark-gfm).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "probity/catalogue/index.hpp"
#include "probity/catalogue/model.hpp"

namespace probity::manual {

// One probe as the HTML search index and the manual's index page list it.
struct SearchEntry {
  std::string probe;      // "sched:sched_switch"
  std::string summary;    // the first sentence of its description
  std::string stability;  // "Stable/Stable/Common"
  std::string hazard;     // "", "hot", "sensitive"
  std::string anchor;     // fragment on its page: "sched_switch"
};

// One page of the manual.
struct Page {
  std::string path;         // output path without extension: "reference/sched", "guide/getting-started"
  std::string title;        // "sched: the process scheduler"
  std::string markdown;     // CommonMark + GFM tables
  std::string man_name;     // "probity-sched", "probity", "probity-language"
  int man_section = 7;      // 1, 5 or 7
  std::vector<SearchEntry> entries;  // the probes this page documents
};

struct Manual {
  std::vector<Page> pages;  // the reference pages (one per provider, an index, stats) and the guide
};

// The pages generated from the catalogue have paths under this directory;
// every other page is the hand-written guide (its path is the source file's
// path under docs/manual/, without ".md").
inline constexpr std::string_view reference_directory = "reference";
bool is_reference_page(const Page& page);

// The whole manual from every release in `index`. Each probe is described as
// the newest catalogued release that has it describes it, so the result does
// not depend on the machine it is built on; availability and layout changes
// span every catalogued release.
Manual build_manual(const catalogue::Index& index);

// Writes <dir>/<page.path>.md for every page.
void write_markdown(const Manual& manual, const std::filesystem::path& dir);
// Writes <dir>/man<section>/<man_name>.<section> for every page that has a man_name.
void write_man(const Manual& manual, const std::filesystem::path& dir);
// Writes <dir>/index.html, one .html per page, search.js and search-index.js;
// works from file:// without a network.
void write_html(const Manual& manual, const std::filesystem::path& dir);

// One page as a man page (roff, with its .TH header); what write_man writes.
std::string man_page(const Page& page);

// `probity man PROBE`: one probe's entry for a terminal (plain text, wrapped
// to `width` columns). PROBE is any spelling of one probe the compiler
// accepts ("sched:sched_switch", "sched:::sched_switch",
// "tracepoint:sched:sched_switch", or an event name alone when only one
// provider has it). The entry describes the probe as `release` does (as the
// newest release that has it when `release` is empty or lacks it), after
// `adjust` (when given) has changed that release's catalogue: probity man
// applies the vendor overlays in force for it, and the entry then shows the
// vendor's stability, hazard and support and names the overlays. Throws
// std::invalid_argument naming the probe when no catalogued release has it,
// with close names as suggestions, or when PROBE names several probes.
// `running`, when given, is the running kernel's catalogue (catalogue/
// host.hpp), described as one more release when the index lacks it.
std::string terminal_entry(const catalogue::Index& index, std::string_view probe, int width = 80,
                           const std::string& release = {},
                           const std::function<void(catalogue::Catalogue&)>& adjust = {},
                           const catalogue::Catalogue* running = nullptr);

// `probity man D_TAG`: the diagnostic's section of the manual's
// diagnostics.md (also probity-diagnostics(7)) for a terminal: what it means,
// its example and the message it prints, and the fix, wrapped to `width`
// columns. Throws std::invalid_argument naming the closest tag when no
// section documents `tag`.
std::string diagnostic_entry(std::string_view tag, int width = 80);
// Every tag diagnostics.md documents, in its order.
std::vector<std::string> diagnostic_tags_documented();

// The two ways a terminal shows a probe. ManPage: probity man's sections,
// upper-case headings at the margin and four-space indents. DTrace: probity
// -lv's blocks, as dtrace -lv prints them, title-case headings one tab in.
enum class TerminalLayout : std::uint8_t { ManPage, DTrace };

// A probe's stability for a terminal, as both probity man and probity -lv
// show it: the Probe Description Attributes (each component's level and where
// it comes from: catalogue, kernel, vendor or default) and why, the Argument
// Attributes (the lowest of its fields'), its hazard and what a program must
// do to use it, and the vendor's support when an overlay states it. Each
// heading of the outermost level follows a blank line, so the text starts
// with one; wrapped to `width` columns (a tab counts to the next multiple of 8).
std::string stability_block(const catalogue::Event& event, TerminalLayout layout, std::size_t width);

// The first lines of a probe's entry for a terminal, as probity man and
// probity -lv print them: "provider:event", then its description (or why it
// has none) indented by four, wrapped to `width` columns.
std::string heading_block(const catalogue::Event& event, std::size_t width);

// A probe's fields for a terminal, as probity man and probity -lv print them:
// a blank line, the FIELDS heading, then each field's C declaration with its
// stability and meaning indented under it, wrapped to `width` columns; a field
// whose values the print format of `release` names lists them.
std::string fields_block(const catalogue::Event& event, std::size_t width, const std::string& release);

// The example program a probe's entry shows: a D program that compiles
// against `catalogue` (the catalogue `event` comes from) with no option on the
// command line, using the event's most stable field (with the #pragma options
// its stability or hazard needs). "" for a forbidden probe.
std::string example_program(const catalogue::Event& event);

}  // namespace probity::manual
