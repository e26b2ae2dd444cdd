#include "probity/compiler/source.hpp"

namespace probity::compiler {

std::string_view SourceFile::line_text(std::uint32_t line) const {
  std::string_view rest = text;
  for (std::uint32_t current = 1; current < line; ++current) {
    const std::size_t newline = rest.find('\n');
    if (newline == std::string_view::npos) return {};
    rest.remove_prefix(newline + 1);
  }
  return rest.substr(0, rest.find('\n'));
}

}  // namespace probity::compiler
