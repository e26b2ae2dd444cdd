#include "index_location.hpp"

#include <cstdlib>
#include <system_error>

namespace probity::cli {

std::filesystem::path locate_index(const std::optional<std::string>& index_option) {
  if (index_option) return *index_option;
  if (const char* from_environment = std::getenv("PROBITY_INDEX");
      from_environment != nullptr && *from_environment != '\0') {
    return from_environment;
  }
  std::error_code ignored;
  if (std::filesystem::exists(PROBITY_BUILD_INDEX_FILE, ignored)) return PROBITY_BUILD_INDEX_FILE;
  return PROBITY_INSTALL_INDEX_FILE;
}

std::string index_lookup_description() {
  return std::string("    --index FILE, else $PROBITY_INDEX, else the build tree's\n") +
         "    " + PROBITY_BUILD_INDEX_FILE + " (when it exists), else the installed\n" +
         "    " + PROBITY_INSTALL_INDEX_FILE + "\n";
}

}  // namespace probity::cli
