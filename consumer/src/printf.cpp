#include "printf.hpp"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <ctime>

namespace probity::consumer {

using compiler::Conversion;

std::string printf_string(const char* format, ...) {
  va_list arguments;
  va_start(arguments, format);
  va_list copy;
  va_copy(copy, arguments);
  const int length = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  std::string text(length > 0 ? static_cast<std::size_t>(length) : 0, '\0');
  if (length > 0) std::vsnprintf(text.data(), text.size() + 1, format, arguments);
  va_end(arguments);
  return text;
}

std::string format_walltime(std::int64_t nanoseconds) {
  const std::time_t seconds = static_cast<std::time_t>(nanoseconds / 1'000'000'000);
  std::tm local{};
  ::localtime_r(&seconds, &local);
  char text[64];
  const std::size_t length = std::strftime(text, sizeof text, "%Y %b %e %T", &local);
  return {text, length};
}

namespace {

// "%-08.3" with the given width and precision, ready for a length and a
// specifier. As in DTrace (dt_printf.c), a precision of 0 is no precision:
// "%.0s" prints the whole string.
std::string spec(const Conversion& conversion, int width, int precision) {
  std::string text = "%" + conversion.flags;
  if (width >= 0) text += std::to_string(width);
  if (precision > 0) text += "." + std::to_string(precision);
  return text;
}

// The value at the width its length modifier or its D type gives, as DTrace
// prints an int32_t -1 with %x as ffffffff.
std::uint64_t unsigned_at_width(std::int64_t value, const Conversion& conversion, const compiler::ValueType& type) {
  unsigned bytes = type.is_integer() ? type.size : 8;
  if (conversion.length == "hh") bytes = 1;
  if (conversion.length == "h") bytes = 2;
  if (bytes >= 8) return static_cast<std::uint64_t>(value);
  return static_cast<std::uint64_t>(value) & ((std::uint64_t{1} << (8 * bytes)) - 1);
}

std::int64_t signed_at_width(std::int64_t value, const Conversion& conversion, const compiler::ValueType& type) {
  unsigned bytes = type.is_integer() ? type.size : 8;
  if (conversion.length == "hh") bytes = 1;
  if (conversion.length == "h") bytes = 2;
  if (bytes >= 8) return value;
  const unsigned shift = 64U - 8U * bytes;
  // Unsigned types narrower than 64 bits print their value: no sign to extend.
  if (type.is_integer() && !type.is_signed && conversion.length.empty()) return value;
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(value) << shift) >> shift;
}

// A stack() value (its frames, one a line, already symbolised) as DTrace's
// %k prints one: a newline, then each frame on its own indented line, the
// conversion's width and precision applying to each frame.
std::string stack_text(const std::string& head, const std::string& stack) {
  constexpr std::size_t indent = 14;  // as format_stack: DTrace's stackindent
  std::string text = "\n";
  for (const std::string& frame : stack_frames(stack)) {
    text.append(indent, ' ');
    text += printf_string((head + "s").c_str(), frame.c_str());
    text += '\n';
  }
  return text;
}

}  // namespace

std::string Printer::convert(const Conversion& conversion, int width, int precision, const Argument& argument) {
  const std::string head = spec(conversion, width, precision);
  const std::int64_t number = argument.value.integer;
  switch (conversion.specifier) {
    case 'd':
    case 'i':
      if (argument.value.is_string) return printf_string((head + "s").c_str(), argument.value.text.c_str());
      return printf_string((head + "lld").c_str(), static_cast<long long>(signed_at_width(number, conversion, argument.type)));
    case 'u':
    case 'o':
    case 'x':
    case 'X': {
      const std::string format = head + "ll" + conversion.specifier;
      return printf_string(format.c_str(),
                           static_cast<unsigned long long>(unsigned_at_width(number, conversion, argument.type)));
    }
    case 'c':
      return printf_string((head + "c").c_str(), static_cast<int>(static_cast<unsigned char>(number)));
    case 'k':
      if (argument.type.kind == compiler::ValueKind::Stack) return stack_text(head, argument.value.text);
      [[fallthrough]];
    case 's':
      if (!argument.value.is_string) return printf_string((head + "lld").c_str(), static_cast<long long>(number));
      return printf_string((head + "s").c_str(), argument.value.text.c_str());
    case 'p':
      return printf_string((head + "s").c_str(),
                           printf_string("0x%llx", static_cast<unsigned long long>(number)).c_str());
    case 'a':
    case 'A':
      return printf_string((head + "s").c_str(),
                           symbols_.symbolise(static_cast<std::uint64_t>(number), conversion.specifier == 'a').c_str());
    case 'Y':
      return printf_string((head + "s").c_str(), format_walltime(number).c_str());
    default:
      return printf_string((head + "s").c_str(), "?");
  }
}

std::string Printer::format(const std::vector<compiler::FormatPiece>& pieces, std::span<const Argument> arguments,
                            const AggregationPrinter* aggregation) {
  std::string text;
  std::size_t next = 0;
  const auto take_integer = [&]() -> int {
    if (next >= arguments.size()) return -1;
    return static_cast<int>(arguments[next++].value.integer);
  };
  std::size_t skip = 0;  // characters of the next literal that belong to a "%@d" conversion
  for (std::size_t p = 0; p < pieces.size(); ++p) {
    const compiler::FormatPiece& piece = pieces[p];
    if (const auto* literal = std::get_if<std::string>(&piece)) {
      text += literal->substr(std::min(skip, literal->size()));
      skip = 0;
      continue;
    }
    Conversion conversion = std::get<Conversion>(piece);
    // DTrace writes the aggregation value as "%@d" or "%@8x": '@' marks the
    // conversion and a width and specifier may follow; the format parser
    // stops at '@', so they are taken from the literal after it here.
    char value_specifier = 'd';
    if (conversion.specifier == '@' && p + 1 < pieces.size()) {
      if (const auto* rest = std::get_if<std::string>(&pieces[p + 1])) {
        std::size_t at = 0;
        int width_after = 0;
        bool has_width = false;
        while (at < rest->size() && (*rest)[at] >= '0' && (*rest)[at] <= '9') {
          width_after = width_after * 10 + ((*rest)[at++] - '0');
          has_width = true;
        }
        if (at < rest->size() && std::string_view("diuxXoc").find((*rest)[at]) != std::string_view::npos) {
          if (has_width && conversion.width == -1) conversion.width = width_after;
          value_specifier = (*rest)[at];
          skip = at + 1;
        }
      }
    }
    int width = conversion.width == -2 ? take_integer() : conversion.width;
    const int precision = conversion.precision == -2 ? take_integer() : conversion.precision;
    Conversion adjusted = conversion;
    if (width < -1) {  // a negative '*' width left-justifies, as in C
      adjusted.flags += "-";
      width = -width;
    }
    if (conversion.specifier == '@') {
      adjusted.specifier = value_specifier;
      adjusted.precision = precision;
      if (aggregation != nullptr) text += (*aggregation)(adjusted, width);
      continue;
    }
    if (next >= arguments.size()) continue;
    text += convert(adjusted, width, precision, arguments[next++]);
  }
  return text;
}

}  // namespace probity::consumer
