#include "terminal_width.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>

namespace probity::cli {
namespace {

constexpr long narrowest = 20;
constexpr long widest = 1000;

}  // namespace

std::optional<std::size_t> known_width(int fd) {
  if (const char* columns = std::getenv("COLUMNS"); columns != nullptr && *columns != '\0') {
    char* end = nullptr;
    const long width = std::strtol(columns, &end, 10);
    if (*end == '\0' && width >= narrowest && width <= widest) return static_cast<std::size_t>(width);
  }
  winsize size{};
  if (::isatty(fd) == 1 && ::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col >= narrowest) return size.ws_col;
  return std::nullopt;
}

std::size_t output_width(int fd) { return known_width(fd).value_or(default_output_width); }

}  // namespace probity::cli
