// probity sign --key PRIVATE.pem FILE... and probity keygen PRIVATE.pem PUBLIC.pem.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace probity::cli {

// `arguments` starts with "sign" or "keygen". Returns the exit status.
int run_sign(const std::vector<std::string>& arguments, std::ostream& out);

}  // namespace probity::cli
