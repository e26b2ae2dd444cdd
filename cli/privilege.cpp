#include "privilege.hpp"

#include <unistd.h>

#include <filesystem>
#include <string>

#include "cli_error.hpp"
#include "probity/catalogue/harvest.hpp"

namespace probity::cli {

void require_tracing_privilege() {
  namespace fs = std::filesystem;
  if (::geteuid() == 0) return;
  const std::string needs = "tracing needs root or write access to tracefs, and uid " + std::to_string(::geteuid());
  fs::path tracing;
  try {
    tracing = catalogue::tracing_dir();
  } catch (const catalogue::TracefsError&) {
    throw CliError(needs + " cannot read it; run probity as root (probity -l, -e, man and compat work without)");
  }
  if (::access((tracing / "instances").c_str(), W_OK) != 0) {
    throw CliError(needs + " cannot write " + (tracing / "instances").string() +
                   "; run probity as root (probity -l, -e, man and compat work without)");
  }
}

}  // namespace probity::cli
