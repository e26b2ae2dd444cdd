#include "run_command.hpp"

#include <signal.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <ostream>

#include "cli_error.hpp"
#include "release_choice.hpp"
#include "probity/consumer/runner.hpp"
#include "probity/consumer/verify.hpp"

namespace probity::cli {
namespace {

bool reads_target(const compiler::Program& program) {
  for (const compiler::Clause& clause : program.clauses) {
    for (const compiler::Node& node : clause.nodes) {
      if (node.op == compiler::Op::Builtin && node.symbol == static_cast<std::uint32_t>(compiler::Builtin::Target)) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

int run_compiled(const compiler::Program& program, const CompileCommandOptions& options, const Site& site,
                 std::ostream& out, std::ostream& err) {
  require_tracing_privilege();
  consumer::RunOptions run;
  // The runner applies them to the running kernel's catalogue, or to the
  // program's release when the index lacks the running one.
  run.overlays = load_overlays(site, {running_release(), program.catalogue_release});
  run.site_policy = site.policy;
  run.index = options.index;
  run.out = &out;
  run.err = &err;
  run.command = options.command;
  run.verbose = options.verbose;
  run.format = options.json_output ? consumer::OutputKind::Json : consumer::OutputKind::Text;
  if (options.target_pid) {
    pid_t pid = 0;
    const std::string& text = *options.target_pid;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), pid);
    if (error != std::errc() || end != text.data() + text.size() || pid <= 0) {
      throw UsageError("-p needs a process id, not \"" + text + "\"");
    }
    if (::kill(pid, 0) != 0 && errno == ESRCH) throw CliError("-p " + text + ": no such process");
    run.target_pid = pid;
  }
  if (reads_target(program) && !options.command && !options.target_pid) {
    throw UsageError("the program reads $target: give the process with -c CMD or -p PID");
  }
  std::ofstream file;
  if (options.output) {
    file.open(*options.output, std::ios::out | std::ios::trunc);
    if (!file) throw CliError("cannot write " + *options.output + ": " + std::strerror(errno));
    run.out = &file;
  }
  try {
    return consumer::run_program(program, run);
  } catch (const consumer::VerificationError& error) {
    throw CliError(error.what());
  }
}

}  // namespace probity::cli
