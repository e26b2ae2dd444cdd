#include "catalogue_command.hpp"

#include <algorithm>
#include <optional>
#include <ostream>
#include <system_error>

#include "cli_error.hpp"
#include "probity/catalogue/diagnostic.hpp"
#include "probity/catalogue/effective.hpp"
#include "probity/catalogue/harvest.hpp"
#include "probity/catalogue/index.hpp"
#include "probity/catalogue/yaml_io.hpp"

namespace probity::cli {
namespace {

namespace fs = std::filesystem;

struct Arguments {
  std::optional<std::string> source;
  std::optional<std::string> output;
};

// --source DIR, -o FILE (also --output, and the --name=value spellings).
Arguments parse(const std::vector<std::string>& arguments, const std::string& command, bool takes_source) {
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
    catalogue::write_index(catalogues, hash, *parsed.output);
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

bool running_from_build_tree() {
  std::error_code error;
  const fs::path executable = fs::canonical("/proc/self/exe", error);
  if (error) return false;
  const fs::path build_dir = fs::weakly_canonical(PROBITY_BUILD_DIR, error);
  if (error) return false;
  const auto [build_end, unused] = std::mismatch(build_dir.begin(), build_dir.end(), executable.begin(), executable.end());
  return build_end == build_dir.end();
}

int harvest(const std::vector<std::string>& arguments, std::ostream& out) {
  const Arguments parsed = parse(arguments, "harvest", false);
  fs::path directory;
  if (parsed.output) {
    directory = *parsed.output;
  } else if (running_from_build_tree()) {
    directory = fs::path(PROBITY_CATALOGUE_SOURCE_DIR) / "kernels";
  } else {
    throw UsageError("say where to write the snapshot: probity catalogue harvest -o DIR");
  }
  std::error_code error;
  if (!fs::is_directory(directory, error)) {
    throw CliError("cannot write the snapshot: " + directory.string() + " is not a directory");
  }
  const catalogue::KernelSnapshot snapshot = catalogue::harvest_live();
  const fs::path file = directory / (snapshot.release + ".yaml");
  catalogue::write_snapshot(snapshot, file);
  out << "probity: wrote " << file.string() << ": " << snapshot.events.size() << " events of " << snapshot.release
      << " (" << snapshot.machine << "); rebuild the index to use it (the build does, or: probity catalogue build)\n";
  return 0;
}

}  // namespace

std::string catalogue_usage() {
  return "usage: probity catalogue build --source DIR -o FILE\n"
         "       probity catalogue harvest [-o DIR]\n"
         "\n"
         "  build     compile the catalogue YAML under DIR (common.yaml, providers/, kernels/)\n"
         "            into the binary index FILE that probity reads at run time; every\n"
         "            problem in the YAML is reported as file:line:column: key: message\n"
         "  harvest   record the running kernel's tracepoints (read from tracefs, needs root)\n"
         "            as DIR/<release>.yaml; run from the build tree, DIR defaults to the\n"
         "            source tree's catalogue/data/kernels\n"
         "\n"
         "example: sudo probity catalogue harvest && cmake --build build\n";
}

int run_catalogue(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err) {
  if (arguments.empty()) throw UsageError("catalogue needs a command: build or harvest (probity catalogue --help)");
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
  if (command == "harvest") return harvest(arguments, out);
  throw UsageError("unknown catalogue command \"" + command + "\"; the commands are build and harvest");
}

}  // namespace probity::cli
