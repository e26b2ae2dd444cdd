#include "script_source.hpp"

#include "cli_error.hpp"
#include "probity/io/files.hpp"
#include "probity/io/invoking_user.hpp"

namespace probity::cli {

void require_script_file(const std::string& file) {
  try {
    const io::AsInvokingUser as_user;
    io::require_regular_file(file, "script");
  } catch (const io::FileError& error) {
    throw CliError(error.what());
  }
}

compiler::SourceFile read_script(const std::string& file) {
  try {
    const io::AsInvokingUser as_user;
    return {file, io::read_regular_file(file, max_script_bytes, "script")};
  } catch (const io::FileError& error) {
    throw CliError(error.what());
  }
}

compiler::SourceFile read_source(const CompileCommandOptions& options) {
  if (options.program_text) return {"<command line>", *options.program_text};
  return read_script(*options.script_file);
}

}  // namespace probity::cli
