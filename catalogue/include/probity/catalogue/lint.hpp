// Lint of the catalogue sources (`probity catalogue lint`): what a vendor or
// maintainer must fix before shipping. Between consecutive catalogued
// releases, an event or field whose names or data are Stable or Standard
// must not disappear or change incompatibly (type, kind, size, signedness;
// a move is compatible for scripts) unless a successor or an accepted
// layout change is recorded; an apparent rename must name its successor;
// successors and recorded changes must refer to what exists; hazards must
// say why.
#pragma once

#include <vector>

#include "probity/catalogue/diagnostic.hpp"
#include "probity/catalogue/yaml_io.hpp"

namespace probity::catalogue {

std::vector<Diagnostic> lint_catalogue(const CatalogueSources& sources);

}  // namespace probity::catalogue
