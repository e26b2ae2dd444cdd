// The value names of an event's print format: harvested from libtraceevent's
// parse of "print fmt" (__print_symbolic and __print_flags), and applied to a
// value the way the kernel's own trace output applies them.
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <map>
#include <string>

#include <traceevent/event-parse.h>

#include "probity/catalogue/harvest.hpp"
#include "probity/catalogue/model.hpp"

namespace probity::catalogue {
namespace {

// libtraceevent keeps each value as text: the atom as written ("2", "0x10",
// "-1"), or an evaluated expression printed with "%lld". A value it could not
// reduce to a number (an enum name the kernel did not resolve) is nullopt.
std::optional<std::uint64_t> parse_value(const char* text) {
  if (text == nullptr || *text == '\0') return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const bool negative = text[0] == '-';
  const std::uint64_t value = negative ? static_cast<std::uint64_t>(std::strtoll(text, &end, 0))
                                       : std::strtoull(text, &end, 0);
  if (errno != 0 || end == text) return std::nullopt;
  while (*end == 'U' || *end == 'L' || *end == 'u' || *end == 'l') ++end;  // 1UL, 0x10ULL
  if (*end != '\0') return std::nullopt;
  return value;
}

// The field a __print_symbolic or __print_flags decodes, when it decodes the
// field's value itself (through casts); an expression (REC->x >> 4, REC->a ?:
// REC->b) names something else, and yields "".
std::string decoded_field(const tep_print_arg* arg) {
  while (arg != nullptr && arg->type == TEP_PRINT_TYPE) arg = arg->typecast.item;
  if (arg == nullptr || arg->type != TEP_PRINT_FIELD || arg->field.name == nullptr) return {};
  return arg->field.name;
}

ValueNames table_of(const tep_print_flag_sym* first, ValueNames::Style style, const char* delimiter) {
  ValueNames table;
  table.style = style;
  if (style == ValueNames::Style::Flags && delimiter != nullptr) table.delimiter = delimiter;
  for (const tep_print_flag_sym* entry = first; entry != nullptr; entry = entry->next) {
    const auto value = parse_value(entry->value);
    if (value && entry->str != nullptr) table.names.emplace_back(*value, entry->str);
  }
  return table;
}

class Collector {
 public:
  void walk(const tep_print_arg* arg) {
    for (; arg != nullptr; arg = arg->next) visit(*arg);
  }
  std::map<std::string, std::optional<ValueNames>> found;  // nullopt: two tables disagree

 private:
  void record(const std::string& field, ValueNames table) {
    if (field.empty() || table.names.empty()) return;
    const auto [at, inserted] = found.try_emplace(field, table);
    // One field printed with two different tables (each branch of a ?:
    // naming another set): no single table decodes it.
    if (!inserted && at->second != table) at->second.reset();
  }
  // Each child is a single argument, not a list: visit it alone.
  void one(const tep_print_arg* arg) {
    if (arg != nullptr) visit(*arg);
  }
  void visit(const tep_print_arg& arg) {
    switch (arg.type) {
      case TEP_PRINT_SYMBOL:
        record(decoded_field(arg.symbol.field), table_of(arg.symbol.symbols, ValueNames::Style::Symbolic, nullptr));
        one(arg.symbol.field);
        break;
      case TEP_PRINT_FLAGS:
        record(decoded_field(arg.flags.field), table_of(arg.flags.flags, ValueNames::Style::Flags, arg.flags.delim));
        one(arg.flags.field);
        break;
      case TEP_PRINT_OP:
        one(arg.op.left);
        one(arg.op.right);
        break;
      case TEP_PRINT_TYPE: one(arg.typecast.item); break;
      case TEP_PRINT_FUNC: walk(arg.func.args); break;
      default: break;
    }
  }
};

}  // namespace

std::string_view to_string(ValueNames::Style style) {
  return style == ValueNames::Style::Flags ? "flags" : "symbolic";
}

std::optional<std::string> ValueNames::name_of(std::uint64_t value) const {
  if (style == Style::Symbolic) {
    for (const auto& [known, name] : names) {
      if (known == value) return name;
    }
    return std::nullopt;
  }
  // trace_print_flags_seq(): each entry whose mask is wholly set, in order,
  // clears its bits; what is left is printed in hex.
  std::string text;
  std::uint64_t left = value;
  for (const auto& [mask, name] : names) {
    if (left == 0) break;
    if ((left & mask) != mask) continue;
    left &= ~mask;
    if (!text.empty()) text += delimiter;
    text += name;
  }
  if (left != 0) {
    char hex[19] = "0x";
    const auto [end, error] = std::to_chars(hex + 2, hex + sizeof hex, left, 16);
    if (!text.empty()) text += delimiter;
    text.append(hex, end);
  }
  if (text.empty()) return std::nullopt;
  return text;
}

std::vector<FieldValueNames> value_names(const tep_event* event) {
  std::vector<FieldValueNames> tables;
  // A print format libtraceevent could not read whole may hold half a table.
  if (event == nullptr || (event->flags & TEP_EVENT_FL_FAILED) != 0) return tables;
  Collector collector;
  collector.walk(event->print_fmt.args);
  for (const tep_format_field* field = event->format.fields; field != nullptr; field = field->next) {
    const auto found = collector.found.find(field->name);
    if (found == collector.found.end() || !found->second) continue;
    const bool integer = (field->flags & (TEP_FIELD_IS_ARRAY | TEP_FIELD_IS_DYNAMIC | TEP_FIELD_IS_STRING |
                                          TEP_FIELD_IS_POINTER)) == 0;
    const bool listed = std::any_of(tables.begin(), tables.end(),
                                    [&](const FieldValueNames& table) { return table.field == field->name; });
    if (integer && !listed) tables.push_back({field->name, *found->second});
  }
  return tables;
}

}  // namespace probity::catalogue
