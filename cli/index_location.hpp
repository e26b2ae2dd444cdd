// Where the catalogue index is: --index, $PROBITY_INDEX, the build tree's, the installed one.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace probity::cli {

std::filesystem::path locate_index(const std::optional<std::string>& index_option);

// The lookup order, for --help: indented lines, each ending in a newline.
std::string index_lookup_description();

}  // namespace probity::cli
