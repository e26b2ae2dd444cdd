// The compiler's entry point: D source and a target kernel's catalogue in,
// a verified Program (or diagnostics saying exactly why not) out.
//
// The pipeline, one pass a file under compiler/src/passes/:
//   parse -> options -> probe_expansion -> field_resolution -> desugaring
//         -> type_inference -> type_checking -> format_checking
//         -> stability -> policy -> filter_pushdown -> lowering
//         -> support_events
// passes.hpp says what each reads and fills.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "probity/catalogue/model.hpp"
#include "probity/compiler/diagnostic.hpp"
#include "probity/compiler/program.hpp"
#include "probity/compiler/source.hpp"
#include "probity/stability.hpp"

namespace probity::catalogue {
struct SitePolicy;  // probity/catalogue/site_policy.hpp
}  // namespace probity::catalogue

namespace probity::compiler {

struct CompileOptions {
  // -x name=value, in command-line order; they override #pragma D option.
  std::vector<std::pair<std::string, std::string>> options;
  std::vector<std::string> macro_arguments;  // $1, $2, ... from the command line
  std::string catalogue_hash;                // recorded in the Program
  // The site policy (/etc/probity/policy.yaml): what it forbids is
  // unreachable, like a forbidden probe, whatever the options say.
  const catalogue::SitePolicy* site_policy = nullptr;
};

struct CompileResult {
  std::optional<Program> program;     // set when there is no error
  std::vector<Diagnostic> diagnostics;  // errors and warnings, in source order
  bool ok() const { return program.has_value(); }
};

CompileResult compile(const SourceFile& source, const catalogue::Catalogue& catalogue,
                      const CompileOptions& options = {});

// DTrace's -v report: "Stability attributes for script FILE:" with the
// minimum probe description and statement attributes; per clause as well
// when `per_clause` (-e -v).
std::string stability_report(const Program& program, bool per_clause);

// The kernel filter of every event, as -v shows it.
std::string filter_report(const Program& program);

}  // namespace probity::compiler
