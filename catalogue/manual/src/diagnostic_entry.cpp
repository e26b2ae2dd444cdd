// `probity man D_TAG`: a diagnostic's section of diagnostics.md (embedded
// with the guide, the same text the HTML manual and probity-diagnostics(7)
// show) as terminal text, the way probity man lays out a probe: the tag at the
// margin, prose wrapped four columns in, examples verbatim eight in.
#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "guide.hpp"
#include "probity/catalogue/diagnostic.hpp"
#include "probity/manual/manual.hpp"
#include "text_wrap.hpp"

namespace probity::manual {
namespace {

constexpr std::string_view section_prefix = "## ";

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    lines.push_back(text.substr(0, newline));
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
  }
  return lines;
}

std::string diagnostics_markdown() {
  for (const Page& page : detail::guide_pages()) {
    if (page.path == "diagnostics") return page.markdown;
  }
  throw std::logic_error("the embedded manual has no diagnostics.md");
}

// Markdown's inline markup read as plain text: `code` is code, [text](link) is text.
std::string plain(std::string_view markdown) {
  std::string text;
  for (std::size_t at = 0; at < markdown.size(); ++at) {
    const char c = markdown[at];
    if (c == '`') continue;
    if (c == ']' && at + 1 < markdown.size() && markdown[at + 1] == '(') {
      const std::size_t close = markdown.find(')', at);
      if (close != std::string_view::npos) {
        at = close;
        continue;
      }
    }
    if (c == '[' && markdown.find("](", at) != std::string_view::npos) continue;
    text += c;
  }
  return text;
}

// A line of an example eight columns in; a message too long for the width
// continues on lines two columns further in than it starts.
std::string example_line(std::string_view line, std::size_t columns) {
  const std::string indent = "        " + std::string(line.substr(0, line.find_first_not_of(' ')));
  if (indent.size() >= line.size() || line.size() + 8 <= columns) return "        " + std::string(line) + "\n";
  return detail::wrap(line.substr(indent.size() - 8), indent, indent + "  ", columns);
}

bool starts_item(std::string_view line) { return line.starts_with("- ") || line.starts_with("* "); }

}  // namespace

std::vector<std::string> diagnostic_tags_documented() {
  std::vector<std::string> tags;
  const std::string markdown = diagnostics_markdown();
  for (const std::string_view line : lines_of(markdown)) {
    if (line.starts_with(section_prefix)) tags.emplace_back(line.substr(section_prefix.size()));
  }
  return tags;
}

std::string diagnostic_entry(std::string_view tag, int width) {
  const std::string markdown = diagnostics_markdown();
  const std::vector<std::string_view> lines = lines_of(markdown);
  const std::string heading = std::string(section_prefix) + std::string(tag);
  const auto start = std::find(lines.begin(), lines.end(), heading);
  if (start == lines.end()) {
    std::string message = "no diagnostic is tagged " + std::string(tag);
    if (const auto close = catalogue::closest_match(tag, diagnostic_tags_documented())) {
      message += "; did you mean " + *close + "?";
    }
    throw std::invalid_argument(message + " (probity-diagnostics(7) lists every tag)");
  }
  const auto columns = static_cast<std::size_t>(std::max(width, 40));
  std::string text = std::string(tag) + "\n";
  std::string paragraph;
  bool item = false;
  const auto flush = [&] {
    if (paragraph.empty()) return;
    text += "\n" + (item ? detail::wrap(plain(paragraph), "    - ", "      ", columns)
                         : detail::wrap(plain(paragraph), "    ", "    ", columns));
    paragraph.clear();
  };
  bool in_code = false;
  for (auto line = start + 1; line != lines.end() && !line->starts_with(section_prefix); ++line) {
    if (line->starts_with("```")) {
      flush();
      text += in_code ? "" : "\n";
      in_code = !in_code;
    } else if (in_code) {
      text += example_line(*line, columns);
    } else if (line->empty() || line->starts_with("<!--")) {
      flush();
    } else if (line->starts_with("|")) {
      if (!paragraph.empty() || !line[-1].starts_with("|")) text += "\n";
      flush();
      text += "    " + std::string(*line) + "\n";
    } else {
      if (starts_item(*line)) {
        flush();
        item = true;
        paragraph = std::string(line->substr(2));
        continue;
      }
      if (paragraph.empty()) item = false;
      paragraph += (paragraph.empty() ? "" : " ") + std::string(*line);
    }
  }
  flush();
  return text;
}

}  // namespace probity::manual
