// probity -n PROGRAM | -s FILE [-e] [-v] [-o FILE] [-x opt=val] [--kernel R]:
// compile a D program against a catalogued kernel release.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "probity/catalogue/site.hpp"

namespace probity::cli {

struct CompileCommandOptions {
  std::optional<std::string> program_text;  // -n
  std::optional<std::string> script_file;   // -s
  std::vector<std::string> macro_arguments; // after -s FILE: $1, $2, ...
  std::vector<std::pair<std::string, std::string>> options;  // -x, -q
  bool compile_only = false;                // -e
  bool verbose = false;                     // -v
  bool quiet = false;                       // -q
  std::optional<std::string> output;        // -o
  std::optional<std::string> kernel;        // --kernel
  std::optional<std::string> command;       // -c: run under the program, $target
  std::optional<std::string> target_pid;    // -p: $target
  bool json_output = false;                 // -f json: the run's output as NDJSON
  std::optional<std::string> metrics;       // --metrics ADDR:PORT: aggregations for Prometheus
  std::filesystem::path index;
  catalogue::SiteOptions site;              // --catalogue, --overlay
};

// Returns the exit status; throws CliError for unusable input.
int run_compile(const CompileCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace probity::cli
