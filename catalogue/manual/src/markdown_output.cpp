#include <fstream>
#include <stdexcept>
#include <system_error>

#include "probity/manual/manual.hpp"

namespace probity::manual {

namespace fs = std::filesystem;

void write_markdown(const Manual& manual, const fs::path& dir) {
  for (const Page& page : manual.pages) {
    const fs::path file = dir / (page.path + ".md");
    std::error_code error;
    fs::create_directories(file.parent_path(), error);
    if (error) throw std::runtime_error("cannot create " + file.parent_path().string() + ": " + error.message());
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << page.markdown;
    if (!page.markdown.ends_with('\n')) out << '\n';
    out.close();
    if (!out) throw std::runtime_error("cannot write " + file.string());
  }
}

}  // namespace probity::manual
