// Type checking of calls: each function's and action's arguments, where an
// action may appear (statements, not predicates; speculation's order), and
// the aggregating functions assigned to aggregations with their keys and
// parameters. Part of the type checking pass (type_checker.hpp).
#include <set>
#include <string>
#include <utility>

#include "probity/catalogue/diagnostic.hpp"
#include "probity/compiler/format.hpp"
#include "builtins.hpp"
#include "passes/type_checker.hpp"
#include "passes/typing_rules.hpp"

namespace probity::compiler::passes {
namespace {

using ast::Expr;

// The positions in a printf() call (the format is argument 0) of the
// arguments that %k conversions print; empty when the format does not parse.
std::set<std::size_t> stack_conversion_arguments(const std::string& format) {
  std::set<std::size_t> positions;
  const auto parsed = parse_format(format);
  const auto* pieces = std::get_if<std::vector<FormatPiece>>(&parsed);
  if (pieces == nullptr) return positions;
  std::size_t next = 1;
  for (const FormatPiece& piece : *pieces) {
    const auto* conversion = std::get_if<Conversion>(&piece);
    if (conversion == nullptr || conversion->takes() == Conversion::Takes::AggregationValue) continue;
    next += (conversion->width == -2 ? 1 : 0) + (conversion->precision == -2 ? 1 : 0);
    if (conversion->takes() == Conversion::Takes::Stack) positions.insert(next);
    ++next;
  }
  return positions;
}

}  // namespace

void TypeChecker::check_aggregation(Expr& expr, ast::Assign& assign, const std::string& name, const ast::ExprList* keys) {
  const int index = symbols_.aggregations.at(name);
  Aggregation& aggregation = context_.aggregations[index];
  assign.target->resolved.aggregation = index;
  if (auto* target_index = std::get_if<ast::Index>(&assign.target->node)) {
    target_index->base->resolved.aggregation = index;
  }
  aggregated_ = true;
  if (speculated_) {
    context_.diagnostics.error("D_SPECULATION", expr.span, "a speculative clause cannot aggregate",
                               "aggregate in a clause without speculate()");
  }
  if (assign.op != ast::AssignOp::Assign) {
    context_.diagnostics.error("D_AGG_CONTEXT", expr.span,
                               aggregation.name + " is an aggregation: only = fn(...) applies to it");
  }
  if (!is_aggregating_call(*assign.value)) {
    context_.diagnostics.error(
        "D_AGG_MISMATCH", assign.value->span,
        aggregation.name + " is an aggregation (" + location(symbols_.aggregation_first_spans[index]) +
            ") and cannot also be given a plain value",
        "use another name for the map, or assign an aggregating function such as count()");
    check(*assign.value);
    return;
  }
  // Keys.
  std::vector<ValueType> key_types;
  if (keys != nullptr) {
    for (auto& key : *keys) {
      // stack() is an action, but also the value of a key: @[stack()] = count().
      stack_key_ = is_stack_call(*key);
      const ValueType type = check(*key);
      stack_key_ = false;
      if (type.kind == ValueKind::Void || type.kind == ValueKind::Array) {
        context_.diagnostics.error("D_OPERAND", key->span, "an aggregation key must be an integer, a string or stack()");
      }
      key_types.push_back(storage_type(type));
    }
  }
  if (!aggregation_keys_known_[index]) {
    aggregation.key_types = key_types;
    aggregation_keys_known_[index] = true;
  } else if (aggregation.key_types.size() != key_types.size()) {
    context_.diagnostics.error("D_AGG_MISMATCH", expr.span,
                               aggregation.name + " has " + std::to_string(aggregation.key_types.size()) +
                                   " key(s) elsewhere (" + location(symbols_.aggregation_first_spans[index]) + ") and " +
                                   std::to_string(key_types.size()) + " here",
                               "every use of an aggregation must have the same keys");
  } else {
    for (std::size_t k = 0; k < key_types.size(); ++k) {
      if (!same_kind(key_types[k], aggregation.key_types[k])) {
        context_.diagnostics.error("D_AGG_MISMATCH", (*keys)[k]->span,
                                   "key " + std::to_string(k + 1) + " of " + aggregation.name + " is " +
                                       a_type(aggregation.key_types[k]) + " elsewhere and " +
                                       a_type(key_types[k]) + " here",
                                   "an aggregation keeps the same keys everywhere; use another name for these");
      }
    }
  }
  // The function and its arguments.
  auto& call = std::get<ast::Call>(assign.value->node);
  const FunctionInfo* info = find_function(call.name);
  const auto function = static_cast<AggregatingFunction>(info->id);
  assign.value->resolved.function = info->id;
  assign.value->resolved.type = ValueType::void_type();
  if (function != aggregation.function) {
    context_.diagnostics.error("D_AGG_MISMATCH", assign.value->span,
                               aggregation.name + " is " + std::string(function_info(aggregation.function).name) +
                                   "() elsewhere (" + location(symbols_.aggregation_first_spans[index]) + ") and " +
                                   std::string(info->name) + "() here",
                               "an aggregation keeps one aggregating function; use another name");
  }
  check_aggregation_arguments(*assign.value, call, function, aggregation);
}

void TypeChecker::check_aggregation_arguments(Expr& expr, ast::Call& call, AggregatingFunction function, Aggregation& aggregation) {
  const std::string name = call.name;
  const auto expect = [&](std::size_t low, std::size_t high, std::string_view form) {
    if (call.arguments.size() < low || call.arguments.size() > high) {
      context_.diagnostics.error("D_FUNC_ARGS", expr.span,
                                 name + "() takes " + std::string(form) + "; " +
                                     std::to_string(call.arguments.size()) + " given");
      return false;
    }
    return true;
  };
  bool arity_ok = true;
  switch (function) {
    case AggregatingFunction::Count: arity_ok = expect(0, 0, "no arguments"); break;
    case AggregatingFunction::Lquantize: arity_ok = expect(3, 4, "(value, low, high[, step])"); break;
    case AggregatingFunction::Llquantize: arity_ok = expect(5, 5, "(value, factor, low, high, steps)"); break;
    default: arity_ok = expect(1, 1, "one integer argument"); break;
  }
  for (std::size_t a = 0; a < call.arguments.size(); ++a) {
    const ValueType type = check(*call.arguments[a]);
    if (type.kind != ValueKind::Integer) {
      context_.diagnostics.error("D_FUNC_ARGS", call.arguments[a]->span,
                                 "argument " + std::to_string(a + 1) + " of " + name + "() must be an integer, not a " +
                                     to_string(type));
    }
  }
  if (!arity_ok) return;
  std::vector<std::int64_t> parameters;
  for (std::size_t a = 1; a < call.arguments.size(); ++a) {
    const auto value = constant_value(*call.arguments[a]);
    if (!value) {
      context_.diagnostics.error("D_AGG_PARAMS", call.arguments[a]->span,
                                 "argument " + std::to_string(a + 1) + " of " + name + "() must be an integer constant");
      return;
    }
    parameters.push_back(*value);
  }
  if (function == AggregatingFunction::Lquantize && parameters.size() == 2) parameters.push_back(1);
  if (auto problem = aggregation_parameters_problem(function, parameters, name)) {
    return params_error(expr, std::move(*problem));
  }
  if (!aggregation.parameters.empty() && aggregation.parameters != parameters) {
    context_.diagnostics.error("D_AGG_MISMATCH", expr.span,
                               aggregation.name + " is used with different " + name + "() parameters elsewhere");
  }
  aggregation.parameters = parameters;
}

void TypeChecker::params_error(const Expr& expr, std::string message) {
  context_.diagnostics.error("D_AGG_PARAMS", expr.span, std::move(message));
}

bool TypeChecker::is_pointer_field(const std::string& name) const {
  for (const catalogue::Event* event : context_.clauses[clause_].events) {
    for (const auto& field : event->fields) {
      if (field.layout.name == name && field.layout.kind == catalogue::FieldKind::Pointer) return true;
    }
  }
  return false;
}

ValueType TypeChecker::check_node(Expr& expr, ast::Call& call, bool as_statement) {
  const FunctionInfo* info = find_function(call.name);
  if (info == nullptr) {
    for (auto& argument : call.arguments) check(*argument);
    if (const auto* unavailable = find_unavailable(call.name)) {
      context_.diagnostics.error("D_FUNC_UNAVAILABLE", expr.span,
                                 call.name + "() is not available: " + std::string(unavailable->reason),
                                 std::string(unavailable->instead));
      return ValueType::int64();
    }
    std::vector<std::string> names{"trace", "printf", "printa", "print", "clear", "trunc", "normalize", "exit",
                                   "stack", "speculation", "speculate", "commit", "discard", "delete", "strlen",
                                   "strjoin", "substr", "strstr", "str", "lltostr", "count", "sum", "avg", "min",
                                   "max", "stddev", "quantize", "lquantize", "llquantize", "hist", "lhist"};
    std::string hint = "the functions Probity has are listed in the manual's language chapter";
    if (auto close = catalogue::closest_match(call.name, names)) hint = "did you mean " + *close + "()?";
    context_.diagnostics.error("D_FUNC_UNKNOWN", expr.span, "unknown function " + call.name + "()", hint);
    return ValueType::int64();
  }
  if (info->kind == FunctionKind::Aggregating) {
    context_.diagnostics.error("D_AGG_CONTEXT", expr.span,
                               call.name + "() is an aggregating function: assign it to an aggregation",
                               "write @name[keys] = " + call.name + "(...);");
    return ValueType::int64();
  }
  expr.resolved.function = info->id;
  const auto function = static_cast<Function>(info->id);
  const auto arity = [&](std::size_t low, std::size_t high, std::string_view form) {
    if (call.arguments.size() >= low && call.arguments.size() <= high) return true;
    context_.diagnostics.error("D_FUNC_ARGS", expr.span,
                               call.name + "() takes " + std::string(form) + "; " + std::to_string(call.arguments.size()) +
                                   " given");
    return false;
  };
  const auto argument_types = [&](std::size_t from) {
    for (std::size_t a = from; a < call.arguments.size(); ++a) check(*call.arguments[a]);
  };
  const auto require = [&](std::size_t a, ValueKind kind, std::string_view what) {
    if (a < call.arguments.size() && call.arguments[a]->resolved.type.kind != kind) {
      context_.diagnostics.error("D_FUNC_ARGS", call.arguments[a]->span,
                                 "argument " + std::to_string(a + 1) + " of " + call.name + "() must be " +
                                     std::string(what) + ", not " + a_type(call.arguments[a]->resolved.type));
    }
  };
  const bool is_action = info->kind == FunctionKind::Action;
  const bool stack_key = std::exchange(stack_key_, false);
  if (is_action && !as_statement && !stack_key) {
    context_.diagnostics.error("D_OPERAND", expr.span, call.name + "() is an action and has no value",
                               function == Function::Stack
                                   ? "call it as a statement of its own, print it with printf(\"%k\", stack()) or "
                                     "make it an aggregation key: @[stack()] = count()"
                                   : "call it as a statement of its own");
  }
  if (is_action && in_predicate_) {
    context_.diagnostics.error("D_OPERAND", expr.span, "a predicate cannot call " + call.name + "()");
  }
  // Aggregation arguments of printa, clear, trunc, normalize.
  const auto aggregation_arguments = [&](std::size_t from, std::size_t to) {
    for (std::size_t a = from; a < to && a < call.arguments.size(); ++a) {
      Expr& argument = *call.arguments[a];
      if (!std::holds_alternative<ast::AggregationRef>(argument.node)) {
        context_.diagnostics.error("D_FUNC_ARGS", argument.span,
                                   "argument " + std::to_string(a + 1) + " of " + call.name + "() must be an aggregation (@name)");
        check(argument);
        continue;
      }
      aggregation_argument_ = true;
      check(argument);
      aggregation_argument_ = false;
    }
  };
  switch (function) {
    case Function::Trace:
      if (arity(1, 1, "one argument")) {
        argument_types(0);
        if (call.arguments[0]->resolved.type.kind == ValueKind::Void) {
          context_.diagnostics.error("D_FUNC_ARGS", call.arguments[0]->span, "trace() needs a value");
        }
      }
      recorded_data_ = true;
      break;
    case Function::Printf: {
      recorded_data_ = true;
      if (!arity(1, 64, "a format string and its arguments")) return ValueType::void_type();
      const auto* format = std::get_if<ast::StringLiteral>(&call.arguments[0]->node);
      // stack() has a value where a %k conversion prints it, as in DTrace.
      const std::set<std::size_t> stacks = format != nullptr ? stack_conversion_arguments(format->value)
                                                             : std::set<std::size_t>{};
      for (std::size_t a = 0; a < call.arguments.size(); ++a) {
        stack_key_ = stacks.contains(a) && is_stack_call(*call.arguments[a]);
        check(*call.arguments[a]);
        stack_key_ = false;
      }
      break;  // the format against the arguments: format_checking.cpp
    }
    case Function::Printa: {
      recorded_data_ = true;
      if (!arity(1, 16, "an optional format and one or more aggregations")) return ValueType::void_type();
      // bpftrace's print(x) of a plain value is trace(x).
      if (call.arguments.size() == 1 && !std::holds_alternative<ast::AggregationRef>(call.arguments[0]->node)) {
        argument_types(0);
        expr.resolved.function = static_cast<std::int32_t>(Function::Trace);
        break;
      }
      // bpftrace's print(@a, top[, divisor]) prints the `top` largest
      // entries, each value divided by `divisor`: DTrace's trunc and normalize.
      if (call.name == "print" && call.arguments.size() >= 2 &&
          std::holds_alternative<ast::AggregationRef>(call.arguments[0]->node) &&
          !std::holds_alternative<ast::AggregationRef>(call.arguments[1]->node)) {
        const std::string name = "@" + std::get<ast::AggregationRef>(call.arguments[0]->node).name;
        context_.diagnostics.error(
            "D_FUNC_ARGS", call.arguments[1]->span,
            "print(" + name + ", N) prints the N largest entries in bpftrace; Probity's print() takes aggregations only",
            "write trunc(" + name + ", N); print(" + name + ") to keep and print the N largest (trunc drops the others" +
                " for good)" + (call.arguments.size() >= 3 ? ", and normalize(" + name + ", D) to divide the values by D" : ""));
        argument_types(1);
        break;
      }
      const auto* format = std::get_if<ast::StringLiteral>(&call.arguments[0]->node);
      const std::size_t first_aggregation = format != nullptr ? 1 : 0;
      if (format != nullptr) check(*call.arguments[0]);
      if (first_aggregation >= call.arguments.size()) {
        context_.diagnostics.error("D_FUNC_ARGS", expr.span, "printa() needs an aggregation to print");
        break;
      }
      aggregation_arguments(first_aggregation, call.arguments.size());
      break;  // the aggregations' keys against each other and the format: format_checking.cpp
    }
    case Function::Clear:
      if (arity(1, 1, "one aggregation")) aggregation_arguments(0, 1);
      break;
    case Function::Trunc:
      if (arity(1, 2, "an aggregation and an optional number of entries to keep")) {
        aggregation_arguments(0, 1);
        argument_types(1);
        require(1, ValueKind::Integer, "an integer");
      }
      break;
    case Function::Normalize:
      if (arity(2, 2, "an aggregation and a normalisation factor")) {
        aggregation_arguments(0, 1);
        argument_types(1);
        require(1, ValueKind::Integer, "an integer");
      }
      break;
    case Function::Exit:
      if (speculated_) context_.diagnostics.error("D_SPECULATION", expr.span, "a speculative clause cannot call exit()");
      if (arity(1, 1, "an exit status")) {
        argument_types(0);
        require(0, ValueKind::Integer, "an integer");
      }
      break;
    case Function::Stack:
      arity(0, 1, "an optional number of frames");
      argument_types(0);
      require(0, ValueKind::Integer, "an integer");
      if (!call.arguments.empty() && !constant_value(*call.arguments[0])) {
        context_.diagnostics.error("D_FUNC_ARGS", call.arguments[0]->span, "the number of frames must be a constant");
      }
      if (context_.clauses[clause_].events.empty() && !context_.clauses[clause_].specials.empty()) {
        context_.diagnostics.error("D_FUNC_ARGS", expr.span,
                                   "stack() needs a tracepoint: " + context_.clauses[clause_].specials.front()->text +
                                       " has no kernel stack",
                                   "call stack() in a tracepoint clause, e.g. sched:sched_switch { stack(); }");
      }
      context_.clauses[clause_].calls_stack = true;
      if (as_statement) recorded_data_ = true;
      return ValueType::stack();
    case Function::Speculation:
      arity(0, 0, "no arguments");
      return ValueType::int64();
    case Function::Speculate:
      if (arity(1, 1, "a speculation id")) {
        argument_types(0);
        require(0, ValueKind::Integer, "an integer speculation id");
      }
      if (recorded_data_ || aggregated_) {
        context_.diagnostics.error("D_SPECULATION", expr.span,
                                   "speculate() must come before any action that records data in its clause",
                                   "make speculate() the first action of the clause");
      }
      if (speculated_) context_.diagnostics.error("D_SPECULATION", expr.span, "a clause can speculate() only once");
      speculated_ = true;
      break;
    case Function::Commit:
    case Function::Discard:
      if (arity(1, 1, "a speculation id")) {
        argument_types(0);
        require(0, ValueKind::Integer, "an integer speculation id");
      }
      if (speculated_) {
        context_.diagnostics.error("D_SPECULATION", expr.span, call.name + "() cannot be in a speculative clause",
                                   "decide in a later clause, e.g. on the system call's return: " + call.name +
                                       "(self->spec);");
      }
      break;
    case Function::Delete: {
      if (!arity(1, 2, "an element: delete(a[k]) or delete(@m[k])")) break;
      Expr& target = *call.arguments[0];
      const bool element = std::holds_alternative<ast::Index>(target.node) ||
                           std::holds_alternative<ast::AggregationRef>(target.node);
      // Desugaring made bpftrace's delete(@m, key) delete(@m[key]).
      if (!element || !lvalue_name(target, [&](const std::string& name) { return symbols_.is_aggregation(name); })) {
        context_.diagnostics.error("D_FUNC_ARGS", target.span,
                                   "delete() takes an associative array element or an @map element",
                                   "write delete(@map[key]); a scalar variable is cleared by assigning 0");
        check(target);
        break;
      }
      check(*call.arguments[0]);
      break;
    }
    case Function::Strlen:
      if (arity(1, 1, "a string")) {
        argument_types(0);
        require(0, ValueKind::String, "a string");
      }
      return ValueType::int64();
    case Function::Strjoin:
    case Function::Strstr:
      if (arity(2, 2, "two strings")) {
        argument_types(0);
        require(0, ValueKind::String, "a string");
        require(1, ValueKind::String, "a string");
      }
      return ValueType::string();
    case Function::Substr:
      if (arity(2, 3, "a string, an index and an optional length")) {
        argument_types(0);
        require(0, ValueKind::String, "a string");
        require(1, ValueKind::Integer, "an integer");
        require(2, ValueKind::Integer, "an integer");
      }
      return ValueType::string();
    case Function::Str:
      if (arity(1, 2, "a value and an optional length")) {
        argument_types(0);
        const ValueKind kind = call.arguments[0]->resolved.type.kind;
        if (kind != ValueKind::Integer && kind != ValueKind::String) {
          context_.diagnostics.error("D_FUNC_ARGS", call.arguments[0]->span,
                                     "str() takes a string or an integer, not " + a_type(call.arguments[0]->resolved.type));
        }
        // bpftrace's str(args->filename) reads user memory; a tracepoint has
        // recorded only the address, so the string cannot be had.
        if (const auto* access = std::get_if<ast::FieldAccess>(&call.arguments[0]->node);
            access != nullptr && is_pointer_field(access->field)) {
          context_.diagnostics.error(
              "D_FUNC_UNAVAILABLE", call.arguments[0]->span,
              "args->" + access->field + " is a user-space address: the tracepoint records the pointer, not the string it points to",
              "print the address with printf(\"%p\", args->" + access->field +
                  "), or use a tracepoint that records the string (sched:sched_process_exec has filename)");
        }
        require(1, ValueKind::Integer, "an integer");
      }
      return ValueType::string();
    case Function::ValueName:  // made by lowering from %s, never named in a program
      argument_types(0);
      return ValueType::string();
    case Function::Lltostr:
      if (arity(1, 1, "an integer")) {
        argument_types(0);
        require(0, ValueKind::Integer, "an integer");
      }
      return ValueType::string();
  }
  return ValueType::void_type();
}


}  // namespace probity::compiler::passes
