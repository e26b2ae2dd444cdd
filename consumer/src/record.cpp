#include "probity/consumer/record.hpp"

namespace probity::consumer {

namespace detail {
void throw_field_outside(const Record& record, const tep_format_field& field) {
  const std::string event = record.event ? record.event->system() + ":" + record.event->name() : "?";
  throw RecordError("probity: field " + std::string(field.name) + " of " + event + " (offset " +
                    std::to_string(field.offset) + ", size " + std::to_string(field.size) +
                    ") does not fit a record of " + std::to_string(record.size) + " bytes");
}
}  // namespace detail

std::string_view string_field(const Record& record, const tep_format_field& field) {
  std::uint32_t start = 0;
  std::uint32_t length = 0;
  if ((field.flags & TEP_FIELD_IS_DYNAMIC) != 0) {
    // A 32-bit word: length in the high half, offset in the low half; for
    // __rel_loc the offset counts from the end of the word.
    const auto word = static_cast<std::uint32_t>(unsigned_field(record, field));
    start = word & 0xffffU;
    length = word >> 16;
    if ((field.flags & TEP_FIELD_IS_RELATIVE) != 0) {
      start += static_cast<std::uint32_t>(field.offset + field.size);
    }
  } else if ((field.flags & TEP_FIELD_IS_ARRAY) != 0) {
    start = static_cast<std::uint32_t>(field.offset);
    length = static_cast<std::uint32_t>(field.size);
  } else {
    const std::string event = record.event ? record.event->system() + ":" + record.event->name() : "?";
    throw RecordError("probity: field " + std::string(field.name) + " of " + event +
                      " is not a string (it is '" + field.type + "')");
  }
  if (field.offset < 0 || start + length > record.size) detail::throw_field_outside(record, field);
  const auto* text = reinterpret_cast<const char*>(record.data + start);
  const void* nul = std::memchr(text, '\0', length);
  return {text, nul ? static_cast<std::size_t>(static_cast<const char*>(nul) - text) : length};
}

}  // namespace probity::consumer
