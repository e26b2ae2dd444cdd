// Harvesting a kernel image under qemu: the host side. The guest side is
// catalogue/tools/image-harvest/init.sh, embedded at build time.
#include "probity/catalogue/image_harvest.hpp"

#include <elf.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <functional>
#include <iomanip>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <utility>

#include <lzma.h>

#include "probity/catalogue/diagnostic.hpp"
#include "probity/catalogue/harvest.hpp"

extern "C" char** environ;

namespace probity::catalogue {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view error_prefix = "probity: cannot harvest the kernel image: ";

[[noreturn]] void fail(const std::string& message, std::string console = {}) {
  throw ImageHarvestError(std::string(error_prefix) + message, std::move(console));
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) fail("cannot read " + file.string() + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

std::string trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

// ------------------------------------------------------------ processes and files

// A directory under $TMPDIR removed with everything in it.
class TemporaryDirectory {
 public:
  TemporaryDirectory() {
    std::string pattern = (fs::temp_directory_path() / "probity-image-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) fail(std::string("cannot create a temporary directory: ") + std::strerror(errno));
    path_ = pattern;
  }
  ~TemporaryDirectory() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

class FileActions {
 public:
  FileActions() { ::posix_spawn_file_actions_init(&actions_); }
  ~FileActions() { ::posix_spawn_file_actions_destroy(&actions_); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_{};
};

// A child process started by us; killed and reaped if still running when destroyed.
class ChildProcess {
 public:
  // Runs argv[0] (looked up in PATH) with stdin from /dev/null and stdout and
  // stderr to `output`.
  ChildProcess(const std::vector<std::string>& argv, const fs::path& output) {
    FileActions actions;
    ::posix_spawn_file_actions_addopen(actions.get(), 0, "/dev/null", O_RDONLY, 0);
    ::posix_spawn_file_actions_addopen(actions.get(), 1, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::posix_spawn_file_actions_adddup2(actions.get(), 1, 2);
    std::vector<char*> arguments;
    for (const std::string& argument : argv) arguments.push_back(const_cast<char*>(argument.c_str()));
    arguments.push_back(nullptr);
    const int error = ::posix_spawnp(&pid_, arguments[0], actions.get(), nullptr, arguments.data(), environ);
    if (error != 0) fail("cannot run " + argv[0] + ": " + std::strerror(error));
  }
  ~ChildProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The exit status, or nullopt when `timeout` passed first (the child is then killed).
  std::optional<int> wait(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      int status = 0;
      const pid_t done = ::waitpid(pid_, &status, WNOHANG);
      if (done == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      if (done < 0 && errno != EINTR) fail(std::string("waitpid: ") + std::strerror(errno));
      if (std::chrono::steady_clock::now() >= deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        return std::nullopt;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

 private:
  pid_t pid_ = -1;
};

// Runs a host tool to completion; returns its output, or fails with it.
std::string run_tool(const std::vector<std::string>& argv, const fs::path& scratch,
                     std::chrono::seconds timeout = std::chrono::seconds(300)) {
  const fs::path output = scratch / "tool-output";
  std::optional<int> status;
  {
    ChildProcess child(argv, output);
    status = child.wait(timeout);
  }
  std::string text = read_file(output);
  std::error_code ignored;
  fs::remove(output, ignored);
  std::string command;
  for (const std::string& argument : argv) command += (command.empty() ? "" : " ") + argument;
  if (!status) fail(command + " did not finish within " + std::to_string(timeout.count()) + " s");
  if (*status == 127) fail(argv[0] + " is not installed (run scripts/install-deps.sh)");
  if (*status != 0) {
    const std::string first_line = text.substr(0, text.find('\n'));
    fail(command + " failed (exit status " + std::to_string(*status) + "): " + first_line);
  }
  return text;
}

std::optional<fs::path> find_in_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::istringstream directories(path != nullptr ? path : "/usr/bin:/bin");
  std::string directory;
  while (std::getline(directories, directory, ':')) {
    const fs::path candidate = fs::path(directory.empty() ? "." : directory) / program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

fs::path require_program(const std::string& program, const std::string& package) {
  auto found = find_in_path(program);
  if (!found) fail(program + " is not installed; install " + package + " (scripts/install-deps.sh does)");
  return *found;
}

// ------------------------------------------------------------ ELF

template <typename T>
std::optional<T> read_struct(std::string_view bytes, std::uint64_t offset) {
  if (offset > bytes.size() || bytes.size() - offset < sizeof(T)) return std::nullopt;
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof(T));
  return value;
}

struct ElfSection {
  std::string name;
  std::string_view contents;  // empty for SHT_NOBITS
};

// The sections of a 64-bit little-endian ELF file, or nullopt when `bytes` is not one.
std::optional<std::vector<ElfSection>> elf_sections(std::string_view bytes) {
  const auto header = read_struct<Elf64_Ehdr>(bytes, 0);
  if (!header || std::memcmp(header->e_ident, ELFMAG, SELFMAG) != 0 || header->e_ident[EI_CLASS] != ELFCLASS64 ||
      header->e_ident[EI_DATA] != ELFDATA2LSB || header->e_shentsize != sizeof(Elf64_Shdr)) {
    return std::nullopt;
  }
  std::vector<Elf64_Shdr> headers;
  for (std::uint16_t i = 0; i < header->e_shnum; ++i) {
    const auto section = read_struct<Elf64_Shdr>(bytes, header->e_shoff + std::uint64_t{i} * sizeof(Elf64_Shdr));
    if (!section) return std::nullopt;
    headers.push_back(*section);
  }
  if (header->e_shstrndx >= headers.size()) return std::nullopt;
  const auto contents = [&](const Elf64_Shdr& section) -> std::optional<std::string_view> {
    if (section.sh_type == SHT_NOBITS) return std::string_view{};
    if (section.sh_offset > bytes.size() || bytes.size() - section.sh_offset < section.sh_size) return std::nullopt;
    return bytes.substr(section.sh_offset, section.sh_size);
  };
  const auto names = contents(headers[header->e_shstrndx]);
  if (!names) return std::nullopt;
  std::vector<ElfSection> sections;
  for (const Elf64_Shdr& section : headers) {
    const auto data = contents(section);
    if (!data || section.sh_name >= names->size()) return std::nullopt;
    const std::string_view rest = names->substr(section.sh_name);
    sections.push_back({std::string(rest.substr(0, rest.find('\0'))), *data});
  }
  return sections;
}

std::string decompress_xz(const std::string& compressed, const fs::path& file) {
  lzma_stream stream = LZMA_STREAM_INIT;
  if (lzma_stream_decoder(&stream, UINT64_MAX, 0) != LZMA_OK) fail("cannot start the xz decoder");
  const std::unique_ptr<lzma_stream, void (*)(lzma_stream*)> guard(&stream, lzma_end);
  std::string output;
  std::vector<std::uint8_t> buffer(1 << 20);
  stream.next_in = reinterpret_cast<const std::uint8_t*>(compressed.data());
  stream.avail_in = compressed.size();
  while (true) {
    stream.next_out = buffer.data();
    stream.avail_out = buffer.size();
    const lzma_ret result = lzma_code(&stream, LZMA_FINISH);
    output.append(reinterpret_cast<const char*>(buffer.data()), buffer.size() - stream.avail_out);
    if (result == LZMA_STREAM_END) return output;
    if (result != LZMA_OK) fail(file.string() + " is not a valid xz file (liblzma error " + std::to_string(result) + ")");
  }
}

// The x86 boot protocol's kernel_version string ("6.1.0-56-amd64 (debian-kernel@...) #1 ...").
std::optional<std::string> bzimage_version(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string head(0x4000, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  if (head.size() < 0x210 || head.compare(0x202, 4, "HdrS") != 0) return std::nullopt;
  const auto pointer = read_struct<std::uint16_t>(head, 0x20E);
  if (!pointer || *pointer == 0 || std::size_t{*pointer} + 0x200 >= head.size()) return std::nullopt;
  const std::string_view rest = std::string_view(head).substr(std::size_t{*pointer} + 0x200);
  return std::string(rest.substr(0, rest.find('\0')));
}

bool is_static_executable(const fs::path& file) {
  const std::string bytes = read_file(file);
  const auto header = read_struct<Elf64_Ehdr>(bytes, 0);
  if (!header || std::memcmp(header->e_ident, ELFMAG, SELFMAG) != 0) return false;
  for (std::uint16_t i = 0; i < header->e_phnum; ++i) {
    const auto segment = read_struct<Elf64_Phdr>(bytes, header->e_phoff + std::uint64_t{i} * sizeof(Elf64_Phdr));
    if (!segment || segment->p_type == PT_INTERP) return false;
  }
  return true;
}

// ------------------------------------------------------------ the image

struct KernelInput {
  fs::path vmlinuz;
  std::optional<fs::path> modules_dir;  // lib/modules/<release>
  std::string source;                   // for KernelSnapshot::source
};

std::string deb_field(const fs::path& deb, const std::string& field, const fs::path& scratch) {
  return trim(run_tool({"dpkg-deb", "--field", deb.string(), field}, scratch));
}

std::optional<fs::path> single_match(const fs::path& dir, const std::function<bool(const fs::path&)>& accept) {
  std::error_code error;
  std::optional<fs::path> found;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    if (accept(entry.path())) found = entry.path();
  }
  return found;
}

KernelInput unpack_input(const fs::path& image, const fs::path& scratch, std::ostream* progress) {
  std::error_code error;
  if (!fs::exists(image, error)) fail(image.string() + " does not exist");
  if (!fs::is_regular_file(image, error)) fail(image.string() + " is not a file");
  if (::access(image.c_str(), R_OK) != 0) fail("cannot read " + image.string() + ": " + std::strerror(errno));

  std::string magic(8, '\0');
  {
    std::ifstream in(image, std::ios::binary);
    in.read(magic.data(), static_cast<std::streamsize>(magic.size()));
    magic.resize(static_cast<std::size_t>(in.gcount()));
  }
  if (magic == "!<arch>\n") {
    require_program("dpkg-deb", "dpkg");
    const std::string package = deb_field(image, "Package", scratch);
    const std::string version = deb_field(image, "Version", scratch);
    if (progress != nullptr) *progress << "probity: unpacking " << package << " " << version << "\n";
    const fs::path root = scratch / "package";
    fs::create_directories(root);
    run_tool({"dpkg-deb", "-x", image.string(), root.string()}, scratch);
    const auto vmlinuz = single_match(root / "boot", [](const fs::path& path) {
      return path.filename().string().starts_with("vmlinuz-");
    });
    if (!vmlinuz) fail(image.string() + " has no boot/vmlinuz-*: is it a linux-image package?");
    const std::string release = vmlinuz->filename().string().substr(std::string_view("vmlinuz-").size());
    KernelInput input{*vmlinuz, std::nullopt, package + " " + version};
    for (const char* base : {"lib/modules", "usr/lib/modules"}) {
      if (fs::is_directory(root / base / release, error)) input.modules_dir = root / base / release;
    }
    return input;
  }
  const auto version = bzimage_version(image);
  if (!version) {
    fail(image.string() + " is neither a Debian package (.deb) nor an x86 bzImage kernel (vmlinuz)");
  }
  const std::string release = version->substr(0, version->find(' '));
  KernelInput input{image, std::nullopt, "kernel image " + image.filename().string() + " (" + release + ")"};
  // An unpacked package keeps its modules beside boot/; else the installed ones.
  for (const fs::path& candidate : {image.parent_path() / ".." / "lib/modules" / release,
                                    image.parent_path() / ".." / "usr/lib/modules" / release,
                                    fs::path("/lib/modules") / release}) {
    if (fs::is_directory(candidate, error)) {
      input.modules_dir = candidate;
      break;
    }
  }
  return input;
}

std::vector<std::string> console_tail(const fs::path& console, std::size_t lines) {
  std::ifstream in(console);
  std::deque<std::string> tail;
  std::string line;
  while (std::getline(in, line)) {
    tail.push_back(trim(line));
    if (tail.size() > lines) tail.pop_front();
  }
  return {tail.begin(), tail.end()};
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

std::string_view xz_suffix = ".xz";

}  // namespace

// ------------------------------------------------------------ newc cpio

void NewcArchiveWriter::add(const std::string& path, std::uint32_t mode, std::string_view contents,
                            std::uint32_t rdev_major, std::uint32_t rdev_minor) {
  if (contents.size() > 0xFFFFFFFFu) fail(path + " is too large for a cpio archive");
  const bool trailer = path == "TRAILER!!!";
  std::ostringstream header;
  header << "070701" << std::hex << std::setfill('0') << std::uppercase;
  const auto field = [&](std::uint64_t value) { header << std::setw(8) << value; };
  field(trailer ? 0 : next_inode_++);
  field(mode);
  field(0);  // uid
  field(0);  // gid
  field((mode & 0170000) == 0040000 ? 2 : 1);
  field(0);  // mtime: fixed, so that the archive is reproducible
  field(contents.size());
  field(0);  // devmajor
  field(0);  // devminor
  field(rdev_major);
  field(rdev_minor);
  field(path.size() + 1);
  field(0);  // check
  std::string record = header.str();
  record += path;
  record += '\0';
  record.append((4 - record.size() % 4) % 4, '\0');
  out_.write(record.data(), static_cast<std::streamsize>(record.size()));
  out_.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  const std::string padding((4 - contents.size() % 4) % 4, '\0');
  out_.write(padding.data(), static_cast<std::streamsize>(padding.size()));
}

void NewcArchiveWriter::add_directory(const std::string& path, std::uint32_t mode) { add(path, 0040000 | mode, {}); }

void NewcArchiveWriter::add_file(const std::string& path, std::string_view contents, std::uint32_t mode) {
  add(path, 0100000 | mode, contents);
}

void NewcArchiveWriter::add_character_device(const std::string& path, std::uint32_t major, std::uint32_t minor,
                                             std::uint32_t mode) {
  add(path, 0020000 | mode, {}, major, minor);
}

void NewcArchiveWriter::finish() { add("TRAILER!!!", 0, {}); }

// ------------------------------------------------------------ modules

std::string read_module(const fs::path& file) {
  std::string bytes = read_file(file);
  if (file.extension() == xz_suffix) return decompress_xz(bytes, file);
  return bytes;
}

ModuleFile inspect_module(const fs::path& file) {
  const std::string bytes = read_module(file);
  const auto sections = elf_sections(bytes);
  if (!sections) fail(file.string() + " is not a 64-bit little-endian ELF module");
  ModuleFile module;
  module.path = file;
  std::string stem = file.filename().string();
  stem = stem.substr(0, stem.find(".ko"));
  std::replace(stem.begin(), stem.end(), '-', '_');
  module.name = stem;
  for (const ElfSection& section : *sections) {
    if (section.name == "_ftrace_events" && !section.contents.empty()) module.defines_events = true;
    if (section.name != ".modinfo") continue;
    std::string_view info = section.contents;
    while (!info.empty()) {
      const std::string_view entry = info.substr(0, info.find('\0'));
      info.remove_prefix(std::min(info.size(), entry.size() + 1));
      if (entry.starts_with("alias=")) {
        module.aliases.emplace_back(entry.substr(6));
      } else if (entry.starts_with("softdep=")) {
        std::istringstream words{std::string(entry.substr(8))};
        std::string word;
        bool pre = false;
        while (words >> word) {
          if (word == "pre:" || word == "post:") {
            pre = word == "pre:";
          } else if (pre) {
            module.soft_pre.push_back(word);
          }
        }
      } else if (entry.starts_with("name=")) {
        module.name = std::string(entry.substr(5));
      } else if (entry.starts_with("depends=")) {
        std::string_view list = entry.substr(8);
        while (!list.empty()) {
          const std::string_view name = list.substr(0, list.find(','));
          // modpost writes file names here ("usb-common"); the kernel's module names use '_'.
          std::string dependency(name);
          std::replace(dependency.begin(), dependency.end(), '-', '_');
          if (!dependency.empty()) module.depends.push_back(std::move(dependency));
          list.remove_prefix(std::min(list.size(), name.size() + 1));
        }
      }
    }
  }
  return module;
}

std::map<std::string, ModuleFile> scan_modules(const fs::path& modules_dir) {
  std::map<std::string, ModuleFile> modules;
  std::error_code error;
  fs::recursive_directory_iterator it(modules_dir, error);
  if (error) fail("cannot list " + modules_dir.string() + ": " + error.message());
  for (const fs::recursive_directory_iterator end; it != end; it.increment(error)) {
    if (error) fail("cannot list " + modules_dir.string() + ": " + error.message());
    const std::string name = it->path().filename().string();
    if (!it->is_regular_file() || !(name.ends_with(".ko") || name.ends_with(".ko.xz"))) continue;
    ModuleFile module = inspect_module(it->path());
    modules.emplace(module.name, std::move(module));
  }
  return modules;
}

std::vector<std::string> load_order(const std::map<std::string, ModuleFile>& modules,
                                    const std::vector<std::string>& wanted) {
  std::vector<std::string> order;
  std::set<std::string> placed;
  std::set<std::string> visiting;
  std::map<std::string, std::vector<std::string>> by_alias;
  for (const auto& [name, module] : modules) {
    for (const std::string& alias : module.aliases) by_alias[alias].push_back(name);
  }
  // Depth-first, dependencies first; a dependency cycle (never built by
  // kbuild) is cut where it closes.
  const std::function<void(const std::string&)> visit = [&](const std::string& name) {
    if (placed.contains(name) || visiting.contains(name)) return;
    const auto found = modules.find(name);
    if (found == modules.end()) return;
    visiting.insert(name);
    for (const std::string& dependency : found->second.depends) visit(dependency);
    for (const std::string& soft : found->second.soft_pre) {
      std::string name_form = soft;
      std::replace(name_form.begin(), name_form.end(), '-', '_');
      if (modules.contains(name_form)) {
        visit(name_form);
      } else if (const auto aliased = by_alias.find(soft); aliased != by_alias.end()) {
        for (const std::string& provider : aliased->second) visit(provider);
      }
    }
    visiting.erase(name);
    placed.insert(name);
    order.push_back(name);
  };
  for (const std::string& name : wanted) visit(name);
  return order;
}

std::string_view guest_init_script() {
  static constexpr unsigned char script[] = {
#include "image_harvest_init.inc"
  };
  return {reinterpret_cast<const char*>(script), sizeof script - 1};
}

void write_initramfs(const fs::path& file, const fs::path& busybox, const std::map<std::string, ModuleFile>& modules,
                     const std::vector<std::string>& order, const std::vector<std::string>& required) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) fail("cannot create " + file.string() + ": " + std::strerror(errno));
  NewcArchiveWriter archive(out);
  for (const char* directory : {"bin", "dev", "proc", "sys", "tmp", "dump", "probity", "probity/modules"}) {
    archive.add_directory(directory);
  }
  archive.add_character_device("dev/console", 5, 1);
  archive.add_file("bin/busybox", read_file(busybox), 0755);
  archive.add_file("init", guest_init_script(), 0755);
  std::string load_list;
  for (const std::string& name : order) {
    const auto found = modules.find(name);
    if (found == modules.end()) fail("module " + name + " is not in the package");
    archive.add_file("probity/modules/" + name + ".ko", read_module(found->second.path));
    const bool needed = std::find(required.begin(), required.end(), name) != required.end();
    load_list += name + (needed ? " required\n" : " optional\n");
  }
  archive.add_file("probity/load-order", load_list);
  archive.finish();
  out.flush();
  if (!out) fail("cannot write " + file.string() + ": " + std::strerror(errno));
}

// ------------------------------------------------------------ the dump

KernelSnapshot read_image_dump(const fs::path& dump_dir, const std::string& source) {
  std::error_code error;
  if (!fs::exists(dump_dir / "complete", error)) {
    fail("the guest's dump in " + dump_dir.string() + " is incomplete (no \"complete\" marker)");
  }
  KernelSnapshot snapshot = harvest_live(dump_dir);
  snapshot.release = trim(read_file(dump_dir / "release"));
  snapshot.machine = trim(read_file(dump_dir / "machine"));
  snapshot.source = source;
  if (snapshot.release.empty() || snapshot.machine.empty()) fail("the guest's dump has no release or machine name");

  std::unordered_map<std::string, std::string> module_of;  // "system:event" -> module
  if (fs::is_directory(dump_dir / "modules", error)) {
    for (const auto& entry : fs::directory_iterator(dump_dir / "modules")) {
      std::istringstream lines(read_file(entry.path()));
      std::string line;
      while (std::getline(lines, line)) {
        line = trim(line);
        if (!line.empty()) module_of[line] = entry.path().filename().string();
      }
    }
  }
  for (EventLayout& event : snapshot.events) {
    const auto found = module_of.find(event.system + ":" + event.name);
    if (found != module_of.end()) event.module = found->second;
  }
  if (fs::exists(dump_dir / "failed-modules", error)) {
    std::istringstream lines(read_file(dump_dir / "failed-modules"));
    std::string line;
    while (std::getline(lines, line)) {
      line = trim(line);
      if (line.empty()) continue;
      const std::size_t tab = line.find('\t');
      FailedModule failed{line.substr(0, tab), tab == std::string::npos ? "" : line.substr(tab + 1)};
      if (failed.reason.empty()) failed.reason = "insmod failed";
      snapshot.failed_modules.push_back(std::move(failed));
    }
    std::sort(snapshot.failed_modules.begin(), snapshot.failed_modules.end(),
              [](const FailedModule& a, const FailedModule& b) { return a.name < b.name; });
  }
  return snapshot;
}

// ------------------------------------------------------------ the whole harvest

KernelSnapshot harvest_kernel_image(const ImageHarvestOptions& options) {
  const auto say = [&](const std::string& line) {
    if (options.progress != nullptr) *options.progress << "probity: " << line << "\n" << std::flush;
  };
  const TemporaryDirectory scratch;
  const KernelInput input = unpack_input(options.image, scratch.path(), options.progress);
  const fs::path qemu = require_program("qemu-system-x86_64", "qemu-system-x86");
  const fs::path busybox = require_program("busybox", "busybox-static");
  if (!is_static_executable(busybox)) {
    fail(busybox.string() + " is linked dynamically and cannot run alone in an initramfs; install busybox-static");
  }
  require_program("tar", "tar");

  std::map<std::string, ModuleFile> modules;
  if (input.modules_dir) {
    say("reading the modules in " + input.modules_dir->string());
    modules = scan_modules(*input.modules_dir);
  }
  // The dump goes to a virtio disk: its drivers must load even in a built-in-only harvest.
  const std::vector<std::string> disk_drivers{"virtio_pci", "virtio_blk"};
  std::vector<std::string> wanted = disk_drivers;
  std::size_t event_modules = 0;
  if (options.load_modules) {
    for (const auto& [name, module] : modules) {
      if (module.defines_events) {
        wanted.push_back(name);
        ++event_modules;
      }
    }
  }
  const std::vector<std::string> order = load_order(modules, wanted);
  const std::vector<std::string> required = load_order(modules, disk_drivers);

  const fs::path initramfs = scratch.path() / "initramfs.cpio";
  say("writing the initramfs: " + std::to_string(order.size()) + " modules (" + std::to_string(event_modules) +
      " define events)");
  write_initramfs(initramfs, busybox, modules, order, required);

  const fs::path disk = scratch.path() / "dump.img";
  {
    std::ofstream create(disk, std::ios::binary);
    if (!create) fail("cannot create " + disk.string());
  }
  fs::resize_file(disk, 512ull << 20);

  const fs::path console = scratch.path() / "console.log";
  const std::vector<std::string> argv{
      qemu.string(), "-accel", "tcg", "-cpu", "max", "-m", "2048", "-smp", "1",
      "-display", "none", "-monitor", "none", "-serial", "stdio", "-no-reboot",
      "-kernel", input.vmlinuz.string(), "-initrd", initramfs.string(),
      "-drive", "file=" + disk.string() + ",format=raw,if=virtio",
      // no_timer_check: under TCG on a loaded host the kernel's IO-APIC timer
      // check can miss its ticks and panic ("IO-APIC + timer doesn't work!").
      "-append", "console=ttyS0 panic=-1 loglevel=4 rdinit=/init no_timer_check"};
  say("booting " + input.vmlinuz.filename().string() + " under qemu (TCG; about " +
      std::string(options.load_modules ? "2 to 4 minutes" : "30 s") + ")");
  const auto started = std::chrono::steady_clock::now();
  std::optional<int> status;
  {
    ChildProcess guest(argv, console);
    status = guest.wait(options.timeout);
  }
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);

  const std::vector<std::string> tail = console_tail(console, 30);
  for (const std::string& line : tail) {
    const std::size_t at = line.find("probity-harvest: error: ");
    if (at != std::string::npos) fail("the guest says: " + line.substr(at + 24), join_lines(tail));
  }
  if (!status) {
    fail("the guest did not finish within " + std::to_string(options.timeout.count()) +
             " s; its last console lines follow",
         join_lines(tail));
  }
  if (*status != 0) {
    fail("qemu exited with status " + std::to_string(*status) + "; its last console lines follow", join_lines(tail));
  }
  const bool complete = std::any_of(tail.begin(), tail.end(), [](const std::string& line) {
    return line.find("probity-harvest: dump complete") != std::string::npos;
  });
  if (!complete) fail("the guest stopped before writing its dump; its last console lines follow", join_lines(tail));
  say("the guest finished in " + std::to_string(seconds.count()) + " s; reading its dump");

  const fs::path dump = scratch.path() / "dump";
  fs::create_directories(dump);
  run_tool({"tar", "-x", "-f", disk.string(), "-C", dump.string()}, scratch.path());
  if (!options.keep_dump.empty()) {
    std::error_code error;
    fs::create_directories(options.keep_dump, error);
    fs::copy(dump, options.keep_dump, fs::copy_options::recursive | fs::copy_options::overwrite_existing, error);
    if (error) fail("cannot copy the dump to " + options.keep_dump.string() + ": " + error.message());
  }
  return read_image_dump(dump, input.source);
}

}  // namespace probity::catalogue
