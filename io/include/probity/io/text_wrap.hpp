// Word wrapping for terminal text: manual entries, listings, diagnostics.
#pragma once

#include <string>
#include <string_view>

namespace probity::io {

// `text` (its whitespace runs taken as single spaces) in lines of at most
// `width` columns: the first starts with `first`, the others with
// `continuation` (a tab in them advances to the next multiple of 8); a word
// longer than a line gets a line of its own. Every line ends with a newline.
std::string wrap(std::string_view text, const std::string& first, const std::string& continuation, std::size_t width);

// The same, but a line break in `text` is kept: each of its lines is wrapped
// alone, all but the first starting with `continuation`. For messages (an
// error and its hint) whose first line a tool may parse.
std::string wrap_lines(std::string_view text, const std::string& first, const std::string& continuation,
                       std::size_t width);

}  // namespace probity::io
