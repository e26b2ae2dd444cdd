// The type checking pass's checker, shared by its two files:
// type_checking.cpp (statements, operators, variables, aggregations) and
// call_checking.cpp (calls of functions and actions).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "passes/context.hpp"

namespace probity::compiler::passes {

class TypeChecker {
 public:
  explicit TypeChecker(Context& context);

  void run();

 private:
  using Expr = ast::Expr;

  void check_clause(ast::Clause& clause);
  void check_statements(ast::StatementList& statements);
  void check_statement_expression(Expr& expr);
  void check_aggregation(Expr& expr, ast::Assign& assign, const std::string& name, const ast::ExprList* keys);
  void check_aggregation_arguments(Expr& expr, ast::Call& call, AggregatingFunction function, Aggregation& aggregation);
  void params_error(const Expr& expr, std::string message);
  std::string location(const Span& span) const { return "line " + std::to_string(span.begin.line); }

  // Checks an expression and returns its type (also stored in resolved.type).
  ValueType check(Expr& expr, bool as_statement = false);
  ValueType check_node(Expr&, ast::IntegerLiteral& literal, bool);
  ValueType check_node(Expr&, ast::StringLiteral&, bool) { return ValueType::string(); }
  ValueType check_node(Expr& expr, ast::Identifier& identifier, bool);
  ValueType check_node(Expr& expr, ast::FieldAccess& access, bool);
  ValueType check_node(Expr& expr, ast::MacroArgument& macro, bool);
  ValueType check_node(Expr& expr, ast::Variable& variable, bool);
  ValueType check_node(Expr& expr, ast::AggregationRef& ref, bool);
  ValueType check_node(Expr& expr, ast::Index& index, bool);
  ValueType check_node(Expr& expr, ast::Call& call, bool as_statement);
  ValueType check_node(Expr& expr, ast::Unary& unary, bool);
  ValueType check_node(Expr& expr, ast::Binary& binary, bool);
  ValueType check_node(Expr& expr, ast::Conditional& conditional, bool);
  ValueType check_node(Expr& expr, ast::Cast& cast, bool);
  ValueType check_node(Expr&, ast::Assign& assign, bool);
  ValueType check_node(Expr& expr, ast::IncDec& step, bool);

  bool is_pointer_field(const std::string& name) const;
  ValueType read_variable(Expr& expr, VariableScope scope, const std::string& name, bool keyed);
  std::string aggregation_hint(const std::string& name) const;
  bool local_array(const Expr& expr, const ast::Index& index);
  void unify_keys(const Expr& expr, int index, const std::vector<ValueType>& keys);
  ValueType check_assignment_target(Expr& target, const ValueType& value, ast::AssignOp op);

  int find_variable(VariableScope scope, const std::string& name) const {
    return symbols_.find_variable(scope, clause_, name);
  }
  bool is_assigned_or_declared(int index) const {
    return symbols_.assigned.contains(index) || symbols_.declared.contains(index);
  }

  Context& context_;
  const Symbols& symbols_;
  std::size_t clause_ = 0;
  bool stack_key_ = false;  // the call being checked is a stack() whose value is wanted: a key, or printf's %k
  std::set<int> keys_known_;
  std::set<int> scratch_assigned_;
  std::vector<bool> aggregation_keys_known_;
  bool in_predicate_ = false;
  bool indexing_ = false;
  bool assigning_ = false;
  bool aggregation_argument_ = false;
  bool speculated_ = false;
  bool recorded_data_ = false;
  bool aggregated_ = false;
};

}  // namespace probity::compiler::passes
