#include "list_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <ostream>
#include <set>
#include <tuple>

#include "cli_error.hpp"
#include "notice.hpp"
#include "index_location.hpp"
#include "live_events.hpp"
#include "terminal_width.hpp"
#include "text_table.hpp"
#include "usdt_list.hpp"
#include "probity/catalogue/diagnostic.hpp"
#include "probity/catalogue/index.hpp"
#include "probity/catalogue/probe_pattern.hpp"
#include "probity/manual/manual.hpp"
#include "probity/catalogue/host.hpp"
#include "probity/io/text_wrap.hpp"

namespace probity::cli {
namespace {

using catalogue::Catalogue;
using catalogue::Event;
using catalogue::Hazard;
using catalogue::ProbePattern;

std::string strip_program_prefix(std::string message) {
  constexpr std::string_view prefix = "probity: ";
  if (message.starts_with(prefix)) message.erase(0, prefix.size());
  return message;
}

std::string availability(const std::optional<bool>& has) {
  if (!has) return "?";
  return *has ? "yes" : "no";
}

std::string hazard_word(const Event& event) {
  return event.hazard.level == Hazard::None ? "-" : std::string(catalogue::to_string(event.hazard.level));
}

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

bool has_glob(std::string_view text) { return text.find_first_of("*?[") != std::string_view::npos; }

std::string without_globs(std::string text) {
  std::erase_if(text, [](char c) { return c == '*' || c == '?' || c == '[' || c == ']'; });
  return text;
}

// Up to three real probe names close to what `pattern` spells.
std::vector<std::string> close_probe_names(const Catalogue& catalogue, const ProbePattern& pattern) {
  const bool any_provider = pattern.provider == "*";
  if (!any_provider && !has_glob(pattern.provider) && catalogue.find_provider(pattern.provider) == nullptr) {
    std::vector<std::string> providers;
    for (const auto& provider : catalogue.providers) providers.push_back(provider.name);
    if (std::optional<std::string> close = catalogue::closest_match(pattern.provider, providers)) {
      return {*close + ":" + pattern.event};
    }
    return {};
  }
  // A provider's name alone ("sched") means its probes.
  if (any_provider && !has_glob(pattern.event) && catalogue.find_provider(pattern.event) != nullptr) {
    return {pattern.event + ":*"};
  }
  // Compare like with like: the event part alone when the pattern has no provider.
  std::vector<std::string> keys;
  std::vector<std::string> names;
  for (const auto& provider : catalogue.providers) {
    for (const Event& event : provider.events) {
      names.push_back(provider.name + ":" + event.name);
      keys.push_back(any_provider ? event.name : names.back());
    }
  }
  const std::string word = without_globs(any_provider ? pattern.event : pattern.provider + ":" + pattern.event);
  return catalogue::closest_matches(word, std::move(keys), std::move(names), 3);
}

// "no probe matches ...", with the closest real names when there are close ones.
std::string nothing_matches(const Catalogue& catalogue, const std::vector<std::string>& texts,
                            const std::vector<ProbePattern>& patterns) {
  std::vector<std::string> quoted;
  for (const std::string& text : texts) quoted.push_back('"' + text + '"');
  std::string message = "no probe matches " + join(quoted) + " in the catalogue of " + catalogue.release;
  std::vector<std::string> suggestions;
  for (const ProbePattern& pattern : patterns) {
    for (std::string& name : close_probe_names(catalogue, pattern)) suggestions.push_back(std::move(name));
  }
  if (!suggestions.empty()) return message + "; did you mean " + join(suggestions) + "?";
  return message + "; probity -l lists every probe";
}

void print_table(const std::vector<const Event*>& events, const std::vector<std::optional<bool>>& live,
                 std::size_t width, std::ostream& out, std::ostream& err) {
  // One PROBE column, as a program spells it, rather than provider and event
  // apart: the two widest names are rarely in one row, so it is narrower.
  std::vector<std::string> header{"PROBE", "STABILITY", "HAZARD", "RUNNING"};
  std::vector<std::vector<std::string>> rows;
  rows.reserve(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Event& event = *events[i];
    rows.push_back({event.provider + ":" + event.name, stability::to_string(event.stability.value),
                    hazard_word(event), availability(live[i])});
  }
  // A RUNNING column of yes only says nothing a note cannot: it gives its
  // room to the names before they are elided.
  const bool all_running = std::all_of(live.begin(), live.end(), [](const std::optional<bool>& has) { return has == true; });
  if (all_running && line_width(column_widths(header, rows)) > width) {
    header.pop_back();
    for (auto& row : rows) row.pop_back();
    notice(err, "note: every probe listed is in the running kernel (the RUNNING column is left out to fit " +
                    std::to_string(width) + " columns)");
  }
  print_columns(header, rows, out, width);
}

// Laid out as probity man lays out its entries (the same blocks), with what
// this listing adds: the module, and whether the running kernel has the probe.
void print_verbose(const Event& event, const std::optional<bool>& live, const std::string& running,
                   const std::string& release, std::size_t width, std::ostream& out) {
  const std::string indent(4, ' ');
  out << manual::heading_block(event, width);
  if (!event.module.empty()) out << io::wrap("Defined by module " + event.module + ".", indent, indent, width);
  out << manual::stability_block(event, manual::TerminalLayout::ManPage, width);
  out << "\nAVAILABILITY\n";
  out << io::wrap("running kernel " + running + ": " + availability(live), indent, indent, width);
  out << io::wrap("catalogued releases: " + (event.releases.empty() ? std::string("none") : join(event.releases)),
                  indent, indent + indent, width);
  out << manual::fields_block(event, width, release);
}

}  // namespace

int run_list(const ListOptions& options, std::ostream& out, std::ostream& err) {
  if (options.target_pid) {
    return run_usdt_list(usdt_patterns_of_process(*options.target_pid, options.patterns), options.verbose, out);
  }
  const auto usdt_count = std::count_if(options.patterns.begin(), options.patterns.end(), is_usdt_pattern);
  if (usdt_count > 0) {
    if (static_cast<std::size_t>(usdt_count) != options.patterns.size()) {
      throw CliError("list USDT probes (usdt:PATH...) and tracepoints in separate commands");
    }
    return run_usdt_list(options.patterns, options.verbose, out);
  }
  std::vector<ProbePattern> patterns;
  std::vector<std::string> pattern_texts;
  for (const std::string& text : options.patterns) {
    // A comma list, as in a D program's probe clause, lists every part.
    std::size_t start = 0;
    while (true) {
      const std::size_t comma = text.find(',', start);
      const std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      std::string error;
      std::optional<ProbePattern> pattern = ProbePattern::parse(part, &error);
      if (!pattern) throw CliError(error);
      patterns.push_back(std::move(*pattern));
      pattern_texts.push_back(part);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (patterns.empty()) patterns.push_back(ProbePattern{"*", "*"});

  const catalogue::Index index = catalogue::Index::open(options.index);
  const std::string running = catalogue::running_release();
  const catalogue::Site site = catalogue::load_site(options.site);
  catalogue::HostCatalogue host;
  std::vector<catalogue::Diagnostic> overlay_notes;
  const std::string overlay_notice =
      catalogue::bound_host_catalogue(host, index, options.index, installed_index(),
                                      catalogue::choose_release(index, options.kernel, running), site, &overlay_notes);
  const Catalogue& catalogue = host.catalogue;

  std::vector<const Event*> events;
  std::set<const Event*> seen;
  for (const ProbePattern& pattern : patterns) {
    for (const Event* event : catalogue::match(catalogue, pattern)) {
      if (seen.insert(event).second) events.push_back(event);
    }
  }
  std::sort(events.begin(), events.end(),
            [](const Event* a, const Event* b) { return std::tie(a->provider, a->name) < std::tie(b->provider, b->name); });

  if (!host.substitute_note.empty()) notice(err, "note: " + host.substitute_note);
  if (options.verbose) {
    notice(err, "kernel " + catalogue.release + (host.running ? " (running)" : "") + ": layouts from " +
                    host.origin_text);
  }
  if (!overlay_notice.empty()) notice(err, overlay_notice);
  for (const catalogue::Diagnostic& note : overlay_notes) notice(err, "note: " + note.to_string());
  if (events.empty()) {
    throw CliError(nothing_matches(catalogue, pattern_texts, patterns));
  }

  LiveEvents live_events;
  std::vector<std::optional<bool>> live;
  live.reserve(events.size());
  for (const Event* event : events) live.push_back(live_events.has(event->provider, event->name));
  if (!live_events.problem().empty()) {
    notice(err, "note: cannot tell which probes the running kernel has (shown as ?): " +
                    strip_program_prefix(live_events.problem()));
  }

  const std::size_t width = output_width(STDOUT_FILENO);
  if (!options.verbose) {
    print_table(events, live, width, out, err);
    return 0;
  }
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (i > 0) out << "\n";
    print_verbose(*events[i], live[i], running, catalogue.release, width, out);
  }
  return 0;
}

}  // namespace probity::cli
