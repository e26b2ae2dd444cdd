// The program to compile: -n's text, or -s FILE's, read only when FILE is a
// regular file of at most max_script_bytes (a FIFO would block, /dev/zero
// never end).
#pragma once

#include <cstddef>
#include <string>

#include "compile_command.hpp"
#include "probity/compiler/source.hpp"

namespace probity::cli {

// The largest script -s reads: 1 MiB, far beyond any hand-written program.
inline constexpr std::size_t max_script_bytes = 1024 * 1024;

// Throws CliError "cannot read script FILE: it is a directory" (or "...: it
// is a FIFO, not a regular file") before anything opens FILE.
void require_script_file(const std::string& file);

// The script in `file`; throws CliError for a file that is not regular or is
// over max_script_bytes.
compiler::SourceFile read_script(const std::string& file);

// The -n text, or the -s file's (read_script).
compiler::SourceFile read_source(const CompileCommandOptions& options);

}  // namespace probity::cli
