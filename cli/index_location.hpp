// Where the catalogue index is (--index, $PROBITY_INDEX, the build tree's, the
// installed one), and the vendor overlays beside it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "probity/catalogue/site.hpp"

namespace probity::cli {

std::filesystem::path locate_index(const std::optional<std::string>& index_option);

// The index this probity trusts whatever the command line and environment
// say: the build tree's for the build tree's binary, else the installed one.
// Another index (--index, $PROBITY_INDEX) may only add restrictions to it.
std::filesystem::path installed_index();

// The site options for reading `index`: the installed overlays, and those
// beside `index` as additions when it is not the installed index.
void set_vendor_roots(catalogue::SiteOptions& site, const std::filesystem::path& index);

// True when this process is the probity the build wrote (the build tree's
// bin/probity), not a copy installed elsewhere, even under the build tree as
// the package test installs one: only it uses the build tree's files.
bool running_from_build_tree();

// The lookup order, for --help: indented lines, each ending in a newline.
std::string index_lookup_description();

// The vendor overlays beside `index`: share/probity/vendors next to
// share/probity/probity.idx, and the source tree's catalogue/data/vendors for
// the build tree's index.
std::filesystem::path vendors_beside(const std::filesystem::path& index);

// For --help: where overlays, the policy and keys are looked for.
std::string site_lookup_description();

}  // namespace probity::cli
