// Expressions typed as the compiler's earlier passes leave them, for tests
// that drive one pass (filter pushdown) without parsing: literals, operators
// and built-ins with their resolved types.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "passes/context.hpp"
#include "probity/compiler/ast.hpp"
#include "probity/compiler/program.hpp"
#include "probity/compiler/types.hpp"

namespace probity::test_support::typed_ast {

using compiler::Builtin;
using compiler::ValueType;
namespace ast = compiler::ast;

inline constexpr compiler::Span span{};

inline ast::ExprPtr integer(std::uint64_t value, bool is_unsigned = false) {
  ast::ExprPtr expr = ast::make_expr(ast::IntegerLiteral{value, is_unsigned, std::to_string(value)}, span);
  expr->resolved.type = is_unsigned ? ValueType::uint64() : ValueType::int64();
  return expr;
}

// -value, as the parser writes a negative constant.
inline ast::ExprPtr negative(std::uint64_t value) {
  ast::ExprPtr expr = ast::make_expr(ast::Unary{ast::UnaryOp::Negate, integer(value)}, span);
  expr->resolved.type = ValueType::int64();
  return expr;
}

inline ast::ExprPtr string(std::string value) {
  ast::ExprPtr expr = ast::make_expr(ast::StringLiteral{std::move(value)}, span);
  expr->resolved.type = ValueType::string();
  return expr;
}

// Arithmetic is int64; comparisons and logical operators give D's int.
inline ast::ExprPtr binary(ast::BinaryOp op, ast::ExprPtr left, ast::ExprPtr right) {
  const bool arithmetic = op == ast::BinaryOp::Add || op == ast::BinaryOp::BitAnd;
  ast::ExprPtr expr = ast::make_expr(ast::Binary{op, std::move(left), std::move(right)}, span);
  expr->resolved.type = arithmetic ? ValueType::int64() : ValueType::integer(4, true);
  return expr;
}

inline ast::ExprPtr logical_not(ast::ExprPtr operand) {
  ast::ExprPtr expr = ast::make_expr(ast::Unary{ast::UnaryOp::LogicalNot, std::move(operand)}, span);
  expr->resolved.type = ValueType::integer(4, true);
  return expr;
}

inline ast::ExprPtr builtin(Builtin which, std::string name, ValueType type) {
  ast::ExprPtr expr = ast::make_expr(ast::Identifier{std::move(name)}, span);
  expr->resolved.builtin = static_cast<std::int32_t>(which);
  expr->resolved.type = type;
  return expr;
}

inline ast::ExprPtr tid() { return builtin(Builtin::Tid, "tid", ValueType::int64()); }
inline ast::ExprPtr pid() { return builtin(Builtin::Pid, "pid", ValueType::int64()); }
inline ast::ExprPtr cpu() { return builtin(Builtin::Cpu, "cpu", ValueType::integer(4, false)); }
inline ast::ExprPtr execname() { return builtin(Builtin::Execname, "execname", ValueType::string()); }

}  // namespace probity::test_support::typed_ast
