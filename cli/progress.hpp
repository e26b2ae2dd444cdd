// A status line for the operations that take a while (compat --all, manual):
// on a terminal it is rewritten in place and erased when the operation ends,
// so the output that follows is what it would be without it; in a pipe or a
// file it writes nothing.
#pragma once

#include <cstddef>
#include <ostream>
#include <string_view>

namespace probity::cli {

class Progress {
 public:
  // Shown on `err` only when `fd` (the descriptor behind err) is a terminal.
  Progress(std::ostream& err, int fd);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // "checking 6.12.117+deb12-amd64 (2 of 3)": replaces the line shown.
  void show(std::string_view status);
  // Erases the line; the next show() starts a new one.
  void clear();

 private:
  std::ostream& err_;
  bool on_terminal_;
  std::size_t width_;
  bool shown_ = false;
};

}  // namespace probity::cli
