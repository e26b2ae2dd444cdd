// Every use of something with a stability attribute: the probes a clause
// enables, the fields it reads, and the built-ins and functions type
// checking resolved.
#include <algorithm>

#include "ast_walk.hpp"
#include "builtins.hpp"
#include "passes/passes.hpp"
#include "passes/typing_rules.hpp"

namespace probity::compiler::passes {
namespace {

// Calls record(expr) for every expression type checking resolved as a
// built-in or a function, in the order type checking reached them (which is
// the order of evaluation): an assignment's value before its target, a
// call before its arguments, an index's keys before what it indexes, and
// the aggregating function of `@a[keys] = f(args)` after its keys and
// arguments. The first use of each element is the one diagnostics point at.
template <typename Record>
void visit_resolved(const ast::Expr& expr, Record& record) {
  std::visit(
      [&](const auto& node) {
        using Node = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<Node, ast::Identifier> || std::is_same_v<Node, ast::MacroArgument>) {
          if (expr.resolved.builtin >= 0) record(expr);
        } else if constexpr (std::is_same_v<Node, ast::Call>) {
          if (expr.resolved.function >= 0) record(expr);
          for (const auto& argument : node.arguments) visit_resolved(*argument, record);
        } else if constexpr (std::is_same_v<Node, ast::Index>) {
          for (const auto& key : node.keys) visit_resolved(*key, record);
          visit_resolved(*node.base, record);
        } else if constexpr (std::is_same_v<Node, ast::Assign>) {
          const auto* call = as_call(*node.value);
          if (call != nullptr && is_aggregating_call(*node.value) && node.value->resolved.function >= 0) {
            if (const AtTarget target = at_target(*node.target); target.keys != nullptr) {
              for (const auto& key : *target.keys) visit_resolved(*key, record);
            }
            for (const auto& argument : call->arguments) visit_resolved(*argument, record);
            record(*node.value);
            return;
          }
          visit_resolved(*node.value, record);
          visit_resolved(*node.target, record);
        } else {
          ast::for_each_child(expr, [&](const ast::Expr& child) { visit_resolved(child, record); });
        }
      },
      expr.node);
}

template <typename Record>
void visit_resolved(const ast::StatementList& statements, Record& record) {
  for (const ast::Statement& statement : statements) {
    if (const auto* expression = std::get_if<ast::ExpressionStatement>(&statement.node)) {
      if (expression->expression) visit_resolved(*expression->expression, record);
    } else if (const auto* branch = std::get_if<ast::IfStatement>(&statement.node)) {
      visit_resolved(*branch->condition, record);
      visit_resolved(branch->then_body, record);
      visit_resolved(branch->else_body, record);
    }
  }
}

// The built-ins and functions of a clause, in the order type checking reached them.
std::vector<StabilityUse> language_uses(const ast::Clause& clause) {
  std::vector<StabilityUse> uses;
  auto record = [&](const ast::Expr& expr) {
    if (expr.resolved.builtin >= 0) {
      const BuiltinInfo& info = builtin_info(static_cast<Builtin>(expr.resolved.builtin));
      uses.push_back({"built-in " + std::string(info.name), info.attributes, std::string(info.rationale), expr.span});
    } else if (const FunctionInfo* info = find_function(std::get<ast::Call>(expr.node).name)) {
      // By its name: print(x) is resolved as trace() but used as printa().
      uses.push_back({"function " + std::string(info->name) + "()", info->attributes, std::string(info->rationale),
                      expr.span});
    }
  };
  if (clause.predicate) visit_resolved(*clause.predicate, record);
  visit_resolved(clause.body, record);
  return uses;
}

}  // namespace

using stability::Attributes;

std::string threshold_text(const stability::Threshold& threshold) {
  return std::string(to_string(threshold.name)) + "/" + std::string(to_string(threshold.data)) + "/" +
         std::string(to_string(threshold.dependency_class));
}

// The amin value that would accept `attributes`.
std::string accepting_amin(const Attributes& attributes, const stability::Threshold& threshold) {
  const stability::Level name = std::min(attributes.name, threshold.name);
  const stability::Level data = std::min(attributes.data, threshold.data);
  if (attributes.dependency_class < threshold.dependency_class || name != data) {
    return std::string(to_string(name)) + "/" + std::string(to_string(data)) + "/" +
           std::string(to_string(std::min(attributes.dependency_class, threshold.dependency_class)));
  }
  return std::string(to_string(name));
}

void collect_stability(Context& context) {
  for (std::size_t index = 0; index < context.clauses.size(); ++index) {
    ClauseInfo& info = context.clauses[index];
    std::vector<StabilityUse> uses;
    for (const ast::ProbeDescription* special : info.specials) {
      uses.push_back({"probe " + special->text, special_probe_attributes, "Probity's own probe, as in DTrace", special->span, true});
    }
    for (std::size_t e = 0; e < info.events.size(); ++e) {
      const catalogue::Event& event = *info.events[e];
      uses.push_back({"probe " + event.provider + ":" + event.name, catalogue::probe_attributes(context.catalogue, event),
                      event.rationale, info.event_spans[e], true});
    }
    // Fields, at their first use in the clause.
    std::vector<bool> seen(info.field_slots.size(), false);
    ast::walk_clause(context.program.clauses[index], [&](const ast::Expr& expr) {
      if (!std::holds_alternative<ast::FieldAccess>(expr.node) || expr.resolved.field_slot < 0) return;
      const auto slot = static_cast<std::size_t>(expr.resolved.field_slot);
      if (seen[slot]) return;
      seen[slot] = true;
      for (const catalogue::Event* event : info.events) {
        const catalogue::Field* field = catalogue::find_event_or_common_field(context.catalogue, *event, info.field_slots[slot]);
        if (field == nullptr) continue;
        uses.push_back({"field " + event->provider + ":" + event->name + "." + field->layout.name,
                        field->stability.value, field->rationale, expr.span, false});
      }
    });
    // Built-ins and functions come last.
    const std::vector<StabilityUse> language = language_uses(context.program.clauses[index]);
    uses.insert(uses.end(), language.begin(), language.end());
    info.uses = std::move(uses);
  }
}

}  // namespace probity::compiler::passes
