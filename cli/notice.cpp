#include "notice.hpp"

#include <unistd.h>

#include <string>

#include "probity/io/text_wrap.hpp"
#include "terminal_width.hpp"

namespace probity::cli {

void notice(std::ostream& err, std::string_view text) {
  const std::string line = "probity: " + std::string(text);
  if (const auto width = known_width(STDERR_FILENO)) {
    err << io::wrap_lines(line, "", "    ", *width);
  } else {
    err << line << "\n";
  }
}

}  // namespace probity::cli
