#include "probity/catalogue/diagnostic.hpp"

#include <algorithm>
#include <cctype>
#include <limits>

namespace probity::catalogue {
namespace {

std::string join(const std::vector<Diagnostic>& diagnostics) {
  std::string text;
  for (const Diagnostic& diagnostic : diagnostics) {
    if (!text.empty()) text += '\n';
    text += diagnostic.to_string();
  }
  return text.empty() ? "catalogue error" : text;
}

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Optimal string alignment distance (Levenshtein plus adjacent transpositions,
// so "Stabel" is one edit from "Stable"), ignoring case.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t columns = b.size() + 1;
  std::vector<std::size_t> previous2(columns), previous(columns), current(columns);
  for (std::size_t j = 0; j < columns; ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j < columns; ++j) {
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
          lower(a[i - 2]) == lower(b[j - 1])) {
        current[j] = std::min(current[j], previous2[j - 2] + 1);
      }
    }
    std::swap(previous2, previous);
    std::swap(previous, current);
  }
  return previous[b.size()];
}

}  // namespace

std::string Diagnostic::to_string() const {
  std::string text = where.file.empty() ? std::string("<input>") : where.file;
  if (where.line > 0) {
    text += ':' + std::to_string(where.line);
    if (where.column > 0) text += ':' + std::to_string(where.column);
  }
  text += ": ";
  if (!key_path.empty()) text += key_path + ": ";
  text += message;
  if (!hint.empty()) text += "\n  hint: " + hint;
  return text;
}

CatalogueError::CatalogueError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join(diagnostics)), diagnostics_(std::move(diagnostics)) {}

std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates) {
  if (word.empty()) return std::nullopt;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  const std::string* best = nullptr;
  for (const std::string& candidate : candidates) {
    // Cheap lower bound: the length difference alone is that many edits.
    const std::size_t length_gap =
        word.size() > candidate.size() ? word.size() - candidate.size() : candidate.size() - word.size();
    if (length_gap >= best_distance) continue;
    const std::size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = &candidate;
    }
  }
  if (best == nullptr) return std::nullopt;
  // A plausible typo changes at most a third of the word (at least one edit).
  const std::size_t shorter = std::min(word.size(), best->size());
  const std::size_t allowed = std::max<std::size_t>(1, shorter / 3);
  if (best_distance > allowed) return std::nullopt;
  return *best;
}

std::vector<std::string> closest_matches(std::string_view word, std::vector<std::string> keys,
                                         std::vector<std::string> names, std::size_t limit) {
  std::vector<std::string> found;
  while (found.size() < limit) {
    const std::optional<std::string> close = closest_match(word, keys);
    if (!close) break;
    for (std::size_t i = keys.size(); i-- > 0;) {
      if (keys[i] != *close) continue;
      found.push_back(names[i]);
      keys.erase(keys.begin() + static_cast<std::ptrdiff_t>(i));
      names.erase(names.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  return found;
}

}  // namespace probity::catalogue
