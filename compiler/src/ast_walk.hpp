// Generic traversal of the AST for passes that care about a few node kinds.
#pragma once

#include <type_traits>
#include <variant>

#include "probity/compiler/ast.hpp"

namespace probity::compiler::ast {

// Calls f(child) for each direct child expression of `expr`.
template <class Self, class F>
void for_each_child(Self& expr, F&& f) {
  std::visit(
      [&](auto& node) {
        using Node = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<Node, Index>) {
          if (node.base) f(*node.base);
          for (auto& key : node.keys) f(*key);
        } else if constexpr (std::is_same_v<Node, Call>) {
          for (auto& argument : node.arguments) f(*argument);
        } else if constexpr (std::is_same_v<Node, Unary>) {
          f(*node.operand);
        } else if constexpr (std::is_same_v<Node, Binary>) {
          f(*node.left);
          f(*node.right);
        } else if constexpr (std::is_same_v<Node, Conditional>) {
          f(*node.condition);
          f(*node.if_true);
          f(*node.if_false);
        } else if constexpr (std::is_same_v<Node, Cast>) {
          f(*node.operand);
        } else if constexpr (std::is_same_v<Node, Assign>) {
          f(*node.target);
          f(*node.value);
        } else if constexpr (std::is_same_v<Node, IncDec>) {
          f(*node.target);
        }
      },
      expr.node);
}

// Pre-order: f(expr) then its children.
template <class Self, class F>
void walk(Self& expr, F&& f) {
  f(expr);
  for_each_child(expr, [&](auto& child) { walk(child, f); });
}

template <class Statements, class F>
void walk_statements(Statements& statements, F&& f) {
  for (auto& statement : statements) {
    if (auto* expression = std::get_if<ExpressionStatement>(&statement.node)) {
      if (expression->expression) walk(*expression->expression, f);
    } else if (auto* branch = std::get_if<IfStatement>(&statement.node)) {
      if (branch->condition) walk(*branch->condition, f);
      walk_statements(branch->then_body, f);
      walk_statements(branch->else_body, f);
    }
  }
}

// Every expression of a clause: predicate first, then the body in order.
template <class ClauseT, class F>
void walk_clause(ClauseT& clause, F&& f) {
  if (clause.predicate) walk(*clause.predicate, f);
  walk_statements(clause.body, f);
}

}  // namespace probity::compiler::ast
