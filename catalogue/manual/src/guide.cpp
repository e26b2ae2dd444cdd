#include "guide.hpp"

#include <array>
#include <cstddef>
#include <string_view>

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

constexpr std::array<ManName, 4> man_names{{
    {"probity.1", "probity", 1},
    {"language", "probity-language", 7},
    {"catalogue-format", "probity-catalogue", 5},
    {"diagnostics", "probity-diagnostics", 7},
}};

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
  return pages;
}

}  // namespace probity::manual::detail
