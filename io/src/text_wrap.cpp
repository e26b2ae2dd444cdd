#include "probity/io/text_wrap.hpp"

#include <algorithm>

namespace probity::io {
namespace {

constexpr std::size_t tab_stop = 8;

// The column a terminal is at after printing `text` from the margin.
std::size_t columns(std::string_view text) {
  std::size_t column = 0;
  for (const char c : text) column = c == '\t' ? (column / tab_stop + 1) * tab_stop : column + 1;
  return column;
}

}  // namespace

std::string wrap(std::string_view text, const std::string& first, const std::string& continuation, std::size_t width) {
  std::string result;
  std::string line = first;
  std::size_t column = columns(first);
  std::size_t prefix = first.size();
  bool line_has_words = false;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t blank = text.find_first_of(" \t\n", start);
    const std::size_t end = blank == std::string_view::npos ? text.size() : blank;
    const std::string_view word = text.substr(start, end - start);
    start = end + 1;
    if (word.empty()) continue;
    if (line_has_words && column + 1 + word.size() > width) {
      result += line + '\n';
      line = continuation;
      column = columns(continuation);
      prefix = continuation.size();
      line_has_words = false;
    }
    if (line_has_words) {
      line += ' ';
      ++column;
    }
    line += word;
    column += word.size();
    line_has_words = true;
  }
  if (line_has_words || prefix > 0 || result.empty()) {
    while (!line.empty() && line.back() == ' ') line.pop_back();
    result += line + '\n';
  }
  return result;
}

std::string wrap_lines(std::string_view text, const std::string& first, const std::string& continuation,
                       std::size_t width) {
  std::string out;
  std::size_t start = 0;
  do {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    out += wrap(text.substr(start, end - start), out.empty() ? first : continuation, continuation, width);
    start = end + 1;
  } while (start < text.size());
  return out;
}

}  // namespace probity::io
