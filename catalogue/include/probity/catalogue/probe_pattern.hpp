// Probe descriptions as users write them: "sched:sched_switch",
// "sched:::sched_switch", "tracepoint:sched:sched_switch", with fnmatch-style
// globs (*, ?, [...]) in either part.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probity/catalogue/model.hpp"

namespace probity::catalogue {

struct ProbePattern {
  std::string provider;  // glob; "*" when the user gave only an event part
  std::string event;     // glob

  // nullopt with `error` set when the text is not a probe description.
  static std::optional<ProbePattern> parse(std::string_view text, std::string* error = nullptr);

  bool matches(std::string_view provider_name, std::string_view event_name) const;
};

// What is wrong with a glob (*, ?, [...] as fnmatch reads them), where
// fnmatch would otherwise quietly take the text literally or match nothing:
// an unclosed '[' ("[a-"), a range whose end comes before its start ("[z-a]"),
// a trailing '\'. `offset` is the 0-based position of the culprit in the glob.
struct GlobProblem {
  std::size_t offset = 0;
  std::string message;  // "unclosed '['"
};
std::optional<GlobProblem> glob_problem(std::string_view glob);

// Every event of `catalogue` that matches, in (provider, event) order.
std::vector<const Event*> match(const Catalogue& catalogue, const ProbePattern& pattern);

}  // namespace probity::catalogue
