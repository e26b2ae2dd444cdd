// The width text output is laid out for.
#pragma once

#include <cstddef>
#include <optional>

namespace probity::cli {

inline constexpr std::size_t default_output_width = 80;

// $COLUMNS when it holds a plausible width (20 to 1000), else the width of
// the terminal `fd` is on; nothing for a pipe or a file without $COLUMNS.
std::optional<std::size_t> known_width(int fd);

// known_width, else 80: what tables and listings are laid out for.
std::size_t output_width(int fd);

}  // namespace probity::cli
