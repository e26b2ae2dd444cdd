// One event record from a ring buffer, and reading its fields through the
// handles cached in its EventLayout.
#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

#include <traceevent/event-parse.h>

#include "probity/consumer/event_formats.hpp"

namespace probity::consumer {

// Valid only during the callback that receives it: `data` points into a ring
// buffer page that is reused afterwards.
struct Record {
  unsigned cpu = 0;
  std::uint64_t timestamp = 0;  // CLOCK_MONOTONIC nanoseconds (the "mono" trace clock)
  const EventLayout* event = nullptr;  // never nullptr in a delivered record
  const unsigned char* data = nullptr;
  std::uint32_t size = 0;
};

// A field lies outside its record, or is read as what it is not.
class RecordError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {
[[noreturn]] void throw_field_outside(const Record& record, const tep_format_field& field);
}

// The raw bits of an integer field of 1, 2, 4 or 8 bytes, zero-extended.
inline std::uint64_t unsigned_field(const Record& record, const tep_format_field& field) {
  const auto offset = static_cast<std::uint32_t>(field.offset);
  const auto size = static_cast<std::uint32_t>(field.size);
  if (field.offset < 0 || offset + size > record.size) detail::throw_field_outside(record, field);
  const unsigned char* at = record.data + offset;
  switch (size) {
    case 1: return *at;
    case 2: { std::uint16_t v; std::memcpy(&v, at, 2); return v; }
    case 4: { std::uint32_t v; std::memcpy(&v, at, 4); return v; }
    case 8: { std::uint64_t v; std::memcpy(&v, at, 8); return v; }
    default: detail::throw_field_outside(record, field);
  }
}

// An integer field as a 64-bit value: sign-extended when the format declares
// it signed (libtraceevent's tep_read_number_field does not sign-extend),
// zero-extended otherwise (a u64 above INT64_MAX comes back negative; read
// it with unsigned_field).
inline std::int64_t integer_field(const Record& record, const tep_format_field& field) {
  const std::uint64_t bits = unsigned_field(record, field);
  if ((field.flags & TEP_FIELD_IS_SIGNED) == 0 || field.size >= 8) return static_cast<std::int64_t>(bits);
  const unsigned shift = 64U - 8U * static_cast<unsigned>(field.size);
  return static_cast<std::int64_t>(bits << shift) >> shift;
}

// A string field: a fixed char array (up to its first NUL) or a __data_loc /
// __rel_loc string. Throws RecordError for other fields (a `char *` is a
// kernel pointer, not text) or when the string lies outside the record.
std::string_view string_field(const Record& record, const tep_format_field& field);

}  // namespace probity::consumer
