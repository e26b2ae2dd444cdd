// The width text output is laid out for.
#pragma once

#include <cstddef>

namespace probity::cli {

inline constexpr std::size_t default_output_width = 80;

// $COLUMNS when it holds a plausible width (20 to 1000), else the width of
// the terminal `fd` is on, else 80 (a pipe or a file).
std::size_t output_width(int fd);

}  // namespace probity::cli
