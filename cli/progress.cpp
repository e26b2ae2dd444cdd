#include "progress.hpp"

#include <unistd.h>

#include <string>

#include "terminal_width.hpp"

namespace probity::cli {

Progress::Progress(std::ostream& err, int fd)
    : err_(err), on_terminal_(::isatty(fd) == 1), width_(output_width(fd)) {}

Progress::~Progress() { clear(); }

void Progress::show(std::string_view status) {
  if (!on_terminal_) return;
  // One column short of the width, so the line never wraps and \r returns to its start.
  const std::size_t room = width_ > 1 ? width_ - 1 : width_;
  std::string line(status.substr(0, room));
  err_ << '\r' << line << "\x1b[K" << std::flush;
  shown_ = true;
}

void Progress::clear() {
  if (!shown_) return;
  err_ << "\r\x1b[K" << std::flush;
  shown_ = false;
}

}  // namespace probity::cli
