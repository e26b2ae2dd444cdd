#include "guide.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>
#include <utility>

namespace probity::manual::detail {
namespace {

struct GuideSource {
  const char* path;  // relative to docs/manual: "language.md"
  const unsigned char* bytes;
  std::size_t size;
};

#include "guide_sources.inc"

struct ManName {
  std::string_view path;
  std::string_view name;
  int section;
};

// Every chapter is also a man page, so that `man probity` reaches all of it.
constexpr std::array<ManName, 14> man_names{{
    {"probity.1", "probity", 1},
    {"guide/getting-started", "probity-getting-started", 7},
    {"guide/examples", "probity-examples", 7},
    {"guide/compatibility", "probity-compatibility", 7},
    {"guide/harvesting", "probity-harvesting", 7},
    {"language", "probity-language", 7},
    {"stability-and-safety", "probity-stability", 7},
    {"kernels", "probity-kernels", 7},
    {"usdt", "probity-usdt", 7},
    {"metrics", "probity-metrics", 7},
    {"site-policy", "probity-policy", 5},
    {"vendor-overlays", "probity-overlays", 5},
    {"catalogue-format", "probity-catalogue", 5},
    {"diagnostics", "probity-diagnostics", 7},
}};

// The order a newcomer reads the guide in: first steps, then the language and
// the promises, then the tasks of sites, vendors and catalogue authors, then
// the references. Chapters not named here follow, by path.
constexpr std::array<std::string_view, 14> reading_order{
    "guide/getting-started", "guide/examples", "language",    "stability-and-safety", "guide/compatibility",
    "kernels",               "usdt",           "metrics",     "site-policy",          "vendor-overlays",
    "guide/harvesting",      "catalogue-format", "diagnostics", "probity.1",
};

std::size_t reading_position(std::string_view path) {
  const auto* found = std::find(reading_order.begin(), reading_order.end(), path);
  return static_cast<std::size_t>(found - reading_order.begin());
}

// The text of the first "# " heading, else the path.
std::string title_of(const std::string& markdown, const std::string& path) {
  std::size_t start = 0;
  while (start < markdown.size()) {
    const std::size_t end = markdown.find('\n', start);
    const std::string_view line = std::string_view(markdown).substr(start, end - start);
    if (line.starts_with("# ")) return std::string(line.substr(2));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return path;
}

}  // namespace

std::vector<Page> guide_pages() {
  std::vector<Page> pages;
  for (const GuideSource* source = guide_sources; source->path != nullptr; ++source) {
    Page page;
    std::string_view path = source->path;
    path.remove_suffix(std::string_view(".md").size());
    page.path = std::string(path);
    page.markdown.assign(reinterpret_cast<const char*>(source->bytes), source->size);
    page.title = title_of(page.markdown, page.path);
    page.man_name.clear();
    for (const ManName& man : man_names) {
      if (man.path == path) {
        page.man_name = std::string(man.name);
        page.man_section = man.section;
      }
    }
    pages.push_back(std::move(page));
  }
  std::stable_sort(pages.begin(), pages.end(), [](const Page& a, const Page& b) {
    return std::pair(reading_position(a.path), a.path) < std::pair(reading_position(b.path), b.path);
  });
  return pages;
}

}  // namespace probity::manual::detail
