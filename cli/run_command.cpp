#include "run_command.hpp"

#include <signal.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>
#include <ostream>

#include "cli_error.hpp"
#include "output_stream.hpp"
#include "privilege.hpp"
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

int run_compiled(const compiler::Program& program, const CompileCommandOptions& options,
                 const catalogue::HostCatalogue& host, const catalogue::Site& site, std::ostream& out,
                 std::ostream& err) {
  require_tracing_privilege();
  if (!host.running || host.origin == catalogue::LayoutOrigin::Substitute) {
    throw CliError("internal: a trace needs the running kernel's own catalogue, not " + host.origin_text);
  }
  consumer::RunOptions run;
  run.catalogue = &host.catalogue;
  run.site_policy = site.policy;
  run.out = &out;
  run.err = &err;
  run.command = options.command;
  run.metrics_address = options.metrics;
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
  // What the program prints goes through a stream that remembers why a write
  // failed: a lost write ends the trace (torn down as ever) with an error.
  out.flush();
  const std::unique_ptr<OutputStream> output =
      options.output ? OutputStream::file(*options.output) : OutputStream::standard_output();
  run.out = output.get();
  int status = 0;
  try {
    status = consumer::run_program(program, run);
  } catch (const consumer::VerificationError& error) {
    throw CliError(error.what());
  }
  output->finish();
  return status;
}

}  // namespace probity::cli
