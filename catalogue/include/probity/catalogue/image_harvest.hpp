// Harvesting the event layouts of a kernel image without running it on
// hardware: the kernel (a vmlinuz, or a Debian linux-image-*.deb with its
// modules) boots under qemu with a generated busybox initramfs that loads
// every module defining trace events, copies every format file, and writes
// them to a virtio disk; the host parses them with the same code as a live
// harvest.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "probity/catalogue/model.hpp"

namespace probity::catalogue {

// The image cannot be harvested: a missing or unreadable file, a tool that is
// not installed, a guest that did not finish. what() is one line saying what
// is wrong and what to do; console() holds the guest's last console lines
// when the guest was booted.
class ImageHarvestError : public std::runtime_error {
 public:
  explicit ImageHarvestError(const std::string& message, std::string console = {})
      : std::runtime_error(message), console_(std::move(console)) {}
  const std::string& console() const { return console_; }

 private:
  std::string console_;
};

struct ImageHarvestOptions {
  std::filesystem::path image;     // a vmlinuz (bzImage) or a Debian linux-image-*.deb
  bool load_modules = true;        // false: built-in events only (plus the virtio disk drivers)
  std::chrono::seconds timeout{900};
  std::ostream* progress = nullptr;  // one line per stage, when set
  std::filesystem::path keep_dump;   // when set, the guest's unpacked dump is copied there (debugging)
};

// Boots the image under qemu (TCG, -cpu max) and returns its snapshot:
// release and machine as the guest's uname says, source naming the package
// and version (or the image file), EventLayout::module set for module events,
// failed_modules listing the modules that would not load. Needs
// qemu-system-x86_64, busybox (static), tar, and dpkg-deb for a .deb.
KernelSnapshot harvest_kernel_image(const ImageHarvestOptions& options);

// ------------------------------------------------------------ host-side pieces

// A newc ("070701") cpio archive, the format of an initramfs, written as
// entries are added.
class NewcArchiveWriter {
 public:
  explicit NewcArchiveWriter(std::ostream& out) : out_(out) {}
  void add_directory(const std::string& path, std::uint32_t mode = 0755);
  void add_file(const std::string& path, std::string_view contents, std::uint32_t mode = 0644);
  void add_character_device(const std::string& path, std::uint32_t major, std::uint32_t minor,
                            std::uint32_t mode = 0600);
  // Writes the trailer; nothing may be added afterwards.
  void finish();

 private:
  void add(const std::string& path, std::uint32_t mode, std::string_view contents,
           std::uint32_t rdev_major = 0, std::uint32_t rdev_minor = 0);
  std::ostream& out_;
  std::uint32_t next_inode_ = 1;
};

// What the host learns about a kernel module from its ELF file (.ko, or
// .ko.xz decompressed in memory).
struct ModuleFile {
  std::string name;                  // modinfo name=, else the file name with '-' as '_'
  std::filesystem::path path;
  std::vector<std::string> depends;  // modinfo depends=
  // modinfo softdep=pre: names or aliases that modprobe would load first
  // (libcrc32c needs the crc32c crypto module); the guest has no modprobe.
  std::vector<std::string> soft_pre;
  std::vector<std::string> aliases;  // modinfo alias= ("crc32c", "crypto-crc32c", ...)
  bool defines_events = false;       // has an _ftrace_events section
};
ModuleFile inspect_module(const std::filesystem::path& file);
// The module's ELF bytes, decompressed when the file is .ko.xz.
std::string read_module(const std::filesystem::path& file);

// Every module under `modules_dir` (lib/modules/<release>), by name.
std::map<std::string, ModuleFile> scan_modules(const std::filesystem::path& modules_dir);

// `wanted` and everything they depend on (depends=, and softdep pre: by name
// or alias), dependencies first; modules absent from `modules` are skipped
// (built in).
std::vector<std::string> load_order(const std::map<std::string, ModuleFile>& modules,
                                    const std::vector<std::string>& wanted);

// The busybox initramfs: /init (the guest script), busybox, /dev/console,
// /probity/load-order and /probity/modules/<name>.ko for each of `order`;
// names in `required` stop the harvest when they fail to load.
void write_initramfs(const std::filesystem::path& file, const std::filesystem::path& busybox,
                     const std::map<std::string, ModuleFile>& modules,
                     const std::vector<std::string>& order, const std::vector<std::string>& required);

// The guest script embedded in probity (catalogue/tools/image-harvest/init.sh).
std::string_view guest_init_script();

// Reads an unpacked guest dump (events/<system>/<event>/format, release,
// machine, modules/<name> listing "system:event" lines, failed-modules with
// "name<TAB>reason" lines) into a snapshot; `source` goes into the snapshot.
KernelSnapshot read_image_dump(const std::filesystem::path& dump_dir, const std::string& source);

}  // namespace probity::catalogue
