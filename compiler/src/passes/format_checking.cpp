// printf() and printa() formats against what they print: each conversion
// against its argument's type (or the aggregation's key), '*' widths, %@ in
// printa only; and the aggregations one printa() prints together against
// each other. Runs after type checking, so every argument has its type and
// every aggregation its keys, wherever in the program they are assigned.
#include <optional>
#include <string>
#include <vector>

#include "probity/compiler/format.hpp"
#include "ast_walk.hpp"
#include "builtins.hpp"
#include "passes/passes.hpp"
#include "passes/typing_rules.hpp"

namespace probity::compiler::passes {
namespace {

using ast::Expr;

void check_format(Context& context, const Expr& format_expr, const std::string& format, const ast::ExprList& arguments,
                  std::size_t first, const std::vector<ValueType>* printa_keys,
                  std::size_t aggregation_count) {
  const auto parsed = parse_format(format);
  if (const auto* error = std::get_if<FormatError>(&parsed)) {
    context.diagnostics.error("D_PRINTF_FORMAT", format_expr.span, error->message,
                               "conversions: %d %i %u %x %X %o %c %s %p %a %k %Y %% (and %@ in printa)");
    return;
  }
  std::size_t next = first;
  std::size_t key = 0;
  std::size_t values = 0;
  for (const FormatPiece& piece : std::get<std::vector<FormatPiece>>(parsed)) {
    const auto* conversion = std::get_if<Conversion>(&piece);
    if (conversion == nullptr) continue;
    const std::string spelled = "%" + std::string(1, conversion->specifier);
    if (printa_keys != nullptr) {
      if (conversion->width == -2 || conversion->precision == -2) {
        context.diagnostics.error("D_PRINTF_FORMAT", format_expr.span, "printa formats cannot take '*' widths");
        return;
      }
      if (conversion->takes() == Conversion::Takes::AggregationValue) {
        ++values;
        continue;
      }
      if (key >= printa_keys->size()) {
        context.diagnostics.error("D_PRINTF_FORMAT", format_expr.span,
                                   "the format has more conversions than the aggregation has keys (" +
                                       std::to_string(printa_keys->size()) + ")",
                                   "use %@ for the aggregated value");
        return;
      }
      const ValueType& type = (*printa_keys)[key++];
      const bool ok = (conversion->takes() == Conversion::Takes::Integer && type.kind == ValueKind::Integer) ||
                      (conversion->takes() == Conversion::Takes::String && type.kind == ValueKind::String) ||
                      (conversion->takes() == Conversion::Takes::Stack && type.kind == ValueKind::Stack);
      if (!ok) {
        context.diagnostics.error("D_PRINTF_FORMAT", format_expr.span,
                                   spelled + " does not print key " + std::to_string(key) + ", " + a_type(type),
                                   type.kind == ValueKind::Stack     ? "%k prints a stack"
                                   : type.kind == ValueKind::String ? "%s prints a string"
                                                                    : "%d, %u or %x print an integer");
      }
      continue;
    }
    if (conversion->takes() == Conversion::Takes::AggregationValue) {
      context.diagnostics.error("D_PRINTF_FORMAT", format_expr.span, "%@ is only for printa formats");
      return;
    }
    for (int star : {conversion->width, conversion->precision}) {
      if (star != -2) continue;
      if (next >= arguments.size()) break;
      if (arguments[next]->resolved.type.kind != ValueKind::Integer) {
        context.diagnostics.error("D_PRINTF_FORMAT", arguments[next]->span, "a '*' width or precision takes an integer");
      }
      ++next;
    }
    if (next >= arguments.size()) {
      context.diagnostics.error("D_PRINTF_FORMAT", format_expr.span,
                                 "the format has more conversions than there are arguments (" +
                                     std::to_string(arguments.size() - first) + ")",
                                 "give one argument per conversion; %% prints a literal %");
      return;
    }
    const ValueType& type = arguments[next]->resolved.type;
    // %s of a field whose values the print format names prints the name.
    const bool names_value = conversion->takes() == Conversion::Takes::String && type.kind == ValueKind::Integer &&
                             arguments[next]->resolved.named_values;
    if (names_value) arguments[next]->resolved.print_name = true;
    const bool ok = names_value ||
                    (conversion->takes() == Conversion::Takes::Integer && type.kind == ValueKind::Integer) ||
                    (conversion->takes() == Conversion::Takes::String && type.kind == ValueKind::String) ||
                    (conversion->takes() == Conversion::Takes::Stack && type.kind == ValueKind::Stack);
    if (!ok) {
      std::string hint;
      if (type.is_string()) hint = "%s prints a string";
      else if (type.kind == ValueKind::Stack) hint = "%k prints a stack";
      else if (type.is_integer()) {
        hint = "%d, %u or %x print an integer";
        if (conversion->specifier == 's') {
          hint += "; %s prints the name of a field whose values the kernel's print format names (probity -lv lists them)";
        }
      }
      context.diagnostics.error("D_PRINTF_FORMAT", arguments[next]->span,
                                 spelled + " cannot print argument " + std::to_string(next - first + 1) + ", " + a_type(type),
                                 hint);
    }
    ++next;
  }
  if (printa_keys != nullptr) {
    if (values > aggregation_count) {
      context.diagnostics.error("D_PRINTF_FORMAT", format_expr.span,
                                 "the format has more %@ than there are aggregations to print");
    }
    return;
  }
  if (next < arguments.size()) {
    context.diagnostics.error("D_PRINTF_FORMAT", arguments[next]->span,
                               "argument " + std::to_string(next - first + 1) + " has no conversion in the format",
                               "add a conversion such as %d or %s for it");
  }
}

// The action a checked call is: printf, printa, ...; nullopt for anything
// else, and for a call type checking did not resolve (it reported why).
std::optional<Function> checked_action(const Expr& expr, const ast::Call& call) {
  const FunctionInfo* info = find_function(call.name);
  if (info == nullptr || info->kind != FunctionKind::Action || expr.resolved.function < 0) return std::nullopt;
  return static_cast<Function>(expr.resolved.function);
}

void check_printf(Context& context, const ast::Call& call) {
  if (call.arguments.empty() || call.arguments.size() > 64) return;  // type checking refused the count
  const auto* format = std::get_if<ast::StringLiteral>(&call.arguments[0]->node);
  if (format == nullptr) {
    context.diagnostics.error("D_PRINTF_FORMAT", call.arguments[0]->span, "the format of printf() must be a string literal",
                              "write the format in the call: printf(\"%d\\n\", x)");
    return;
  }
  check_format(context, *call.arguments[0], format->value, call.arguments, 1, nullptr, 0);
}

// printa(@a, ...) and printa("format", @a, ...). print(@a, N) is refused by
// type checking; print(x) became trace(x) there.
void check_printa(Context& context, const ast::Call& call) {
  if (call.arguments.empty() || call.arguments.size() > 16) return;  // type checking refused the count
  const auto* format = std::get_if<ast::StringLiteral>(&call.arguments[0]->node);
  const std::size_t first_aggregation = format != nullptr ? 1 : 0;
  if (first_aggregation >= call.arguments.size()) return;  // type checking: printa() needs an aggregation
  if (call.name == "print" && call.arguments.size() >= 2 &&
      std::holds_alternative<ast::AggregationRef>(call.arguments[0]->node) &&
      !std::holds_alternative<ast::AggregationRef>(call.arguments[1]->node)) {
    return;  // bpftrace's print(@a, N): refused by type checking
  }
  const int aggregation = call.arguments[first_aggregation]->resolved.aggregation;
  if (aggregation < 0) return;
  const auto& keys = context.aggregations[static_cast<std::size_t>(aggregation)].key_types;
  for (std::size_t a = first_aggregation + 1; a < call.arguments.size(); ++a) {
    const int other = call.arguments[a]->resolved.aggregation;
    if (other >= 0 && context.aggregations[static_cast<std::size_t>(other)].key_types.size() != keys.size()) {
      context.diagnostics.error("D_FUNC_ARGS", call.arguments[a]->span, "aggregations printed together must have the same keys");
    }
  }
  if (format != nullptr) {
    check_format(context, *call.arguments[0], format->value, call.arguments, 0, &keys, call.arguments.size() - first_aggregation);
  }
}

}  // namespace

void check_formats(Context& context) {
  for (ast::Clause& clause : context.program.clauses) {
    ast::walk_clause(clause, [&](const Expr& expr) {
      const auto* call = std::get_if<ast::Call>(&expr.node);
      if (call == nullptr) return;
      const auto action = checked_action(expr, *call);
      if (action == Function::Printf) check_printf(context, *call);
      if (action == Function::Printa) check_printa(context, *call);
    });
  }
}

}  // namespace probity::compiler::passes
