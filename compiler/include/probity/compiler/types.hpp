// The types of D values in Probity: 64-bit-evaluated integers of a declared
// width and signedness, strings, and a kernel stack. Integer arithmetic is
// done in 64 bits, as in DTrace; the width matters for fields, casts and
// printing.
#pragma once

#include <cstdint>
#include <string>

namespace probity::compiler {

enum class ValueKind : std::uint8_t {
  Void,     // actions: printf(), exit(), ...
  Integer,
  String,
  Stack,    // the result of stack()
  Array,    // a fixed or dynamic array field of non-char elements; only indexable
};

struct ValueType {
  ValueKind kind = ValueKind::Void;
  std::uint8_t size = 8;      // Integer: bytes (1, 2, 4, 8); Array: element bytes
  bool is_signed = true;      // Integer, Array elements

  static constexpr ValueType void_type() { return {ValueKind::Void, 0, false}; }
  static constexpr ValueType int64() { return {ValueKind::Integer, 8, true}; }
  static constexpr ValueType uint64() { return {ValueKind::Integer, 8, false}; }
  static constexpr ValueType integer(std::uint8_t bytes, bool is_signed) {
    return {ValueKind::Integer, bytes, is_signed};
  }
  static constexpr ValueType string() { return {ValueKind::String, 0, false}; }
  static constexpr ValueType stack() { return {ValueKind::Stack, 0, false}; }

  bool is_integer() const { return kind == ValueKind::Integer; }
  bool is_string() const { return kind == ValueKind::String; }

  friend bool operator==(const ValueType&, const ValueType&) = default;
};

// "int64_t", "uint32_t", "string", "stack", "void", "array of int32_t".
std::string to_string(const ValueType& type);

}  // namespace probity::compiler
