// probity's own lines on stderr ("probity: note: ..."), laid out like the
// compiler's diagnostics: wrapped to $COLUMNS or the terminal's width with
// their continuation lines indented, and one line each in a pipe for the
// tools that read them.
#pragma once

#include <ostream>
#include <string_view>

namespace probity::cli {

// Writes "probity: " + text and a newline.
void notice(std::ostream& err, std::string_view text);

}  // namespace probity::cli
