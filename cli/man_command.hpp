// probity man PROBE: the probe's reference-manual entry in the terminal.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace probity::cli {

// `arguments` are those after "man". Returns the exit status; throws CliError.
int run_man(const std::vector<std::string>& arguments, std::ostream& out);

std::string man_usage();

}  // namespace probity::cli
