// Problems found in catalogue input, each with the place it was found.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "probity/catalogue/model.hpp"

namespace probity::catalogue {

struct Diagnostic {
  SourceLocation where;  // file, line, column (line 0 when the file itself is the problem)
  std::string key_path;  // "events.sched_switch.fields.prev_pid.stability", "" at top level
  std::string message;   // "unknown level \"Stabel\" (did you mean \"Stable\"?)"
  std::string hint;      // optional: what to do about it

  // "file:line:col: key.path: message" and, when there is a hint, "\n  hint: ...".
  std::string to_string() const;
};

// Thrown when input cannot be used; carries every problem found, not just the first.
class CatalogueError : public std::runtime_error {
 public:
  explicit CatalogueError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

// The candidate closest to `word` by edit distance, if it is close enough to be a
// plausible typo (used for "did you mean ...?" hints everywhere).
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

// Up to `limit` names whose keys are plausible typos of `word`, closest
// first: `keys[i]` is what `names[i]` is compared by (an event name alone
// when the user typed no provider, "provider:event" otherwise).
std::vector<std::string> closest_matches(std::string_view word, std::vector<std::string> keys,
                                         std::vector<std::string> names, std::size_t limit);

}  // namespace probity::catalogue
