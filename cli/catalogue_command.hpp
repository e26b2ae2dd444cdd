// probity catalogue build|harvest: compiling the index, harvesting the running kernel.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace probity::cli {

// `arguments` are those after "catalogue". Returns the exit status; throws CliError.
int run_catalogue(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err);

std::string catalogue_usage();

}  // namespace probity::cli
