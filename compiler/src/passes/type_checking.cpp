// Every expression's type, held to the types inference found: operators,
// variables and their keys, aggregations, and the rules of D's statements
// (predicates, speculation). Calls are checked in call_checking.cpp.
// Fills resolved.type, .builtin, .variable and .aggregation of every
// expression it reaches, and the keys of variables and aggregations.
#include <algorithm>
#include <string>
#include <utility>

#include "probity/catalogue/diagnostic.hpp"
#include "builtins.hpp"
#include "passes/passes.hpp"
#include "passes/type_checker.hpp"
#include "passes/typing_rules.hpp"

namespace probity::compiler::passes {
namespace {

// Whether arg0..arg9 have a meaning in the clause: ERROR's describe the
// fault, BEGIN's and END's are 0 as in DTrace.
bool has_positional_arguments(const ast::Clause& clause) {
  return std::all_of(clause.probes.begin(), clause.probes.end(), [](const ast::ProbeDescription& probe) {
    return probe.kind == ast::ProbeKind::Error || probe.kind == ast::ProbeKind::Begin ||
           probe.kind == ast::ProbeKind::End;
  });
}

}  // namespace

TypeChecker::TypeChecker(Context& context)
    : context_(context), symbols_(context.symbols), aggregation_keys_known_(context.aggregations.size(), false) {}

void TypeChecker::run() {
  for (clause_ = 0; clause_ < context_.program.clauses.size(); ++clause_) check_clause(context_.program.clauses[clause_]);
}

void TypeChecker::check_clause(ast::Clause& clause) {
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

void TypeChecker::check_statements(ast::StatementList& statements) {
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

void TypeChecker::check_statement_expression(Expr& expr) {
  if (auto* assign = std::get_if<ast::Assign>(&expr.node)) {
    const AtTarget target = at_target(*assign->target);
    if (target.name != nullptr && symbols_.is_aggregation(*target.name)) {
      check_aggregation(expr, *assign, *target.name, target.keys);
      return;
    }
  }
  check(expr, /*as_statement=*/true);
}

// Checks an expression and returns its type (also stored in resolved.type).
ValueType TypeChecker::check(Expr& expr, bool as_statement) {
  const ValueType type = std::visit([&](auto& node) { return check_node(expr, node, as_statement); }, expr.node);
  expr.resolved.type = type;
  return type;
}

ValueType TypeChecker::check_node(Expr&, ast::IntegerLiteral& literal, bool) {
  return literal.is_unsigned ? ValueType::uint64() : ValueType::int64();
}

ValueType TypeChecker::check_node(Expr& expr, ast::Identifier& identifier, bool) {
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
    return builtin->type;
  }
  const int index = find_variable(VariableScope::Global, identifier.name);
  if (index >= 0 && is_assigned_or_declared(index)) {
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

ValueType TypeChecker::check_node(Expr& expr, ast::FieldAccess& access, bool) {
  if (expr.resolved.field_slot < 0) return ValueType::int64();  // reported by field resolution
  if (expr.resolved.type.kind == ValueKind::Array && !indexing_) {
    context_.diagnostics.error("D_FIELD_UNSUPPORTED", expr.span,
                               "field \"" + access.field + "\" is an array: use one element, as in args->" +
                                   access.field + "[0]");
  }
  return expr.resolved.type;
}

ValueType TypeChecker::check_node(Expr& expr, ast::MacroArgument& macro, bool) {
  // Desugaring left only $target and the macro arguments that were not given.
  if (macro.name == "target") expr.resolved.builtin = static_cast<std::int32_t>(Builtin::Target);
  return ValueType::int64();
}

ValueType TypeChecker::read_variable(Expr& expr, VariableScope scope, const std::string& name, bool keyed) {
  const int index = find_variable(scope, name);
  const std::string shown = display_name(scope, name);
  if (index < 0 || !is_assigned_or_declared(index)) {
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

ValueType TypeChecker::check_node(Expr& expr, ast::Variable& variable, bool) {
  return read_variable(expr, static_cast<VariableScope>(variable.scope), variable.name, false);
}

ValueType TypeChecker::check_node(Expr& expr, ast::AggregationRef& ref, bool) {
  if (const auto found = symbols_.aggregations.find(ref.name); found != symbols_.aggregations.end()) {
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

std::string TypeChecker::aggregation_hint(const std::string& name) const {
  std::vector<std::string> names;
  for (const auto& [known, index] : symbols_.aggregations) names.push_back(aggregation_display(known));
  if (auto close = catalogue::closest_match(aggregation_display(name), names)) return "did you mean " + *close + "?";
  return "aggregations are made by assignments such as @name[key] = count()";
}

// DTrace's self->x[key]: thread-local (and clause-local) arrays are not
// supported; one error says so instead of three about what follows from it.
bool TypeChecker::local_array(const Expr& expr, const ast::Index& index) {
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

ValueType TypeChecker::check_node(Expr& expr, ast::Index& index, bool) {
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
    keys.push_back(storage_type(type));
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
    if (symbols_.is_aggregation(ref->name)) {
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

void TypeChecker::unify_keys(const Expr& expr, int index, const std::vector<ValueType>& keys) {
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

ValueType TypeChecker::check_node(Expr& expr, ast::Unary& unary, bool) {
  const ValueType operand = check(*unary.operand);
  if (operand.kind != ValueKind::Integer) {
    context_.diagnostics.error("D_OPERAND", expr.span, "operator " + std::string(ast::spelling(unary.op)) +
                                                           " needs an integer operand, not " + a_type(operand));
  }
  if (unary.op == ast::UnaryOp::LogicalNot) return ValueType::int64();
  return operand.kind == ValueKind::Integer ? storage_type(operand) : ValueType::int64();
}

ValueType TypeChecker::check_node(Expr& expr, ast::Binary& binary, bool) {
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

ValueType TypeChecker::check_node(Expr& expr, ast::Conditional& conditional, bool) {
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

ValueType TypeChecker::check_node(Expr& expr, ast::Cast& cast, bool) {
  const ValueType operand = check(*cast.operand);
  if (operand.kind != ValueKind::Integer) {
    context_.diagnostics.error("D_OPERAND", expr.span,
                               "only integers can be cast to " + cast.type_name + ", not " + a_type(operand),
                               operand.is_string() ? "strlen(s) is the length of a string" : "");
  }
  return cast.target;
}

ValueType TypeChecker::check_assignment_target(Expr& target, const ValueType& value, ast::AssignOp op) {
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
  if (!lvalue_name(target, [&](const std::string& name) { return symbols_.is_aggregation(name); })) {
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

ValueType TypeChecker::check_node(Expr&, ast::Assign& assign, bool) {
  if (is_aggregating_call(*assign.value)) {
    context_.diagnostics.error("D_AGG_CONTEXT", assign.value->span,
                               "an aggregating function is assigned to @name or @name[keys], nothing else",
                               "write @name = " + as_call(*assign.value)->name + (as_call(*assign.value)->arguments.empty() ? "()" : "(...)") + ";");
    return ValueType::void_type();
  }
  const ValueType value = check(*assign.value);
  return check_assignment_target(*assign.target, value, assign.op);
}

ValueType TypeChecker::check_node(Expr& expr, ast::IncDec& step, bool) {
  const ValueType type = check_assignment_target(*step.target, ValueType::int64(), ast::AssignOp::Add);
  if (type.kind != ValueKind::Integer) {
    context_.diagnostics.error("D_OPERAND", expr.span, std::string(step.increment ? "++" : "--") + " needs an integer variable");
  }
  return ValueType::int64();
}

void check_types(Context& context) { TypeChecker(context).run(); }

}  // namespace probity::compiler::passes
