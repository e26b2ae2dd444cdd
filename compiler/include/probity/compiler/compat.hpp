// Will this program run there? A script is compiled against each release's
// catalogue; a compiled object's events are checked against each release's
// layouts. Probity's answer to bpftrace's tools/old/: know before deploying.
#pragma once

#include <string>
#include <vector>

#include "probity/catalogue/model.hpp"
#include "probity/catalogue/site_policy.hpp"
#include "probity/compiler/compile.hpp"
#include "probity/compiler/diagnostic.hpp"
#include "probity/compiler/program.hpp"
#include "probity/compiler/source.hpp"

namespace probity::compiler {

struct ReleaseVerdict {
  std::string release;
  bool runs = false;                    // compiles (script) or every layout matches (object)
  std::vector<Diagnostic> diagnostics;  // errors and warnings for a script
  std::vector<std::string> problems;    // for an object: "sched:sched_stat_runtime: field vruntime is missing"
};

ReleaseVerdict check_script(const SourceFile& source, const catalogue::Catalogue& catalogue,
                            const CompileOptions& options);

// The object against another release's catalogue, judged as the consumer
// judges it (admission.hpp: every event, field and filter by name, hazards
// and stability re-derived from the release's catalogue, `site` when given),
// and the exact layouts it was compiled against against the release's.
ReleaseVerdict check_object(const Program& program, const catalogue::Catalogue& catalogue,
                            const catalogue::SitePolicy* site = nullptr);

}  // namespace probity::compiler
