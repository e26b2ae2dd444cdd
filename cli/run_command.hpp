// Running a compiled program (probity -n/-s without -e): the consumer's
// runner with the command line's -o, -c and -p.
#pragma once

#include <iosfwd>

#include "compile_command.hpp"
#include "probity/catalogue/host.hpp"
#include "probity/catalogue/site.hpp"
#include "probity/compiler/program.hpp"

namespace probity::cli {

// Returns the program's exit status; throws CliError when it cannot run
// (verification failure against the running kernel's catalogue `host`, its
// vendor overlays applied, and `site`'s policy; no privilege to trace; bad
// -p; unwritable -o).
int run_compiled(const compiler::Program& program, const CompileCommandOptions& options,
                 const catalogue::HostCatalogue& host, const catalogue::Site& site, std::ostream& out,
                 std::ostream& err);

}  // namespace probity::cli
