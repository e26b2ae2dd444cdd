// What changed in the tracepoints between two catalogued kernel releases:
// events added and removed, and fields added, removed, retyped, resized or
// moved (`probity catalogue diff A B`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "probity/catalogue/model.hpp"
#include "probity/catalogue/probe_pattern.hpp"

namespace probity::catalogue {

struct FieldChange {
  enum class Kind : std::uint8_t { Added, Removed, Changed };
  Kind kind = Kind::Changed;
  std::string field;
  std::optional<FieldLayout> before;  // absent when added
  std::optional<FieldLayout> after;   // absent when removed
  // For Changed: which properties differ.
  bool retyped = false;  // the C type (and so the kind) differs
  bool resized = false;
  bool moved = false;    // another offset in the record
};

struct EventChange {
  enum class Kind : std::uint8_t { Added, Removed, Changed };
  Kind kind = Kind::Changed;
  std::string provider;
  std::string name;
  std::vector<FieldChange> fields;  // Changed only, in field order
};

struct DiffTotals {
  std::size_t events_added = 0, events_removed = 0, events_changed = 0;
  std::size_t fields_added = 0, fields_removed = 0, fields_retyped = 0, fields_resized = 0, fields_moved = 0;
};

struct CatalogueDiff {
  std::string from;
  std::string to;
  std::vector<EventChange> events;  // (provider, name) order
  DiffTotals totals;
};

// Only events matching one of `patterns` (all when empty) are compared.
CatalogueDiff diff_catalogues(const Catalogue& from, const Catalogue& to,
                              const std::vector<ProbePattern>& patterns = {});

// Per provider: "+ event", "- event", "~ event" with its field changes, then totals.
std::string to_text(const CatalogueDiff& diff);

}  // namespace probity::catalogue
