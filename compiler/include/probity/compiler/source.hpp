// A D program's text and positions in it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace probity::compiler {

// 1-based line and column (columns count bytes).
struct Position {
  std::uint32_t line = 1;
  std::uint32_t column = 1;
  friend bool operator==(const Position&, const Position&) = default;
};

// [begin, end): end is one past the last character.
struct Span {
  Position begin;
  Position end;
  friend bool operator==(const Span&, const Span&) = default;
};

struct SourceFile {
  std::string name;  // "script.d", or "<command line>" for -n
  std::string text;

  // The text of line `line` (1-based) without its newline; "" past the end.
  std::string_view line_text(std::uint32_t line) const;
};

}  // namespace probity::compiler
