// Harvesting event layouts from a live tracefs: every events/<system>/<event>/format
// file is parsed by libtraceevent; nothing here parses a format file by hand.
#include "probity/catalogue/harvest.hpp"

#include <fcntl.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <new>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <traceevent/event-parse.h>

#include "probity/catalogue/diagnostic.hpp"

// libtracefs 1.6's <tracefs/tracefs.h> is not valid C++ (its inline
// tracefs_hist_start() passes an int where an enum is expected), so the one
// function used here is declared by hand; its C signature has been stable since
// libtracefs 1.0.
extern "C" const char* tracefs_tracing_dir(void);

namespace probity::catalogue {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view default_mount_point = "/sys/kernel/tracing";
constexpr long tracefs_magic = 0x74726163;  // TRACEFS_MAGIC from <linux/magic.h>

std::string mount_command(const fs::path& where) {
  return "mount -t tracefs nodev " + where.string();
}

// One line that says what is wrong with reading `path` and what to do about it.
std::string access_problem(const fs::path& path, int error, const fs::path& mount_point) {
  const std::string reason = std::strerror(error);
  if (error == EACCES || error == EPERM) {
    return "probity: cannot read tracefs at " + path.string() + ": " + reason +
           "; run as root (tracefs is readable by root only)";
  }
  if (error == ENOENT || error == ENOTDIR) {
    return "probity: cannot read tracefs at " + path.string() + ": " + reason +
           "; is tracefs mounted? mount it with: " + mount_command(mount_point);
  }
  return "probity: cannot read tracefs at " + path.string() + ": " + reason;
}

bool is_tracefs(const fs::path& dir) {
  struct statfs info {};
  return ::statfs(dir.c_str(), &info) == 0 && static_cast<long>(info.f_type) == tracefs_magic;
}

// Throws TracefsError unless `tracing`/events can be listed.
void require_readable_events(const fs::path& tracing) {
  const fs::path events = tracing / "events";
  const int fd = ::open(events.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::close(fd);
    return;
  }
  const int error = errno;
  if (error == ENOENT) {
    const int tracing_fd = ::open(tracing.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    const int tracing_error = errno;
    if (tracing_fd < 0) throw TracefsError(access_problem(tracing, tracing_error, tracing));
    ::close(tracing_fd);
    if (!is_tracefs(tracing)) {
      throw TracefsError("probity: " + tracing.string() +
                         " is not a tracefs mount (it has no events/ directory); give the tracefs "
                         "mount point (usually " + std::string(default_mount_point) +
                         "), or mount tracefs there with: " + mount_command(tracing));
    }
  }
  // A tracefs mount is mode 0700: name the mount, not the events/ inside it.
  const bool denied = error == EACCES || error == EPERM;
  throw TracefsError(access_problem(denied ? tracing : events, error, tracing));
}

// True when /proc/filesystems lists tracefs; also true when that cannot be
// told (no /proc), so that the message falls back to the mount advice.
bool kernel_has_tracefs() {
  std::ifstream filesystems("/proc/filesystems");
  if (!filesystems) return true;
  std::string line;
  while (std::getline(filesystems, line)) {
    if (line.ends_with("\ttracefs")) return true;
  }
  return false;
}

std::string explain_missing_tracefs(int mount_error) {
  const fs::path mount_point{default_mount_point};
  if (!kernel_has_tracefs()) {
    return "probity: this kernel has no tracefs (it is not in /proc/filesystems); "
           "use a kernel built with CONFIG_FTRACE=y and CONFIG_TRACING";
  }
  if (::geteuid() != 0) {
    return "probity: tracefs is not mounted and only root can mount it; run as root, or mount it "
           "with: " + mount_command(mount_point);
  }
  std::string text = "probity: tracefs is not mounted and mounting it failed";
  if (mount_error != 0) text += std::string(" (") + std::strerror(mount_error) + ")";
  return text + "; mount it with: " + mount_command(mount_point);
}

std::string read_whole_file(const fs::path& file, const fs::path& tracing) {
  // tracefs files report a size of 0, so read to the end rather than by size.
  errno = 0;
  std::ifstream in(file, std::ios::binary);
  if (!in) throw TracefsError(access_problem(file, errno != 0 ? errno : EIO, tracing));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw TracefsError(access_problem(file, EIO, tracing));
  return std::move(text).str();
}

// The entries of `dir` that are directories, sorted by name.
std::vector<std::string> subdirectories(const fs::path& dir, const fs::path& tracing) {
  std::error_code error;
  fs::directory_iterator it(dir, error);
  if (error) throw TracefsError(access_problem(dir, error.value(), tracing));
  std::vector<std::string> names;
  for (const fs::directory_iterator end; it != end; it.increment(error)) {
    if (error) break;
    std::error_code type_error;
    if (it->is_directory(type_error)) names.push_back(it->path().filename().string());
  }
  if (error) throw TracefsError(access_problem(dir, error.value(), tracing));
  std::sort(names.begin(), names.end());
  return names;
}

struct TepDeleter {
  void operator()(tep_handle* tep) const { tep_free(tep); }
};
using TepHandle = std::unique_ptr<tep_handle, TepDeleter>;

// libtraceevent marks every fixed array whose type mentions char, u8 or s8 as a
// string (a printing heuristic), so "u8 saddr[4]" and "unsigned char mac[6]" are
// flagged like "char comm[16]". Only plain char holds text; the rest are bytes.
bool holds_text(std::string_view type) {
  for (std::string_view prefix : {"__data_loc ", "__rel_loc "}) {
    if (type.starts_with(prefix)) type.remove_prefix(prefix.size());
  }
  if (type.starts_with("const ")) type.remove_prefix(6);
  type = type.substr(0, type.find('['));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  return type == "char";
}

FieldKind kind_of(const tep_format_field& field) {
  const unsigned long flags = field.flags;
  const bool text = (flags & TEP_FIELD_IS_STRING) != 0 && holds_text(field.type);
  if ((flags & TEP_FIELD_IS_DYNAMIC) != 0) {
    return text ? FieldKind::DynamicString : FieldKind::DynamicArray;
  }
  if ((flags & TEP_FIELD_IS_ARRAY) != 0) return text ? FieldKind::String : FieldKind::Array;
  if ((flags & TEP_FIELD_IS_POINTER) != 0) return FieldKind::Pointer;
  return FieldKind::Integer;
}

// libtraceevent 1.7.1 takes TEP_FIELD_IS_SIGNED straight from the "signed:"
// column and never clears it (checked against all 42,188 fields of the 2,323
// events of Linux 6.18, `long` fields included: sched_switch's prev_state has
// flags SIGNED|LONG|FLAG = 0x64), so no correction is applied here; the
// integration test compares every field with the format files' text.
FieldLayout to_layout(const tep_format_field& field) {
  FieldLayout layout;
  layout.name = field.name;
  layout.type = field.type;
  layout.offset = static_cast<std::uint32_t>(field.offset);
  layout.size = static_cast<std::uint32_t>(field.size);
  layout.is_signed = (field.flags & TEP_FIELD_IS_SIGNED) != 0;
  layout.kind = kind_of(field);
  layout.relative = (field.flags & TEP_FIELD_IS_RELATIVE) != 0;
  return layout;
}

// A few kernels declare two fields with one name (6.1's amdgpu_vm_grab_id has
// "__data_loc char[] ring" and "u32 ring"). Fields are reached by name, and
// libtraceevent's tep_find_field() returns the first, so the later one can
// never be read: it is left out, and the snapshot keeps names unique.
std::vector<FieldLayout> layouts_of(const tep_format_field* first) {
  std::vector<FieldLayout> layouts;
  for (const tep_format_field* field = first; field != nullptr; field = field->next) {
    const bool shadowed = std::any_of(layouts.begin(), layouts.end(),
                                      [&](const FieldLayout& earlier) { return earlier.name == field->name; });
    if (!shadowed) layouts.push_back(to_layout(*field));
  }
  return layouts;
}

Diagnostic problem_in(const fs::path& file, std::string message, std::string hint = {}) {
  Diagnostic diagnostic;
  diagnostic.where.file = file.string();
  diagnostic.message = std::move(message);
  diagnostic.hint = std::move(hint);
  return diagnostic;
}

// events/<system>/<event>/stability, written by kernels with Probity's patches
// (kernel-patches/): "name: Stable\ndata: Stable\nclass: Common", one key a
// line, each key optional. A plain `key: value` list is not a tracefs format
// file and no library reads it.
DeclaredStability read_declared_stability(const fs::path& file, const std::string& text,
                                          std::vector<Diagnostic>& problems) {
  DeclaredStability declared;
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
  };
  while (std::getline(lines, line)) {
    ++number;
    const std::string_view content = trim(line);
    if (content.empty()) continue;
    auto report = [&](std::string message, std::string key, std::string hint = {}) {
      Diagnostic diagnostic = problem_in(file, std::move(message), std::move(hint));
      diagnostic.where.line = number;
      diagnostic.key_path = std::move(key);
      problems.push_back(std::move(diagnostic));
    };
    const std::size_t colon = content.find(':');
    if (colon == std::string_view::npos) {
      report("expected \"key: value\", found \"" + std::string(content) + "\"", "",
             "the keys are name, data and class");
      continue;
    }
    const std::string key(trim(content.substr(0, colon)));
    const std::string value(trim(content.substr(colon + 1)));
    if (key == "name" || key == "data") {
      const auto level = stability::parse_level(value);
      if (!level) {
        report("unknown stability level \"" + value + "\"", key,
               "levels are Internal, Private, Obsolete, External, Unstable, Evolving, Stable, Standard");
      } else {
        (key == "name" ? declared.name : declared.data) = level;
      }
    } else if (key == "class") {
      const auto dependency_class = stability::parse_class(value);
      if (!dependency_class) {
        report("unknown dependency class \"" + value + "\"", key,
               "classes are Unknown, CPU, Platform, Group, ISA, Common");
      } else {
        declared.dependency_class = dependency_class;
      }
    } else {
      const auto suggestion = closest_match(key, {"name", "data", "class"});
      report("unknown key \"" + key + "\"", key,
             suggestion ? "did you mean \"" + *suggestion + "\"?" : "the keys are name, data and class");
    }
  }
  return declared;
}

}  // namespace

fs::path tracing_dir() {
  errno = 0;
  const char* dir = tracefs_tracing_dir();
  if (dir == nullptr) throw TracefsError(explain_missing_tracefs(errno));
  fs::path path(dir);
  require_readable_events(path);
  return path;
}

// `tracing` need not be a tracefs mount: a directory tree with the same layout
// (a copy of events/ taken from another machine) harvests the same way;
// release and machine still come from uname(2), for the caller to override.
// libtraceevent's parser keeps its input in static variables, so harvests must
// not run concurrently in one process.
KernelSnapshot harvest_live(const fs::path& tracing) {
  require_readable_events(tracing);
  const fs::path events_dir = tracing / "events";

  KernelSnapshot snapshot;
  struct utsname names {};
  if (::uname(&names) != 0) {
    throw std::system_error(errno, std::generic_category(), "probity: uname");
  }
  snapshot.release = names.release;
  snapshot.machine = names.machine;
  snapshot.source = "live tracefs";

  TepHandle tep(tep_alloc());
  if (!tep) throw std::bad_alloc();
  tep_set_long_size(tep.get(), static_cast<int>(sizeof(long)));

  std::vector<Diagnostic> problems;
  bool have_common = false;
  fs::path common_source;

  // events/ also holds plain files (enable, header_page, header_event) and each
  // system holds enable and filter files: only directories are systems and
  // events. Every event directory the kernel creates has a format file (even
  // ftrace's internal events such as ftrace/function, which have no enable
  // file, have one), so an event directory without one is an error rather than
  // something to skip: skipping would be a silent partial result.
  for (const std::string& system : subdirectories(events_dir, tracing)) {
    const fs::path system_dir = events_dir / system;
    for (const std::string& event_name : subdirectories(system_dir, tracing)) {
      const fs::path event_dir = system_dir / event_name;
      const fs::path format_file = event_dir / "format";
      std::error_code exists_error;
      if (!fs::exists(format_file, exists_error)) {
        if (exists_error && exists_error != std::errc::no_such_file_or_directory) {
          throw TracefsError(access_problem(format_file, exists_error.value(), tracing));
        }
        problems.push_back(problem_in(format_file, "this event directory has no format file",
                                      "a kernel module may have been unloaded during the harvest; "
                                      "run it again"));
        continue;
      }
      const std::string text = read_whole_file(format_file, tracing);

      tep_event* event = nullptr;
      const tep_errno parsed =
          tep_parse_format(tep.get(), &event, text.data(), text.size(), system.c_str());
      if (parsed != 0 || event == nullptr) {
        char reason[256] = "unknown error";
        tep_strerror(tep.get(), parsed, reason, sizeof reason);
        problems.push_back(problem_in(format_file, std::string("libtraceevent cannot parse it: ") + reason));
        continue;
      }
      // tep_parse_format() returns 0 even when parsing failed part-way and only
      // sets TEP_EVENT_FL_FAILED. A failure in the field list leaves the layout
      // incomplete: that is an error. A failure in the "print fmt" arguments
      // (libtraceevent 1.7.1 cannot evaluate 18 print formats of Linux 6.18,
      // e.g. kvm_inj_exception's empty __print_symbolic) leaves the layout
      // whole, and Probity reads fields, not libtraceevent's text rendering.
      // libtraceevent reads the print format only after the complete field
      // list and records print_fmt.format first, so a non-null format string
      // is what tells the two apart.
      // An empty "print fmt:" (applespi_irq_received of Linux 6.1) fails before
      // the format string is recorded, with every field read: the fields
      // libtraceevent kept, counted against the file's field lines, tell that
      // case from a broken field list.
      const auto kept_every_field = [&] {
        std::size_t lines = 0;
        for (std::size_t at = text.find("\tfield:"); at != std::string::npos; at = text.find("\tfield:", at + 1)) {
          ++lines;
        }
        return static_cast<std::size_t>(event->format.nr_common + event->format.nr_fields) == lines;
      };
      if ((event->flags & TEP_EVENT_FL_FAILED) != 0 && event->print_fmt.format == nullptr && !kept_every_field()) {
        problems.push_back(problem_in(format_file, "libtraceevent cannot parse its field list"));
        continue;
      }
      if (event_name != event->name) {
        problems.push_back(problem_in(format_file, "its name: line says \"" + std::string(event->name) +
                                                       "\", not the directory's name \"" + event_name + "\""));
        continue;
      }

      std::vector<FieldLayout> common = layouts_of(event->format.common_fields);
      if (!have_common) {
        snapshot.common_fields = std::move(common);
        common_source = format_file;
        have_common = true;
      } else if (common != snapshot.common_fields) {
        problems.push_back(problem_in(format_file, "its common_* fields differ from those of " +
                                                       common_source.string()));
        continue;
      }

      EventLayout layout;
      layout.system = system;
      layout.name = event_name;
      layout.fields = layouts_of(event->format.fields);
      layout.value_names = value_names(event);
      // tracefs does not say which module defines an event; left "" (built in).

      const fs::path stability_file = event_dir / "stability";
      std::error_code stability_error;
      if (fs::exists(stability_file, stability_error)) {
        layout.declared = read_declared_stability(stability_file, read_whole_file(stability_file, tracing),
                                                  problems);
      } else if (stability_error && stability_error != std::errc::no_such_file_or_directory) {
        throw TracefsError(access_problem(stability_file, stability_error.value(), tracing));
      }
      snapshot.events.push_back(std::move(layout));
    }
  }
  if (!problems.empty()) throw CatalogueError(std::move(problems));
  if (snapshot.events.empty()) {
    throw TracefsError("probity: " + events_dir.string() +
                       " lists no events; is this the tracefs of a kernel built with tracepoints?");
  }
  // Directory names were visited in sorted order, systems first, so the events
  // are already sorted by (system, name).
  return snapshot;
}

std::vector<FieldLayout> field_layouts(const tep_format_field* first) { return layouts_of(first); }

}  // namespace probity::catalogue
