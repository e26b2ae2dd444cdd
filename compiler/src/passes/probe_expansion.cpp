// Probe descriptions against the catalogue of the target kernel.
//
// A description naming one probe exactly must match it; a glob may match
// many. Forbidden probes are unreachable: a glob skips them silently, a
// direct name is an error that no option changes. A glob also skips hot and
// sensitive probes the policy does not allow, with a warning naming them, so
// `syscalls:sys_enter_*` works by default without ever silently enabling a
// very high-rate probe; naming one directly is left to the policy pass. In
// the same way a glob leaves out probes below the stability threshold (with
// a warning and the -x amin value that would include them), so a glob never
// makes a program depend on an obsolete or undocumented probe by accident.
#include <algorithm>
#include <optional>
#include <array>
#include <set>
#include <tuple>
#include <string>

#include "probity/catalogue/diagnostic.hpp"
#include "probity/catalogue/probe_pattern.hpp"
#include "probity/catalogue/probe_spellings.hpp"
#include "probity/catalogue/sdt_notes.hpp"
#include "probity/catalogue/site_policy.hpp"
#include "passes/passes.hpp"

namespace probity::compiler::passes {
namespace {

using catalogue::Event;
using catalogue::Hazard;

bool is_glob(std::string_view text) { return text.find_first_of("*?[") != std::string_view::npos; }

std::string full_name(const Event& event) { return event.provider + ":" + event.name; }

// A hint for a DTrace or bpftrace spelling of a probe that a tracepoint
// covers (catalogue/probe_spellings), with the opt-in it needs here.
std::string spelling_hint(const catalogue::Catalogue& catalogue, std::string_view text) {
  const std::optional<catalogue::SpellingMatch> match = catalogue::tracepoint_for(text);
  if (!match) return {};
  std::string hint = "use " + match->tracepoint + (match->note.empty() ? "" : " (" + match->note + ")");
  const std::size_t colon = match->tracepoint.find(':');
  const Event* event = catalogue.find_event(match->tracepoint.substr(0, colon), match->tracepoint.substr(colon + 1));
  if (event != nullptr && (event->hazard.level == Hazard::Hot || event->hazard.level == Hazard::Sensitive)) {
    const std::string option = event->hazard.level == Hazard::Hot ? "allow=hot" : "allow=sensitive";
    hint += "; it is " + std::string(catalogue::to_string(event->hazard.level)) + ": #pragma D option " + option;
  }
  return hint;
}

std::vector<std::string> all_probe_names(const catalogue::Catalogue& catalogue) {
  std::vector<std::string> names;
  names.reserve(catalogue.event_count());
  for (const auto& provider : catalogue.providers) {
    for (const auto& event : provider.events) names.push_back(provider.name + ":" + event.name);
  }
  return names;
}

void report_no_match(Context& context, const ast::ProbeDescription& description,
                     const catalogue::ProbePattern& pattern) {
  const catalogue::Catalogue& catalogue = context.catalogue;
  std::string hint = spelling_hint(catalogue, description.text);
  if (hint.empty() && !is_glob(pattern.provider) && catalogue.find_provider(pattern.provider) == nullptr) {
    std::vector<std::string> providers;
    for (const auto& provider : catalogue.providers) providers.push_back(provider.name);
    if (auto close = catalogue::closest_match(pattern.provider, providers)) {
      hint = "there is no provider \"" + pattern.provider + "\"; did you mean \"" + *close + "\"?";
    } else {
      hint = "there is no provider \"" + pattern.provider + "\"; probity -l lists every probe";
    }
  } else if (hint.empty() && !is_glob(pattern.event)) {
    std::vector<std::string> candidates;
    if (pattern.provider == "*") {
      candidates = all_probe_names(catalogue);
    } else if (const auto* provider = catalogue.find_provider(pattern.provider)) {
      for (const auto& event : provider->events) candidates.push_back(provider->name + ":" + event.name);
    }
    const std::string wanted = pattern.provider == "*" ? pattern.event : pattern.provider + ":" + pattern.event;
    if (pattern.provider == "*") {
      // Compare the event part only: the user gave no provider.
      std::vector<std::string> events;
      for (const auto& name : candidates) events.push_back(name.substr(name.find(':') + 1));
      if (auto close = catalogue::closest_match(pattern.event, events)) {
        for (const auto& name : candidates) {
          if (name.substr(name.find(':') + 1) == *close) {
            hint = "did you mean " + name + "?";
            break;
          }
        }
      }
    } else if (auto close = catalogue::closest_match(wanted, candidates)) {
      hint = "did you mean " + *close + "?";
    }
  }
  if (hint.empty()) {
    const std::string listing = pattern.provider == "*" ? std::string("probity -l") : "probity -l '" + pattern.provider + ":*'";
    hint = listing + " lists the probes there are";
  }
  context.diagnostics.error("D_PROBE_NOMATCH", description.span,
                            "probe description " + description.text + " matches no probe of kernel " +
                                catalogue.release,
                            hint);
}

void report_forbidden(Context& context, const ast::ProbeDescription& description, const Event& event) {
  auto& diagnostic = context.diagnostics.error(
      "D_PROBE_FORBIDDEN", description.span,
      "probe " + full_name(event) + " is forbidden: " +
          (event.hazard.reason.empty() ? std::string("the catalogue forbids it") : event.hazard.reason),
      "no option enables a forbidden probe; probity -lv " + full_name(event) + " says why it is forbidden");
  if (!event.hazard.reference.empty()) diagnostic.notes.push_back("see " + event.hazard.reference);
}

void report_site_forbidden(Context& context, const ast::ProbeDescription& description, const Event& event,
                           const catalogue::PolicyRule& rule) {
  context.diagnostics.error("D_SITE_POLICY", description.span,
                            "probe " + full_name(event) + " is forbidden by " + rule.describe(),
                            "no option enables a probe the site policy forbids; ask the site's administrators");
}

std::string list(const std::vector<const Event*>& events, std::size_t limit = 8) {
  std::string text;
  for (std::size_t i = 0; i < events.size() && i < limit; ++i) text += (i == 0 ? "" : ", ") + full_name(*events[i]);
  if (events.size() > limit) text += ", and " + std::to_string(events.size() - limit) + " more";
  return text;
}

// The USDT probes of the binary a usdt: or PROVIDER:PATH::PROBE description
// names, among the events compile() added to the catalogue from its notes
// (usdt_catalogue.hpp). False when it matches none, reported.
bool match_usdt(Context& context, const ast::ProbeDescription& description, std::vector<const Event*>& matched,
                bool& named) {
  std::string error;
  const auto pattern = catalogue::UsdtPattern::parse(description.text, &error);
  if (!pattern) {
    context.diagnostics.error("D_PROBE_SYNTAX", description.span, error, "");
    return false;
  }
  std::string binary;
  try {
    binary = catalogue::resolve_usdt_binary(pattern->path).string();
  } catch (const catalogue::SdtError&) {
    return false;  // compile() reported it
  }
  for (const auto& provider : context.catalogue.providers) {
    for (const Event& event : provider.events) {
      if (!event.usdt || event.usdt->binary != binary) continue;
      catalogue::SdtProbe site;
      site.provider = event.provider;
      site.name = event.name;
      if (pattern->matches(site)) matched.push_back(&event);
    }
  }
  if (matched.empty()) {
    context.diagnostics.error("D_PROBE_NOMATCH", description.span,
                              "probe description " + description.text + " matches no USDT probe of " + binary,
                              "probity -l 'usdt:" + binary + "' lists its probes");
    return false;
  }
  named = matched.size() == 1 && !is_glob(pattern->provider) && !is_glob(pattern->probe);
  return true;
}

void expand_tracepoint(Context& context, ClauseInfo& info, const ast::ProbeDescription& description,
                       std::set<const Event*>& seen) {
  std::string text = description.text;
  if (text.starts_with("profile-")) {
    context.diagnostics.error("D_PROBE_UNSUPPORTED", description.span,
                              "\"" + text + "\" is a profile probe, which samples on a timer through perf events; "
                              "Probity traces static tracepoints only",
                              "for periodic actions use tick-N (tick-1s); for where tasks block, "
                              "sched:sched_switch { @[stack()] = count(); }");
    return;
  }
  if (text.starts_with("t:")) text = "tracepoint:" + text.substr(2);
  std::vector<const Event*> matched;
  bool named = false;
  if (catalogue::UsdtPattern::is_usdt(text)) {
    if (!match_usdt(context, description, matched, named)) return;
  } else {
    std::string error;
    const auto pattern = catalogue::ProbePattern::parse(text, &error);
    if (!pattern) {
      const std::string hint = spelling_hint(context.catalogue, text);
      const bool other_kind = error.starts_with("only tracepoints");
      context.diagnostics.error(other_kind || !hint.empty() ? "D_PROBE_UNSUPPORTED" : "D_PROBE_SYNTAX",
                                description.span, error,
                                hint.empty() && other_kind
                                    ? "Probity traces the kernel's static tracepoints only; probity -l lists them"
                                    : hint);
      return;
    }
    matched = catalogue::match(context.catalogue, *pattern);
    if (matched.empty()) {
      report_no_match(context, description, *pattern);
      return;
    }
    named = matched.size() == 1 && !is_glob(pattern->provider) && !is_glob(pattern->event);
  }
  std::vector<const Event*> skipped_hot;
  std::vector<const Event*> skipped_sensitive;
  std::vector<const Event*> skipped_unstable;
  std::vector<const Event*> skipped_by_site;
  std::optional<catalogue::PolicyRule> first_site_rule;
  const catalogue::Admission admission = context.admission();
  stability::Attributes lowest_skipped = stability::Attributes::maximum();
  std::size_t kept = 0;
  // A forbidden probe, by the catalogue or the site, is never kept. A glob
  // leaves out what the program's own bar refuses; a probe named exactly is
  // kept for the policy pass to report with the option that would accept it.
  for (const Event* event : matched) {
    catalogue::EventVerdict verdict = admission.event(*event);
    if (verdict.forbidden) {
      if (named) report_forbidden(context, description, *event);
      continue;
    }
    if (verdict.site_rule) {
      if (named) report_site_forbidden(context, description, *event, *verdict.site_rule);
      skipped_by_site.push_back(event);
      if (!first_site_rule) first_site_rule = std::move(verdict.site_rule);
      continue;
    }
    if (!named && verdict.hazard_not_allowed) {
      (event->hazard.level == Hazard::Hot ? skipped_hot : skipped_sensitive).push_back(event);
      continue;
    }
    if (!named && verdict.below_bar) {
      skipped_unstable.push_back(event);
      lowest_skipped = stability::minimum(lowest_skipped, verdict.attributes);
      continue;
    }
    ++kept;
    if (!seen.insert(event).second) continue;
    info.events.push_back(event);
    info.event_spans.push_back(description.span);
    info.event_named.push_back(named);
  }
  // A glob that leaves out probes says so briefly; -v lists them (the details).
  const auto leaves_out = [&](std::size_t count, std::string_view what) {
    return description.text + " leaves out " + std::to_string(count) + " probe" + (count == 1 ? "" : "s") +
           std::string(what);
  };
  const auto with_list_hint = [](std::string hint) { return hint + " (-v lists them)"; };
  const auto warn_skipped = [&](const std::vector<const Event*>& skipped, std::string_view kind,
                                std::string_view option) {
    if (skipped.empty()) return;
    auto& diagnostic = context.diagnostics.warning(
        kind == "hot" ? "D_HAZARD_HOT" : "D_HAZARD_SENSITIVE", description.span,
        leaves_out(skipped.size(), " marked " + std::string(kind)),
        with_list_hint("add -x allow=" + std::string(option) + " to trace them too"));
    for (const Event* event : skipped) diagnostic.details.push_back(full_name(*event) + ": " + event->hazard.reason);
  };
  if (!named && kept == 0 && !skipped_by_site.empty() && skipped_hot.empty() && skipped_sensitive.empty() &&
      skipped_unstable.empty()) {
    auto& diagnostic = context.diagnostics.error(
        "D_SITE_POLICY", description.span,
        description.text + " matches only probes the site policy forbids: " + list(skipped_by_site),
        "no option enables a probe the site policy forbids; ask the site's administrators");
    diagnostic.notes.push_back(full_name(*skipped_by_site.front()) + " is forbidden by " + first_site_rule->describe());
    return;
  }
  if (!skipped_by_site.empty() && !named) {
    auto& diagnostic =
        context.diagnostics.warning("D_SITE_POLICY", description.span,
                                    leaves_out(skipped_by_site.size(), " the site policy forbids"),
                                    with_list_hint("no option enables them"));
    diagnostic.notes.push_back(full_name(*skipped_by_site.front()) + " is forbidden by " + first_site_rule->describe());
    for (const Event* event : skipped_by_site) diagnostic.details.push_back(full_name(*event));
  }
  if (!named && kept == 0 && skipped_hot.empty() && skipped_sensitive.empty() && skipped_unstable.empty()) {
    if (!skipped_by_site.empty()) return;
    // Everything it matched is forbidden: a clause that could never fire is
    // an error, not a silently empty trace.
    context.diagnostics.error("D_PROBE_FORBIDDEN", description.span,
                              description.text + " matches only forbidden probes, which are never enabled",
                              "no option enables a forbidden probe; probity -lv '" + description.text +
                                  "' says why each one is forbidden");
    return;
  }
  const std::string amin = accepting_amin(lowest_skipped, context.policy.bar.threshold);
  if (kept == 0 && skipped_hot.empty() && skipped_sensitive.empty() && !skipped_unstable.empty()) {
    auto& diagnostic = context.diagnostics.error(
        "D_STABILITY", description.span,
        description.text + " matches only probes below the threshold " + threshold_text(context.policy.bar.threshold) +
            ": " + list(skipped_unstable),
        "to accept them, lower the threshold: -x amin=" + amin + " (or #pragma D option amin=" + amin + ")");
    diagnostic.notes.push_back(full_name(*skipped_unstable.front()) + " is " +
                               to_string(catalogue::probe_attributes(context.catalogue, *skipped_unstable.front())) +
                               (skipped_unstable.front()->rationale.empty() ? "" : ": " + skipped_unstable.front()->rationale));
    return;
  }
  if (kept == 0 && (!skipped_hot.empty() || !skipped_sensitive.empty())) {
    const bool hot = !skipped_hot.empty();
    const auto& skipped = hot ? skipped_hot : skipped_sensitive;
    auto& diagnostic = context.diagnostics.error(
        hot ? "D_HAZARD_HOT" : "D_HAZARD_SENSITIVE", description.span,
        description.text + " matches only " + (hot ? "hot" : "sensitive") + " probes: " + list(skipped),
        std::string("add -x allow=") + (hot ? "hot" : "sensitive") + " to trace them");
    diagnostic.notes.push_back(full_name(*skipped.front()) + ": " + skipped.front()->hazard.reason);
    return;
  }
  warn_skipped(skipped_hot, "hot", "hot");
  warn_skipped(skipped_sensitive, "sensitive", "sensitive");
  if (!skipped_unstable.empty()) {
    auto& diagnostic = context.diagnostics.warning(
        "D_STABILITY", description.span,
        leaves_out(skipped_unstable.size(), " below the threshold " + threshold_text(context.policy.bar.threshold)),
        with_list_hint("add -x amin=" + amin + " to trace them too"));
    for (const Event* event : skipped_unstable) {
      diagnostic.details.push_back(full_name(*event) + " is " +
                                   to_string(catalogue::probe_attributes(context.catalogue, *event)));
    }
  }
}

}  // namespace

void expand_probes(Context& context) {
  context.clauses.resize(context.program.clauses.size());
  for (std::size_t index = 0; index < context.program.clauses.size(); ++index) {
    const ast::Clause& clause = context.program.clauses[index];
    ClauseInfo& info = context.clauses[index];
    std::set<const Event*> seen;
    for (const ast::ProbeDescription& description : clause.probes) {
      if (description.kind == ast::ProbeKind::Tracepoint) {
        expand_tracepoint(context, info, description, seen);
      } else {
        info.specials.push_back(&description);
      }
    }
    // Keep (provider, name) order whatever the order of the descriptions.
    std::vector<std::size_t> order(info.events.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return std::tie(info.events[a]->provider, info.events[a]->name) <
             std::tie(info.events[b]->provider, info.events[b]->name);
    });
    ClauseInfo sorted;
    for (std::size_t i : order) {
      sorted.events.push_back(info.events[i]);
      sorted.event_spans.push_back(info.event_spans[i]);
      sorted.event_named.push_back(info.event_named[i]);
    }
    info.events = std::move(sorted.events);
    info.event_spans = std::move(sorted.event_spans);
    info.event_named = std::move(sorted.event_named);
  }
}

}  // namespace probity::compiler::passes
