// probity -l [-v] 'usdt:PATH:...': the USDT probes of a binary or library.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace probity::cli {

// Whether a -l pattern names USDT probes (catalogue::UsdtPattern::is_usdt).
bool is_usdt_pattern(const std::string& text);

// Lists the probes the patterns match, grouped by file, provider and probe
// name, every site of one probe together; `verbose` adds each site's
// offsets, semaphore and arguments. Returns the exit status; throws CliError.
int run_usdt_list(const std::vector<std::string>& patterns, bool verbose, std::ostream& out);

}  // namespace probity::cli
