// The program's variables and aggregations and their types, before any
// expression is checked.
//
// Variables are typed by what is assigned to them anywhere in the program
// (D's rule: a clause may read a variable another clause assigns), so every
// assignment is inferred, to a fixed point, without diagnostics; type
// checking then holds every expression to these types.
#include <optional>
#include <set>
#include <string>

#include "ast_walk.hpp"
#include "builtins.hpp"
#include "passes/passes.hpp"
#include "passes/typing_rules.hpp"

namespace probity::compiler::passes {
namespace {

using ast::Expr;

std::optional<ValueType> function_result(Function function) {
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

class TypeInference {
 public:
  explicit TypeInference(Context& context) : context_(context), symbols_(context.symbols) {}

  void run() {
    declare();
    discover_aggregations();
    infer_variables();
  }

 private:
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
      symbols_.declared.insert(index);
    }
  }

  // An @name is an aggregation when some assignment gives it an aggregating
  // function; a bpftrace map when it is given plain values.
  void discover_aggregations() {
    for (auto& clause : context_.program.clauses) {
      ast::walk_clause(clause, [&](const Expr& expr) {
        const auto* assign = std::get_if<ast::Assign>(&expr.node);
        if (assign == nullptr) return;
        const AtTarget target = at_target(*assign->target);
        if (target.name == nullptr || !is_aggregating_call(*assign->value)) return;
        if (symbols_.aggregations.contains(*target.name)) return;
        const auto function = static_cast<AggregatingFunction>(find_function(as_call(*assign->value)->name)->id);
        symbols_.aggregations[*target.name] = static_cast<int>(context_.aggregations.size());
        context_.aggregations.push_back({aggregation_display(*target.name), function, {}, {}});
        symbols_.aggregation_first_spans.push_back(expr.span);
      });
    }
  }

  int find_variable(VariableScope scope, const std::string& name) const {
    return symbols_.find_variable(scope, clause_, name);
  }

  int add_variable(VariableScope scope, const std::string& name, ValueType type) {
    const int index = static_cast<int>(context_.variables.size());
    context_.variables.push_back({display_name(scope, name), scope, type, {}});
    symbols_.variables[{scope, scope == VariableScope::Scratch ? clause_ : 0, name}] = index;
    return index;
  }

  std::optional<ValueType> known_type(int index) const {
    if (index >= 0 && known_.contains(index)) return context_.variables[static_cast<std::size_t>(index)].type;
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
            return known_type(find_variable(VariableScope::Global, node.name));
          } else if constexpr (std::is_same_v<Node, ast::FieldAccess>) {
            if (expr.resolved.field_slot < 0) return std::nullopt;
            return expr.resolved.type;
          } else if constexpr (std::is_same_v<Node, ast::Variable>) {
            return known_type(find_variable(static_cast<VariableScope>(node.scope), node.name));
          } else if constexpr (std::is_same_v<Node, ast::MacroArgument>) {
            return ValueType::int64();
          } else if constexpr (std::is_same_v<Node, ast::AggregationRef>) {
            return known_type(find_variable(VariableScope::Map, node.name));
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

  // Every assignment, to a fixed point, so that a variable assigned from
  // another variable assigned later in the program still gets its type.
  void infer_variables() {
    // A declared variable has its declared type; assignments do not change it.
    for (int index : symbols_.declared) known_.insert(index);
    const auto is_aggregation = [&](const std::string& name) { return symbols_.is_aggregation(name); };
    for (std::size_t round = 0; round < 8; ++round) {
      bool changed = false;
      for (clause_ = 0; clause_ < context_.program.clauses.size(); ++clause_) {
        ast::walk_clause(context_.program.clauses[clause_], [&](const Expr& expr) {
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
          const auto name = lvalue_name(*target, is_aggregation);
          if (!name) return;
          // A value whose type is not known (yet, or ever: an unknown
          // function) still assigns the variable; its error is reported there.
          const bool typed = value && value->kind != ValueKind::Void;
          int index = find_variable(name->scope, name->name);
          if (index < 0) index = add_variable(name->scope, name->name, typed ? storage_type(*value) : ValueType::int64());
          if (typed && !known_.contains(index)) {
            context_.variables[static_cast<std::size_t>(index)].type = storage_type(*value);
            known_.insert(index);
            changed = true;
          }
          symbols_.assigned.insert(index);
        });
      }
      if (!changed) break;
    }
  }

  Context& context_;
  Symbols& symbols_;
  std::size_t clause_ = 0;
  std::set<int> known_;  // variables whose type is known
};

}  // namespace

void infer_types(Context& context) { TypeInference(context).run(); }

}  // namespace probity::compiler::passes
