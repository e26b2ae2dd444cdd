#include "man_command.hpp"

#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <ostream>
#include <stdexcept>

#include "cli_error.hpp"
#include "terminal_width.hpp"
#include "index_location.hpp"
#include "probity/catalogue/host.hpp"
#include "probity/catalogue/index.hpp"
#include "probity/catalogue/site.hpp"
#include "probity/manual/manual.hpp"

namespace probity::cli {

std::string man_usage() {
  return "usage: probity man PROBE [--kernel RELEASE] [--index FILE] [--catalogue DIR] [--overlay FILE]\n"
         "       probity man D_TAG\n"
         "\n"
         "Prints the probe's entry of the reference manual: its description, its\n"
         "stability in DTrace's shape with where each component comes from, its hazard,\n"
         "the catalogued releases that have it (built in or from a module), every field\n"
         "as a C declaration with its stability and meaning, the fields that changed or\n"
         "disappeared from one release to the next, and an example program. The vendor\n"
         "overlays in force for that release apply, as for probity -l: the entry shows\n"
         "the vendor's stability components (marked \"(vendor)\"), hazards and support,\n"
         "and names the overlays.\n"
         "\n"
         "  PROBE              one probe: sched:sched_switch, sched:::sched_switch,\n"
         "                     tracepoint:sched:sched_switch, or sched_switch when only\n"
         "                     one provider has an event of that name\n"
         "  D_TAG              a compiler diagnostic's tag (D_HAZARD_HOT): what it means,\n"
         "                     an example with its message, and the fix; the man page\n"
         "                     probity-diagnostics(7) has every tag\n"
         "  --kernel RELEASE   describe the probe as that catalogued release does (exact\n"
         "                     or a unique prefix such as 6.1); default: the running\n"
         "                     kernel's release when catalogued, else the newest release\n"
         "                     that has the probe\n"
         "  --index FILE       the catalogue index to read (see probity --help)\n"
         "  --catalogue DIR    take the vendor overlays from DIR/vendors/<vendor>/\n"
         "  --overlay FILE     apply exactly this vendor overlay (repeatable)\n"
         "\n"
         "It reads only the catalogue index, the vendor overlays and the site policy\n"
         "(which may require signed overlays): no root, no tracefs. Text is wrapped to\n"
         "$COLUMNS columns, else the terminal's width, else 80. probity manual writes\n"
         "the whole manual.\n"
         "Exit status: 0 success, 1 unknown probe, 2 bad command line.\n";
}

int run_man(const std::vector<std::string>& arguments, std::ostream& out) {
  std::optional<std::string> index_option;
  std::optional<std::string> kernel;
  std::optional<std::string> probe;
  catalogue::SiteOptions site_options;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    const std::string& argument = arguments[i];
    const auto value = [&](const std::string& name) -> std::string {
      if (argument.starts_with(name + "=")) return argument.substr(name.size() + 1);
      if (i + 1 >= arguments.size()) throw UsageError(name + " needs a value (probity man --help)");
      return arguments[++i];
    };
    if (argument == "--help" || argument == "-h") {
      out << man_usage();
      return 0;
    }
    if (argument == "--index" || argument.starts_with("--index=")) {
      index_option = value("--index");
    } else if (argument == "--kernel" || argument.starts_with("--kernel=")) {
      kernel = value("--kernel");
    } else if (argument == "--catalogue" || argument.starts_with("--catalogue=")) {
      site_options.catalogue_dir = value("--catalogue");
    } else if (argument == "--overlay" || argument.starts_with("--overlay=")) {
      site_options.overlay_files.push_back(value("--overlay"));
    } else if (argument.starts_with("-") && argument.size() > 1) {
      throw UsageError("unknown option \"" + argument + "\" for probity man; see probity man --help");
    } else if (probe) {
      throw UsageError("probity man takes one probe (\"" + *probe + "\" and \"" + argument + "\" given)");
    } else {
      probe = argument;
    }
  }
  if (!probe) throw UsageError("probity man needs a probe: probity man sched:sched_switch");
  // A diagnostic's tag, as the compiler prints it in brackets.
  if (probe->starts_with("D_") && probe->find(':') == std::string::npos) {
    try {
      out << manual::diagnostic_entry(*probe, static_cast<int>(output_width(STDOUT_FILENO)));
    } catch (const std::invalid_argument& unknown) {
      throw CliError(unknown.what());
    }
    return 0;
  }
  const std::filesystem::path index_file = locate_index(index_option);
  const catalogue::Index index = catalogue::Index::open(index_file);
  set_vendor_roots(site_options, index_file);
  const catalogue::Site site = catalogue::load_site(site_options);
  const catalogue::ReleaseChoice choice = catalogue::choose_release(index, kernel, catalogue::running_release());
  const std::string release = choice.release;
  // The running kernel's own catalogue, when the index lacks it and it can be read.
  std::optional<catalogue::HostCatalogue> running;
  if (choice.running && !index.has_release(choice.release)) {
    running = catalogue::host_catalogue(index, choice);
    if (running->origin == catalogue::LayoutOrigin::Substitute) running.reset();
  }
  try {
    out << manual::terminal_entry(index, *probe, static_cast<int>(output_width(STDOUT_FILENO)), release,
                                  [&](catalogue::Catalogue& described) {
                                    catalogue::restrict_by_installed(described, index_file, installed_index(),
                                                                     site.policy && site.policy->minimum);
                                    catalogue::apply_overlays(described, site);
                                  },
                                  running ? &running->catalogue : nullptr);
  } catch (const std::invalid_argument& unknown) {
    throw CliError(unknown.what());
  }
  return 0;
}

}  // namespace probity::cli
