// probity man PROBE: one probe's entry for a terminal.
#include <algorithm>
#include <set>
#include <stdexcept>
#include <utility>

#include "entry.hpp"
#include "probity/catalogue/diagnostic.hpp"
#include "probity/catalogue/probe_pattern.hpp"
#include "probity/manual/manual.hpp"

namespace probity::manual {
namespace {

using ProbeName = std::pair<std::string, std::string>;  // provider, event

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : std::string(separator)) + item;
  return text;
}

// Up to three real probe names close to what the user typed.
std::vector<std::string> close_names(const std::set<ProbeName>& every_probe, const catalogue::ProbePattern& pattern) {
  const bool event_only = pattern.provider == "*";
  std::vector<std::string> keys;
  std::vector<std::string> names;
  for (const auto& [provider, event] : every_probe) {
    names.push_back(provider + ":" + event);
    keys.push_back(event_only ? event : names.back());
  }
  const std::string word = event_only ? pattern.event : pattern.provider + ":" + pattern.event;
  std::vector<std::string> found = catalogue::closest_matches(word, std::move(keys), std::move(names), 3);
  if (found.empty() && !event_only) {
    std::set<std::string> providers;
    for (const auto& probe : every_probe) providers.insert(probe.first);
    if (providers.count(pattern.provider) == 0) {
      if (auto provider = catalogue::closest_match(pattern.provider, {providers.begin(), providers.end()})) {
        found.push_back(*provider + ":*");
      }
    }
  }
  return found;
}

}  // namespace

std::string terminal_entry(const catalogue::Index& index, std::string_view probe, int width,
                           const std::string& release, const std::function<void(catalogue::Catalogue&)>& adjust,
                           const catalogue::Catalogue* running) {
  std::string error;
  const std::optional<catalogue::ProbePattern> pattern = catalogue::ProbePattern::parse(probe, &error);
  if (!pattern) throw std::invalid_argument(error);
  const detail::Releases releases(index, running);

  std::set<ProbeName> every_probe;
  std::set<ProbeName> matches;
  for (const catalogue::Catalogue& catalogue : releases.all()) {
    for (const catalogue::Provider& provider : catalogue.providers) {
      for (const catalogue::Event& event : provider.events) every_probe.emplace(provider.name, event.name);
    }
    for (const catalogue::Event* event : catalogue::match(catalogue, *pattern)) matches.emplace(event->provider, event->name);
  }
  const std::string quoted = "\"" + std::string(probe) + "\"";
  if (matches.empty()) {
    std::string message = "no catalogued release has the probe " + quoted;
    const bool names_a_provider = pattern->provider == "*" && std::any_of(every_probe.begin(), every_probe.end(),
                                                                          [&](const ProbeName& name) {
                                                                            return name.first == pattern->event;
                                                                          });
    if (names_a_provider) {
      throw std::invalid_argument(message + "; " + pattern->event + " is a provider: probity -l '" + pattern->event +
                                  ":*' lists its probes, and probity man " + pattern->event + ":PROBE describes one");
    }
    const std::vector<std::string> suggestions = close_names(every_probe, *pattern);
    if (!suggestions.empty()) throw std::invalid_argument(message + "; did you mean " + join(suggestions, ", ") + "?");
    throw std::invalid_argument(message + "; probity -l lists every probe");
  }
  if (matches.size() > 1) {
    std::vector<std::string> names;
    for (const auto& [provider, event] : matches) {
      if (names.size() == 5) {
        names.push_back("...");
        break;
      }
      names.push_back(provider + ":" + event);
    }
    throw std::invalid_argument(quoted + " names " + std::to_string(matches.size()) + " probes (" + join(names, ", ") +
                                "); give one, as provider:event");
  }
  const auto& [provider, event_name] = *matches.begin();
  const catalogue::Catalogue* catalogue = releases.find(release);
  if (catalogue == nullptr || catalogue->find_event(provider, event_name) == nullptr) {
    catalogue = releases.newest_with(provider, event_name);
  }
  catalogue::Catalogue described = *catalogue;
  if (adjust) adjust(described);
  const catalogue::Event& event = *described.find_event(provider, event_name);
  const detail::ProbeEntry entry = detail::make_entry(releases, described, event);
  return detail::entry_text(entry, static_cast<std::size_t>(std::max(width, 40)));
}

}  // namespace probity::manual
