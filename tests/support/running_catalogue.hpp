// The catalogue of the running kernel from the build's index, for tests that
// compile against what this machine really has.
#pragma once

#include <sys/utsname.h>

#include <optional>

#include "probity/catalogue/index.hpp"

namespace probity::test_support {

// nullopt when the index has no catalogue of the running release.
inline std::optional<catalogue::Catalogue> running_kernel_catalogue() {
  struct utsname names {};
  if (::uname(&names) != 0) return std::nullopt;
  const catalogue::Index index = catalogue::Index::open(PROBITY_INDEX_FILE);
  if (!index.has_release(names.release)) return std::nullopt;
  return index.load(names.release);
}

}  // namespace probity::test_support
