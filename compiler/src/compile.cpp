#include "probity/compiler/compile.hpp"

#include <algorithm>
#include <cstddef>
#include <tuple>

#include "probity/catalogue/sdt_notes.hpp"
#include "probity/catalogue/usdt_catalogue.hpp"
#include "probity/compiler/parse.hpp"
#include "passes/passes.hpp"

namespace probity::compiler {

namespace {

// The host catalogue plus the USDT probes of the binaries the program names
// (usdt_catalogue.hpp), so that every pass sees them as catalogue events;
// nullopt when it names none, or when a binary cannot be read (reported).
std::optional<catalogue::Catalogue> with_named_usdt_probes(const ast::Program& tree, const catalogue::Catalogue& host,
                                                           Diagnostics& diagnostics) {
  std::vector<std::filesystem::path> binaries;
  for (const ast::Clause& clause : tree.clauses) {
    for (const ast::ProbeDescription& description : clause.probes) {
      if (description.kind != ast::ProbeKind::Tracepoint || !catalogue::UsdtPattern::is_usdt(description.text)) continue;
      const auto pattern = catalogue::UsdtPattern::parse(description.text);
      if (!pattern) continue;  // probe expansion reports it
      try {
        const std::filesystem::path binary = catalogue::resolve_usdt_binary(pattern->path);
        if (std::find(binaries.begin(), binaries.end(), binary) == binaries.end()) binaries.push_back(binary);
      } catch (const catalogue::SdtError& error) {
        diagnostics.error("D_PROBE_NOMATCH", description.span, error.what(),
                          "name the binary or library by its path; probity -l 'usdt:PATH' lists its probes");
      }
    }
  }
  if (binaries.empty()) return std::nullopt;
  try {
    return catalogue::with_usdt_probes(host, binaries);
  } catch (const catalogue::SdtError& error) {
    diagnostics.error("D_PROBE_UNSUPPORTED", Span{}, error.what(), "");
    return std::nullopt;
  }
}

}  // namespace

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
    const std::optional<catalogue::Catalogue> with_usdt = with_named_usdt_probes(tree, catalogue, diagnostics);
    passes::Context context{source, with_usdt ? *with_usdt : catalogue, options, diagnostics, tree, {}, {}, {}, {}, {}, 0, {}};
    passes::resolve_options(context);
    passes::expand_probes(context);
    passes::resolve_fields(context);
    passes::desugar(context);
    passes::infer_types(context);
    passes::check_types(context);
    passes::check_formats(context);
    passes::check_constant_operands(context);
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
