// probity manual --format md|man|html -o DIR: write the reference manual.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace probity::cli {

// `arguments` are those after "manual". Returns the exit status; throws CliError.
int run_manual(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err);

std::string manual_usage();

}  // namespace probity::cli
