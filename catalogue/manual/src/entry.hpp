// One probe's entry in the reference manual, computed once from every
// catalogued release and rendered as Markdown (reference pages) or as
// terminal text (probity man).
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "probity/catalogue/diff.hpp"
#include "probity/catalogue/index.hpp"
#include "probity/catalogue/model.hpp"

namespace probity::manual::detail {

// Every catalogued release's effective catalogue, oldest first.
class Releases {
 public:
  // Every release of `index`, and `running` (the running kernel's live
  // catalogue, catalogue/host.hpp) when given and not among them.
  explicit Releases(const catalogue::Index& index, const catalogue::Catalogue* running = nullptr);
  const std::vector<catalogue::Catalogue>& all() const { return catalogues_; }
  const catalogue::Catalogue& newest() const { return catalogues_.back(); }
  const catalogue::Catalogue* find(std::string_view release) const;
  // The newest catalogue that has provider:event, or nullptr.
  const catalogue::Catalogue* newest_with(std::string_view provider, std::string_view event) const;

 private:
  std::vector<catalogue::Catalogue> catalogues_;
};

struct ReleasePresence {
  std::string release;
  bool present = false;
  std::string module;  // "" when built in (or absent)
};

// How the event's fields changed from one release that has it to the next.
struct LayoutHistoryStep {
  std::string from;
  std::string to;
  std::vector<catalogue::FieldChange> changes;  // added, removed, retyped or resized only
};

struct ProbeEntry {
  const catalogue::Event* event = nullptr;  // as `release` describes it
  std::string release;
  bool newest = true;  // `release` is the newest catalogued release
  std::vector<std::string> overlays;          // the vendor overlays applied to `release`'s catalogue
  std::vector<ReleasePresence> availability;  // every catalogued release, oldest first
  std::vector<LayoutHistoryStep> history;     // steps with changes only
  std::string example;                        // "" for a forbidden probe
};

ProbeEntry make_entry(const Releases& releases, const catalogue::Catalogue& catalogue, const catalogue::Event& event);

// The event's Markdown section, starting with a "### <event>" heading.
std::string entry_markdown(const ProbeEntry& entry);
// The entry for a terminal, wrapped to `width` columns.
std::string entry_text(const ProbeEntry& entry, std::size_t width);

// DTrace's names of the three components of a stability, in their order.
inline constexpr std::array<std::string_view, 3> component_names{"Identifier Names", "Data Semantics",
                                                                 "Dependency Class"};
// The levels of name, data and class: {"Stable", "Evolving", "Common"}.
std::array<std::string, 3> components(const stability::Attributes& attributes);
// The lowest of the event's fields' attributes: DTrace's "Argument Attributes".
stability::Attributes argument_attributes(const catalogue::Event& event);

// The first sentence of `text` (up to the first ". " or the end).
std::string first_sentence(std::string_view text);
// `text` with the characters Markdown would interpret escaped, on one line.
std::string escape_markdown(std::string_view text);
// "6.1 → 6.12: retyped u64 vruntime -> ..." and so on, one line a change.
std::string describe_change(const catalogue::FieldChange& change);

}  // namespace probity::manual::detail
