// Checks DTrace makes at compile time on what is known before the program
// runs: a division or modulo by an expression that is constantly zero, and
// printa()/printf() calls whose arguments cannot print (an argument that is
// no aggregation, a format with nothing to print, aggregations whose keys
// differ, an empty format).
#include <optional>
#include <string>

#include "ast_walk.hpp"
#include "passes/passes.hpp"

namespace probity::compiler::passes {
namespace {

using ast::Expr;

// The value of an integer expression made only of literals, or nothing.
std::optional<std::int64_t> folded(const Expr& expr) {
  if (const auto* literal = std::get_if<ast::IntegerLiteral>(&expr.node)) {
    return static_cast<std::int64_t>(literal->value);
  }
  if (const auto* unary = std::get_if<ast::Unary>(&expr.node)) {
    const auto operand = folded(*unary->operand);
    if (!operand) return std::nullopt;
    const auto bits = static_cast<std::uint64_t>(*operand);
    switch (unary->op) {
      case ast::UnaryOp::Negate: return static_cast<std::int64_t>(0 - bits);
      case ast::UnaryOp::Plus: return *operand;
      case ast::UnaryOp::LogicalNot: return *operand == 0 ? 1 : 0;
      case ast::UnaryOp::BitNot: return static_cast<std::int64_t>(~bits);
    }
  }
  if (const auto* binary = std::get_if<ast::Binary>(&expr.node)) {
    const auto left = folded(*binary->left);
    const auto right = folded(*binary->right);
    if (!left || !right) return std::nullopt;
    // Wrapping arithmetic: only whether the result is zero matters here.
    const auto l = static_cast<std::uint64_t>(*left);
    const auto r = static_cast<std::uint64_t>(*right);
    switch (binary->op) {
      case ast::BinaryOp::Multiply: return static_cast<std::int64_t>(l * r);
      case ast::BinaryOp::Add: return static_cast<std::int64_t>(l + r);
      case ast::BinaryOp::Subtract: return static_cast<std::int64_t>(l - r);
      case ast::BinaryOp::BitAnd: return static_cast<std::int64_t>(l & r);
      case ast::BinaryOp::BitOr: return static_cast<std::int64_t>(l | r);
      case ast::BinaryOp::BitXor: return static_cast<std::int64_t>(l ^ r);
      default: return std::nullopt;
    }
  }
  return std::nullopt;
}

bool is_zero(const Expr& expr) {
  const auto value = folded(expr);
  return value && *value == 0;
}

class ConstantChecks {
 public:
  explicit ConstantChecks(Context& context) : context_(context) {}

  void check(const Expr& expr) {
    if (const auto* binary = std::get_if<ast::Binary>(&expr.node)) {
      if ((binary->op == ast::BinaryOp::Divide || binary->op == ast::BinaryOp::Modulo) && is_zero(*binary->right)) {
        division_by_zero(expr, binary->op == ast::BinaryOp::Divide ? "division" : "modulo");
      }
    } else if (const auto* assign = std::get_if<ast::Assign>(&expr.node)) {
      if ((assign->op == ast::AssignOp::Divide || assign->op == ast::AssignOp::Modulo) && is_zero(*assign->value)) {
        division_by_zero(expr, assign->op == ast::AssignOp::Divide ? "division" : "modulo");
      }
    } else if (const auto* call = std::get_if<ast::Call>(&expr.node)) {
      if (call->name == "printa") check_printa(*call, expr);
      if (call->name == "printf") check_printf(*call);
    }
  }

 private:
  void division_by_zero(const Expr& expr, const char* what) {
    context_.diagnostics.error("D_DIV_ZERO", expr.span, std::string("expression contains ") + what + " by zero",
                               "the right operand is always 0 here");
  }

  void check_printf(const ast::Call& call) {
    if (call.arguments.empty()) return;
    const auto* format = std::get_if<ast::StringLiteral>(&call.arguments.front()->node);
    if (format != nullptr && format->value.empty()) {
      context_.diagnostics.error("D_PRINTF_FMT_EMPTY", call.arguments.front()->span, "printf() format is empty",
                                 "give the text to print, or leave the call out");
    }
  }

  void check_printa(const ast::Call& call, const Expr& expr) {
    if (call.arguments.empty()) return;
    const bool has_format = std::holds_alternative<ast::StringLiteral>(call.arguments.front()->node);
    if (has_format && call.arguments.size() == 1) {
      context_.diagnostics.error("D_PRINTA_PROTO", expr.span, "printa() has a format but no aggregation to print",
                                 "printa(\"format\", @aggregation, ...)");
      return;
    }
    const ast::AggregationRef* first_printed = nullptr;
    const Expr* first_expr = nullptr;
    for (std::size_t a = has_format ? 1 : 0; a < call.arguments.size(); ++a) {
      const Expr& argument = *call.arguments[a];
      const auto* aggregation = std::get_if<ast::AggregationRef>(&argument.node);
      if (aggregation == nullptr) {
        context_.diagnostics.error("D_PRINTA_AGGARG", argument.span,
                                   "printa() argument " + std::to_string(a + 1) + " must be an aggregation",
                                   has_format || a > 0 ? "printa(\"format\", @a, @b, ...) prints aggregations"
                                                       : "printa(@a) prints an aggregation; printf() prints values");
        continue;
      }
      if (first_printed == nullptr) {
        first_printed = aggregation;
        first_expr = &argument;
        continue;
      }
      check_same_keys(*first_printed, *first_expr, *aggregation, argument);
    }
  }

  // printa(@a, @b) prints the entries of @a with the values of @b for the same keys.
  void check_same_keys(const ast::AggregationRef& first, const Expr& first_expr, const ast::AggregationRef& other,
                       const Expr& other_expr) {
    const auto keys_of = [&](const Expr& expr) -> const std::vector<ValueType>* {
      const std::int32_t index = expr.resolved.aggregation;
      if (index < 0 || static_cast<std::size_t>(index) >= context_.aggregations.size()) return nullptr;
      return &context_.aggregations[static_cast<std::size_t>(index)].key_types;
    };
    const auto* first_keys = keys_of(first_expr);
    const auto* other_keys = keys_of(other_expr);
    if (first_keys == nullptr || other_keys == nullptr) return;
    const auto kinds_differ = [](const std::vector<ValueType>& a, const std::vector<ValueType>& b) {
      if (a.size() != b.size()) return true;
      for (std::size_t k = 0; k < a.size(); ++k) {
        if (a[k].kind != b[k].kind) return true;
      }
      return false;
    };
    if (!kinds_differ(*first_keys, *other_keys)) return;
    const auto listed = [](const std::vector<ValueType>& keys) {
      std::string text = "[";
      for (std::size_t k = 0; k < keys.size(); ++k) text += (k == 0 ? "" : ", ") + to_string(keys[k]);
      return text + "]";
    };
    context_.diagnostics.error("D_PRINTA_AGGPROTO", other_expr.span,
                               "printa() aggregations @" + first.name + " and @" + other.name +
                                   " have different keys: " + listed(*first_keys) + " and " + listed(*other_keys),
                               "aggregations printed together must have keys of the same types");
  }

  Context& context_;
};

}  // namespace

void check_constant_operands(Context& context) {
  ConstantChecks checks(context);
  const auto visit = [&](const Expr& expr) { checks.check(expr); };
  for (const ast::Clause& clause : context.program.clauses) {
    if (clause.predicate) ast::walk(*clause.predicate, visit);
    ast::walk_statements(clause.body, visit);
  }
}

}  // namespace probity::compiler::passes
