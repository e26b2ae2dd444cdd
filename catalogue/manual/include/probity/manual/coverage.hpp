// How much of one release's catalogue is documented (`probity catalogue
// stats` and the manual's statistics page): per provider and overall, events
// documented by a provider doc and fields that have a description.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "probity/catalogue/model.hpp"

namespace probity::manual {

struct CoverageCounts {
  std::size_t events = 0;
  std::size_t documented_events = 0;
  std::size_t fields = 0;             // the events' own fields, common_* excluded
  std::size_t documented_fields = 0;  // those with a description

  CoverageCounts& operator+=(const CoverageCounts& other);
  friend bool operator==(const CoverageCounts&, const CoverageCounts&) = default;
};

struct ProviderCoverage {
  std::string provider;
  bool documented = false;  // the provider has a doc (catalogue/data/providers/<name>.yaml)
  CoverageCounts counts;
};

struct Coverage {
  std::string release;
  std::vector<ProviderCoverage> providers;  // the catalogue's order (by name)
  CoverageCounts total;                     // the sum over providers
  std::size_t documented_providers = 0;
};

Coverage coverage(const catalogue::Catalogue& catalogue);

// An aligned table for a terminal, a GFM Markdown table, one JSON object.
std::string to_text(const Coverage& coverage);
std::string to_markdown(const Coverage& coverage);
std::string to_json(const Coverage& coverage);

}  // namespace probity::manual
