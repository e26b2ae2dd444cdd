// What desugaring, type inference, type checking and format checking agree
// on: how values are stored, which assignments make aggregations, what an
// assignment target names, and how types are spelled in messages.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "passes/context.hpp"

namespace probity::compiler::passes {

// "an int32_t", "a uint64_t", "a string", "an array of char".
std::string a_type(const ValueType& type);

// The program's scopes are the parser's, in the same order.
std::string display_name(VariableScope scope, const std::string& name);
inline std::string aggregation_display(const std::string& name) { return "@" + name; }

inline bool same_kind(const ValueType& a, const ValueType& b) { return a.kind == b.kind; }

// The type a variable or key holding `value` has: integers are kept in 64 bits.
ValueType storage_type(const ValueType& value);

// An integer literal, possibly negated: the value of lquantize's bounds,
// stack()'s frame count.
std::optional<std::int64_t> constant_value(const ast::Expr& expr);

inline const ast::Call* as_call(const ast::Expr& expr) { return std::get_if<ast::Call>(&expr.node); }
bool is_aggregating_call(const ast::Expr& expr);
bool is_stack_call(const ast::Expr& expr);

// The @name an assignment target refers to, with its keys, if it is one.
struct AtTarget {
  const std::string* name = nullptr;
  const ast::ExprList* keys = nullptr;
};
AtTarget at_target(const ast::Expr& target);

// The @names some assignment of the program gives an aggregating function:
// the program's aggregations (any other @name is a bpftrace map).
std::set<std::string> aggregation_names(const ast::Program& program);

// The variable an assignment target names (not aggregations, not fields):
// scope, name and keys; nullopt when it names none.
struct LvalueName {
  VariableScope scope = VariableScope::Global;
  std::string name;
  const ast::ExprList* keys = nullptr;
};
template <typename IsAggregation>
std::optional<LvalueName> lvalue_name(const ast::Expr& target, IsAggregation&& is_aggregation);

// The type of arithmetic on `left` and `right` (nullopt when either is not
// known yet); comparisons and logic are int64_t whatever their operands.
std::optional<ValueType> arithmetic_result(ast::BinaryOp op, std::optional<ValueType> left,
                                           std::optional<ValueType> right);

bool names_builtin(const std::string& name);

template <typename IsAggregation>
std::optional<LvalueName> lvalue_name(const ast::Expr& target, IsAggregation&& is_aggregation) {
  if (const auto* identifier = std::get_if<ast::Identifier>(&target.node)) {
    if (names_builtin(identifier->name)) return std::nullopt;
    return LvalueName{VariableScope::Global, identifier->name, nullptr};
  }
  if (const auto* variable = std::get_if<ast::Variable>(&target.node)) {
    return LvalueName{static_cast<VariableScope>(variable->scope), variable->name, nullptr};
  }
  if (const auto* ref = std::get_if<ast::AggregationRef>(&target.node)) {
    if (is_aggregation(ref->name)) return std::nullopt;
    return LvalueName{VariableScope::Map, ref->name, nullptr};
  }
  if (const auto* index = std::get_if<ast::Index>(&target.node)) {
    if (const auto* identifier = std::get_if<ast::Identifier>(&index->base->node)) {
      if (names_builtin(identifier->name)) return std::nullopt;
      return LvalueName{VariableScope::Global, identifier->name, &index->keys};
    }
    if (const auto* ref = std::get_if<ast::AggregationRef>(&index->base->node)) {
      if (is_aggregation(ref->name)) return std::nullopt;
      return LvalueName{VariableScope::Map, ref->name, &index->keys};
    }
  }
  return std::nullopt;
}

}  // namespace probity::compiler::passes
