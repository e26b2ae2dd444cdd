// Word wrapping for terminal text.
#pragma once

#include <string>
#include <string_view>

namespace probity::manual::detail {

// `text` (its whitespace runs taken as single spaces) in lines of at most
// `width` columns: the first starts with `first`, the others with
// `continuation` (a tab in them advances to the next multiple of 8); a word
// longer than a line gets a line of its own. Every line ends with a newline.
std::string wrap(std::string_view text, const std::string& first, const std::string& continuation, std::size_t width);

}  // namespace probity::manual::detail
