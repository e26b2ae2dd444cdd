// The catalogue of the running kernel, as probity itself sees it
// (catalogue/host.hpp): the build index's release when it has one, else the
// kernel's own tracefs layouts described by the index's docs. Tests compile
// against what this machine really has, catalogued or not.
#pragma once

#include <optional>

#include "probity/catalogue/host.hpp"
#include "probity/catalogue/index.hpp"

namespace probity::test_support {

// nullopt only when neither the index nor tracefs can describe the running
// kernel (not root and no cache): callers that need tracefs skip before.
inline std::optional<catalogue::Catalogue> running_kernel_catalogue() {
  const catalogue::Index index = catalogue::Index::open(PROBITY_INDEX_FILE);
  catalogue::HostCatalogue host = catalogue::host_catalogue(index, std::nullopt);
  if (host.origin == catalogue::LayoutOrigin::Substitute) return std::nullopt;
  return std::move(host.catalogue);
}

}  // namespace probity::test_support
