#include "probity/catalogue/probe_pattern.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <tuple>

#include "probity/catalogue/sdt_notes.hpp"

namespace probity::catalogue {
namespace {

// Probe types of bpftrace and providers of DTrace that name something other
// than a static tracepoint. Probity deliberately cannot reach them.
constexpr std::array non_tracepoint_types{
    std::string_view{"kprobe"},   std::string_view{"k"},         std::string_view{"kretprobe"},
    std::string_view{"kr"},       std::string_view{"uprobe"},    std::string_view{"u"},
    std::string_view{"uretprobe"}, std::string_view{"ur"},       std::string_view{"usdt"},
    std::string_view{"U"},        std::string_view{"fentry"},    std::string_view{"f"},
    std::string_view{"fexit"},    std::string_view{"fr"},        std::string_view{"kfunc"},
    std::string_view{"kretfunc"}, std::string_view{"rawtracepoint"}, std::string_view{"rt"},
    std::string_view{"software"}, std::string_view{"s"},         std::string_view{"hardware"},
    std::string_view{"h"},        std::string_view{"watchpoint"}, std::string_view{"w"},
    std::string_view{"asyncwatchpoint"}, std::string_view{"iter"}, std::string_view{"it"},
    std::string_view{"profile"},  std::string_view{"p"},         std::string_view{"interval"},
    std::string_view{"i"},        std::string_view{"fbt"},       std::string_view{"pid"},
    std::string_view{"syscall"},  std::string_view{"lockstat"},  std::string_view{"tick"},
};

bool is_tracepoint_type(std::string_view word) { return word == "tracepoint" || word == "t"; }

bool is_non_tracepoint_type(std::string_view word) {
  return std::find(non_tracepoint_types.begin(), non_tracepoint_types.end(), word) !=
         non_tracepoint_types.end();
}

std::vector<std::string_view> split_colons(std::string_view text) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t colon = text.find(':', start);
    if (colon == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, colon - start));
    start = colon + 1;
  }
}

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

bool fail(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return false;
}

// A glob part may hold what tracefs names hold plus the glob characters, and
// must be a well-formed glob.
bool check_glob(std::string_view part, std::string_view what, std::string_view text,
                std::string* error) {
  for (const char c : part) {
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      return fail(error, "white space in the " + std::string(what) + " of probe description " +
                             quoted(text));
    }
    if (c == ',') {
      return fail(error, "a comma in probe description " + quoted(text) +
                             ": give one probe description at a time");
    }
    if (c == '\\' || c == '/' || c == '"' || c == '\'') {
      return fail(error, std::string("character '") + c + "' cannot appear in the " +
                             std::string(what) + " of probe description " + quoted(text));
    }
  }
  if (const auto problem = glob_problem(part)) {
    return fail(error, problem->message + " in the " + std::string(what) + " of probe description " + quoted(text));
  }
  return true;
}

bool glob_matches(const std::string& glob, std::string_view name) {
  if (glob == "*") return true;
  const std::string subject(name);
  return fnmatch(glob.c_str(), subject.c_str(), 0) == 0;
}

}  // namespace

std::optional<GlobProblem> glob_problem(std::string_view glob) {
  for (std::size_t i = 0; i < glob.size(); ++i) {
    if (glob[i] == '\\') {
      if (i + 1 == glob.size()) return GlobProblem{i, "a '\\' with nothing after it"};
      ++i;  // the escaped character stands for itself
      continue;
    }
    if (glob[i] != '[') continue;
    const std::size_t open = i;
    std::size_t j = i + 1;
    if (j < glob.size() && (glob[j] == '!' || glob[j] == '^')) ++j;
    if (j < glob.size() && glob[j] == ']') ++j;  // first in the bracket: ']' itself
    for (; j < glob.size() && glob[j] != ']'; ++j) {
      // "a-z": a range, unless '-' is last ("[a-]" holds 'a' and '-').
      if (j + 2 < glob.size() && glob[j + 1] == '-' && glob[j + 2] != ']') {
        if (static_cast<unsigned char>(glob[j + 2]) < static_cast<unsigned char>(glob[j])) {
          return GlobProblem{j, std::string("the range '") + glob[j] + "-" + glob[j + 2] +
                                    "' ends before it starts, so it matches nothing"};
        }
        j += 2;
      }
    }
    if (j >= glob.size()) return GlobProblem{open, "unclosed '['"};
    i = j;
  }
  return std::nullopt;
}

std::optional<ProbePattern> ProbePattern::parse(std::string_view text, std::string* error) {
  const auto reject = [&](std::string message) -> std::optional<ProbePattern> {
    fail(error, std::move(message));
    return std::nullopt;
  };
  if (text.empty()) return reject("empty probe description");
  if (text.find(',') != std::string_view::npos) {
    return reject("a comma in probe description " + quoted(text) +
                  ": give one probe description at a time");
  }

  if (UsdtPattern::is_usdt(text)) {
    return reject("only tracepoints are supported here: " + quoted(text) +
                  " names a USDT probe, which probity -l lists and a program traces, but which is not a tracepoint");
  }
  const std::vector<std::string_view> parts = split_colons(text);
  if (parts.size() >= 2 && is_non_tracepoint_type(parts[0])) {
    return reject("only tracepoints are supported: " + quoted(text) + " names a " +
                  quoted(parts[0]) +
                  " probe; write a tracepoint as provider:event, e.g. sched:sched_switch");
  }

  ProbePattern pattern;
  std::string_view provider_part;
  std::string_view event_part;
  switch (parts.size()) {
    case 1:  // "sched_switch", "*": any provider
      provider_part = "*";
      event_part = parts[0];
      break;
    case 2:  // "sched:sched_switch"
      provider_part = parts[0];
      event_part = parts[1];
      if (provider_part.empty()) {
        return reject("empty provider in probe description " + quoted(text) +
                      "; write *:" + std::string(event_part) + " for any provider");
      }
      if (event_part.empty()) {
        return reject("empty event name in probe description " + quoted(text) + "; write " +
                      std::string(provider_part) + ":* for every event of the provider");
      }
      break;
    case 3:  // "tracepoint:sched:sched_switch" (bpftrace)
      if (!is_tracepoint_type(parts[0])) {
        return reject("probe description " + quoted(text) +
                      " has three parts but does not start with \"tracepoint:\"; write "
                      "provider:event, tracepoint:provider:event or provider:::event");
      }
      provider_part = parts[1];
      event_part = parts[2];
      if (provider_part.empty() || event_part.empty()) {
        return reject("empty " + std::string(provider_part.empty() ? "provider" : "event name") +
                      " in probe description " + quoted(text) +
                      "; bpftrace's form is tracepoint:provider:event");
      }
      break;
    case 4:  // "sched:::sched_switch" (DTrace provider:module:function:name)
      if (!parts[1].empty() && parts[1] != "*") {
        return reject("tracepoints have no module part: " + quoted(parts[1]) + " in " +
                      quoted(text) + "; leave it empty, as in " + std::string(parts[0]) +
                      ":::" + std::string(parts[3]));
      }
      if (!parts[2].empty() && parts[2] != "*") {
        return reject("tracepoints have no function part: " + quoted(parts[2]) + " in " +
                      quoted(text) + "; leave it empty, as in " + std::string(parts[0]) +
                      ":::" + std::string(parts[3]));
      }
      // As in DTrace, an empty provider or name matches every one.
      provider_part = parts[0].empty() ? std::string_view{"*"} : parts[0];
      event_part = parts[3].empty() ? std::string_view{"*"} : parts[3];
      break;
    default:
      return reject("probe description " + quoted(text) + " has " +
                    std::to_string(parts.size()) +
                    " parts; write provider:event, provider:::event or tracepoint:provider:event");
  }

  if (!check_glob(provider_part, "provider", text, error)) return std::nullopt;
  if (!check_glob(event_part, "event name", text, error)) return std::nullopt;
  pattern.provider = std::string(provider_part);
  pattern.event = std::string(event_part);
  return pattern;
}

bool ProbePattern::matches(std::string_view provider_name, std::string_view event_name) const {
  return glob_matches(provider, provider_name) && glob_matches(event, event_name);
}

std::vector<const Event*> match(const Catalogue& catalogue, const ProbePattern& pattern) {
  std::vector<const Event*> matched;
  for (const Provider& provider : catalogue.providers) {
    if (!glob_matches(pattern.provider, provider.name)) continue;
    for (const Event& event : provider.events) {
      if (glob_matches(pattern.event, event.name)) matched.push_back(&event);
    }
  }
  // Providers and events are kept sorted, but the order is part of the contract.
  std::stable_sort(matched.begin(), matched.end(), [](const Event* a, const Event* b) {
    return std::tie(a->provider, a->name) < std::tie(b->provider, b->name);
  });
  return matched;
}

}  // namespace probity::catalogue
