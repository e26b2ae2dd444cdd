#include "passes/typing_rules.hpp"

#include "ast_walk.hpp"
#include "builtins.hpp"

namespace probity::compiler::passes {

std::string a_type(const ValueType& type) {
  const std::string name = to_string(type);
  return (name.starts_with("i") || name.starts_with("a") ? "an " : "a ") + name;
}

std::string display_name(VariableScope scope, const std::string& name) {
  return ast::spelling(static_cast<ast::VariableScope>(scope), name);
}

ValueType storage_type(const ValueType& value) {
  if (value.kind == ValueKind::Integer) return ValueType::integer(8, value.is_signed || value.size < 8);
  return value;
}

std::optional<std::int64_t> constant_value(const ast::Expr& expr) {
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

bool is_aggregating_call(const ast::Expr& expr) {
  const auto* call = as_call(expr);
  if (call == nullptr) return false;
  const FunctionInfo* info = find_function(call->name);
  return info != nullptr && info->kind == FunctionKind::Aggregating;
}

bool is_stack_call(const ast::Expr& expr) {
  const auto* call = as_call(expr);
  const FunctionInfo* info = call != nullptr ? find_function(call->name) : nullptr;
  return info != nullptr && info->kind == FunctionKind::Action && info->id == static_cast<std::uint8_t>(Function::Stack);
}

AtTarget at_target(const ast::Expr& target) {
  if (const auto* ref = std::get_if<ast::AggregationRef>(&target.node)) return {&ref->name, nullptr};
  if (const auto* index = std::get_if<ast::Index>(&target.node)) {
    if (const auto* ref = std::get_if<ast::AggregationRef>(&index->base->node)) return {&ref->name, &index->keys};
  }
  return {};
}

std::set<std::string> aggregation_names(const ast::Program& program) {
  std::set<std::string> names;
  for (const ast::Clause& clause : program.clauses) {
    ast::walk_clause(clause, [&](const ast::Expr& expr) {
      const auto* assign = std::get_if<ast::Assign>(&expr.node);
      if (assign == nullptr) return;
      const AtTarget target = at_target(*assign->target);
      if (target.name != nullptr && is_aggregating_call(*assign->value)) names.insert(*target.name);
    });
  }
  return names;
}

std::optional<ValueType> arithmetic_result(ast::BinaryOp op, std::optional<ValueType> left,
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

bool names_builtin(const std::string& name) { return find_builtin(name) != nullptr; }

}  // namespace probity::compiler::passes
