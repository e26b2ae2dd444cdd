// Which catalogued kernel release a command works with.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "probity/catalogue/index.hpp"

namespace probity::cli {

// uname -r.
std::string running_release();

struct ReleaseChoice {
  std::string release;  // a release the index has
  std::string notice;   // one line for stderr when the choice needs saying, else ""
};

// `requested` (--kernel) is an exact release or a unique prefix ending at a
// component boundary ("6.18" for "6.18.44-fc-v657"). Without it: the running
// kernel's release when catalogued, else the newest catalogued one, with a
// notice. Throws CliError for an unknown or ambiguous release or an empty index.
ReleaseChoice choose_release(const catalogue::Index& index, const std::optional<std::string>& requested,
                             const std::string& running);

}  // namespace probity::cli
