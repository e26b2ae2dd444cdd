#include <fstream>
#include <stdexcept>
#include <system_error>

#include "probity/manual/manual.hpp"
#include "probity/io/files.hpp"

namespace probity::manual {

namespace fs = std::filesystem;

void write_markdown(const Manual& manual, const fs::path& dir) {
  for (const Page& page : manual.pages) {
    const fs::path file = dir / (page.path + ".md");
    std::error_code error;
    fs::create_directories(file.parent_path(), error);
    if (error) throw std::runtime_error("cannot create " + file.parent_path().string() + ": " + error.message());
    io::write_file_atomically(file, page.markdown.ends_with('\n') ? page.markdown : page.markdown + '\n');
  }
}

}  // namespace probity::manual
