// printf and printa formats, parsed once for both ends: the compiler checks
// conversions against argument types, the consumer prints with them
// (DTrace's dt_printf.c).
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace probity::compiler {

struct Conversion {
  std::string flags;        // any of "-+ #0"
  int width = -1;           // -1: none; -2: '*' (taken from an argument)
  int precision = -1;       // -1: none; -2: '*'
  std::string length;       // "", "h", "hh", "l", "ll", "j", "z", "t"
  char specifier = 'd';     // d i u o x X c s p a A k Y @
  std::size_t offset = 0;   // where the conversion starts in the format (for diagnostics)

  // What the conversion consumes: an integer, a string, a stack, or an
  // aggregation value (only in printa).
  enum class Takes : std::uint8_t { Integer, String, Stack, AggregationValue };
  Takes takes() const;
};

// Literal text and conversions in order; "%%" is the literal "%".
using FormatPiece = std::variant<std::string, Conversion>;

struct FormatError {
  std::string message;  // "unknown conversion %q", "Probity has no floating point: %f"
  std::size_t offset = 0;
};

std::variant<std::vector<FormatPiece>, FormatError> parse_format(std::string_view format);

}  // namespace probity::compiler
