// printf without a kernel: DTrace's conversions on D's types, widths,
// precisions and flags as C's printf has them, and %Y's walltime.
#include "printf.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>
#include <variant>
#include <vector>

namespace probity::consumer {
namespace {

using compiler::ValueType;

std::string format(const std::string& text, const std::vector<Argument>& arguments) {
  auto parsed = compiler::parse_format(text);
  const auto* pieces = std::get_if<std::vector<compiler::FormatPiece>>(&parsed);
  if (pieces == nullptr) throw std::runtime_error("bad format in the test: " + text);
  Printer printer;
  return printer.format(*pieces, arguments);
}

Argument integer(std::int64_t value, ValueType type = ValueType::int64()) { return {Value::of(value), type}; }
Argument text(std::string value) { return {Value::of(std::move(value)), ValueType::string()}; }

TEST(Printf, IntegersAsC) {
  EXPECT_EQ(format("%d|%5d|%-5d|%05d|%+d", {integer(42), integer(42), integer(42), integer(42), integer(42)}),
            "42|   42|42   |00042|+42");
  EXPECT_EQ(format("%x %X %o %#x", {integer(255), integer(255), integer(8), integer(255)}), "ff FF 10 0xff");
  EXPECT_EQ(format("%c%c", {integer('o'), integer('k')}), "ok");
  EXPECT_EQ(format("%%", {}), "%");
}

TEST(Printf, AnUnsignedValueIsNotPrintedNegative) {
  EXPECT_EQ(format("%u", {integer(-1, ValueType::uint64())}), "18446744073709551615");
  EXPECT_EQ(format("%u", {integer(-1, ValueType::integer(4, false))}), "4294967295");
}

TEST(Printf, TheValuesTypeBoundsHexadecimal) {
  // DTrace prints an integer at the width of its D type: a 32-bit -1 is ffffffff.
  EXPECT_EQ(format("%x", {integer(-1, ValueType::integer(4, true))}), "ffffffff");
  EXPECT_EQ(format("%x", {integer(-1)}), "ffffffffffffffff");
}

TEST(Printf, StringsTakeWidthAndPrecision) {
  EXPECT_EQ(format("[%s] [%8s] [%-8s] [%.3s] [%8.2s]", {text("probe"), text("probe"), text("probe"), text("probe"),
                                                      text("probe")}),
            "[probe] [   probe] [probe   ] [pro] [      pr]");
}

TEST(Printf, WalltimeIsPrintedAsDTracesY) {
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  // 2024-01-05 12:34:56 UTC.
  EXPECT_EQ(format_walltime(1704458096LL * 1000000000LL), "2024 Jan  5 12:34:56");
}

}  // namespace
}  // namespace probity::consumer
