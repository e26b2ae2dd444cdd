// Running a compiled program on the live kernel (DTrace's dtrace_go and
// consume loop): verify every event, enable them in a private tracefs
// instance, run BEGIN, interpret each record's clauses until exit(), a stop
// signal or the end of the traced command, then END, print the aggregations
// and report every loss.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "probity/catalogue/model.hpp"
#include "probity/catalogue/site_policy.hpp"
#include "probity/compiler/program.hpp"

namespace probity::consumer {

// What the program's output looks like: DTrace's text, or newline-delimited
// JSON (one object per record; see consumer/src/json_output.hpp).
enum class OutputKind { Text, Json };

struct RunOptions {
  // The running kernel's effective catalogue, vendor overlays applied
  // (catalogue/host.hpp, site.hpp): every event and field is checked against
  // it (required).
  const catalogue::Catalogue* catalogue = nullptr;
  std::filesystem::path tracing{};        // the tracefs mount; empty: found (and mounted) as needed
  std::ostream* out = nullptr;            // what the program prints (required)
  std::ostream* err = nullptr;            // notices, drops, run-time errors (required)
  std::optional<pid_t> target_pid;        // -p PID: $target, and the run ends when it exits
  std::optional<std::string> command;     // -c CMD: its words exec'd once tracing is on; $target
  OutputKind format = OutputKind::Text;   // -f
  bool verbose = false;                   // -v: every tracefs fallback and the trace clock, on err
  std::optional<catalogue::SitePolicy> site_policy;  // checked again before anything is enabled
  // --metrics ADDR:PORT: serve the aggregations to Prometheus while the
  // program runs (HOST:PORT, [IPv6]:PORT, :PORT).
  std::optional<std::string> metrics_address;
};

// Returns the exit status: exit()'s argument, 0 when ended by a signal or the
// target's exit. Throws VerificationError (verify.hpp) before enabling
// anything when the program does not fit the running kernel or the local
// catalogue, and TracefsError / TracefsOperationError for tracefs failures.
int run_program(const compiler::Program& program, const RunOptions& options);

}  // namespace probity::consumer
