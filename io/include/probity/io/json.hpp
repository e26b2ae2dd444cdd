// JSON text for every writer of it (-f json, compat --json, the manual's
// coverage): strings escaped per RFC 8259, and never invalid UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace probity::io {

// `text` as a JSON string literal, quotes included. A byte that is not part
// of valid UTF-8 is written as \u00XX (the byte's value as a code point),
// so no input is lost and the output is always valid UTF-8.
std::string json_string(std::string_view text);

}  // namespace probity::io
