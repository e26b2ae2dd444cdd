// Running a compiled program (probity -n/-s without -e): the consumer's
// runner with the command line's -o, -c and -p.
#pragma once

#include <iosfwd>

#include "compile_command.hpp"
#include "probity/compiler/program.hpp"

namespace probity::cli {

// Returns the program's exit status; throws CliError when it cannot run
// (verification failure, bad -p, unwritable -o).
int run_compiled(const compiler::Program& program, const CompileCommandOptions& options, std::ostream& out,
                 std::ostream& err);

}  // namespace probity::cli
