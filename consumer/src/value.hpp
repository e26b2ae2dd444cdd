// Run-time values of D: 64-bit integers (the node's type says how to read
// them) and strings; tuples of them key associative arrays and aggregations.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "probity/compiler/types.hpp"

namespace probity::consumer {

struct Value {
  bool is_string = false;
  std::int64_t integer = 0;
  std::string text;

  static Value of(std::int64_t number) { return {false, number, {}}; }
  static Value of(std::string string) { return {true, 0, std::move(string)}; }

  bool is_zero() const { return is_string ? text.empty() : integer == 0; }

  friend bool operator==(const Value&, const Value&) = default;
  friend auto operator<=>(const Value& a, const Value& b) {
    if (a.is_string != b.is_string) return a.is_string <=> b.is_string;
    if (a.is_string) return a.text <=> b.text;
    return a.integer <=> b.integer;
  }
};

using Key = std::vector<Value>;

struct KeyHash {
  std::size_t operator()(const Key& key) const noexcept {
    std::size_t hash = key.size();
    for (const Value& part : key) {
      const std::size_t one = part.is_string ? std::hash<std::string>{}(part.text)
                                             : std::hash<std::int64_t>{}(part.integer) * 0x9e3779b97f4a7c15ULL;
      hash ^= one + 0x9e3779b97f4a7c15ULL + (hash << 6) + (hash >> 2);
    }
    return hash;
  }
};

// An integer as a value of `type`: truncated to its width, then sign- or
// zero-extended to 64 bits (C's conversion to a narrower type and back).
inline std::int64_t narrow(std::int64_t value, const compiler::ValueType& type) {
  if (type.kind != compiler::ValueKind::Integer || type.size >= 8 || type.size == 0) return value;
  const unsigned shift = 64U - 8U * type.size;
  const auto bits = static_cast<std::uint64_t>(value) << shift;
  return type.is_signed ? static_cast<std::int64_t>(bits) >> shift : static_cast<std::int64_t>(bits >> shift);
}

}  // namespace probity::consumer
