// printf-style formatting with DTrace's conversions (dt_printf): integers are
// printed at the width of their D type, %a symbolises a kernel address, %Y
// prints a walltimestamp as DTrace does ("2024 Jan  5 12:34:56"), and printa's
// %@ hands the aggregation value to the caller.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "kernel_symbols.hpp"
#include "probity/compiler/format.hpp"
#include "value.hpp"

namespace probity::consumer {

struct Argument {
  Value value;
  compiler::ValueType type;
};

// Prints printa's %@ conversion: the aggregation value at that width.
using AggregationPrinter = std::function<std::string(const compiler::Conversion&, int width)>;

class Printer {
 public:
  std::string format(const std::vector<compiler::FormatPiece>& pieces, std::span<const Argument> arguments,
                     const AggregationPrinter* aggregation = nullptr);

  // One conversion of an integer or string.
  std::string convert(const compiler::Conversion& conversion, int width, int precision, const Argument& argument);

  KernelSymbols& symbols() { return symbols_; }

 private:
  KernelSymbols symbols_;
};

// snprintf into a std::string.
std::string printf_string(const char* format, ...) __attribute__((format(printf, 1, 2)));

// walltimestamp (ns since the epoch) as DTrace's %Y: "%Y %b %e %T" in local time.
std::string format_walltime(std::int64_t nanoseconds);

}  // namespace probity::consumer
