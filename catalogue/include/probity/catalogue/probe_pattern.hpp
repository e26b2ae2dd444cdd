// Probe descriptions as users write them: "sched:sched_switch",
// "sched:::sched_switch", "tracepoint:sched:sched_switch", with fnmatch-style
// globs (*, ?, [...]) in either part.
#pragma once

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

// Every event of `catalogue` that matches, in (provider, event) order.
std::vector<const Event*> match(const Catalogue& catalogue, const ProbePattern& pattern);

}  // namespace probity::catalogue
