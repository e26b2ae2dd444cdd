// The static HTML manual: one page per Page in a common template (header with
// a search box, a sidebar of guide chapters then providers, a footer naming
// the catalogue), a search page, and the search index as a script so that
// search works from file:// without a network. Output depends only on the
// Manual, so the same catalogue always gives byte-identical files.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "html_assets.hpp"
#include "html_render.hpp"
#include "probity/manual/manual.hpp"
#include "probity/io/files.hpp"

namespace probity::manual {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view manual_title = "Probity manual";
constexpr std::string_view landing_path = "index";
constexpr std::string_view search_path = "search";

// The site's own files, which no Page may replace.
constexpr std::string_view reserved_files[] = {"search.html", "search.js", "search-index.js", "style.css"};

void write_file(const fs::path& file, std::string_view text) {
  fs::create_directories(file.parent_path());
  io::write_file_atomically(file, text);
}

std::string last_component(std::string_view path) {
  const auto slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

bool is_guide(const Page& page) { return !is_reference_page(page); }

// A provider's own page: a reference page whose probes all belong to the
// provider it is named after ("reference/sched": sched:*).
bool is_provider(const Page& page) {
  if (is_guide(page) || page.entries.empty()) return false;
  const std::string prefix = last_component(page.path) + ":";
  return std::all_of(page.entries.begin(), page.entries.end(),
                     [&](const SearchEntry& entry) { return entry.probe.starts_with(prefix); });
}

bool is_other_reference(const Page& page) { return !is_guide(page) && !is_provider(page); }

// "Generated from the Probity catalogue ..." with the content hash and the
// releases when the Manual carries them (fields build_manual may provide).
template <typename ManualType>
std::string footer_text(const ManualType& manual) {
  std::string text = "Generated from the Probity catalogue";
  if constexpr (requires { manual.content_hash; }) {
    if (!manual.content_hash.empty()) text += " " + html::escape(manual.content_hash);
  }
  if constexpr (requires { manual.releases; }) {
    if (!manual.releases.empty()) {
      text += manual.releases.size() == 1 ? "; kernel release " : "; kernel releases ";
      for (std::size_t i = 0; i < manual.releases.size(); ++i) {
        if (i > 0) text += ", ";
        text += html::escape(manual.releases[i]);
      }
    }
  }
  return text + ".";
}

class Site {
 public:
  explicit Site(const Manual& manual) : manual_(manual), footer_(footer_text(manual)) {
    for (const Page& page : manual.pages) {
      if (page.path.empty() || page.path.starts_with('/') || page.path.find("..") != std::string::npos) {
        throw std::invalid_argument("manual page path \"" + page.path + "\" is not a relative path");
      }
      for (const std::string_view reserved : reserved_files) {
        if (page.path + ".html" == reserved) {
          throw std::invalid_argument("manual page path \"" + page.path + "\" collides with the site's " +
                                      std::string(reserved));
        }
      }
      if (!page_paths_.insert(page.path).second) {
        throw std::invalid_argument("manual page path \"" + page.path + "\" appears twice");
      }
    }
  }

  void write(const fs::path& dir) const {
    bool has_landing_page = false;
    for (const Page& page : manual_.pages) {
      has_landing_page = has_landing_page || page.path == landing_path;
      write_file(dir / (page.path + ".html"), document(page.path, page.title, html::render_page(page, page_paths_)));
    }
    if (!has_landing_page) write_file(dir / "index.html", document(landing_path, manual_title, landing_body()));
    write_file(dir / "search.html", document(search_path, "Search", search_body()));
    write_file(dir / "search-index.js", search_index());
    write_file(dir / "search.js", html::search_script());
    write_file(dir / "style.css", html::style_sheet());
  }

 private:
  std::string document(std::string_view path, std::string_view title, std::string_view body) const {
    const std::string root = html::root_prefix(path);
    const bool search_page = path == search_path;
    std::string out;
    out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    out += "<title>" + html::escape(title);
    if (title != manual_title) out += " \u2014 " + std::string(manual_title);
    out += "</title>\n";
    out += "<link rel=\"stylesheet\" href=\"" + root + "style.css\">\n";
    out += "<script src=\"" + root + "search-index.js\" defer></script>\n";
    out += "<script src=\"" + root + "search.js\" defer></script>\n";
    out += "</head>\n<body data-root=\"" + root + "\"";
    if (search_page) out += " class=\"search-page\"";
    out += ">\n<header class=\"site-header\">\n";
    out += "<a class=\"site-title\" href=\"" + root + "index.html\">" + std::string(manual_title) + "</a>\n";
    out += "<form id=\"search-form\" class=\"search\" role=\"search\" action=\"" + root +
           "search.html\" method=\"get\">\n";
    out += "<label class=\"visually-hidden\" for=\"search-input\">Search probes</label>\n";
    out += "<input id=\"search-input\" type=\"search\" name=\"q\" autocomplete=\"off\" spellcheck=\"false\" "
           "placeholder=\"Search probes: sched_switch, sched:, block:block_rq\">\n";
    out += "</form>\n</header>\n<div class=\"layout\">\n";
    out += "<main id=\"content\">\n";
    // Results show above a page's content; the search page's own title comes first.
    if (search_page) out += body;
    out += "<section id=\"search-results\" class=\"search-results\" aria-live=\"polite\" hidden></section>\n";
    if (!search_page) out += body;
    out += "</main>\n";
    out += navigation(path);
    out += "</div>\n<footer class=\"site-footer\">" + footer_ + "</footer>\n</body>\n</html>\n";
    return out;
  }

  // Guide chapters, then the other reference pages, then the providers.
  std::string navigation(std::string_view current) const {
    std::string out = "<nav class=\"sidebar\" aria-label=\"Contents\">\n";
    out += link_list(current, "Guide", "guide", &is_guide, false);
    out += link_list(current, "Reference", "reference", &is_other_reference, false);
    out += link_list(current, "Providers", "providers", &is_provider, true);
    return out + "</nav>\n";
  }

  template <typename Predicate>
  std::string link_list(std::string_view current, std::string_view heading, std::string_view css_class,
                        Predicate&& wanted, bool short_names) const {
    std::string items;
    for (const Page& page : manual_.pages) {
      if (!wanted(page)) continue;
      items += "<li><a href=\"" + html::relative_url(current, page.path + ".html") + "\"";
      if (page.path == current) items += " aria-current=\"page\"";
      if (short_names) {
        items += " title=\"" + html::escape(page.title) + "\">" + html::escape(last_component(page.path));
      } else {
        items += ">" + html::escape(page.title);
      }
      items += "</a></li>\n";
    }
    if (items.empty()) return {};
    return "<h2>" + std::string(heading) + "</h2>\n<ul class=\"" + std::string(css_class) + "\">\n" + items + "</ul>\n";
  }

  std::string landing_body() const {
    std::string out = "<h1>" + std::string(manual_title) + "</h1>\n";
    out += "<p>Every probe Probity can use, generated from the catalogue, and the guide to the language. "
           "Search for a probe above, or browse:</p>\n";
    for (const auto& [heading, wanted] : {std::pair{"Guide", &is_guide}, std::pair{"Reference", &is_other_reference},
                                          std::pair{"Providers", &is_provider}}) {
      std::string items;
      for (const Page& page : manual_.pages) {
        if (!wanted(page)) continue;
        items += "<li><a href=\"" + html::relative_url(landing_path, page.path + ".html") + "\">" +
                 html::escape(page.title) + "</a></li>\n";
      }
      if (!items.empty()) out += "<h2>" + std::string(heading) + "</h2>\n<ul>\n" + items + "</ul>\n";
    }
    return out;
  }

  static std::string search_body() {
    return "<h1>Search</h1>\n"
           "<noscript><p>Searching needs JavaScript; the index page lists every provider.</p></noscript>\n";
  }

  // A script, not JSON: pages opened from file:// may not fetch() files.
  std::string search_index() const {
    std::string out =
        "// The probes of the Probity manual, for search.js: generated from the catalogue.\n"
        "window.PROBITY_SEARCH_INDEX = [\n";
    bool first = true;
    for (const Page& page : manual_.pages) {
      for (const SearchEntry& entry : page.entries) {
        std::string url = html::escape_url(page.path + ".html");
        if (!entry.anchor.empty()) url += "#" + html::escape_url(entry.anchor);
        out += first ? "" : ",\n";
        first = false;
        out += "{\"probe\":" + js_string(entry.probe) + ",\"summary\":" + js_string(entry.summary) +
               ",\"stability\":" + js_string(entry.stability) + ",\"hazard\":" + js_string(entry.hazard) +
               ",\"url\":" + js_string(url) + "}";
      }
    }
    return out + "\n];\n";
  }

  // A JavaScript string literal that is also safe inside HTML.
  static std::string js_string(std::string_view text) {
    static constexpr std::string_view hex = "0123456789abcdef";
    std::string out = "\"";
    for (std::size_t i = 0; i < text.size(); ++i) {
      const auto byte = static_cast<unsigned char>(text[i]);
      if (byte == '"' || byte == '\\') {
        out += '\\';
        out += text[i];
      } else if (byte < 0x20 || byte == '<' || byte == '>' || byte == '&' || byte == 0x7f) {
        out += "\\u00";
        out += hex[byte >> 4];
        out += hex[byte & 0xF];
      } else if (byte == 0xE2 && text.substr(i, 3) == "\u2028") {
        out += "\\u2028";
        i += 2;
      } else if (byte == 0xE2 && text.substr(i, 3) == "\u2029") {
        out += "\\u2029";
        i += 2;
      } else {
        out += text[i];
      }
    }
    return out + "\"";
  }

  const Manual& manual_;
  std::string footer_;
  std::set<std::string, std::less<>> page_paths_;
};

}  // namespace

void write_html(const Manual& manual, const std::filesystem::path& dir) { Site(manual).write(dir); }

}  // namespace probity::manual
