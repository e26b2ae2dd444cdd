#include "catalogue_command.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <optional>
#include <ostream>
#include <system_error>

#include "cli_error.hpp"
#include "notice.hpp"
#include "index_location.hpp"
#include "probity/io/invoking_user.hpp"
#include "probity/catalogue/diagnostic.hpp"
#include "probity/catalogue/diff.hpp"
#include "probity/catalogue/lint.hpp"
#include "probity/catalogue/effective.hpp"
#include "probity/catalogue/harvest.hpp"
#include "probity/catalogue/image_harvest.hpp"
#include "probity/catalogue/index.hpp"
#include "probity/catalogue/yaml_io.hpp"
#include "probity/manual/coverage.hpp"
#include "probity/catalogue/host.hpp"

namespace probity::cli {
namespace {

namespace fs = std::filesystem;

struct Arguments {
  std::optional<std::string> source;
  std::optional<std::string> output;
  std::optional<std::string> kernel_image;
  bool no_modules = false;
  std::optional<std::string> timeout;
  bool add = false;                    // harvest --add: into the index probity reads
  std::optional<std::string> index;    // --index FILE
};

// --source DIR, -o FILE (also --output, and the --name=value spellings).
Arguments parse(const std::vector<std::string>& arguments, const std::string& command, bool takes_source) {
  const bool harvesting = command == "harvest";
  Arguments parsed;
  for (std::size_t i = 1; i < arguments.size(); ++i) {
    const std::string& argument = arguments[i];
    const auto value = [&](const std::string& name) -> std::string {
      if (argument.size() > name.size() && argument.starts_with(name + "=")) return argument.substr(name.size() + 1);
      if (i + 1 >= arguments.size()) throw UsageError(name + " needs a value (probity catalogue " + command + " --help)");
      return arguments[++i];
    };
    if (takes_source && (argument == "--source" || argument.starts_with("--source="))) {
      parsed.source = value("--source");
    } else if (argument == "-o" || argument == "--output" || argument.starts_with("--output=")) {
      parsed.output = value(argument == "-o" ? "-o" : "--output");
    } else if (harvesting && (argument == "--kernel-image" || argument.starts_with("--kernel-image="))) {
      parsed.kernel_image = value("--kernel-image");
    } else if (harvesting && argument == "--add") {
      parsed.add = true;
    } else if (harvesting && (argument == "--index" || argument.starts_with("--index="))) {
      parsed.index = value("--index");
    } else if (harvesting && argument == "--no-modules") {
      parsed.no_modules = true;
    } else if (harvesting && (argument == "--timeout" || argument.starts_with("--timeout="))) {
      parsed.timeout = value("--timeout");
    } else {
      throw UsageError("unknown argument \"" + argument + "\" for probity catalogue " + command +
                       "; see probity catalogue --help");
    }
  }
  return parsed;
}

int build(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err) {
  const Arguments parsed = parse(arguments, "build", true);
  if (!parsed.source || !parsed.output) {
    throw UsageError("probity catalogue build needs --source DIR and -o FILE");
  }
  const fs::path source = *parsed.source;
  std::error_code error;
  if (!fs::is_directory(source, error)) {
    throw CliError("catalogue source directory " + source.string() + " does not exist");
  }
  try {
    const catalogue::CatalogueSources sources = catalogue::load_sources(source);
    const std::vector<catalogue::Catalogue> catalogues = catalogue::build_all_catalogues(sources);
    const std::string hash = catalogue::hash_sources(source);
    io::as_invoking_user([&] { catalogue::write_index(catalogues, catalogue::catalogue_docs(sources), hash, *parsed.output); });
    std::size_t events = 0;
    std::string releases;
    for (const catalogue::Catalogue& each : catalogues) {
      events += each.event_count();
      releases += (releases.empty() ? "" : ", ") + each.release;
    }
    out << "probity: wrote " << *parsed.output << ": " << catalogues.size() << " release"
        << (catalogues.size() == 1 ? "" : "s") << " (" << (releases.empty() ? "none" : releases) << "), "
        << events << " events, sources " << hash << "\n";
  } catch (const catalogue::CatalogueError& problems) {
    for (const catalogue::Diagnostic& diagnostic : problems.diagnostics()) err << diagnostic.to_string() << "\n";
    throw CliError("catalogue build failed: " + std::to_string(problems.diagnostics().size()) + " problem" +
                   (problems.diagnostics().size() == 1 ? "" : "s") + " in " + source.string());
  }
  return 0;
}

// --kernel-image PATH: boot the image under qemu and harvest it there.
catalogue::KernelSnapshot harvest_image(const Arguments& parsed, std::ostream& err) {
  catalogue::ImageHarvestOptions options;
  options.image = *parsed.kernel_image;
  options.load_modules = !parsed.no_modules;
  options.progress = &err;
  if (parsed.timeout) {
    std::size_t used = 0;
    long seconds = 0;
    try {
      seconds = std::stol(*parsed.timeout, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != parsed.timeout->size() || seconds <= 0) {
      throw UsageError("--timeout needs a number of seconds, not \"" + *parsed.timeout + "\"");
    }
    options.timeout = std::chrono::seconds(seconds);
  }
  try {
    return catalogue::harvest_kernel_image(options);
  } catch (const catalogue::ImageHarvestError& error) {
    if (!error.console().empty()) err << error.console();
    throw CliError(std::string(error.what()).substr(std::string_view("probity: ").size()));
  }
}

int harvest(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err) {
  const Arguments parsed = parse(arguments, "harvest", false);
  if (!parsed.kernel_image && (parsed.no_modules || parsed.timeout)) {
    throw UsageError("--no-modules and --timeout go with --kernel-image PATH");
  }
  if (parsed.index && !parsed.add) throw UsageError("--index goes with --add: probity catalogue harvest --add");
  fs::path directory;
  if (parsed.output) {
    directory = *parsed.output;
  } else if (running_from_build_tree() && !parsed.add) {
    directory = fs::path(PROBITY_CATALOGUE_SOURCE_DIR) / "kernels";
  } else if (!parsed.add) {
    throw UsageError("say where the snapshot goes: probity catalogue harvest --add (into the index probity "
                     "reads), or -o DIR (a YAML snapshot)");
  }
  if (!directory.empty()) {
    std::error_code error;
    io::as_invoking_user([&] { fs::create_directories(directory, error); });
    if (!fs::is_directory(directory)) {
      throw CliError("cannot write the snapshot: " + directory.string() + " is not a directory" +
                     (error ? " (" + error.message() + ")" : std::string()));
    }
  }
  const catalogue::KernelSnapshot snapshot =
      parsed.kernel_image ? harvest_image(parsed, err) : catalogue::harvest_live();
  const auto from_modules = std::count_if(snapshot.events.begin(), snapshot.events.end(),
                                          [](const catalogue::EventLayout& event) { return !event.module.empty(); });
  std::string what = std::to_string(snapshot.events.size()) + " events of " + snapshot.release + " (" +
                     snapshot.machine + ")";
  if (parsed.kernel_image) {
    what += ", " + std::to_string(from_modules) + " from modules, " + std::to_string(snapshot.failed_modules.size()) +
            " module" + (snapshot.failed_modules.size() == 1 ? "" : "s") + " failed to load";
  }
  if (!directory.empty()) {
    const fs::path file = directory / (snapshot.release + ".yaml");
    io::as_invoking_user([&] { catalogue::write_snapshot(snapshot, file); });
    out << "probity: wrote " << file.string() << ": " << what;
    out << (parsed.add ? "\n" : "; rebuild the index to use it (the build does, or: probity catalogue build)\n");
  }
  if (parsed.add) {
    const fs::path index_file = locate_index(parsed.index);
    // A named index is written with its namer's rights; the installed one
    // only by whoever may write it.
    if (parsed.index) {
      io::as_invoking_user([&] { catalogue::add_release_to_index(index_file, snapshot); });
    } else {
      catalogue::add_release_to_index(index_file, snapshot);
    }
    out << "probity: added " << what << " to the catalogue index " << index_file.string()
        << "; --kernel " << snapshot.release << " and compat now know it\n";
  }
  return 0;
}

// lint [--source DIR]: what must be fixed before the catalogue ships.
int lint(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err) {
  const Arguments parsed = parse(arguments, "lint", true);
  const fs::path source = parsed.source ? fs::path(*parsed.source) : fs::path(PROBITY_CATALOGUE_SOURCE_DIR);
  const catalogue::CatalogueSources sources = catalogue::load_sources(source);
  const std::vector<catalogue::Diagnostic> problems = catalogue::lint_catalogue(sources);
  for (const catalogue::Diagnostic& problem : problems) err << problem.to_string() << "\n";
  if (!problems.empty()) {
    throw CliError("catalogue lint: " + std::to_string(problems.size()) + " problem" + (problems.size() == 1 ? "" : "s") +
                   " in " + source.string());
  }
  out << "probity: catalogue " << source.string() << " is clean: " << sources.kernels.size() << " releases, "
      << sources.providers.size() << " documented providers\n";
  return 0;
}

// diff A B [PATTERN...] [--index FILE]: what changed between two releases.
int diff(const std::vector<std::string>& arguments, std::ostream& out) {
  std::optional<std::string> index_option;
  std::vector<std::string> releases;
  std::vector<catalogue::ProbePattern> patterns;
  for (std::size_t i = 1; i < arguments.size(); ++i) {
    const std::string& argument = arguments[i];
    if (argument == "--index" || argument.starts_with("--index=")) {
      if (argument.starts_with("--index=")) {
        index_option = argument.substr(8);
      } else if (i + 1 < arguments.size()) {
        index_option = arguments[++i];
      } else {
        throw UsageError("--index needs a file");
      }
    } else if (argument.starts_with("-")) {
      throw UsageError("unknown argument \"" + argument + "\" for probity catalogue diff; see probity catalogue --help");
    } else if (releases.size() < 2) {
      releases.push_back(argument);
    } else {
      std::string error;
      const auto pattern = catalogue::ProbePattern::parse(argument, &error);
      if (!pattern) throw UsageError(error);
      patterns.push_back(*pattern);
    }
  }
  if (releases.size() != 2) throw UsageError("probity catalogue diff needs two releases: probity catalogue diff A B [PATTERN...]");
  const catalogue::Index index = catalogue::Index::open(locate_index(index_option));
  const catalogue::Catalogue from = catalogue::host_catalogue(index, releases[0]).catalogue;
  const catalogue::Catalogue to = catalogue::host_catalogue(index, releases[1]).catalogue;
  out << catalogue::to_text(catalogue::diff_catalogues(from, to, patterns));
  return 0;
}

// stats [--kernel RELEASE] [-f text|json] [--index FILE]: how much is documented.
int stats(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err) {
  std::optional<std::string> index_option;
  std::optional<std::string> kernel;
  bool json = false;
  for (std::size_t i = 1; i < arguments.size(); ++i) {
    const std::string& argument = arguments[i];
    const auto value = [&](const std::string& name) -> std::string {
      if (argument.starts_with(name + "=")) return argument.substr(name.size() + 1);
      if (i + 1 >= arguments.size()) throw UsageError(name + " needs a value (probity catalogue --help)");
      return arguments[++i];
    };
    if (argument == "--index" || argument.starts_with("--index=")) {
      index_option = value("--index");
    } else if (argument == "--kernel" || argument.starts_with("--kernel=")) {
      kernel = value("--kernel");
    } else if (argument == "-f" || argument == "--format" || argument.starts_with("--format=")) {
      const std::string format = value(argument == "-f" ? "-f" : "--format");
      if (format != "json" && format != "text") throw UsageError("-f takes text or json, not \"" + format + "\"");
      json = format == "json";
    } else {
      throw UsageError("unknown argument \"" + argument + "\" for probity catalogue stats; see probity catalogue --help");
    }
  }
  const catalogue::Index index = catalogue::Index::open(locate_index(index_option));
  const catalogue::HostCatalogue host = catalogue::host_catalogue(index, kernel);
  if (!host.substitute_note.empty()) notice(err, "note: " + host.substitute_note);
  const manual::Coverage coverage = manual::coverage(host.catalogue);
  out << (json ? manual::to_json(coverage) : manual::to_text(coverage));
  return 0;
}

}  // namespace

std::string catalogue_usage() {
  return "usage: probity catalogue build --source DIR -o FILE\n"
         "       probity catalogue harvest --add [--index FILE] [-o DIR]\n"
         "       probity catalogue harvest [-o DIR]\n"
         "       probity catalogue harvest --kernel-image PATH [--no-modules] [--timeout SECONDS] [-o DIR]\n"
         "       probity catalogue diff RELEASE_A RELEASE_B [PATTERN...] [--index FILE]\n"
         "       probity catalogue lint [--source DIR]\n"
         "       probity catalogue stats [--kernel RELEASE] [-f text|json] [--index FILE]\n"
         "\n"
         "  build     compile the catalogue YAML under DIR (common.yaml, providers/, kernels/)\n"
         "            into the binary index FILE that probity reads at run time; every\n"
         "            problem in the YAML is reported as file:line:column: key: message\n"
         "  harvest   record the running kernel's tracepoints (read from tracefs, needs root)\n"
         "            as DIR/<release>.yaml (DIR is created); run from the build tree, DIR\n"
         "            defaults to the source tree's catalogue/data/kernels\n"
         "  harvest --add\n"
         "            add the running kernel (or --kernel-image's) to the index probity reads\n"
         "            (or --index FILE) as a catalogued release, described by the index's own\n"
         "            docs: one command, no copy of the catalogue tree. probity already\n"
         "            catalogues the running kernel by itself (from its tracefs, cached in\n"
         "            /var/cache/probity); --add makes the release part of a site catalogue\n"
         "            for compat, diff and --kernel on other machines\n"
         "  harvest --kernel-image PATH\n"
         "            record the tracepoints of a kernel that is not running: PATH is a\n"
         "            vmlinuz or a Debian linux-image-*.deb; the kernel boots under qemu\n"
         "            (TCG, no KVM needed) with a generated busybox initramfs that loads\n"
         "            every module of the package defining trace events (--no-modules:\n"
         "            built-in events only); events from modules carry module:, modules\n"
         "            that would not load are listed under failed_modules:; takes about\n"
         "            30 s, or 2 to 4 min with modules (--timeout, default 900 s); needs\n"
         "            qemu-system-x86, busybox-static, tar and, for a .deb, dpkg-deb\n"
         "  lint      check the catalogue sources (default: the source tree's catalogue/data)\n"
         "            before shipping them: a Stable or Standard event or field that disappears\n"
         "            or changes type, size or signedness between consecutive releases needs a\n"
         "            successor: or a layout_changes: entry saying why; apparent renames\n"
         "            (fl_type -> type) need successor:; hazards need a reason and a reference\n"
         "  diff      what changed in the tracepoints from release A to release B (exact\n"
         "            names or unique prefixes such as 6.1 and 6.18): events added (+) and\n"
         "            removed (-), and for events in both (~) every field added, removed,\n"
         "            retyped, resized or moved, per provider, with totals; PATTERNs\n"
         "            (sched:*, 'block:block_rq_*') restrict it to some probes\n"
         "  stats     how much of a release the catalogue documents: per provider and in\n"
         "            total, events documented by a provider doc and fields that have a\n"
         "            description (default release: the running kernel); -f json prints one\n"
         "            JSON object\n"
         "\n"
         "example: sudo probity catalogue harvest --add\n"
         "         sudo probity catalogue harvest && cmake --build build\n"
         "         probity catalogue diff 6.1 6.18 'sched:*'\n"
         "         apt-get download linux-image-6.1.0-56-amd64 &&\n"
         "           probity catalogue harvest --kernel-image linux-image-6.1.0-56-amd64_*.deb\n";
}

int run_catalogue(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err) {
  if (arguments.empty()) throw UsageError("catalogue needs a command: build, harvest, diff, lint or stats (probity catalogue --help)");
  const std::string& command = arguments.front();
  if (command == "--help" || command == "-h" || command == "help") {
    out << catalogue_usage();
    return 0;
  }
  for (const std::string& argument : arguments) {
    if (argument == "--help" || argument == "-h") {
      out << catalogue_usage();
      return 0;
    }
  }
  if (command == "build") return build(arguments, out, err);
  if (command == "harvest") return harvest(arguments, out, err);
  if (command == "diff") return diff(arguments, out);
  if (command == "lint") return lint(arguments, out, err);
  if (command == "stats") return stats(arguments, out, err);
  throw UsageError("unknown catalogue command \"" + command + "\"; the commands are build, harvest, diff, lint and stats");
}

}  // namespace probity::cli
