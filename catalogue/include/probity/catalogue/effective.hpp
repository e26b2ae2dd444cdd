// The effective catalogue of one release: snapshot + curated docs (+ overlays),
// with the precedence kernel-declared > vendor overlay > catalogue > default.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "probity/catalogue/model.hpp"
#include "probity/catalogue/yaml_io.hpp"

namespace probity::catalogue {

// What the catalogue says of events independently of any one release's
// layouts: the curated docs, and which catalogued releases have each event.
// With a snapshot of any kernel it makes that kernel's effective catalogue,
// so the index carries it for the running kernel when no snapshot of it is
// catalogued (host.hpp).
struct CatalogueDocs {
  CommonFieldDocs common;
  std::vector<ProviderDoc> providers;  // sorted by name
  // (provider, event) -> every catalogued release that has it, oldest first
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> event_releases;
};

CatalogueDocs catalogue_docs(const CatalogueSources& sources);

// Each Event's `releases` lists every catalogued release that has the event,
// and the snapshot's own release when it is not one of them.
Catalogue build_catalogue(const CatalogueDocs& docs, const KernelSnapshot& snapshot);
Catalogue build_catalogue(const CatalogueSources& sources, const KernelSnapshot& snapshot);

// One Catalogue per snapshot in `sources`, in release order.
std::vector<Catalogue> build_all_catalogues(const CatalogueSources& sources);

}  // namespace probity::catalogue
