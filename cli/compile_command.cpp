#include "compile_command.hpp"

#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

#include "cli_error.hpp"
#include "notice.hpp"
#include "probity/io/invoking_user.hpp"
#include "probity/catalogue/index.hpp"
#include "probity/compiler/admission.hpp"
#include "probity/compiler/compile.hpp"
#include "probity/compiler/object.hpp"
#include "run_command.hpp"
#include "terminal_width.hpp"
#include "script_source.hpp"
#include "index_location.hpp"
#include "privilege.hpp"
#include "probity/catalogue/host.hpp"
#include "probity/catalogue/site.hpp"

namespace probity::cli {
namespace {

// The probes the program's clauses enable: support events no clause names
// are Probity's own.
std::size_t probe_count(const compiler::Program& program) {
  std::vector<bool> named(program.events.size());
  std::size_t count = 0;
  for (const auto& clause : program.clauses) {
    for (const auto& probe : clause.probes) {
      if (probe.kind != compiler::ProbeKind::Tracepoint) {
        ++count;
      } else if (probe.event < named.size() && !named[probe.event]) {
        named[probe.event] = true;
        ++count;
      }
    }
  }
  for (std::size_t e = 0; e < program.events.size(); ++e) count += !named[e] && !program.events[e].support ? 1 : 0;
  return count;
}

}  // namespace

int run_compile(const CompileCommandOptions& options, std::ostream& out, std::ostream& err) {
  // Before compiling: a trace this process may not start is one line, not a compile report and then a refusal.
  if (!options.compile_only) require_tracing_privilege();
  const catalogue::Site site = catalogue::load_site(options.site);
  const catalogue::Index index = catalogue::Index::open(options.index);
  // The running kernel's catalogue, which every trace is checked against.
  const auto bound_host = [&](const std::optional<std::string>& kernel) {
    catalogue::HostCatalogue host;
    catalogue::bound_host_catalogue(host, index, options.index, installed_index(),
                                    catalogue::choose_release(index, kernel, catalogue::running_release()), site);
    return host;
  };
  const auto running_host = [&] { return bound_host(std::nullopt); };
  if (options.script_file) require_script_file(*options.script_file);
  if (options.script_file && compiler::looks_like_object(*options.script_file)) {
    require_signature(site, *options.script_file);
    compiler::Program program = io::as_invoking_user([&] { return compiler::read_object(*options.script_file); });
    if (options.compile_only && !options.verbose) return 0;
    const catalogue::HostCatalogue host = running_host();
    // What -v reports (and the run is held to) is the host catalogue's word
    // on stability and hazards, never the object's.
    compiler::restate_stability(program, host.catalogue);
    if (options.verbose) {
      out << compiler::stability_report(program, options.compile_only) << "\n" << compiler::filter_report(program);
    }
    if (options.compile_only) return 0;
    // -q only takes output away, so it applies to an object as to a script.
    if (options.quiet) program.settings.quiet = true;
    if (!options.quiet) {
      const std::size_t count = probe_count(program);
      err << "probity: object '" << *options.script_file << "' enables " << count << " probe"
          << (count == 1 ? "" : "s") << " (compiled for kernel " << program.catalogue_release << ")\n";
    }
    return run_compiled(program, options, host, site, out, err);
  }
  const compiler::SourceFile source = read_source(options);
  const catalogue::HostCatalogue host = bound_host(options.kernel);
  if (!host.substitute_note.empty()) notice(err, "note: " + host.substitute_note);
  if (options.verbose) {
    notice(err, "kernel " + host.catalogue.release + (host.running ? " (running)" : "") + ": layouts from " +
                    host.origin_text);
  }
  const catalogue::Catalogue& catalogue = host.catalogue;

  compiler::CompileOptions compile_options;
  compile_options.options = options.options;
  compile_options.macro_arguments = options.macro_arguments;
  compile_options.catalogue_hash = index.content_hash();
  if (site.policy) compile_options.site_policy = &*site.policy;
  const compiler::CompileResult result = compiler::compile(source, catalogue, compile_options);
  std::size_t errors = 0;
  // Wrapped for a reader (a terminal, or $COLUMNS); one line each for a
  // tool reading a pipe.
  for (const compiler::Diagnostic& diagnostic : result.diagnostics) {
    err << compiler::render(diagnostic, source, {known_width(STDERR_FILENO).value_or(0), options.verbose});
    errors += diagnostic.severity == compiler::Severity::Error ? 1 : 0;
  }
  if (!result.ok()) {
    err << "probity: " << errors << " error" << (errors == 1 ? "" : "s") << " in " << source.name << "\n";
    return exit_failure;
  }
  const compiler::Program& program = *result.program;
  const bool compiled_for_this_kernel = host.running && host.origin != catalogue::LayoutOrigin::Substitute;
  // As dtrace, `#pragma D option quiet` silences this line as -q does. A run
  // on the running kernel says it in dtrace's words; a check (-e, --kernel)
  // names the kernel it checked against.
  if (!options.quiet && !program.settings.quiet) {
    const std::size_t count = probe_count(program);
    err << "probity: " << (options.program_text ? "description" : "script") << " '" << source.name << "' matched "
        << count << " probe" << (count == 1 ? "" : "s");
    if (options.compile_only || !compiled_for_this_kernel) err << " of kernel " << program.catalogue_release;
    err << "\n";
  }
  if (options.verbose) {
    out << compiler::stability_report(program, options.compile_only) << "\n" << compiler::filter_report(program);
  }
  if (options.compile_only) {
    if (options.output) io::as_invoking_user([&] { compiler::write_object(program, *options.output); });
    return 0;
  }
  return run_compiled(program, options, compiled_for_this_kernel ? host : running_host(), site, out, err);
}

}  // namespace probity::cli
