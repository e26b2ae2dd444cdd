// Other spellings into plain D, before anything is typed: macro arguments
// into literals, D's named constants into integers, and bpftrace's and
// DTrace's aliases (kstack, delete(@m, key)) into the forms the rest of the
// compiler knows.
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <set>
#include <string>

#include "ast_walk.hpp"
#include "builtins.hpp"
#include "passes/passes.hpp"
#include "passes/typing_rules.hpp"

namespace probity::compiler::passes {
namespace {

using ast::Expr;

// $1.. become literals (as in DTrace, a macro argument that looks like a
// number is an integer, anything else a string). $target stays: type
// checking resolves it as a built-in.
void expand_macro_argument(Context& context, Expr& expr, const ast::MacroArgument& macro) {
  if (macro.name == "target") return;
  // $$1 is $1 forced to be a string, as in DTrace.
  const bool force_string = macro.name.starts_with("$");
  const std::string digits = force_string ? macro.name.substr(1) : macro.name;
  const unsigned long index = std::strtoul(digits.c_str(), nullptr, 10);
  const auto& arguments = context.compile_options.macro_arguments;
  if (index == 0 || index > arguments.size()) {
    context.diagnostics.error("D_MACRO_UNDEFINED", expr.span, "macro argument $" + digits + " was not given",
                              "give it after the script: probity -s FILE ARG1 ARG2 ... (" +
                                  std::to_string(arguments.size()) + " given)");
    return;
  }
  context.macro_argument_count = std::max<std::size_t>(context.macro_argument_count, index);
  const std::string& value = arguments[index - 1];
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
}

// Macro arguments, named constants, and kstack (bpftrace's stack()).
void expand_names(Context& context) {
  for (auto& clause : context.program.clauses) {
    ast::walk_clause(clause, [&](Expr& expr) {
      if (const auto* macro = std::get_if<ast::MacroArgument>(&expr.node)) {
        expand_macro_argument(context, expr, *macro);
      } else if (const auto* identifier = std::get_if<ast::Identifier>(&expr.node)) {
        if (identifier->name == "kstack") {
          expr.node = ast::Call{"stack", {}};
        } else if (const auto constant = find_named_constant(identifier->name)) {
          expr.node = ast::IntegerLiteral{static_cast<std::uint64_t>(*constant), false, identifier->name};
        }
      }
    });
  }
}

// bpftrace's delete(@m, key) is delete(@m[key]); so is delete(a, key) of a
// global array. Anything else given two arguments is left for type checking
// to refuse.
void rewrite_two_argument_delete(Context& context) {
  const std::set<std::string> aggregations = aggregation_names(context.program);
  const auto is_aggregation = [&](const std::string& name) { return aggregations.contains(name); };
  for (auto& clause : context.program.clauses) {
    ast::walk_clause(clause, [&](Expr& expr) {
      auto* call = std::get_if<ast::Call>(&expr.node);
      if (call == nullptr || call->arguments.size() != 2) return;
      const FunctionInfo* info = find_function(call->name);
      if (info == nullptr || info->kind != FunctionKind::Action ||
          info->id != static_cast<std::uint8_t>(Function::Delete)) {
        return;
      }
      const Expr& target = *call->arguments[0];
      const bool element = std::holds_alternative<ast::Index>(target.node) ||
                           std::holds_alternative<ast::AggregationRef>(target.node);
      if (!element || !lvalue_name(target, is_aggregation)) return;
      auto key = std::move(call->arguments[1]);
      call->arguments.pop_back();
      const Span span{target.span.begin, key->span.end};
      ast::ExprList keys;
      keys.push_back(std::move(key));
      auto base = std::move(call->arguments[0]);
      call->arguments[0] = ast::make_expr(ast::Index{std::move(base), std::move(keys)}, span);
    });
  }
}

}  // namespace

void desugar(Context& context) {
  expand_names(context);
  rewrite_two_argument_delete(context);
}

}  // namespace probity::compiler::passes
