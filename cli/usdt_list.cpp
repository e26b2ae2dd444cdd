#include "usdt_list.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <cstdio>
#include <map>
#include <ostream>
#include <tuple>

#include "cli_error.hpp"
#include "probity/catalogue/sdt_notes.hpp"
#include "probity/io/invoking_user.hpp"
#include "probity/io/text_wrap.hpp"
#include "terminal_width.hpp"
#include "text_table.hpp"

namespace probity::cli {
namespace {

using catalogue::SdtArgument;
using catalogue::SdtProbe;

// Until a USDT catalogue documents providers, every probe is undocumented.
constexpr const char* undocumented_stability = "Private/Private/Unknown";

std::string hex(std::uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
  return text;
}

std::string without_program_prefix(std::string message) {
  constexpr std::string_view prefix = "probity: ";
  if (message.starts_with(prefix)) message.erase(0, prefix.size());
  return message;
}

// Every site of one probe of one file.
struct ListedProbe {
  std::filesystem::path file;
  std::string provider;
  std::string name;
  std::vector<SdtProbe> sites;
};

void print_table(const std::vector<ListedProbe>& probes, std::ostream& out) {
  std::vector<std::vector<std::string>> rows;
  for (const ListedProbe& probe : probes) {
    rows.push_back({probe.file.string(), probe.provider, probe.name, std::to_string(probe.sites.size()),
                    std::to_string(probe.sites.front().arguments.size()), undocumented_stability});
  }
  print_columns({"FILE", "PROVIDER", "PROBE", "SITES", "ARGS", "STABILITY"}, rows, out, output_width(STDOUT_FILENO));
}

// "arg0  s32   memory -4(%rbp)", then how it is fetched on a line of its own.
std::string describe_argument(std::size_t index, const SdtArgument& argument, std::size_t width) {
  std::string text = "\t\t\targ" + std::to_string(index) + "  " + padded(argument.type(), 4) + "  " +
                     argument.location + "\n";
  if (argument.fetcharg.empty()) return text + io::wrap("cannot be fetched: " + argument.problem, "\t\t\t  ", "\t\t\t  ", width);
  return text + io::wrap("fetched as " + argument.fetcharg, "\t\t\t  ", "\t\t\t  ", width);
}

// Laid out as the kernel probes' -lv is (DTrace's layout, tab-indented),
// with the long lines wrapped to the output width.
void print_verbose(const ListedProbe& probe, std::ostream& out) {
  const std::size_t width = output_width(STDOUT_FILENO);
  out << "usdt:" << probe.file.string() << ":" << probe.provider << ":" << probe.name << "\n";
  // A name to copy: never broken.
  out << "\tDTrace spelling: " << probe.provider << ":" << probe.file.string() << "::"
      << catalogue::sdt_d_name(probe.name) << "\n";
  out << io::wrap("Undocumented: no USDT catalogue describes this provider yet, so the probe and its arguments are "
                  "Private/Private/Unknown (a program that uses it needs -x amin=Private).",
                  "\t", "\t", width);
  for (const char* heading : {"Probe Description Attributes", "Argument Attributes"}) {
    out << "\n\t" << heading << "\n"
        << "\t\tIdentifier Names: Private\n"
           "\t\tData Semantics:   Private\n"
           "\t\tDependency Class: Unknown\n";
  }
  out << "\n\tSites (" << probe.sites.size() << ")\n";
  for (const SdtProbe& site : probe.sites) {
    std::string line = "offset " + hex(site.offset) + " (address " + hex(site.address) + "), ";
    if (site.semaphore_offset == 0) {
      line += "no semaphore";
    } else {
      line += "semaphore at offset " + hex(site.semaphore_offset) + " (address " + hex(site.semaphore_address) + ")";
    }
    out << io::wrap(line, "\t\t", "\t\t  ", width);
    if (site.arguments.empty()) out << "\t\t\t(no arguments)\n";
    for (std::size_t i = 0; i < site.arguments.size(); ++i) {
      out << describe_argument(i, site.arguments[i], width);
    }
  }
}

// Executable, file-backed mappings of /proc/PID/maps: "addr perms offset dev inode path".
std::vector<std::string> executable_mappings(const std::string& maps) {
  std::vector<std::string> files;
  std::istringstream lines(maps);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string range, perms, offset, device, inode;
    fields >> range >> perms >> offset >> device >> inode;
    std::string path;
    std::getline(fields >> std::ws, path);
    if (perms.size() < 3 || perms[2] != 'x' || !path.starts_with('/') || path.ends_with(" (deleted)")) continue;
    if (std::find(files.begin(), files.end(), path) == files.end()) files.push_back(path);
  }
  return files;
}

}  // namespace

std::vector<std::string> usdt_patterns_of_process(const std::string& pid,
                                                  const std::vector<std::string>& probe_patterns) {
  if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) {
    throw CliError("-p takes a process id, not \"" + pid + "\"");
  }
  const std::filesystem::path proc = std::filesystem::path("/proc") / pid;
  std::string maps;
  int error = 0;
  io::as_invoking_user([&] {
    std::ifstream in(proc / "maps");
    if (!in) {
      error = errno;
      return;
    }
    std::ostringstream text;
    text << in.rdbuf();
    maps = text.str();
  });
  if (maps.empty()) {
    throw CliError("cannot read the mappings of process " + pid + " (" + proc.string() + "/maps): " +
                   (error != 0 ? std::strerror(error) : "no such process, or none it may show"));
  }
  std::vector<std::string> patterns;
  const std::vector<std::string> mapped_files = executable_mappings(maps);
  for (const std::string& mapped : mapped_files) {
    std::error_code missing;
    // A process in another mount namespace names files of its own root.
    const std::string file = std::filesystem::exists(mapped, missing) ? mapped : (proc / "root").string() + mapped;
    // Most libraries have no probes, and one the user may not read is not theirs to list.
    const bool has_probes = io::as_invoking_user([&] {
      try {
        return !catalogue::read_sdt_notes(file).empty();
      } catch (const catalogue::SdtError&) {
        return false;
      }
    });
    if (!has_probes) continue;
    if (probe_patterns.empty()) patterns.push_back("usdt:" + file);
    for (const std::string& probe : probe_patterns) patterns.push_back("usdt:" + file + ":" + probe);
  }
  if (patterns.empty()) {
    throw CliError("process " + pid + " has no USDT probes: none of the " + std::to_string(mapped_files.size()) +
                   " executable files it has mapped has a .note.stapsdt section that you may read");
  }
  return patterns;
}

bool is_usdt_pattern(const std::string& text) { return catalogue::UsdtPattern::is_usdt(text); }

int run_usdt_list(const std::vector<std::string>& patterns, bool verbose, std::ostream& out) {
  using Key = std::tuple<std::string, std::string, std::string>;
  std::map<Key, ListedProbe> listed;
  // Each file is read once, however many patterns name it.
  std::map<std::filesystem::path, std::vector<SdtProbe>> notes_by_file;
  for (const std::string& text : patterns) {
    std::string error;
    const auto pattern = catalogue::UsdtPattern::parse(text, &error);
    if (!pattern) throw CliError(error);
    std::filesystem::path file;
    try {
      file = catalogue::resolve_usdt_binary(pattern->path);
      if (!notes_by_file.contains(file)) notes_by_file.emplace(file, catalogue::read_sdt_notes(file));
    } catch (const catalogue::SdtError& failure) {
      throw CliError(without_program_prefix(failure.what()));
    }
    for (const SdtProbe& site : notes_by_file.at(file)) {
      if (!pattern->matches(site)) continue;
      ListedProbe& probe = listed[{file.string(), site.provider, site.name}];
      if (probe.sites.empty()) {
        probe.file = file;
        probe.provider = site.provider;
        probe.name = site.name;
      }
      const bool seen = std::any_of(probe.sites.begin(), probe.sites.end(),
                                    [&](const SdtProbe& other) { return other.offset == site.offset; });
      if (!seen) probe.sites.push_back(site);
    }
  }
  if (listed.empty()) {
    std::string files;
    for (const auto& [file, notes] : notes_by_file) {
      files += (files.empty() ? "" : ", ") + file.string() + " (" + std::to_string(notes.size()) + " probe sites)";
    }
    throw CliError("no USDT probe matches in " + files + "; probity -l 'usdt:PATH' lists every probe of a file");
  }

  std::vector<ListedProbe> probes;
  for (auto& [key, probe] : listed) probes.push_back(std::move(probe));
  if (!verbose) {
    print_table(probes, out);
    return 0;
  }
  for (std::size_t i = 0; i < probes.size(); ++i) {
    if (i > 0) out << "\n";
    print_verbose(probes[i], out);
  }
  return 0;
}

}  // namespace probity::cli
