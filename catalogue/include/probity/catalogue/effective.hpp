// The effective catalogue of one release: snapshot + curated docs (+ overlays),
// with the precedence kernel-declared > vendor overlay > catalogue > default.
#pragma once

#include <vector>

#include "probity/catalogue/model.hpp"
#include "probity/catalogue/yaml_io.hpp"

namespace probity::catalogue {

// Each Event's `releases` lists every snapshot in `sources` that has the event.
Catalogue build_catalogue(const CatalogueSources& sources, const KernelSnapshot& snapshot);

// One Catalogue per snapshot in `sources`, in release order.
std::vector<Catalogue> build_all_catalogues(const CatalogueSources& sources);

}  // namespace probity::catalogue
