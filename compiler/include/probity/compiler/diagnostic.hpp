// Compiler diagnostics in the shape of a modern compiler:
//
//   script.d:3:14: error: event sched:sched_switch has no field "prev_pdi" [D_FIELD_UNKNOWN]
//       @[args->prev_pdi] = count();
//               ^~~~~~~~
//     hint: did you mean "prev_pid"? its fields are prev_comm, prev_pid, ...
//
// Every diagnostic carries a stable tag (like DTrace's D_ tags) that tests and
// the manual refer to; the list is in diagnostic_tags.hpp.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "probity/compiler/source.hpp"

namespace probity::compiler {

enum class Severity : std::uint8_t { Error, Warning, Note };
std::string_view to_string(Severity severity);

struct Diagnostic {
  Severity severity = Severity::Error;
  std::string tag;      // "D_FIELD_UNKNOWN"
  Span span;
  std::string message;  // one line, no trailing period
  std::string hint;     // what to do about it; "" if nothing useful to say
  std::vector<std::string> notes;  // further lines of context ("sched:sched_wakeup has it")
  // A diagnostic with details is a summary (a glob that leaves out probes):
  // without -v it is printed without its source line, and the details (one
  // line for each probe left out) are printed only with -v.
  std::vector<std::string> details;
};

struct RenderOptions {
  // Wrap the message, notes and hint to this many columns, continuation
  // lines indented (the first line keeps its "file:line:col: error: " prefix
  // for the tools that parse it); 0: each stays on one line.
  std::size_t width = 0;
  bool verbose = true;  // -v: a summary's source line and details too
};

// Renders the diagnostic with the file name, the source line and a caret
// under the span (tildes for the rest of it when it is on one line).
std::string render(const Diagnostic& diagnostic, const SourceFile& source, const RenderOptions& options = {});

// Collects diagnostics from all passes; passes keep going after an error
// where they can so several independent errors are reported in one run.
class Diagnostics {
 public:
  Diagnostic& error(std::string tag, Span span, std::string message, std::string hint = {});
  Diagnostic& warning(std::string tag, Span span, std::string message, std::string hint = {});
  void add(Diagnostic diagnostic);

  bool has_errors() const;
  std::size_t error_count() const;
  const std::vector<Diagnostic>& all() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

// Thrown where compilation cannot go on at all; carries what was found.
class CompileError : public std::runtime_error {
 public:
  explicit CompileError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace probity::compiler
