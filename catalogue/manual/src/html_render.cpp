#include "html_render.hpp"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <vector>

#include "probity/stability.hpp"

namespace probity::manual::html {

namespace {

struct ParserDeleter {
  void operator()(cmark_parser* parser) const { cmark_parser_free(parser); }
};
struct NodeDeleter {
  void operator()(cmark_node* node) const { cmark_node_free(node); }
};
struct IteratorDeleter {
  void operator()(cmark_iter* iterator) const { cmark_iter_free(iterator); }
};
struct RenderedDeleter {
  void operator()(char* text) const { cmark_get_default_mem_allocator()->free(text); }
};
using ParserPtr = std::unique_ptr<cmark_parser, ParserDeleter>;
using NodePtr = std::unique_ptr<cmark_node, NodeDeleter>;

// Raw HTML is rendered as it is only because this renderer puts its own markup
// in as HTML nodes (GFM table cells may hold no custom node); raw HTML from the
// sources is turned into text first (see neutralise_source_html), since the
// catalogue's text is data.
constexpr int render_options = CMARK_OPT_UNSAFE | CMARK_OPT_VALIDATE_UTF8;

cmark_syntax_extension* extension(const char* name) {
  static std::once_flag registered;
  std::call_once(registered, [] { cmark_gfm_core_extensions_ensure_registered(); });
  cmark_syntax_extension* found = cmark_find_syntax_extension(name);
  if (found == nullptr) {
    throw std::runtime_error(std::string("libcmark-gfm has no \"") + name + "\" extension");
  }
  return found;
}

std::string render(cmark_node* node, cmark_llist* extensions) {
  const std::unique_ptr<char, RenderedDeleter> html(cmark_render_html(node, render_options, extensions));
  if (!html) throw std::runtime_error("libcmark-gfm could not render HTML");
  return html.get();
}

// Every node of the tree, in document order, collected before any is changed.
std::vector<cmark_node*> nodes_of(cmark_node* root) {
  std::vector<cmark_node*> nodes;
  const std::unique_ptr<cmark_iter, IteratorDeleter> iterator(cmark_iter_new(root));
  for (cmark_event_type event = cmark_iter_next(iterator.get()); event != CMARK_EVENT_DONE;
       event = cmark_iter_next(iterator.get())) {
    if (event == CMARK_EVENT_ENTER) nodes.push_back(cmark_iter_get_node(iterator.get()));
  }
  return nodes;
}

std::string_view literal(cmark_node* node) {
  const char* text = cmark_node_get_literal(node);
  return text == nullptr ? std::string_view{} : std::string_view{text};
}

std::string plain_text(cmark_node* node) {
  std::string text;
  for (cmark_node* inner : nodes_of(node)) {
    switch (cmark_node_get_type(inner)) {
      case CMARK_NODE_TEXT:
      case CMARK_NODE_CODE:
        text += literal(inner);
        break;
      case CMARK_NODE_SOFTBREAK:
      case CMARK_NODE_LINEBREAK:
        text += ' ';
        break;
      default:
        break;
    }
  }
  return text;
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\n");
  return text.substr(first, last - first + 1);
}

bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == ':';
}

// A lower-case slug of a heading's text: letters, digits, '_' and '-'.
std::string slug(std::string_view text) {
  std::string result;
  bool pending_dash = false;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') {
      if (pending_dash && !result.empty()) result += '-';
      pending_dash = false;
      result += c;
    } else if (c >= 'A' && c <= 'Z') {
      if (pending_dash && !result.empty()) result += '-';
      pending_dash = false;
      result += static_cast<char>(c - 'A' + 'a');
    } else if (byte < 0x80) {
      pending_dash = true;
    }
  }
  return result.empty() ? "section" : result;
}

enum class Match { Exact, Prefix };

// Whether a heading's text names the probe `entry` documents: its full name,
// its event name or its anchor, alone (Exact) or followed by more words (Prefix).
bool heading_names(std::string_view text, const SearchEntry& entry, Match match) {
  const auto colon = entry.probe.find(':');
  const std::string_view event =
      colon == std::string::npos ? std::string_view{entry.probe} : std::string_view{entry.probe}.substr(colon + 1);
  for (const std::string_view name : {std::string_view{entry.probe}, event, std::string_view{entry.anchor}}) {
    if (name.empty()) continue;
    if (match == Match::Exact && text == name) return true;
    if (match == Match::Prefix && text.size() > name.size() && text.starts_with(name) &&
        !is_identifier_char(text[name.size()])) {
      return true;
    }
  }
  return false;
}

// The id of every heading: probe anchors first (exact names before headings
// that only start with the name), then unique slugs for the rest.
std::vector<std::string> heading_ids(const std::vector<cmark_node*>& headings, const Page& page) {
  std::vector<std::string> texts;
  texts.reserve(headings.size());
  for (cmark_node* heading : headings) texts.emplace_back(trim(plain_text(heading)));

  std::vector<std::string> ids(headings.size());
  std::set<std::string, std::less<>> used;
  for (const Match match : {Match::Exact, Match::Prefix}) {
    for (const SearchEntry& entry : page.entries) {
      if (entry.anchor.empty() || used.contains(entry.anchor)) continue;
      for (std::size_t i = 0; i < headings.size(); ++i) {
        if (ids[i].empty() && heading_names(texts[i], entry, match)) {
          ids[i] = entry.anchor;
          used.insert(entry.anchor);
          break;
        }
      }
    }
  }
  for (std::size_t i = 0; i < headings.size(); ++i) {
    if (!ids[i].empty()) continue;
    const std::string base = slug(texts[i]);
    std::string id = base;
    for (int suffix = 2; used.contains(id); ++suffix) id = base + "-" + std::to_string(suffix);
    ids[i] = id;
    used.insert(id);
  }
  return ids;
}

// Replaces `node` with a new node of `type` holding `literal`.
void replace(cmark_node* node, cmark_node_type type, const std::string& literal) {
  NodePtr replacement(cmark_node_new(type));
  if (!replacement || cmark_node_set_literal(replacement.get(), literal.c_str()) == 0 ||
      cmark_node_replace(node, replacement.get()) == 0) {
    throw std::runtime_error(std::string("libcmark-gfm could not put a ") + cmark_node_get_type_string(replacement.get()) +
                             " in place of a " + cmark_node_get_type_string(node));
  }
  replacement.release();  // owned by the tree now
  cmark_node_free(node);  // unlinked by cmark_node_replace
}

// Raw HTML written in the sources shows as the text it is; comments (the
// "generated, do not edit" notice) are dropped.
void neutralise_source_html(cmark_node* node) {
  const std::string text(trim(literal(node)));
  if (text.starts_with("<!--") && text.ends_with("-->")) {
    cmark_node_free(node);  // unlinks it first
  } else if (cmark_node_get_type(node) == CMARK_NODE_HTML_INLINE) {
    replace(node, CMARK_NODE_TEXT, text);
  } else {
    NodePtr paragraph(cmark_node_new(CMARK_NODE_PARAGRAPH));
    NodePtr content(cmark_node_new(CMARK_NODE_TEXT));
    if (!paragraph || !content || cmark_node_set_literal(content.get(), text.c_str()) == 0 ||
        cmark_node_append_child(paragraph.get(), content.get()) == 0) {
      throw std::runtime_error("libcmark-gfm could not build a paragraph");
    }
    content.release();
    if (cmark_node_replace(node, paragraph.get()) == 0) {
      throw std::runtime_error("libcmark-gfm could not replace an HTML block");
    }
    paragraph.release();
    cmark_node_free(node);
  }
}

void give_heading_id(cmark_node* heading, const std::string& id, cmark_llist* extensions) {
  std::string html = render(heading, extensions);  // "<h2>...</h2>\n"
  if (html.size() < 4 || !html.starts_with("<h") || html[3] != '>') {
    throw std::runtime_error("libcmark-gfm rendered a heading as " + html);
  }
  html.insert(3, " id=\"" + escape(id) + "\"");
  replace(heading, CMARK_NODE_HTML_BLOCK, html);
}

bool has_scheme(std::string_view url) {
  const auto colon = url.find(':');
  return colon != std::string_view::npos && url.find_first_of("/?#") > colon;
}

std::string rewrite_link(std::string_view url, const Page& page, const std::set<std::string, std::less<>>& page_paths) {
  if (url.empty() || url.front() == '#' || url.front() == '/' || has_scheme(url)) return std::string(url);
  const auto hash = url.find('#');
  const std::string_view target = url.substr(0, hash);
  const std::string_view fragment = hash == std::string_view::npos ? std::string_view{} : url.substr(hash);
  if (!target.ends_with(".md")) return std::string(url);
  const std::string_view stem = target.substr(0, target.size() - 3);

  namespace fs = std::filesystem;
  const fs::path page_dir = fs::path(page.path).parent_path();
  for (const fs::path& candidate : {(page_dir / stem).lexically_normal(), fs::path(stem).lexically_normal()}) {
    const std::string candidate_path = candidate.generic_string();
    if (page_paths.contains(candidate_path)) {
      return relative_url(page.path, candidate_path + ".html") + std::string(fragment);
    }
  }
  // Not a page of this manual: keep where it points, in the site's format.
  return std::string(stem) + ".html" + std::string(fragment);
}

std::string level_span(std::string_view kind, std::string_view word) {
  std::string css = std::string(word);
  std::transform(css.begin(), css.end(), css.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return "<span class=\"" + std::string(kind) + " " + std::string(kind) + "-" + css + "\">" + escape(word) +
         "</span>";
}

bool is_level(std::string_view word) {
  const auto level = stability::parse_level(word);
  return level && stability::to_string(*level) == word;
}
bool is_class(std::string_view word) {
  const auto dependency_class = stability::parse_class(word);
  return dependency_class && stability::to_string(*dependency_class) == word;
}

std::string triple_html(std::string_view name, std::string_view data, std::string_view dependency_class) {
  return "<span class=\"stability\">" + level_span("level", name) + "/" + level_span("level", data) + "/" +
         level_span("class", dependency_class) + "</span>";
}

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// `text` with every stability triple ("Stable/Evolving/Common") marked up;
// nullopt when it has none.
std::optional<std::string> marked_up_triples(std::string_view text) {
  std::string html;
  std::size_t copied = 0;
  bool found = false;
  for (std::size_t start = 0; start < text.size();) {
    if (!is_letter(text[start]) || (start > 0 && (is_letter(text[start - 1]) || text[start - 1] == '/'))) {
      ++start;
      continue;
    }
    std::array<std::string_view, 3> words;
    std::size_t end = start;
    std::size_t count = 0;
    for (; count < 3; ++count) {
      const std::size_t word_start = end;
      while (end < text.size() && is_letter(text[end])) ++end;
      words[count] = text.substr(word_start, end - word_start);
      if (count < 2) {
        if (end >= text.size() || text[end] != '/') break;
        ++end;
      }
    }
    const bool whole = count == 3 && (end == text.size() || (!is_letter(text[end]) && text[end] != '/'));
    if (whole && is_level(words[0]) && is_level(words[1]) && is_class(words[2])) {
      html += escape(text.substr(copied, start - copied)) + triple_html(words[0], words[1], words[2]);
      copied = end;
      found = true;
      start = end;
    } else {
      ++start;
    }
  }
  if (!found) return std::nullopt;
  return html + escape(text.substr(copied));
}

// The HTML of a table cell's text when it is a single level, class or hazard.
std::optional<std::string> marked_up_cell_word(std::string_view text) {
  text = trim(text);
  if (is_level(text)) return "<span class=\"stability\">" + level_span("level", text) + "</span>";
  if (is_class(text)) return "<span class=\"stability\">" + level_span("class", text) + "</span>";
  if (text == "hot" || text == "sensitive" || text == "forbidden") return level_span("hazard", text);
  return std::nullopt;
}

bool inside_table_cell(cmark_node* node) {
  for (cmark_node* parent = cmark_node_parent(node); parent != nullptr; parent = cmark_node_parent(parent)) {
    if (std::string_view(cmark_node_get_type_string(parent)) == "table_cell") return true;
  }
  return false;
}

}  // namespace

std::string escape(std::string_view text) {
  std::string result;
  result.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': result += "&amp;"; break;
      case '<': result += "&lt;"; break;
      case '>': result += "&gt;"; break;
      case '"': result += "&quot;"; break;
      case '\'': result += "&#39;"; break;
      default: result += c; break;
    }
  }
  return result;
}

std::string escape_url(std::string_view text) {
  static constexpr std::string_view hex = "0123456789ABCDEF";
  std::string result;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
        std::string_view("-._~/:").find(c) != std::string_view::npos) {
      result += c;
    } else {
      result += '%';
      result += hex[byte >> 4];
      result += hex[byte & 0xF];
    }
  }
  return result;
}

std::string relative_url(std::string_view from_page, std::string_view to_file) {
  namespace fs = std::filesystem;
  const fs::path from_dir = fs::path(from_page).parent_path();
  const fs::path target(to_file);
  return escape_url((from_dir.empty() ? target : target.lexically_relative(from_dir)).generic_string());
}

std::string root_prefix(std::string_view page_path) {
  std::string prefix;
  for (const char c : page_path) {
    if (c == '/') prefix += "../";
  }
  return prefix;
}

std::string render_page(const Page& page, const std::set<std::string, std::less<>>& page_paths) {
  const ParserPtr parser(cmark_parser_new(render_options));
  if (!parser) throw std::runtime_error("libcmark-gfm could not create a parser");
  for (const char* name : {"table", "autolink"}) {
    if (cmark_parser_attach_syntax_extension(parser.get(), extension(name)) == 0) {
      throw std::runtime_error(std::string("libcmark-gfm could not attach the \"") + name + "\" extension");
    }
  }
  cmark_parser_feed(parser.get(), page.markdown.data(), page.markdown.size());
  const NodePtr document(cmark_parser_finish(parser.get()));
  if (!document) throw std::runtime_error("libcmark-gfm could not parse " + page.path);
  cmark_llist* extensions = cmark_parser_get_syntax_extensions(parser.get());
  cmark_consolidate_text_nodes(document.get());

  std::vector<cmark_node*> headings;
  for (cmark_node* node : nodes_of(document.get())) {
    switch (cmark_node_get_type(node)) {
      case CMARK_NODE_HEADING:
        headings.push_back(node);
        break;
      case CMARK_NODE_LINK:
        cmark_node_set_url(node, rewrite_link(cmark_node_get_url(node), page, page_paths).c_str());
        break;
      case CMARK_NODE_TEXT: {
        std::optional<std::string> html = marked_up_triples(literal(node));
        if (!html && inside_table_cell(node)) html = marked_up_cell_word(literal(node));
        if (html) replace(node, CMARK_NODE_HTML_INLINE, *html);
        break;
      }
      case CMARK_NODE_HTML_BLOCK:
      case CMARK_NODE_HTML_INLINE:
        neutralise_source_html(node);
        break;
      default:
        break;
    }
  }

  cmark_node* first = cmark_node_first_child(document.get());
  const bool starts_with_title =
      first != nullptr && cmark_node_get_type(first) == CMARK_NODE_HEADING && cmark_node_get_heading_level(first) == 1;

  // Ids are given last: a heading is rendered once its links are rewritten.
  const std::vector<std::string> ids = heading_ids(headings, page);
  for (std::size_t i = 0; i < headings.size(); ++i) give_heading_id(headings[i], ids[i], extensions);

  std::string html;
  if (!starts_with_title) html += "<h1>" + escape(page.title) + "</h1>\n";
  html += render(document.get(), extensions);
  return html;
}

}  // namespace probity::manual::html
