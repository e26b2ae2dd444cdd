// Every use of something with a stability attribute: the probes a clause
// enables and the fields it reads (built-ins and functions were recorded by
// the typing pass, which is where they are recognised).
#include <algorithm>

#include "ast_walk.hpp"
#include "passes/passes.hpp"

namespace probity::compiler::passes {

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
    // Built-ins and functions from the typing pass come last.
    uses.insert(uses.end(), info.uses.begin(), info.uses.end());
    info.uses = std::move(uses);
  }
}

}  // namespace probity::compiler::passes
