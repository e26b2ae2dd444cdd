// The example program of a probe's entry, generated from its fields.
#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

#include "probity/manual/manual.hpp"

namespace probity::manual {
namespace {

using catalogue::Event;
using catalogue::Field;
using catalogue::FieldKind;

// Words the D lexer does not read as a plain identifier after "args->".
constexpr std::array<std::string_view, 47> reserved_words{
    "if",      "else",     "self",     "this",     "char",    "short",   "int",      "long",
    "signed",  "unsigned", "int8_t",   "int16_t",  "int32_t", "int64_t", "uint8_t",  "uint16_t",
    "uint32_t", "uint64_t", "int8",    "int16",    "int32",   "int64",   "uint8",    "uint16",
    "uint32",  "uint64",   "s8",       "s16",      "s32",     "s64",     "u8",       "u16",
    "u32",     "u64",      "size_t",   "ssize_t",  "uintptr_t", "intptr_t", "pid_t", "uid_t",
    "gid_t",   "off_t",    "dev_t",    "time_t",   "bool",    "string",  "uchar_t"};

// Parts of field names that measure an amount, whose distribution says more
// than a count of each value: "len", "bytes_alloc", "runtime", "delay"...
constexpr std::array<std::string_view, 22> magnitude_words{
    "len", "length", "size", "bytes", "count", "nr", "runtime", "delay", "latency", "duration", "ns",
    "nsec", "usec", "usecs", "sectors", "pages", "ret", "elapsed", "delta", "alloc", "req", "cnt"};

bool is_magnitude(std::string_view name) {
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t underscore = name.find('_', start);
    const std::string_view word = name.substr(start, underscore == std::string_view::npos ? std::string_view::npos
                                                                                           : underscore - start);
    if (std::find(magnitude_words.begin(), magnitude_words.end(), word) != magnitude_words.end()) return true;
    if (underscore == std::string_view::npos) break;
    start = underscore + 1;
  }
  return false;
}

enum class Use { Quantize, CountByString, CountByValue };

struct Choice {
  const Field* field = nullptr;
  Use use = Use::CountByValue;
};

std::optional<Use> use_of(const Field& field) {
  if (std::find(reserved_words.begin(), reserved_words.end(), field.layout.name) != reserved_words.end()) return {};
  switch (field.layout.kind) {
    case FieldKind::String:
    case FieldKind::DynamicString: return Use::CountByString;
    case FieldKind::Integer: return is_magnitude(field.layout.name) ? Use::Quantize : Use::CountByValue;
    case FieldKind::Pointer:
    case FieldKind::Array:
    case FieldKind::DynamicArray: return {};
  }
  return {};
}

// The field the example reads: one the default policy accepts when there is
// one, then a measured amount, then a string, then any integer.
std::optional<Choice> choose_field(const Event& event) {
  std::optional<Choice> best;
  int best_rank = -1;
  for (const Field& field : event.fields) {
    const std::optional<Use> use = use_of(field);
    if (!use) continue;
    const int usefulness = *use == Use::Quantize ? 2 : *use == Use::CountByString ? 1 : 0;
    const int rank = (stability::satisfies(field.stability.value, stability::default_threshold) ? 10 : 0) + usefulness;
    if (rank > best_rank) {
      best = Choice{&field, *use};
      best_rank = rank;
    }
  }
  return best;
}

}  // namespace

std::string example_program(const Event& event) {
  if (event.hazard.level == catalogue::Hazard::Forbidden) return "";
  const std::string probe = event.provider + ":" + event.name;
  const std::optional<Choice> choice = choose_field(event);

  stability::Attributes used = event.stability.value;
  if (choice) used = stability::minimum(used, choice->field->stability.value);
  std::string program;
  if (!stability::satisfies(used, stability::default_threshold)) {
    program += "#pragma D option amin=" + std::string(stability::to_string(std::min(used.name, used.data))) + "\n";
  }
  if (event.hazard.level != catalogue::Hazard::None) {
    program += "#pragma D option allow=" + std::string(catalogue::to_string(event.hazard.level)) + "\n";
  }
  if (!choice) {
    program += "/* counted by the name of the running program */\n" + probe + "\n{\n    @[execname] = count();\n}\n";
    return program;
  }
  const std::string& name = choice->field->layout.name;
  switch (choice->use) {
    case Use::Quantize:
      program += "/* the distribution of " + name + " */\n" + probe + "\n{\n    @" + name + " = quantize(args->" +
                 name + ");\n}\n";
      break;
    case Use::CountByString:
    case Use::CountByValue:
      program += "/* counted by " + name + " */\n" + probe + "\n{\n    @[args->" + name +
                 "] = count();\n}\n";
      break;
  }
  return program;
}

}  // namespace probity::manual
