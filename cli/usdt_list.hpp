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

// The USDT descriptions that list process `pid`'s probes: one `usdt:FILE`
// (or `usdt:FILE:PROBE_PATTERN` for each of `probe_patterns`, "PROVIDER:PROBE"
// globs) per executable file it has mapped, the program and its libraries,
// as the process sees them (through /proc/PID/root when this process's
// mount namespace has no such file). Read with the invoking user's rights.
// Throws CliError when the process cannot be read.
std::vector<std::string> usdt_patterns_of_process(const std::string& pid,
                                                  const std::vector<std::string>& probe_patterns);

}  // namespace probity::cli
