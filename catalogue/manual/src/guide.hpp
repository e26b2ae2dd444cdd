// The hand-written chapters of the manual (docs/manual/**/*.md), embedded at
// build time.
#pragma once

#include <string>
#include <vector>

#include "probity/manual/manual.hpp"

namespace probity::manual::detail {

// One page per chapter, in path order: path "language" for language.md,
// "guide/getting-started" for guide/getting-started.md. language.md,
// catalogue-format.md, diagnostics.md and probity.1.md are also the man pages
// probity-language(7), probity-catalogue(5), probity-diagnostics(7) and
// probity(1).
std::vector<Page> guide_pages();

}  // namespace probity::manual::detail
