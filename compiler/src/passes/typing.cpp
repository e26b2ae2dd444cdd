// Names and types: built-ins, variables, functions and aggregations, and the
// type of every expression.
//
// Variables are typed by what is assigned to them anywhere in the program
// (D's rule: a clause may read a variable another clause assigns), so the
// pass first infers variable and aggregation shapes from every assignment,
// to a fixed point, then checks every expression with diagnostics.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "probity/catalogue/diagnostic.hpp"
#include "probity/compiler/format.hpp"
#include "ast_walk.hpp"
#include "builtins.hpp"
#include "passes/passes.hpp"

namespace probity::compiler::passes {
namespace {

// "an int32_t", "a uint64_t", "a string", "an array of char".
std::string a_type(const ValueType& type) {
  const std::string name = to_string(type);
  return (name.starts_with("i") || name.starts_with("a") ? "an " : "a ") + name;
}

using ast::Expr;

// The program's scopes are the parser's, in the same order (see the cast of
// declarations below).
std::string display_name(VariableScope scope, const std::string& name) {
  return ast::spelling(static_cast<ast::VariableScope>(scope), name);
}

std::string aggregation_display(const std::string& name) { return "@" + name; }

bool same_kind(const ValueType& a, const ValueType& b) { return a.kind == b.kind; }

// The type a variable holding `value` has: integers are kept in 64 bits.
ValueType storage_type(const ValueType& value) {
  if (value.kind == ValueKind::Integer) return ValueType::integer(8, value.is_signed || value.size < 8);
  return value;
}

ValueType key_type(const ValueType& value) { return storage_type(value); }

std::optional<std::int64_t> constant_value(const Expr& expr) {
  if (const auto* literal = std::get_if<ast::IntegerLiteral>(&expr.node)) {
    return static_cast<std::int64_t>(literal->value);
  }
  if (const auto* unary = std::get_if<ast::Unary>(&expr.node)) {
    auto operand = constant_value(*unary->operand);
    if (!operand) return std::nullopt;
    if (unary->op == ast::UnaryOp::Negate) return -*operand;
    if (unary->op == ast::UnaryOp::Plus) return *operand;
  }
  return std::nullopt;
}

// Whether arg0..arg9 have a meaning in the clause: ERROR's describe the
// fault, BEGIN's and END's are 0 as in DTrace.
bool has_positional_arguments(const ast::Clause& clause) {
  return std::all_of(clause.probes.begin(), clause.probes.end(), [](const ast::ProbeDescription& probe) {
    return probe.kind == ast::ProbeKind::Error || probe.kind == ast::ProbeKind::Begin ||
           probe.kind == ast::ProbeKind::End;
  });
}

const ast::Call* as_call(const Expr& expr) { return std::get_if<ast::Call>(&expr.node); }

bool is_stack_call(const Expr& expr) {
  const auto* call = as_call(expr);
  const FunctionInfo* info = call != nullptr ? find_function(call->name) : nullptr;
  return info != nullptr && info->kind == FunctionKind::Action && info->id == static_cast<std::uint8_t>(Function::Stack);
}

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

bool is_aggregating_call(const Expr& expr) {
  const auto* call = as_call(expr);
  if (call == nullptr) return false;
  const FunctionInfo* info = find_function(call->name);
  return info != nullptr && info->kind == FunctionKind::Aggregating;
}

// The @name an assignment target refers to, with its keys, if it is one.
struct AtTarget {
  const std::string* name = nullptr;
  const ast::ExprList* keys = nullptr;
};
AtTarget at_target(const Expr& target) {
  if (const auto* ref = std::get_if<ast::AggregationRef>(&target.node)) return {&ref->name, nullptr};
  if (const auto* index = std::get_if<ast::Index>(&target.node)) {
    if (const auto* ref = std::get_if<ast::AggregationRef>(&index->base->node)) return {&ref->name, &index->keys};
  }
  return {};
}

class TypeChecker {
 public:
  explicit TypeChecker(Context& context) : context_(context) {}

  void run() {
    rewrite_macros_and_aliases();
    declare();
    discover_aggregations();
    infer_variables();
    for (clause_ = 0; clause_ < context_.program.clauses.size(); ++clause_) check_clause(context_.program.clauses[clause_]);
  }

 private:
  // ------------------------------------------------------------ preparation

  // $1.. become literals (as in DTrace, a macro argument that looks like a
  // number is an integer, anything else a string); kstack becomes stack().
  void rewrite_macros_and_aliases() {
    for (auto& clause : context_.program.clauses) {
      ast::walk_clause(clause, [&](Expr& expr) {
        if (auto* macro = std::get_if<ast::MacroArgument>(&expr.node)) {
          if (macro->name == "target") {
            expr.resolved.builtin = static_cast<std::int32_t>(Builtin::Target);
            expr.resolved.type = ValueType::int64();
            return;
          }
          // $$1 is $1 forced to be a string, as in DTrace.
          const bool force_string = macro->name.starts_with("$");
          const std::string digits = force_string ? macro->name.substr(1) : macro->name;
          const unsigned long index = std::strtoul(digits.c_str(), nullptr, 10);
          if (index == 0 || index > context_.compile_options.macro_arguments.size()) {
            context_.diagnostics.error(
                "D_MACRO_UNDEFINED", expr.span,
                "macro argument $" + digits + " was not given",
                "give it after the script: probity -s FILE ARG1 ARG2 ... (" +
                    std::to_string(context_.compile_options.macro_arguments.size()) + " given)");
            expr.resolved.type = ValueType::int64();
            return;
          }
          context_.macro_argument_count = std::max<std::size_t>(context_.macro_argument_count, index);
          const std::string& value = context_.compile_options.macro_arguments[index - 1];
          char* end = nullptr;
          errno = 0;
          const long long number = std::strtoll(value.c_str(), &end, 0);
          if (!force_string && !value.empty() && end != nullptr && *end == '\0' && errno == 0) {
            expr.node = ast::IntegerLiteral{static_cast<std::uint64_t>(number), false, value};
          } else if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
            // DTrace users quote string arguments for D: probity -s x.d '"bash"'.
            expr.node = ast::StringLiteral{value.substr(1, value.size() - 2)};
          } else {
            expr.node = ast::StringLiteral{value};
          }
        } else if (auto* identifier = std::get_if<ast::Identifier>(&expr.node)) {
          if (identifier->name == "kstack") {
            expr.node = ast::Call{"stack", {}};
          } else if (const auto constant = find_named_constant(identifier->name)) {
            expr.node = ast::IntegerLiteral{static_cast<std::uint64_t>(*constant), false, identifier->name};
          }
        }
      });
    }
  }

  void declare() {
    for (const ast::Declaration& declaration : context_.program.declarations) {
      const auto scope = static_cast<VariableScope>(declaration.scope);
      if (find_variable(scope, declaration.name) >= 0) {
        context_.diagnostics.error("D_VAR_TYPE", declaration.span,
                                   display_name(scope, declaration.name) + " is declared twice",
                                   "keep one declaration");
        continue;
      }
      const int index = add_variable(scope, declaration.name, storage_type(declaration.type));
      declared_.insert(index);
    }
  }

  // An @name is an aggregation when some assignment gives it an aggregating
  // function; a bpftrace map when it is given plain values.
  void discover_aggregations() {
    for (auto& clause : context_.program.clauses) {
      ast::walk_clause(clause, [&](Expr& expr) {
        const auto* assign = std::get_if<ast::Assign>(&expr.node);
        if (assign == nullptr) return;
        const AtTarget target = at_target(*assign->target);
        if (target.name == nullptr || !is_aggregating_call(*assign->value)) return;
        const auto* call = as_call(*assign->value);
        const auto function = static_cast<AggregatingFunction>(find_function(call->name)->id);
        auto found = aggregation_names_.find(*target.name);
        if (found == aggregation_names_.end()) {
          aggregation_names_[*target.name] = static_cast<int>(context_.aggregations.size());
          context_.aggregations.push_back({aggregation_display(*target.name), function, {}, {}});
          aggregation_first_span_.push_back(expr.span);
          aggregation_keys_known_.push_back(false);
        }
      });
    }
  }

  int find_variable(VariableScope scope, const std::string& name) const {
    const auto found = variables_.find({scope, scope == VariableScope::Scratch ? clause_ : 0, name});
    return found == variables_.end() ? -1 : found->second;
  }

  int add_variable(VariableScope scope, const std::string& name, ValueType type) {
    const int index = static_cast<int>(context_.variables.size());
    context_.variables.push_back({display_name(scope, name), scope, type, {}});
    variables_[{scope, scope == VariableScope::Scratch ? clause_ : 0, name}] = index;
    return index;
  }

  // The variable an assignment target names (not aggregations, not fields):
  // scope, name and keys.
  struct LvalueName {
    VariableScope scope = VariableScope::Global;
    std::string name;
    const ast::ExprList* keys = nullptr;
  };
  std::optional<LvalueName> lvalue_name(const Expr& target) const {
    if (const auto* identifier = std::get_if<ast::Identifier>(&target.node)) {
      if (find_builtin(identifier->name) != nullptr) return std::nullopt;
      return LvalueName{VariableScope::Global, identifier->name, nullptr};
    }
    if (const auto* variable = std::get_if<ast::Variable>(&target.node)) {
      return LvalueName{static_cast<VariableScope>(variable->scope), variable->name, nullptr};
    }
    if (const auto* ref = std::get_if<ast::AggregationRef>(&target.node)) {
      if (aggregation_names_.contains(ref->name)) return std::nullopt;
      return LvalueName{VariableScope::Map, ref->name, nullptr};
    }
    if (const auto* index = std::get_if<ast::Index>(&target.node)) {
      if (const auto* identifier = std::get_if<ast::Identifier>(&index->base->node)) {
        if (find_builtin(identifier->name) != nullptr) return std::nullopt;
        return LvalueName{VariableScope::Global, identifier->name, &index->keys};
      }
      if (const auto* ref = std::get_if<ast::AggregationRef>(&index->base->node)) {
        if (aggregation_names_.contains(ref->name)) return std::nullopt;
        return LvalueName{VariableScope::Map, ref->name, &index->keys};
      }
    }
    return std::nullopt;
  }

  // The type of an expression as far as it can be told without diagnostics,
  // from what is known of variables so far.
  std::optional<ValueType> infer(const Expr& expr) {
    return std::visit(
        [&](const auto& node) -> std::optional<ValueType> {
          using Node = std::decay_t<decltype(node)>;
          if constexpr (std::is_same_v<Node, ast::IntegerLiteral>) {
            return node.is_unsigned ? ValueType::uint64() : ValueType::int64();
          } else if constexpr (std::is_same_v<Node, ast::StringLiteral>) {
            return ValueType::string();
          } else if constexpr (std::is_same_v<Node, ast::Identifier>) {
            if (const auto* builtin = find_builtin(node.name)) return builtin->type;
            const int index = find_variable(VariableScope::Global, node.name);
            if (index >= 0 && known_.contains(index)) return context_.variables[index].type;
            return std::nullopt;
          } else if constexpr (std::is_same_v<Node, ast::FieldAccess>) {
            if (expr.resolved.field_slot < 0) return std::nullopt;
            return expr.resolved.type;
          } else if constexpr (std::is_same_v<Node, ast::Variable>) {
            const int index = find_variable(static_cast<VariableScope>(node.scope), node.name);
            if (index >= 0 && known_.contains(index)) return context_.variables[index].type;
            return std::nullopt;
          } else if constexpr (std::is_same_v<Node, ast::MacroArgument>) {
            return ValueType::int64();
          } else if constexpr (std::is_same_v<Node, ast::AggregationRef>) {
            const int index = find_variable(VariableScope::Map, node.name);
            if (index >= 0 && known_.contains(index)) return context_.variables[index].type;
            return std::nullopt;
          } else if constexpr (std::is_same_v<Node, ast::Index>) {
            if (std::holds_alternative<ast::FieldAccess>(node.base->node)) {
              if (node.base->resolved.field_slot < 0) return std::nullopt;
              const ValueType array = node.base->resolved.type;
              return ValueType::integer(array.size, array.is_signed);
            }
            return infer(*node.base);
          } else if constexpr (std::is_same_v<Node, ast::Call>) {
            const FunctionInfo* info = find_function(node.name);
            if (info == nullptr || info->kind == FunctionKind::Aggregating) return std::nullopt;
            return function_result(static_cast<Function>(info->id));
          } else if constexpr (std::is_same_v<Node, ast::Unary>) {
            return ValueType::int64();
          } else if constexpr (std::is_same_v<Node, ast::Binary>) {
            return arithmetic_result(node.op, infer(*node.left), infer(*node.right));
          } else if constexpr (std::is_same_v<Node, ast::Conditional>) {
            auto type = infer(*node.if_true);
            return type ? type : infer(*node.if_false);
          } else if constexpr (std::is_same_v<Node, ast::Cast>) {
            return node.target;
          } else if constexpr (std::is_same_v<Node, ast::Assign>) {
            return infer(*node.value);
          } else if constexpr (std::is_same_v<Node, ast::IncDec>) {
            return ValueType::int64();
          }
        },
        expr.node);
  }

  static std::optional<ValueType> function_result(Function function) {
    switch (function) {
      case Function::Strlen: return ValueType::int64();
      case Function::Speculation: return ValueType::int64();
      case Function::Strjoin:
      case Function::Substr:
      case Function::Strstr:
      case Function::Str:
      case Function::Lltostr:
      case Function::ValueName: return ValueType::string();
      case Function::Stack: return ValueType::stack();
      default: return ValueType::void_type();
    }
  }

  static std::optional<ValueType> arithmetic_result(ast::BinaryOp op, std::optional<ValueType> left,
                                                    std::optional<ValueType> right) {
    using ast::BinaryOp;
    switch (op) {
      case BinaryOp::Less: case BinaryOp::LessEqual: case BinaryOp::Greater: case BinaryOp::GreaterEqual:
      case BinaryOp::Equal: case BinaryOp::NotEqual: case BinaryOp::Glob:
      case BinaryOp::LogicalAnd: case BinaryOp::LogicalOr: case BinaryOp::LogicalXor:
        return ValueType::int64();
      default:
        break;
    }
    if (!left || !right) return std::nullopt;
    // The usual arithmetic conversions, in 64 bits: unsigned wins when a
    // 64-bit unsigned operand takes part.
    const bool is_unsigned = (left->size == 8 && !left->is_signed) || (right->size == 8 && !right->is_signed);
    return is_unsigned ? ValueType::uint64() : ValueType::int64();
  }

  // Every assignment, to a fixed point, so that a variable assigned from
  // another variable assigned later in the program still gets its type.
  void infer_variables() {
    // A declared variable has its declared type; assignments do not change it.
    for (int index : declared_) known_.insert(index);
    for (std::size_t round = 0; round < 8; ++round) {
      bool changed = false;
      for (clause_ = 0; clause_ < context_.program.clauses.size(); ++clause_) {
        ast::walk_clause(context_.program.clauses[clause_], [&](Expr& expr) {
          const Expr* target = nullptr;
          std::optional<ValueType> value;
          if (const auto* assign = std::get_if<ast::Assign>(&expr.node)) {
            target = assign->target.get();
            if (at_target(*target).name != nullptr && is_aggregating_call(*assign->value)) return;
            value = assign->op == ast::AssignOp::Assign ? infer(*assign->value) : std::optional(ValueType::int64());
          } else if (const auto* step = std::get_if<ast::IncDec>(&expr.node)) {
            target = step->target.get();
            value = ValueType::int64();
          } else {
            return;
          }
          const auto name = lvalue_name(*target);
          if (!name) return;
          // A value whose type is not known (yet, or ever: an unknown
          // function) still assigns the variable; its error is reported there.
          const bool typed = value && value->kind != ValueKind::Void;
          int index = find_variable(name->scope, name->name);
          if (index < 0) index = add_variable(name->scope, name->name, typed ? storage_type(*value) : ValueType::int64());
          if (typed && !known_.contains(index)) {
            context_.variables[index].type = storage_type(*value);
            known_.insert(index);
            changed = true;
          }
          assigned_.insert(index);
        });
      }
      if (!changed) break;
    }
  }

  // ------------------------------------------------------------ checking

  void check_clause(ast::Clause& clause) {
    scratch_assigned_.clear();
    speculated_ = false;
    recorded_data_ = false;
    aggregated_ = false;
    if (clause.predicate) {
      in_predicate_ = true;
      const ValueType type = check(*clause.predicate);
      in_predicate_ = false;
      if (type.kind != ValueKind::Integer && type.kind != ValueKind::Void) {
        context_.diagnostics.error("D_OPERAND", clause.predicate->span,
                                   "a predicate must be an integer condition, not " + a_type(type),
                                   type.is_string() ? "compare the string: /execname == \"bash\"/" : "");
      }
    }
    check_statements(clause.body);
  }

  void check_statements(ast::StatementList& statements) {
    for (auto& statement : statements) {
      if (auto* expression = std::get_if<ast::ExpressionStatement>(&statement.node)) {
        if (expression->expression) check_statement_expression(*expression->expression);
      } else if (auto* branch = std::get_if<ast::IfStatement>(&statement.node)) {
        const ValueType condition = check(*branch->condition);
        if (condition.kind != ValueKind::Integer && condition.kind != ValueKind::Void) {
          context_.diagnostics.error("D_OPERAND", branch->condition->span,
                                     "an if condition must be an integer, not " + a_type(condition),
                                     condition.is_string() ? "compare the string: if (s == \"text\")" : "");
        }
        check_statements(branch->then_body);
        check_statements(branch->else_body);
      }
    }
  }

  void check_statement_expression(Expr& expr) {
    if (auto* assign = std::get_if<ast::Assign>(&expr.node)) {
      const AtTarget target = at_target(*assign->target);
      if (target.name != nullptr && aggregation_names_.contains(*target.name)) {
        check_aggregation(expr, *assign, *target.name, target.keys);
        return;
      }
    }
    check(expr, /*as_statement=*/true);
  }

  void check_aggregation(Expr& expr, ast::Assign& assign, const std::string& name, const ast::ExprList* keys) {
    const int index = aggregation_names_.at(name);
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
          aggregation.name + " is an aggregation (" + location(aggregation_first_span_[index]) +
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
        key_types.push_back(key_type(type));
      }
    }
    if (!aggregation_keys_known_[index]) {
      aggregation.key_types = key_types;
      aggregation_keys_known_[index] = true;
    } else if (aggregation.key_types.size() != key_types.size()) {
      context_.diagnostics.error("D_AGG_MISMATCH", expr.span,
                                 aggregation.name + " has " + std::to_string(aggregation.key_types.size()) +
                                     " key(s) elsewhere (" + location(aggregation_first_span_[index]) + ") and " +
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
                                     "() elsewhere (" + location(aggregation_first_span_[index]) + ") and " +
                                     std::string(info->name) + "() here",
                                 "an aggregation keeps one aggregating function; use another name");
    }
    check_aggregation_arguments(*assign.value, call, function, aggregation);
    record_use(*info, assign.value->span);
  }

  void check_aggregation_arguments(Expr& expr, ast::Call& call, AggregatingFunction function, Aggregation& aggregation) {
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

  void params_error(const Expr& expr, std::string message) {
    context_.diagnostics.error("D_AGG_PARAMS", expr.span, std::move(message));
  }

  std::string location(const Span& span) const { return "line " + std::to_string(span.begin.line); }

  // Checks an expression and returns its type (also stored in resolved.type).
  ValueType check(Expr& expr, bool as_statement = false) {
    const ValueType type = std::visit([&](auto& node) { return check_node(expr, node, as_statement); }, expr.node);
    expr.resolved.type = type;
    return type;
  }

  ValueType check_node(Expr&, ast::IntegerLiteral& literal, bool) {
    return literal.is_unsigned ? ValueType::uint64() : ValueType::int64();
  }
  ValueType check_node(Expr&, ast::StringLiteral&, bool) { return ValueType::string(); }

  ValueType check_node(Expr& expr, ast::Identifier& identifier, bool) {
    const auto* builtin = find_builtin(identifier.name);
    if (builtin != nullptr && is_positional_argument(builtin->id) &&
        !has_positional_arguments(context_.program.clauses[clause_])) {
      context_.diagnostics.error("D_FUNC_UNAVAILABLE", expr.span,
                                 identifier.name + " is not available here: tracepoints have named fields rather than "
                                                   "positional arguments, and tick records none",
                                 "use args->FIELD (probity -lv PROBE lists the fields); ERROR's arguments describe a "
                                 "run-time error");
      return ValueType::int64();
    }
    if (builtin != nullptr) {
      expr.resolved.builtin = static_cast<std::int32_t>(builtin->id);
      record_use(*builtin, expr.span);
      return builtin->type;
    }
    const int index = find_variable(VariableScope::Global, identifier.name);
    if (index >= 0 && (assigned_.contains(index) || declared_.contains(index))) {
      expr.resolved.variable = index;
      if (!context_.variables[index].key_types.empty()) {
        context_.diagnostics.error("D_OPERAND", expr.span,
                                   identifier.name + " is an associative array: index it, as in " + identifier.name + "[key]");
      }
      return context_.variables[index].type;
    }
    if (const auto* unavailable = find_unavailable(identifier.name)) {
      context_.diagnostics.error("D_FUNC_UNAVAILABLE", expr.span,
                                 identifier.name + " is not available: " + std::string(unavailable->reason),
                                 std::string(unavailable->instead));
      return ValueType::int64();
    }
    if (identifier.name == "args") {
      context_.diagnostics.error("D_OPERAND", expr.span, "args is not a value: use args->FIELD",
                                 "probity -lv PROBE lists the fields");
      return ValueType::int64();
    }
    std::vector<std::string> candidates{"pid", "tid", "ppid", "uid", "gid", "execname", "comm", "cpu",
                                        "timestamp", "nsecs", "walltimestamp", "probeprov", "probename", "probe"};
    for (const auto& variable : context_.variables) {
      if (variable.scope == VariableScope::Global) candidates.push_back(variable.name);
    }
    std::string hint = "it is neither a built-in variable nor a variable assigned anywhere in the program";
    if (auto close = catalogue::closest_match(identifier.name, candidates)) hint = "did you mean " + *close + "? " + hint;
    context_.diagnostics.error("D_IDENT_UNKNOWN", expr.span, "unknown identifier \"" + identifier.name + "\"", hint);
    return ValueType::int64();
  }

  ValueType check_node(Expr& expr, ast::FieldAccess& access, bool) {
    if (expr.resolved.field_slot < 0) return ValueType::int64();  // reported by field resolution
    if (expr.resolved.type.kind == ValueKind::Array && !indexing_) {
      context_.diagnostics.error("D_FIELD_UNSUPPORTED", expr.span,
                                 "field \"" + access.field + "\" is an array: use one element, as in args->" +
                                     access.field + "[0]");
    }
    return expr.resolved.type;
  }

  bool is_pointer_field(const std::string& name) const {
    for (const catalogue::Event* event : context_.clauses[clause_].events) {
      for (const auto& field : event->fields) {
        if (field.layout.name == name && field.layout.kind == catalogue::FieldKind::Pointer) return true;
      }
    }
    return false;
  }

  ValueType check_node(Expr& expr, ast::MacroArgument&, bool) {
    if (expr.resolved.builtin >= 0) record_use(builtin_info(Builtin::Target), expr.span);
    return ValueType::int64();
  }

  ValueType read_variable(Expr& expr, VariableScope scope, const std::string& name, bool keyed) {
    const int index = find_variable(scope, name);
    const std::string shown = display_name(scope, name);
    if (index < 0 || (!assigned_.contains(index) && !declared_.contains(index))) {
      context_.diagnostics.error("D_VAR_UNDEFINED", expr.span, shown + " is read but never assigned",
                                 "assign it in some clause first, e.g. " + shown + " = timestamp;");
      return ValueType::int64();
    }
    if (scope == VariableScope::Scratch && !assigning_ && !scratch_assigned_.contains(index)) {
      context_.diagnostics.error("D_VAR_UNDEFINED", expr.span, shown + " is read before it is assigned in this clause",
                                 "scratch variables ($name) live for one clause: assign before reading");
    }
    const Variable& variable = context_.variables[index];
    if (!keyed && !variable.key_types.empty() && !assigning_) {
      context_.diagnostics.error("D_OPERAND", expr.span, shown + " has keys: index it, as in " + shown + "[key]");
    }
    expr.resolved.variable = index;
    return variable.type;
  }

  ValueType check_node(Expr& expr, ast::Variable& variable, bool) {
    return read_variable(expr, static_cast<VariableScope>(variable.scope), variable.name, false);
  }

  ValueType check_node(Expr& expr, ast::AggregationRef& ref, bool) {
    if (const auto found = aggregation_names_.find(ref.name); found != aggregation_names_.end()) {
      expr.resolved.aggregation = found->second;
      if (!aggregation_argument_) {
        context_.diagnostics.error("D_AGG_CONTEXT", expr.span,
                                   aggregation_display(ref.name) + " is an aggregation; its value cannot be read",
                                   "printa(" + aggregation_display(ref.name) + ") prints it");
      }
      return ValueType::void_type();
    }
    if (aggregation_argument_) {
      context_.diagnostics.error("D_AGG_UNDEFINED", expr.span,
                                 aggregation_display(ref.name) + " is not an aggregation of this program",
                                 aggregation_hint(ref.name));
      return ValueType::void_type();
    }
    return read_variable(expr, VariableScope::Map, ref.name, indexing_);
  }

  std::string aggregation_hint(const std::string& name) const {
    std::vector<std::string> names;
    for (const auto& [known, index] : aggregation_names_) names.push_back(aggregation_display(known));
    if (auto close = catalogue::closest_match(aggregation_display(name), names)) return "did you mean " + *close + "?";
    return "aggregations are made by assignments such as @name[key] = count()";
  }

  // DTrace's self->x[key]: thread-local (and clause-local) arrays are not
  // supported; one error says so instead of three about what follows from it.
  bool local_array(const Expr& expr, const ast::Index& index) {
    const auto* variable = std::get_if<ast::Variable>(&index.base->node);
    if (variable == nullptr ||
        (variable->scope != ast::VariableScope::Thread && variable->scope != ast::VariableScope::Clause)) {
      return false;
    }
    const std::string prefix = variable->scope == ast::VariableScope::Thread ? "self->" : "this->";
    context_.diagnostics.error("D_OPERAND", expr.span,
                               prefix + variable->name + "[...]: " + prefix + " variables cannot be associative arrays",
                               "use a global associative array with the thread in its key: " + variable->name +
                                   "[tid, ...]");
    for (auto& key : index.keys) check(*key);
    return true;
  }

  ValueType check_node(Expr& expr, ast::Index& index, bool) {
    if (local_array(expr, index)) return ValueType::int64();
    // An element of an array field.
    if (std::holds_alternative<ast::FieldAccess>(index.base->node)) {
      indexing_ = true;
      const ValueType array = check(*index.base);
      indexing_ = false;
      if (index.keys.size() != 1) {
        context_.diagnostics.error("D_OPERAND", expr.span, "an array field takes one index");
      }
      for (auto& key : index.keys) {
        if (check(*key).kind != ValueKind::Integer) {
          context_.diagnostics.error("D_OPERAND", key->span, "an array index must be an integer");
        }
      }
      if (index.base->resolved.field_slot < 0) return ValueType::int64();
      if (array.kind != ValueKind::Array) {
        context_.diagnostics.error("D_OPERAND", expr.span, "only array fields and associative arrays can be indexed; this is a " +
                                                               to_string(array));
        return ValueType::int64();
      }
      return ValueType::integer(array.size, array.is_signed);
    }
    std::vector<ValueType> keys;
    for (auto& key : index.keys) {
      const ValueType type = check(*key);
      if (type.kind != ValueKind::Integer && type.kind != ValueKind::String) {
        context_.diagnostics.error("D_OPERAND", key->span, "an associative array key must be an integer or a string, not a " +
                                                               to_string(type));
      }
      keys.push_back(key_type(type));
    }
    ValueType type = ValueType::int64();
    int variable = -1;
    if (const auto* identifier = std::get_if<ast::Identifier>(&index.base->node)) {
      if (find_builtin(identifier->name) != nullptr) {
        context_.diagnostics.error("D_OPERAND", expr.span, identifier->name + " is a built-in variable and cannot be indexed");
        return type;
      }
      indexing_ = true;
      type = read_variable(*index.base, VariableScope::Global, identifier->name, true);
      indexing_ = false;
      variable = index.base->resolved.variable;
      index.base->resolved.type = type;
    } else if (const auto* ref = std::get_if<ast::AggregationRef>(&index.base->node)) {
      if (aggregation_names_.contains(ref->name)) {
        context_.diagnostics.error("D_AGG_CONTEXT", expr.span,
                                   aggregation_display(ref->name) + " is an aggregation; its values cannot be read",
                                   "printa(" + aggregation_display(ref->name) + ") prints it");
        return type;
      }
      type = read_variable(*index.base, VariableScope::Map, ref->name, true);
      variable = index.base->resolved.variable;
      index.base->resolved.type = type;
    } else {
      context_.diagnostics.error("D_OPERAND", expr.span,
                                 "only associative arrays, @maps and array fields can be indexed");
      check(*index.base);
      return type;
    }
    expr.resolved.variable = variable;
    if (variable >= 0) unify_keys(expr, variable, keys);
    return type;
  }

  void unify_keys(const Expr& expr, int index, const std::vector<ValueType>& keys) {
    Variable& variable = context_.variables[index];
    if (!keys_known_.contains(index)) {
      variable.key_types = keys;
      keys_known_.insert(index);
      return;
    }
    if (variable.key_types.size() != keys.size()) {
      context_.diagnostics.error("D_VAR_TYPE", expr.span,
                                 variable.name + " has " + std::to_string(variable.key_types.size()) +
                                     " key(s) elsewhere and " + std::to_string(keys.size()) + " here");
      return;
    }
    for (std::size_t k = 0; k < keys.size(); ++k) {
      if (!same_kind(keys[k], variable.key_types[k])) {
        context_.diagnostics.error("D_VAR_TYPE", expr.span,
                                   "key " + std::to_string(k + 1) + " of " + variable.name + " is a " +
                                       to_string(variable.key_types[k]) + " elsewhere and " + a_type(keys[k]) + " here");
      }
    }
  }

  ValueType check_node(Expr& expr, ast::Call& call, bool as_statement);

  ValueType check_node(Expr& expr, ast::Unary& unary, bool) {
    const ValueType operand = check(*unary.operand);
    if (operand.kind != ValueKind::Integer) {
      context_.diagnostics.error("D_OPERAND", expr.span, "operator " + std::string(ast::spelling(unary.op)) +
                                                             " needs an integer operand, not " + a_type(operand));
    }
    if (unary.op == ast::UnaryOp::LogicalNot) return ValueType::int64();
    return operand.kind == ValueKind::Integer ? storage_type(operand) : ValueType::int64();
  }

  ValueType check_node(Expr& expr, ast::Binary& binary, bool) {
    using ast::BinaryOp;
    const ValueType left = check(*binary.left);
    const ValueType right = check(*binary.right);
    const std::string op(ast::spelling(binary.op));
    switch (binary.op) {
      case BinaryOp::Equal: case BinaryOp::NotEqual: case BinaryOp::Less: case BinaryOp::LessEqual:
      case BinaryOp::Greater: case BinaryOp::GreaterEqual:
        if (left.kind != right.kind || (left.kind != ValueKind::Integer && left.kind != ValueKind::String)) {
          context_.diagnostics.error("D_OPERAND", expr.span,
                                     "operator " + op + " compares " + a_type(left) + " with " + a_type(right),
                                     left.is_string() || right.is_string()
                                         ? "strings compare with strings: str(n) makes a string of an integer"
                                         : "");
        }
        return ValueType::int64();
      case BinaryOp::Glob:
        if (!left.is_string() || !right.is_string()) {
          context_.diagnostics.error("D_OPERAND", expr.span,
                                     "operator ~ matches a string against a glob pattern; here it has " + a_type(left) +
                                         " and " + a_type(right),
                                     "write execname ~ \"kworker*\"");
        }
        return ValueType::int64();
      default:
        break;
    }
    if (left.kind != ValueKind::Integer || right.kind != ValueKind::Integer) {
      context_.diagnostics.error("D_OPERAND", expr.span,
                                 "operator " + op + " needs integer operands, not " + a_type(left) + " and " +
                                     a_type(right),
                                 left.is_string() && right.is_string() && binary.op == BinaryOp::Add
                                     ? "strjoin(a, b) joins strings"
                                     : "");
      return ValueType::int64();
    }
    return *arithmetic_result(binary.op, left, right);
  }

  ValueType check_node(Expr& expr, ast::Conditional& conditional, bool) {
    const ValueType condition = check(*conditional.condition);
    if (condition.kind != ValueKind::Integer) {
      context_.diagnostics.error("D_OPERAND", conditional.condition->span,
                                 "the condition of ?: must be an integer, not " + a_type(condition));
    }
    const ValueType if_true = check(*conditional.if_true);
    const ValueType if_false = check(*conditional.if_false);
    if (!same_kind(if_true, if_false) || if_true.kind == ValueKind::Void) {
      context_.diagnostics.error("D_OPERAND", expr.span,
                                 "the two results of ?: must have the same type: " + a_type(if_true) + " and " +
                                     a_type(if_false),
                                 "make both strings or both integers: lltostr(n) makes a string of an integer");
      return if_true;
    }
    if (if_true.kind == ValueKind::Integer) return *arithmetic_result(ast::BinaryOp::Add, if_true, if_false);
    return if_true;
  }

  ValueType check_node(Expr& expr, ast::Cast& cast, bool) {
    const ValueType operand = check(*cast.operand);
    if (operand.kind != ValueKind::Integer) {
      context_.diagnostics.error("D_OPERAND", expr.span,
                                 "only integers can be cast to " + cast.type_name + ", not " + a_type(operand),
                                 operand.is_string() ? "strlen(s) is the length of a string" : "");
    }
    return cast.target;
  }

  ValueType check_assignment_target(Expr& target, const ValueType& value, ast::AssignOp op) {
    if (std::holds_alternative<ast::FieldAccess>(target.node) ||
        (std::holds_alternative<ast::Index>(target.node) &&
         std::holds_alternative<ast::FieldAccess>(std::get<ast::Index>(target.node).base->node))) {
      context_.diagnostics.error("D_LVALUE", target.span, "tracepoint fields are read-only",
                                 "copy the value into a variable: this->x = args->FIELD;");
      return value;
    }
    if (const auto* identifier = std::get_if<ast::Identifier>(&target.node)) {
      if (find_builtin(identifier->name) != nullptr) {
        context_.diagnostics.error("D_LVALUE", target.span, identifier->name + " is a built-in variable and cannot be assigned",
                                   "store its value in a variable of your own: x = " + identifier->name + ";");
        return value;
      }
    }
    if (auto* index = std::get_if<ast::Index>(&target.node); index != nullptr && local_array(target, *index)) {
      return value;
    }
    if (!lvalue_name(target)) {
      context_.diagnostics.error("D_LVALUE", target.span, "this cannot be assigned",
                                 "assign a variable (x, self->x, this->x, $x), an associative array element or an @map");
      check(target);
      return value;
    }
    if (op != ast::AssignOp::Assign && value.kind != ValueKind::Integer) {
      context_.diagnostics.error("D_OPERAND", target.span, "compound assignment needs integers");
    }
    assigning_ = true;
    const ValueType type = check(target);
    assigning_ = false;
    if (const auto* variable = std::get_if<ast::Variable>(&target.node);
        variable != nullptr && variable->scope == ast::VariableScope::Scratch && target.resolved.variable >= 0) {
      scratch_assigned_.insert(target.resolved.variable);
    }
    if (value.kind == ValueKind::Stack || value.kind == ValueKind::Void || value.kind == ValueKind::Array) {
      context_.diagnostics.error("D_VAR_TYPE", target.span,
                                 value.kind == ValueKind::Stack
                                     ? std::string("stack() cannot be stored in a variable: use it as an aggregation key or print it")
                                     : "this expression has no value to assign");
    } else if (!same_kind(type, value)) {
      std::string name = "this variable";
      const int index = target.resolved.variable;
      if (index >= 0) name = context_.variables[index].name;
      context_.diagnostics.error("D_VAR_TYPE", target.span,
                                 name + " holds " + a_type(type) + " elsewhere and is given " + a_type(value) + " here",
                                 "a variable keeps one type; use another variable");
    }
    return type;
  }

  ValueType check_node(Expr&, ast::Assign& assign, bool) {
    if (is_aggregating_call(*assign.value)) {
      context_.diagnostics.error("D_AGG_CONTEXT", assign.value->span,
                                 "an aggregating function is assigned to @name or @name[keys], nothing else",
                                 "write @name = " + as_call(*assign.value)->name + (as_call(*assign.value)->arguments.empty() ? "()" : "(...)") + ";");
      return ValueType::void_type();
    }
    const ValueType value = check(*assign.value);
    return check_assignment_target(*assign.target, value, assign.op);
  }

  ValueType check_node(Expr& expr, ast::IncDec& step, bool) {
    const ValueType type = check_assignment_target(*step.target, ValueType::int64(), ast::AssignOp::Add);
    if (type.kind != ValueKind::Integer) {
      context_.diagnostics.error("D_OPERAND", expr.span, std::string(step.increment ? "++" : "--") + " needs an integer variable");
    }
    return ValueType::int64();
  }

  void check_format(const Expr& format_expr, const std::string& format, const ast::ExprList& arguments, std::size_t first,
                    const std::vector<ValueType>* printa_keys, std::size_t aggregation_count);

  Context& context_;
  std::size_t clause_ = 0;
  std::map<std::tuple<VariableScope, std::size_t, std::string>, int> variables_;
  std::set<int> known_;     // variables whose type is known
  std::set<int> assigned_;  // variables assigned somewhere
  std::set<int> declared_;
  bool stack_key_ = false;  // the call being checked is a stack() whose value is wanted: a key, or printf's %k
  std::set<int> keys_known_;
  std::set<int> scratch_assigned_;
  std::map<std::string, int> aggregation_names_;
  std::vector<Span> aggregation_first_span_;
  std::vector<bool> aggregation_keys_known_;
  bool in_predicate_ = false;
  bool indexing_ = false;
  bool assigning_ = false;
  bool aggregation_argument_ = false;
  bool speculated_ = false;
  bool recorded_data_ = false;
  bool aggregated_ = false;

  void record_use(const BuiltinInfo& info, Span span) {
    context_.clauses[clause_].uses.push_back(
        {"built-in " + std::string(info.name), info.attributes, std::string(info.rationale), span});
  }
  void record_use(const FunctionInfo& info, Span span) {
    context_.clauses[clause_].uses.push_back(
        {"function " + std::string(info.name) + "()", info.attributes, std::string(info.rationale), span});
  }
};

void TypeChecker::check_format(const Expr& format_expr, const std::string& format, const ast::ExprList& arguments,
                               std::size_t first, const std::vector<ValueType>* printa_keys,
                               std::size_t aggregation_count) {
  const auto parsed = parse_format(format);
  if (const auto* error = std::get_if<FormatError>(&parsed)) {
    context_.diagnostics.error("D_PRINTF_FORMAT", format_expr.span, error->message,
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
        context_.diagnostics.error("D_PRINTF_FORMAT", format_expr.span, "printa formats cannot take '*' widths");
        return;
      }
      if (conversion->takes() == Conversion::Takes::AggregationValue) {
        ++values;
        continue;
      }
      if (key >= printa_keys->size()) {
        context_.diagnostics.error("D_PRINTF_FORMAT", format_expr.span,
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
        context_.diagnostics.error("D_PRINTF_FORMAT", format_expr.span,
                                   spelled + " does not print key " + std::to_string(key) + ", " + a_type(type),
                                   type.kind == ValueKind::Stack     ? "%k prints a stack"
                                   : type.kind == ValueKind::String ? "%s prints a string"
                                                                    : "%d, %u or %x print an integer");
      }
      continue;
    }
    if (conversion->takes() == Conversion::Takes::AggregationValue) {
      context_.diagnostics.error("D_PRINTF_FORMAT", format_expr.span, "%@ is only for printa formats");
      return;
    }
    for (int star : {conversion->width, conversion->precision}) {
      if (star != -2) continue;
      if (next >= arguments.size()) break;
      if (arguments[next]->resolved.type.kind != ValueKind::Integer) {
        context_.diagnostics.error("D_PRINTF_FORMAT", arguments[next]->span, "a '*' width or precision takes an integer");
      }
      ++next;
    }
    if (next >= arguments.size()) {
      context_.diagnostics.error("D_PRINTF_FORMAT", format_expr.span,
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
      context_.diagnostics.error("D_PRINTF_FORMAT", arguments[next]->span,
                                 spelled + " cannot print argument " + std::to_string(next - first + 1) + ", " + a_type(type),
                                 hint);
    }
    ++next;
  }
  if (printa_keys != nullptr) {
    if (values > aggregation_count) {
      context_.diagnostics.error("D_PRINTF_FORMAT", format_expr.span,
                                 "the format has more %@ than there are aggregations to print");
    }
    return;
  }
  if (next < arguments.size()) {
    context_.diagnostics.error("D_PRINTF_FORMAT", arguments[next]->span,
                               "argument " + std::to_string(next - first + 1) + " has no conversion in the format",
                               "add a conversion such as %d or %s for it");
  }
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
  record_use(*info, expr.span);
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
      if (format == nullptr) {
        context_.diagnostics.error("D_PRINTF_FORMAT", call.arguments[0]->span, "the format of printf() must be a string literal",
                                   "write the format in the call: printf(\"%d\\n\", x)");
        break;
      }
      check_format(*call.arguments[0], format->value, call.arguments, 1, nullptr, 0);
      break;
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
      const int aggregation = call.arguments[first_aggregation]->resolved.aggregation;
      if (aggregation < 0) break;
      const auto& keys = context_.aggregations[aggregation].key_types;
      for (std::size_t a = first_aggregation + 1; a < call.arguments.size(); ++a) {
        const int other = call.arguments[a]->resolved.aggregation;
        if (other >= 0 && context_.aggregations[other].key_types.size() != keys.size()) {
          context_.diagnostics.error("D_FUNC_ARGS", call.arguments[a]->span,
                                     "aggregations printed together must have the same keys");
        }
      }
      if (format != nullptr) {
        check_format(*call.arguments[0], format->value, call.arguments, 0, &keys, call.arguments.size() - first_aggregation);
      }
      break;
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
      if (!element || !lvalue_name(target)) {
        context_.diagnostics.error("D_FUNC_ARGS", target.span,
                                   "delete() takes an associative array element or an @map element",
                                   "write delete(@map[key]); a scalar variable is cleared by assigning 0");
        check(target);
        break;
      }
      if (call.arguments.size() == 2) {
        // bpftrace's delete(@m, key) is delete(@m[key]).
        auto key = std::move(call.arguments[1]);
        call.arguments.pop_back();
        Span span{target.span.begin, key->span.end};
        ast::ExprList keys;
        keys.push_back(std::move(key));
        auto base = std::move(call.arguments[0]);
        call.arguments[0] = ast::make_expr(ast::Index{std::move(base), std::move(keys)}, span);
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

}  // namespace

void check_types(Context& context) {
  TypeChecker(context).run();
}

}  // namespace probity::compiler::passes
