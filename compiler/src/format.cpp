#include "probity/compiler/format.hpp"

#include <cctype>

namespace probity::compiler {

Conversion::Takes Conversion::takes() const {
  switch (specifier) {
    case 's': return Takes::String;
    case 'k': return Takes::Stack;
    case '@': return Takes::AggregationValue;
    default: return Takes::Integer;
  }
}

namespace {

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

}  // namespace

std::variant<std::vector<FormatPiece>, FormatError> parse_format(std::string_view format) {
  std::vector<FormatPiece> pieces;
  std::string literal;
  std::size_t i = 0;
  while (i < format.size()) {
    if (format[i] != '%') {
      literal += format[i++];
      continue;
    }
    const std::size_t start = i++;
    if (i < format.size() && format[i] == '%') {
      literal += '%';
      ++i;
      continue;
    }
    Conversion conversion;
    conversion.offset = start;
    while (i < format.size() && std::string_view("-+ #0").find(format[i]) != std::string_view::npos) {
      conversion.flags += format[i++];
    }
    const auto number = [&](int& out) {
      if (i < format.size() && format[i] == '*') {
        out = -2;
        ++i;
        return;
      }
      if (i < format.size() && is_digit(format[i])) {
        out = 0;
        while (i < format.size() && is_digit(format[i]) && out < 100000) out = out * 10 + (format[i++] - '0');
      }
    };
    number(conversion.width);
    if (i < format.size() && format[i] == '.') {
      ++i;
      conversion.precision = 0;
      number(conversion.precision);
    }
    for (std::string_view length : {"hh", "ll", "h", "l", "j", "z", "t"}) {
      if (format.substr(i).starts_with(length)) {
        conversion.length = std::string(length);
        i += length.size();
        break;
      }
    }
    if (i >= format.size()) return FormatError{"the format ends in the middle of a conversion", start};
    const char specifier = format[i++];
    if (std::string_view("eEfFgG").find(specifier) != std::string_view::npos) {
      return FormatError{std::string("Probity has no floating point: %") + specifier, start};
    }
    if (std::string_view("diuoxXcspaAkY@").find(specifier) == std::string_view::npos) {
      return FormatError{std::string("unknown conversion %") + specifier, start};
    }
    conversion.specifier = specifier;
    if (!literal.empty()) pieces.emplace_back(std::move(literal));
    literal.clear();
    pieces.emplace_back(std::move(conversion));
  }
  if (!literal.empty()) pieces.emplace_back(std::move(literal));
  return pieces;
}

}  // namespace probity::compiler
