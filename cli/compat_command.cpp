#include "compat_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <ostream>
#include <sstream>
#include <string_view>

#include "cli_error.hpp"
#include "script_source.hpp"
#include "progress.hpp"
#include "terminal_width.hpp"
#include "index_location.hpp"
#include "probity/io/invoking_user.hpp"
#include "probity/catalogue/host.hpp"
#include "probity/catalogue/index.hpp"
#include "probity/catalogue/site.hpp"
#include "probity/catalogue/site_policy.hpp"
#include "probity/compiler/compat.hpp"
#include "probity/compiler/object.hpp"
#include "probity/consumer/verify.hpp"
#include "probity/io/json.hpp"

namespace probity::cli {
namespace {

struct CompatOptions {
  std::optional<std::string> script_file;
  std::optional<std::string> program_text;
  std::vector<std::string> kernels;
  bool all = false;
  bool json = false;
  bool verbose = false;
  std::vector<std::pair<std::string, std::string>> options;
  std::vector<std::string> macro_arguments;
  std::optional<std::string> index;
  catalogue::SiteOptions site;  // --catalogue, --overlay
};

// What the verdicts are printed with: the vendor overlays applied to each
// release's catalogue, and what they said that did not apply.
struct ReleaseOverlays {
  std::vector<std::string> files;
  std::vector<catalogue::Diagnostic> notes;
};

CompatOptions parse(const std::vector<std::string>& arguments) {
  CompatOptions parsed;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    const std::string& argument = arguments[i];
    const auto value = [&](const std::string& name) -> std::string {
      if (argument.size() > name.size() && argument.starts_with(name + "=")) return argument.substr(name.size() + 1);
      if (argument.size() > 2 && name.size() == 2 && argument.starts_with(name)) return argument.substr(2);
      if (i + 1 >= arguments.size()) throw UsageError(name + " needs a value (probity compat --help)");
      return arguments[++i];
    };
    if (argument == "-s" || (argument.starts_with("-s") && argument.size() > 2)) {
      parsed.script_file = value("-s");
    } else if (argument == "-n" || (argument.starts_with("-n") && argument.size() > 2)) {
      parsed.program_text = value("-n");
    } else if (argument == "--kernel" || argument.starts_with("--kernel=")) {
      parsed.kernels.push_back(value("--kernel"));
    } else if (argument == "--all") {
      parsed.all = true;
    } else if (argument == "-f" || argument.starts_with("-f")) {
      const std::string format = value("-f");
      if (format != "json" && format != "text") throw UsageError("-f takes text or json, not \"" + format + "\"");
      parsed.json = format == "json";
    } else if (argument == "-x" || (argument.starts_with("-x") && argument.size() > 2)) {
      const std::string option = value("-x");
      const std::size_t equals = option.find('=');
      parsed.options.emplace_back(option.substr(0, equals), equals == std::string::npos ? "" : option.substr(equals + 1));
    } else if (argument == "-v") {
      parsed.verbose = true;
    } else if (argument == "--index" || argument.starts_with("--index=")) {
      parsed.index = value("--index");
    } else if (argument == "--catalogue" || argument.starts_with("--catalogue=")) {
      parsed.site.catalogue_dir = value("--catalogue");
    } else if (argument == "--overlay" || argument.starts_with("--overlay=")) {
      parsed.site.overlay_files.push_back(value("--overlay"));
    } else if (argument.starts_with("-") && argument != "-") {
      throw UsageError("unknown option \"" + argument + "\" for probity compat; see probity compat --help");
    } else {
      parsed.macro_arguments.push_back(argument);
    }
  }
  if (parsed.script_file.has_value() == parsed.program_text.has_value()) {
    throw UsageError("probity compat needs a program: -s FILE (a script or a compiled object) or -n PROGRAM");
  }
  if (parsed.kernels.empty() && !parsed.all) {
    throw UsageError("say which releases to check: --kernel RELEASE (repeatable) or --all");
  }
  return parsed;
}

std::size_t count_errors(const compiler::ReleaseVerdict& verdict) {
  std::size_t errors = verdict.problems.size();
  for (const auto& diagnostic : verdict.diagnostics) errors += diagnostic.severity == compiler::Severity::Error;
  return errors;
}

// Under the verdicts: which overlays each release was checked with.
void print_overlays(const std::vector<compiler::ReleaseVerdict>& verdicts, const std::vector<ReleaseOverlays>& overlays,
                    std::size_t width, bool verbose, std::ostream& out) {
  const bool any = std::any_of(overlays.begin(), overlays.end(), [](const ReleaseOverlays& applied) {
    return !applied.files.empty() || !applied.notes.empty();
  });
  if (!any) return;
  out << "\nvendor overlays applied:\n";
  for (std::size_t r = 0; r < verdicts.size(); ++r) {
    const std::string& release = verdicts[r].release;
    out << "  " << release << std::string(width - release.size() + 3, ' ');
    if (overlays[r].files.empty()) out << "none";
    for (std::size_t i = 0; i < overlays[r].files.size(); ++i) out << (i == 0 ? "" : ", ") << overlays[r].files[i];
    out << "\n";
    if (!verbose) continue;
    for (const catalogue::Diagnostic& note : overlays[r].notes) out << "    note: " << note.to_string() << "\n";
  }
}

void print_text(const std::string& name, const std::vector<compiler::ReleaseVerdict>& verdicts,
                const std::vector<ReleaseOverlays>& overlays, const compiler::SourceFile* source,
                const catalogue::SitePolicy* policy, bool verbose, std::ostream& out) {
  out << "probity compat: " << name << " on " << verdicts.size() << " kernel release"
      << (verdicts.size() == 1 ? "" : "s");
  if (policy != nullptr) out << ", held to the site policy " << policy->file.string();
  out << "\n\n";
  std::size_t width = 0;
  for (const auto& verdict : verdicts) width = std::max(width, verdict.release.size());
  for (const auto& verdict : verdicts) {
    const std::size_t errors = count_errors(verdict);
    const std::size_t warnings = verdict.diagnostics.size() - (errors - verdict.problems.size());
    out << "  " << verdict.release << std::string(width - verdict.release.size() + 3, ' ');
    if (verdict.runs) {
      out << "runs";
      if (warnings > 0) out << " (" << warnings << " warning" << (warnings == 1 ? "" : "s") << ")";
    } else {
      out << "does not run: " << errors << " problem" << (errors == 1 ? "" : "s");
    }
    out << "\n";
  }
  print_overlays(verdicts, overlays, width, verbose, out);
  for (const auto& verdict : verdicts) {
    if (verdict.runs && !verbose) continue;
    if (verdict.diagnostics.empty() && verdict.problems.empty()) continue;
    out << "\n" << verdict.release << ":\n";
    for (const auto& problem : verdict.problems) out << "  " << problem << "\n";
    for (const auto& diagnostic : verdict.diagnostics) {
      if (diagnostic.severity != compiler::Severity::Error && !verbose) continue;
      out << compiler::render(diagnostic, *source, {known_width(STDOUT_FILENO).value_or(0), verbose});
    }
  }
}

void print_json(const std::string& name, const std::vector<compiler::ReleaseVerdict>& verdicts,
                const std::vector<ReleaseOverlays>& overlays, const catalogue::SitePolicy* policy,
                std::ostream& out) {
  out << "{\"program\":" << io::json_string(name) << ",\"releases\":[";
  for (std::size_t r = 0; r < verdicts.size(); ++r) {
    const auto& verdict = verdicts[r];
    out << (r == 0 ? "" : ",") << "{\"release\":" << io::json_string(verdict.release)
        << ",\"runs\":" << (verdict.runs ? "true" : "false") << ",\"overlays\":[";
    for (std::size_t i = 0; i < overlays[r].files.size(); ++i) {
      out << (i == 0 ? "" : ",") << io::json_string(overlays[r].files[i]);
    }
    out << "],\"overlay_notes\":[";
    for (std::size_t i = 0; i < overlays[r].notes.size(); ++i) {
      out << (i == 0 ? "" : ",") << io::json_string(overlays[r].notes[i].to_string());
    }
    out << "],\"problems\":[";
    for (std::size_t p = 0; p < verdict.problems.size(); ++p) {
      out << (p == 0 ? "" : ",") << io::json_string(verdict.problems[p]);
    }
    out << "],\"diagnostics\":[";
    for (std::size_t d = 0; d < verdict.diagnostics.size(); ++d) {
      const auto& diagnostic = verdict.diagnostics[d];
      out << (d == 0 ? "" : ",") << "{\"severity\":" << io::json_string(compiler::to_string(diagnostic.severity))
          << ",\"tag\":" << io::json_string(diagnostic.tag) << ",\"line\":" << diagnostic.span.begin.line
          << ",\"column\":" << diagnostic.span.begin.column << ",\"message\":" << io::json_string(diagnostic.message)
          << ",\"hint\":" << io::json_string(diagnostic.hint) << "}";
    }
    out << "]}";
  }
  out << "],\"site_policy\":" << (policy != nullptr ? io::json_string(policy->file.string()) : "null") << "}\n";
}

}  // namespace

std::string compat_usage() {
  return "usage: probity compat -s FILE [ARG...] | -n PROGRAM  --kernel RELEASE [--kernel RELEASE ...] | --all\n"
         "                      [-x NAME=VALUE] [-f text|json] [-v] [--index FILE]\n"
         "                      [--catalogue DIR] [--overlay FILE ...]\n"
         "\n"
         "Will this program run on those kernel releases? A D script is compiled against\n"
         "each release's catalogue, exactly as probity -e --kernel RELEASE would: every\n"
         "probe, field, type and stability rule is checked, and each release that fails\n"
         "lists the errors with their place in the script (file:line:col), what is\n"
         "missing or changed, and what to do. A compiled object (-s FILE.pob) is checked\n"
         "for its exact event layouts: the probes it enables must exist in the release\n"
         "with the same fields at the same offsets, sizes and types.\n"
         "\n"
         "  --kernel RELEASE   a catalogued release, exact or a unique prefix (6.1, 6.18)\n"
         "  --all              every release the catalogue has\n"
         "  -f json            one JSON object: {program, releases: [{release, runs,\n"
         "                     overlays, overlay_notes, problems, diagnostics:\n"
         "                     [{severity, tag, line, column, message, hint}]}],\n"
         "                     site_policy}\n"
         "  -v                 also show warnings, releases where it runs, and what\n"
         "                     the overlays said that the release has no use for\n"
         "  --index FILE       the catalogue index to read (see probity --help)\n"
         "  --catalogue DIR    take the vendor overlays from DIR/vendors/<vendor>/\n"
         "  --overlay FILE     apply exactly this vendor overlay (repeatable)\n"
         "\n"
         "Exit status: 0 when it runs on every release asked about, 1 when it does not\n"
         "run on at least one (usable as a CI gate), 2 for a bad command line.\n"
         "\n"
         "The site policy in force ($PROBITY_POLICY, else /etc/probity/policy.yaml) holds\n"
         "on every release checked, as it does for probity -e --kernel RELEASE: a program\n"
         "using an event or field it forbids does not run anywhere from this host.\n"
         "\n"
         "Each release is checked with the vendor overlays chosen for it, as probity -l\n"
         "and man choose them (the vendor of /etc/os-release, or $PROBITY_OS_RELEASE,\n"
         "and each overlay's releases: patterns): a probe an overlay lowers below the\n"
         "threshold, or gives a hazard the program does not allow, fails on the releases\n"
         "that overlay covers and on no other. The output names the overlays applied to\n"
         "each release; under the site policy's require_signatures only those need a\n"
         "signature.\n"
         "\n"
         "example: probity compat -s runqlat.d --kernel 6.1 --kernel 6.12 --kernel 6.18\n";
}

int run_compat(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err) {
  for (const std::string& argument : arguments) {
    if (argument == "--help" || argument == "-h") {
      out << compat_usage();
      return 0;
    }
  }
  const CompatOptions options = parse(arguments);
  const std::filesystem::path index_file = locate_index(options.index);
  const catalogue::Index index = catalogue::Index::open(index_file);
  catalogue::SiteOptions site_options = options.site;
  set_vendor_roots(site_options, index_file);
  const catalogue::Site site = catalogue::load_site(site_options);
  const catalogue::SitePolicy* policy = site.policy ? &*site.policy : nullptr;
  std::vector<catalogue::ReleaseChoice> choices;
  if (options.all) {
    for (const std::string& release : index.releases()) choices.push_back({release, false});
  } else {
    const std::string running = catalogue::running_release();
    for (const std::string& kernel : options.kernels) choices.push_back(catalogue::choose_release(index, kernel, running));
  }
  std::vector<std::string> releases;
  for (const catalogue::ReleaseChoice& choice : choices) releases.push_back(choice.release);
  // Each overlay chosen for any of the releases is loaded (and, under
  // require_signatures, its signature checked) once; each release's
  // catalogue then takes those whose patterns match it.
  const std::vector<catalogue::Overlay> chosen = catalogue::load_overlays(site, releases);
  std::vector<ReleaseOverlays> overlays;
  const auto load = [&](const catalogue::ReleaseChoice& choice) {
    catalogue::HostCatalogue host = catalogue::host_catalogue(index, choice);
    if (!host.substitute_note.empty()) throw CliError(host.substitute_note);
    catalogue::Catalogue catalogue = std::move(host.catalogue);
    catalogue::restrict_by_installed(catalogue, index_file, installed_index(), policy != nullptr && policy->minimum);
    ReleaseOverlays applied;
    for (const catalogue::Overlay& overlay : chosen) catalogue::apply_overlay(catalogue, overlay, &applied.notes);
    applied.files = catalogue.overlays;
    overlays.push_back(std::move(applied));
    return catalogue;
  };

  Progress progress(err, STDERR_FILENO);
  std::size_t checked = 0;
  const auto show_progress = [&](const catalogue::ReleaseChoice& choice) {
    progress.show("probity compat: checking " + choice.release + " (" + std::to_string(++checked) + " of " +
                  std::to_string(choices.size()) + ")");
  };
  std::vector<compiler::ReleaseVerdict> verdicts;
  std::string name;
  std::optional<compiler::SourceFile> source;
  if (options.script_file) require_script_file(*options.script_file);
  if (options.script_file && compiler::looks_like_object(*options.script_file)) {
    const compiler::Program program = io::as_invoking_user([&] { return compiler::read_object(*options.script_file); });
    name = *options.script_file;
    for (const catalogue::ReleaseChoice& choice : choices) {
      show_progress(choice);
      const catalogue::Catalogue catalogue = load(choice);
      compiler::ReleaseVerdict verdict = compiler::check_object(program, catalogue, policy);
      if (policy != nullptr) {
        try {
          consumer::verify_site_policy(program, catalogue, *policy);
        } catch (const consumer::VerificationError& forbidden) {
          verdict.problems.emplace_back(forbidden.what());
          verdict.runs = false;
        }
      }
      verdicts.push_back(std::move(verdict));
    }
  } else {
    if (options.program_text) {
      source = compiler::SourceFile{"<command line>", *options.program_text};
    } else {
      source = read_script(*options.script_file);
    }
    name = source->name;
    compiler::CompileOptions compile_options;
    compile_options.options = options.options;
    compile_options.macro_arguments = options.macro_arguments;
    compile_options.catalogue_hash = index.content_hash();
    compile_options.site_policy = policy;
    for (const catalogue::ReleaseChoice& choice : choices) {
      show_progress(choice);
      verdicts.push_back(compiler::check_script(*source, load(choice), compile_options));
    }
  }
  progress.clear();
  if (options.json) {
    print_json(name, verdicts, overlays, policy, out);
  } else {
    print_text(name, verdicts, overlays, source ? &*source : nullptr, policy, options.verbose, out);
  }
  for (const auto& verdict : verdicts) {
    if (!verdict.runs) return exit_failure;
  }
  return 0;
}

}  // namespace probity::cli
