#include "probity/compiler/compile.hpp"

#include <algorithm>
#include <cstddef>
#include <tuple>

#include "probity/compiler/parse.hpp"
#include "passes/passes.hpp"

namespace probity::compiler {

CompileResult compile(const SourceFile& source, const catalogue::Catalogue& catalogue, const CompileOptions& options) {
  Diagnostics diagnostics;
  ast::Program tree = parse(source, diagnostics);
  CompileResult result;
  if (!diagnostics.has_errors() && tree.clauses.empty()) {
    diagnostics.error("D_EMPTY_PROGRAM", Span{}, "the program has no clause",
                      "a clause is a probe description and actions, e.g. sched:sched_switch { @[execname] = count(); }");
  }
  // Syntax errors stop compilation: checking a half-parsed program would
  // report errors that are only echoes of them.
  if (!diagnostics.has_errors()) {
    passes::Context context{source, catalogue, options, diagnostics, tree, {}, {}, {}, {}, {}, 0};
    passes::resolve_options(context);
    passes::expand_probes(context);
    passes::resolve_fields(context);
    passes::check_types(context);
    passes::collect_stability(context);
    passes::enforce_policy(context);
    if (!diagnostics.has_errors()) {
      passes::push_down_filters(context);
      result.program = passes::lower(context);
      passes::add_support_events(context, *result.program);
    }
  }
  result.diagnostics = diagnostics.all();
  std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.span.begin.line, a.span.begin.column) < std::tie(b.span.begin.line, b.span.begin.column);
  });
  // The type of something unknown or unavailable is a guess; a second error
  // on exactly the same text (printf("%s", copyinstr(p)), ...) is an echo of it.
  const auto guessed = [](const Diagnostic& d) {
    return d.severity == Severity::Error && (d.tag == "D_FUNC_UNAVAILABLE" || d.tag == "D_FUNC_UNKNOWN" ||
                                             d.tag == "D_IDENT_UNKNOWN" || d.tag == "D_FIELD_UNSUPPORTED");
  };
  for (std::size_t i = 1; i < result.diagnostics.size();) {
    const Diagnostic& previous = result.diagnostics[i - 1];
    const Diagnostic& current = result.diagnostics[i];
    if (guessed(previous) && current.severity == Severity::Error && current.span == previous.span) {
      result.diagnostics.erase(result.diagnostics.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      ++i;
    }
  }
  if (diagnostics.has_errors()) result.program.reset();
  return result;
}

}  // namespace probity::compiler
