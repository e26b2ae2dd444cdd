// probity -l [-v] [PATTERN...] [--kernel RELEASE]: the catalogue's probes.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "probity/catalogue/site.hpp"

namespace probity::cli {

struct ListOptions {
  std::vector<std::string> patterns;  // none: every probe
  bool verbose = false;
  std::optional<std::string> kernel;
  std::filesystem::path index;
  catalogue::SiteOptions site;  // --catalogue, --overlay
  // -p PID: the USDT probes of the files that process has mapped; patterns
  // are then PROVIDER:PROBE globs.
  std::optional<std::string> target_pid;
};

// Returns the exit status; throws CliError (and lets IndexError through).
int run_list(const ListOptions& options, std::ostream& out, std::ostream& err);

}  // namespace probity::cli
