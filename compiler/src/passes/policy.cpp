// The program's uses against the policy: stability at least the threshold
// (default Evolving names and data; -x amin moves it), hot and sensitive
// probes named directly only with -x allow. Forbidden probes never get this
// far: probe expansion refuses them whatever the policy.
#include <map>
#include <set>
#include <string>

#include "probity/catalogue/site_policy.hpp"
#include "passes/passes.hpp"

namespace probity::compiler::passes {
namespace {

using stability::Attributes;
using stability::Component;
using stability::Threshold;

std::string components_text(const std::vector<Component>& components) {
  std::string text;
  for (std::size_t i = 0; i < components.size(); ++i) {
    if (i > 0) text += i + 1 == components.size() ? " and " : ", ";
    switch (components[i]) {
      case Component::Name: text += "name"; break;
      case Component::Data: text += "data"; break;
      case Component::Class: text += "dependency class"; break;
    }
  }
  return text;
}

void check_stability(Context& context) {
  const catalogue::Admission admission = context.admission();
  const Threshold& threshold = admission.bar().threshold;
  std::set<std::string> reported;
  for (const ClauseInfo& info : context.clauses) {
    // Failing uses grouped by where they are used: one glob matching many
    // unstable probes is one error, not hundreds.
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::vector<const StabilityUse*>> by_place;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> order;
    for (const StabilityUse& use : info.uses) {
      if (admission.bar().accepts(use.attributes) || reported.contains(use.element)) continue;
      reported.insert(use.element);
      const auto place = std::make_pair(use.span.begin.line, use.span.begin.column);
      if (!by_place.contains(place)) order.push_back(place);
      by_place[place].push_back(&use);
    }
    for (const auto& place : order) {
      const auto& uses = by_place[place];
      Attributes lowest = Attributes::maximum();
      for (const StabilityUse* use : uses) lowest = stability::minimum(lowest, use->attributes);
      const std::string amin = accepting_amin(lowest, threshold);
      const StabilityUse& first = *uses.front();
      std::string message;
      if (uses.size() == 1) {
        message = first.element + " is " + to_string(first.attributes) + ": its " +
                  components_text(stability::violations(first.attributes, threshold)) +
                  " stability is below the threshold " + threshold_text(threshold);
      } else {
        message = std::to_string(uses.size()) + " " + (first.probe_description ? "probes" : "elements") +
                  " used here are below the threshold " + threshold_text(threshold) + ": ";
        for (std::size_t i = 0; i < uses.size() && i < 4; ++i) {
          message += (i == 0 ? "" : ", ") + uses[i]->element.substr(uses[i]->element.find(' ') + 1) + " (" +
                     to_string(uses[i]->attributes) + ")";
        }
        if (uses.size() > 4) message += ", and " + std::to_string(uses.size() - 4) + " more";
      }
      auto& diagnostic = context.diagnostics.error(
          "D_STABILITY", first.span, message,
          "to accept it, lower the threshold: -x amin=" + amin + " (or #pragma D option amin=" + amin + ")");
      if (!first.rationale.empty()) {
        const bool catalogued = first.element.starts_with("probe ") || first.element.starts_with("field ");
        diagnostic.notes.push_back((catalogued ? "the catalogue says of " : "Probity's language reference says of ") +
                                   first.element + ": " + first.rationale);
      }
      if (context.policy.threshold_origin != "the default") {
        diagnostic.notes.push_back("the threshold comes from " + context.policy.threshold_origin);
      }
    }
  }
}

void check_hazards(Context& context) {
  const catalogue::Admission admission = context.admission();
  for (const ClauseInfo& info : context.clauses) {
    for (std::size_t e = 0; e < info.events.size(); ++e) {
      const catalogue::Event& event = *info.events[e];
      if (!admission.event(event).hazard_not_allowed) continue;
      const std::string kind(catalogue::to_string(event.hazard.level));
      auto& diagnostic = context.diagnostics.error(
          event.hazard.level == catalogue::Hazard::Hot ? "D_HAZARD_HOT" : "D_HAZARD_SENSITIVE", info.event_spans[e],
          "probe " + event.provider + ":" + event.name + " is " + kind + ": " + event.hazard.reason,
          "to enable it anyway: -x allow=" + kind + " (or #pragma D option allow=" + kind + ")");
      if (!event.hazard.reference.empty()) diagnostic.notes.push_back("see " + event.hazard.reference);
    }
  }
}

// The site policy's field rules and minimum stability; its probe rules were
// applied by probe expansion, which makes forbidden probes unreachable.
void check_site_policy(Context& context) {
  const catalogue::Admission admission = context.admission();
  if (admission.site() == nullptr) return;
  std::set<std::string> reported;
  for (std::size_t index = 0; index < context.clauses.size(); ++index) {
    const ClauseInfo& info = context.clauses[index];
    for (const StabilityUse& use : info.uses) {
      if (use.probe_description || use.element.starts_with("field ")) continue;
      auto rule = admission.language(use.attributes).site_rule;
      if (rule && reported.insert(use.element).second) {
        context.diagnostics.error("D_SITE_POLICY", use.span,
                                  use.element + " is " + to_string(use.attributes) + ", below the minimum of " +
                                      rule->describe(),
                                  "no option lowers the site's minimum stability");
      }
    }
    for (const std::string& slot : info.field_slots) {
      for (std::size_t e = 0; e < info.events.size(); ++e) {
        const catalogue::Event& event = *info.events[e];
        const catalogue::FieldVerdict verdict = admission.field(event, slot);
        if (!verdict.site_rule) continue;
        const std::string element = event.provider + ":" + event.name + "." + verdict.field->layout.name;
        if (!reported.insert(element).second) continue;
        // Point at the first use of the field in the clause.
        Span span = info.event_spans[e];
        for (const StabilityUse& use : info.uses) {
          if (use.element == "field " + element) {
            span = use.span;
            break;
          }
        }
        context.diagnostics.error("D_SITE_POLICY", span,
                                  "field " + element + " is forbidden by " + verdict.site_rule->describe(),
                                  "no option enables a field the site policy forbids; ask the site's administrators");
      }
    }
  }
}

}  // namespace

void enforce_policy(Context& context) {
  check_stability(context);
  check_hazards(context);
  check_site_policy(context);
}

}  // namespace probity::compiler::passes
