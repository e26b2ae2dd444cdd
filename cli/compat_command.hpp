// probity compat -s FILE | -n PROGRAM --kernel A --kernel B ... | --all [-f json]:
// will this program run on those kernel releases?
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace probity::cli {

// Returns 0 when the program runs on every release asked about, 1 when it
// does not run on one of them; throws UsageError/CliError.
int run_compat(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err);

std::string compat_usage();

}  // namespace probity::cli
