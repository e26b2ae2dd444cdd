// Man pages from the manual's Markdown through libcmark-gfm's man renderer.
// The page's title becomes the NAME section, its "##" sections the man
// page's sections; tables become tbl tables when they fit in 80 columns and
// tagged paragraphs when they do not (tbl cannot wrap wide cells cleanly).
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "probity/manual/manual.hpp"
#include "probity/io/files.hpp"

namespace probity::manual {
namespace {

namespace fs = std::filesystem;

struct NodeFree {
  void operator()(cmark_node* node) const { cmark_node_free(node); }
};
struct ParserFree {
  void operator()(cmark_parser* parser) const { cmark_parser_free(parser); }
};
struct IterFree {
  void operator()(cmark_iter* iter) const { cmark_iter_free(iter); }
};
struct CharFree {
  void operator()(char* text) const { std::free(text); }
};
using Node = std::unique_ptr<cmark_node, NodeFree>;

// Columns a man page's body has at MANWIDTH=80: man-db's line length is 78,
// and the text is indented 7.
constexpr std::size_t body_width = 71;

std::string owned(char* text) {
  const std::unique_ptr<char, CharFree> holder(text);
  return text == nullptr ? std::string() : std::string(text);
}

Node parse(const std::string& markdown) {
  static std::once_flag registered;
  std::call_once(registered, [] { cmark_gfm_core_extensions_ensure_registered(); });
  const std::unique_ptr<cmark_parser, ParserFree> parser(cmark_parser_new(CMARK_OPT_DEFAULT));
  cmark_syntax_extension* table = cmark_find_syntax_extension("table");
  if (table == nullptr) throw std::runtime_error("libcmark-gfm has no table extension");
  cmark_parser_attach_syntax_extension(parser.get(), table);
  cmark_parser_feed(parser.get(), markdown.data(), markdown.size());
  return Node(cmark_parser_finish(parser.get()));
}

bool is_type(cmark_node* node, std::string_view type) {
  const char* name = cmark_node_get_type_string(node);
  return name != nullptr && type == name;
}

std::vector<cmark_node*> children(cmark_node* node) {
  std::vector<cmark_node*> nodes;
  for (cmark_node* child = cmark_node_first_child(node); child != nullptr; child = cmark_node_next(child)) {
    nodes.push_back(child);
  }
  return nodes;
}

// The characters a node's text shows, for measuring table columns.
std::string plain_text(cmark_node* node) {
  std::string text;
  const std::unique_ptr<cmark_iter, IterFree> iter(cmark_iter_new(node));
  for (cmark_event_type event; (event = cmark_iter_next(iter.get())) != CMARK_EVENT_DONE;) {
    cmark_node* current = cmark_iter_get_node(iter.get());
    if (event != CMARK_EVENT_ENTER) continue;
    const cmark_node_type type = cmark_node_get_type(current);
    if (type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE) {
      if (const char* literal = cmark_node_get_literal(current)) text += literal;
    } else if (type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK) {
      text += ' ';
    }
  }
  return text;
}

// A table cell's inline content as one line of roff.
std::string cell_roff(cmark_node* cell) {
  const Node paragraph(cmark_node_new(CMARK_NODE_PARAGRAPH));
  for (cmark_node* child : children(cell)) cmark_node_append_child(paragraph.get(), child);
  std::string roff = owned(cmark_render_man(paragraph.get(), CMARK_OPT_DEFAULT, 0));
  if (roff.starts_with(".PP\n")) roff.erase(0, 4);
  std::replace(roff.begin(), roff.end(), '\n', ' ');
  std::replace(roff.begin(), roff.end(), '\t', ' ');
  while (!roff.empty() && roff.back() == ' ') roff.pop_back();
  // tbl reads a cell of just "_" or "=" as a rule.
  if (roff == "_" || roff == "=" || roff == "\\_" || roff.empty()) roff.insert(0, "\\&");
  return roff;
}

std::string table_roff(cmark_node* table) {
  std::vector<std::vector<std::string>> rows;   // roff
  std::vector<std::size_t> widths;              // plain text columns
  for (cmark_node* row : children(table)) {
    if (!is_type(row, "table_row") && !is_type(row, "table_header")) continue;
    std::vector<std::string> cells;
    std::size_t column = 0;
    for (cmark_node* cell : children(row)) {
      if (widths.size() <= column) widths.push_back(0);
      widths[column] = std::max(widths[column], plain_text(cell).size());
      cells.push_back(cell_roff(cell));
      ++column;
    }
    rows.push_back(std::move(cells));
  }
  if (rows.empty()) return {};
  // tbl puts 3 columns between two columns.
  std::size_t total = 0;
  for (const std::size_t width : widths) total += width;
  total += 3 * (widths.size() - 1);
  std::string roff;
  if (total <= body_width) {
    std::string header_format;
    std::string body_format;
    for (std::size_t column = 0; column < widths.size(); ++column) {
      header_format += column == 0 ? "lb" : " lb";
      body_format += column == 0 ? "l" : " l";
    }
    roff = ".TS\ntab(\t);\n" + header_format + "\n" + body_format + ".\n";
    for (const auto& cells : rows) {
      std::string line;
      for (std::size_t column = 0; column < cells.size(); ++column) line += (column == 0 ? "" : "\t") + cells[column];
      roff += line + "\n";
    }
    return roff + ".TE\n";
  }
  // Too wide: one tagged paragraph a row, the first cell as its tag.
  const std::vector<std::string>& header = rows.front();
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const std::vector<std::string>& cells = rows[r];
    roff += ".TP\n" + (cells.empty() ? std::string("\\&") : cells.front()) + "\n";
    for (std::size_t column = 1; column < cells.size(); ++column) {
      if (column > 1) roff += ".br\n";
      const std::string label = column < header.size() ? header[column] : "";
      roff += (label.empty() || label == "\\&" ? "" : label + ": ") + cells[column] + "\n";
    }
  }
  return roff;
}

// Text for .TH and NAME: quotes and backslashes would end or escape the field.
std::string roff_text(std::string_view text) {
  std::string escaped;
  for (const char c : text) {
    if (c == '\\') {
      escaped += "\\e";
    } else if (c == '-') {
      escaped += "\\-";
    } else if (c == '"') {
      escaped += "\\(dq";
    } else if (c == '`') {
      continue;
    } else {
      escaped += c;
    }
  }
  if (!escaped.empty() && (escaped[0] == '.' || escaped[0] == '\'')) escaped.insert(0, "\\&");
  return escaped;
}

// A link to another page of the manual or to an anchor means nothing in a man
// page (the renderer would print its target): keep only its text.
void unwrap_internal_links(cmark_node* document) {
  std::vector<cmark_node*> links;
  {
    const std::unique_ptr<cmark_iter, IterFree> iter(cmark_iter_new(document));
    for (cmark_event_type event; (event = cmark_iter_next(iter.get())) != CMARK_EVENT_DONE;) {
      cmark_node* node = cmark_iter_get_node(iter.get());
      if (event != CMARK_EVENT_ENTER || cmark_node_get_type(node) != CMARK_NODE_LINK) continue;
      const std::string_view url = cmark_node_get_url(node) == nullptr ? "" : cmark_node_get_url(node);
      if (url.find("://") == std::string_view::npos) links.push_back(node);
    }
  }
  for (cmark_node* link : links) {
    for (cmark_node* child : children(link)) cmark_node_insert_before(link, child);
    cmark_node_unlink(link);
    cmark_node_free(link);
  }
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// Section titles (.SH) are upper case in man pages: "SEE ALSO". Code spans
// keep their case: an option or a probe name means what it spells.
void upper_case_text(cmark_node* heading) {
  for (cmark_node* child : children(heading)) {
    if (cmark_node_get_type(child) == CMARK_NODE_TEXT) {
      cmark_node_set_literal(child, upper(cmark_node_get_literal(child)).c_str());
    } else if (cmark_node_get_type(child) != CMARK_NODE_CODE) {
      upper_case_text(child);
    }
  }
}

// Two things cmark's roff leaves to the reader: a line that starts with "."
// or "'" is a request to roff (a code block's "..."), so it is escaped; and
// a word longer than a line (a URL) cannot be adjusted, so a word of over 60
// characters gets a break point (\:) after each '/'.
std::string roff_fixups(const std::string& roff) {
  std::string out;
  std::size_t start = 0;
  while (start < roff.size()) {
    std::size_t end = roff.find('\n', start);
    end = end == std::string::npos ? roff.size() : end + 1;
    const std::string_view line = std::string_view(roff).substr(start, end - start);
    std::string fixed;
    if (line.starts_with("..") || line.starts_with("'")) fixed += "\\&";
    bool long_word = false;
    std::size_t word_start = 0;
    for (std::size_t i = 0; i <= line.size(); ++i) {
      if (i < line.size() && line[i] != ' ' && line[i] != '\n') continue;
      const std::string_view word = line.substr(word_start, i - word_start);
      if (word.size() > 60 && !line.starts_with('.')) {
        long_word = true;
        for (const char c : word) {
          fixed += c;
          if (c == '/') fixed += "\\:";
        }
      } else {
        fixed += word;
      }
      if (i < line.size()) fixed += line[i];
      word_start = i + 1;
    }
    // Not stretched to the margin: a line holding only part of the word cannot be.
    if (long_word && fixed.ends_with('\n')) fixed = ".na\n" + fixed + ".ad\n";
    out += fixed;
    start = end;
  }
  return out;
}

}  // namespace

std::string man_page(const Page& page) {
  const Node document = parse(page.markdown);
  std::string title = page.title;
  bool title_removed = false;
  unwrap_internal_links(document.get());
  for (cmark_node* node : children(document.get())) {
    const cmark_node_type type = cmark_node_get_type(node);
    if (type == CMARK_NODE_HEADING) {
      const int level = cmark_node_get_heading_level(node);
      if (level == 1 && !title_removed) {
        title = plain_text(node);
        title_removed = true;
        cmark_node_unlink(node);
        cmark_node_free(node);
        continue;
      }
      cmark_node_set_heading_level(node, std::max(1, level - 1));
      if (level <= 2) upper_case_text(node);
    } else if (type == CMARK_NODE_HTML_BLOCK) {
      cmark_node_unlink(node);  // comments for Markdown readers and tests
      cmark_node_free(node);
    } else if (is_type(node, "table")) {
      cmark_node* roff = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
      cmark_node_set_on_enter(roff, table_roff(node).c_str());
      cmark_node_insert_before(node, roff);
      cmark_node_unlink(node);
      cmark_node_free(node);
    }
  }
  cmark_node* first = cmark_node_first_child(document.get());
  if (first == nullptr || cmark_node_get_type(first) != CMARK_NODE_HEADING) {
    cmark_node* description = cmark_node_new(CMARK_NODE_HEADING);
    cmark_node_set_heading_level(description, 1);
    cmark_node* text = cmark_node_new(CMARK_NODE_TEXT);
    cmark_node_set_literal(text, "DESCRIPTION");
    cmark_node_append_child(description, text);
    cmark_node_prepend_child(document.get(), description);
  }
  // The man page's name is the part of the title before ": " when it has one.
  std::string summary = title;
  if (const std::size_t colon = title.find(": "); colon != std::string::npos) summary = title.substr(colon + 2);
  std::string roff = ".TH \"" + roff_text(upper(page.man_name)) + "\" \"" + std::to_string(page.man_section) +
                     "\" \"\" \"probity " PROBITY_VERSION "\" \"Probity Manual\"\n";
  roff += ".SH NAME\n" + roff_text(page.man_name) + " \\- " + roff_text(summary) + "\n";
  roff += roff_fixups(owned(cmark_render_man(document.get(), CMARK_OPT_DEFAULT, 0)));
  return roff;
}

void write_man(const Manual& manual, const fs::path& dir) {
  for (const Page& page : manual.pages) {
    if (page.man_name.empty()) continue;
    const fs::path file = dir / ("man" + std::to_string(page.man_section)) /
                          (page.man_name + "." + std::to_string(page.man_section));
    std::error_code error;
    fs::create_directories(file.parent_path(), error);
    if (error) throw std::runtime_error("cannot create " + file.parent_path().string() + ": " + error.message());
    io::write_file_atomically(file, man_page(page));
  }
}

}  // namespace probity::manual
