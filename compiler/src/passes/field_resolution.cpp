// args->field against every event of its clause. A field must exist, with a
// compatible type, in every event the clause enables: a clause is one piece
// of code run for each of them.
#include <algorithm>
#include <string>

#include "probity/catalogue/diagnostic.hpp"
#include "ast_walk.hpp"
#include "passes/passes.hpp"

namespace probity::compiler::passes {
namespace {

// "an int32_t", "a uint64_t", "a string", "an array of char".
std::string a_type(const ValueType& type) {
  const std::string name = to_string(type);
  return (name.starts_with("i") || name.starts_with("a") ? "an " : "a ") + name;
}

using catalogue::Event;
using catalogue::FieldKind;
using catalogue::FieldLayout;

std::string full_name(const Event& event) { return event.provider + ":" + event.name; }

// Bytes of one element of an array type such as "unsigned long[6]" or
// "__data_loc u8[]"; 0 when the element type is not a known integer.
std::uint8_t element_size(const FieldLayout& layout) {
  const std::size_t bracket = layout.type.find('[');
  if (layout.kind == FieldKind::Array && bracket != std::string::npos) {
    const unsigned long count = std::strtoul(layout.type.c_str() + bracket + 1, nullptr, 10);
    if (count > 0 && layout.size % count == 0 && layout.size / count <= 8) {
      return static_cast<std::uint8_t>(layout.size / count);
    }
  }
  std::string element = layout.type.substr(0, bracket);
  for (std::string_view prefix : {"__data_loc ", "__rel_loc ", "const ", "signed ", "unsigned "}) {
    if (element.starts_with(prefix)) element.erase(0, prefix.size());
  }
  while (!element.empty() && element.back() == ' ') element.pop_back();
  if (element == "u8" || element == "s8" || element == "char" || element == "__u8" || element == "bool") return 1;
  if (element == "u16" || element == "s16" || element == "short" || element == "__u16" || element == "__be16") return 2;
  if (element == "u32" || element == "s32" || element == "int" || element == "__u32" || element == "__be32") return 4;
  if (element == "u64" || element == "s64" || element == "long" || element == "long long" || element == "__u64" ||
      element == "unsigned long" || element == "size_t")
    return 8;
  return 0;
}

ValueType field_type(const FieldLayout& layout) {
  switch (layout.kind) {
    case FieldKind::Integer: {
      // The value of the field's C type, which may be narrower than its slot
      // (a system call's int argument in an unsigned long).
      const catalogue::IntegerShape value = catalogue::value_shape(layout);
      if (value.size == 1 || value.size == 2 || value.size == 4 || value.size == 8) {
        return ValueType::integer(static_cast<std::uint8_t>(value.size), value.is_signed);
      }
      return ValueType::void_type();
    }
    case FieldKind::Pointer: return ValueType::uint64();
    case FieldKind::String:
    case FieldKind::DynamicString: return ValueType::string();
    case FieldKind::Array:
    case FieldKind::DynamicArray: {
      const std::uint8_t size = element_size(layout);
      if (size == 0) return ValueType::void_type();
      return {ValueKind::Array, size, layout.is_signed};
    }
  }
  return ValueType::void_type();
}

const FieldLayout* find_layout(const Context& context, const Event& event, std::string_view name) {
  if (const auto* field = event.find_field(name)) return &field->layout;
  for (const auto& common : context.catalogue.common_fields) {
    if (common.layout.name == name) return &common.layout;
  }
  return nullptr;
}

std::string field_list(const Event& event) {
  std::string text;
  for (const auto& field : event.fields) text += (text.empty() ? "" : ", ") + field.layout.name;
  return text.empty() ? std::string("(none)") : text;
}

void resolve(Context& context, ClauseInfo& info, ast::Expr& expr, ast::FieldAccess& access) {
  if (info.events.empty()) {
    if (!info.specials.empty()) {
      context.diagnostics.error("D_ARGS_CONTEXT", expr.span,
                                "args->" + access.field + " in a clause of " + info.specials.front()->text +
                                    ", which has no tracepoint fields",
                                "args is only available in clauses of tracepoints such as sched:sched_switch");
    }
    return;  // otherwise the probe descriptions failed and were reported
  }
  std::vector<const Event*> missing;
  std::vector<ValueType> types;
  bool named_values = true;
  for (const Event* event : info.events) {
    const FieldLayout* layout = find_layout(context, *event, access.field);
    if (layout == nullptr) {
      missing.push_back(event);
    } else {
      types.push_back(field_type(*layout));
      const catalogue::Field* field = event->find_field(access.field);
      named_values = named_values && field != nullptr && field->value_names.has_value();
    }
  }
  if (missing.size() == info.events.size()) {
    const Event& first = *info.events.front();
    std::vector<std::string> names;
    for (const auto& field : first.fields) names.push_back(field.layout.name);
    std::string hint;
    if (auto close = catalogue::closest_match(access.field, names)) hint = "did you mean \"" + *close + "\"? ";
    hint += full_name(first) + " has " + field_list(first);
    const std::string where = info.events.size() == 1
                                  ? full_name(first) + " has no field \"" + access.field + "\""
                                  : "none of the " + std::to_string(info.events.size()) +
                                        " probes of this clause has a field \"" + access.field + "\"";
    // A field the catalogue documents for other releases: say why it is
    // gone here and what replaces it.
    const catalogue::RetiredField* retired = nullptr;
    for (const auto& candidate : first.retired_fields) {
      if (candidate.name == access.field) retired = &candidate;
    }
    if (retired != nullptr && !retired->successor.empty()) {
      hint = "use args->" + retired->successor + ", which replaces it in kernel " + context.catalogue.release;
    }
    auto& diagnostic = context.diagnostics.error(
        "D_FIELD_UNKNOWN", expr.span, retired != nullptr ? where + " in kernel " + context.catalogue.release : where,
        hint);
    if (retired != nullptr && !retired->rationale.empty()) {
      diagnostic.notes.push_back("the catalogue says of " + full_name(first) + "." + retired->name + ": " +
                                 retired->rationale);
    }
    return;
  }
  if (!missing.empty()) {
    std::string names;
    for (std::size_t i = 0; i < missing.size() && i < 6; ++i) names += (i == 0 ? "" : ", ") + full_name(*missing[i]);
    if (missing.size() > 6) names += ", and " + std::to_string(missing.size() - 6) + " more";
    context.diagnostics.error("D_FIELD_PARTIAL", expr.span,
                              "field \"" + access.field + "\" is missing from " + std::to_string(missing.size()) +
                                  " of the " + std::to_string(info.events.size()) + " probes of this clause: " + names,
                              "narrow the probe description, or move those probes to a clause of their own");
    return;
  }
  ValueType merged = types.front();
  for (const ValueType& type : types) {
    if (type.kind == ValueKind::Void) {
      context.diagnostics.error("D_FIELD_UNSUPPORTED", expr.span,
                                "field \"" + access.field + "\" has a type Probity cannot read as a value",
                                "probity -lv lists the field's C type");
      return;
    }
    if (type.kind != merged.kind) {
      context.diagnostics.error("D_FIELD_TYPE", expr.span,
                                "field \"" + access.field + "\" is " + a_type(merged) + " in some probes of this clause and " +
                                    a_type(type) + " in others",
                                "move the probes into separate clauses");
      return;
    }
    merged.size = std::max(merged.size, type.size);
    merged.is_signed = merged.is_signed && type.is_signed;
  }
  auto slot = std::find(info.field_slots.begin(), info.field_slots.end(), access.field);
  if (slot == info.field_slots.end()) {
    info.field_slots.push_back(access.field);
    slot = info.field_slots.end() - 1;
  }
  expr.resolved.field_slot = static_cast<std::int32_t>(slot - info.field_slots.begin());
  expr.resolved.type = merged;
  expr.resolved.named_values = named_values && merged.kind == ValueKind::Integer;
}

// In a clause of USDT probes only, DTrace's arg0..arg9 are the probe's
// arguments: the fields args->arg0..args->arg9 of its uprobe event.
bool is_usdt_argument(const ClauseInfo& info, const ast::Expr& expr) {
  const auto* identifier = std::get_if<ast::Identifier>(&expr.node);
  if (identifier == nullptr || identifier->name.size() != 4 || !identifier->name.starts_with("arg") ||
      identifier->name[3] < '0' || identifier->name[3] > '9') {
    return false;
  }
  return !info.events.empty() && info.specials.empty() &&
         std::all_of(info.events.begin(), info.events.end(), [](const Event* event) { return event->usdt.has_value(); });
}

}  // namespace

void resolve_fields(Context& context) {
  for (std::size_t index = 0; index < context.program.clauses.size(); ++index) {
    ClauseInfo& info = context.clauses[index];
    ast::walk_clause(context.program.clauses[index], [&](ast::Expr& expr) {
      if (is_usdt_argument(info, expr)) {
        expr.node = ast::FieldAccess{std::get<ast::Identifier>(expr.node).name, false};
      }
      if (auto* access = std::get_if<ast::FieldAccess>(&expr.node)) resolve(context, info, expr, *access);
    });
  }
}

}  // namespace probity::compiler::passes
