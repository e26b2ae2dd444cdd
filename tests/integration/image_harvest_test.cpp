// probity catalogue harvest --kernel-image: the host-side pieces (initramfs,
// modules, reading the guest's dump, errors) and a real boot of Debian's 6.1
// kernel under qemu compared with the committed snapshot.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "probity/catalogue/harvest.hpp"
#include "probity/catalogue/image_harvest.hpp"
#include "probity/catalogue/yaml_io.hpp"
#include "support/scratch_directory.hpp"

namespace probity::catalogue {
namespace {

namespace fs = std::filesystem;

const fs::path catalogue_data{PROBITY_CATALOGUE_SOURCE_DIR};
const fs::path package_cache{"/var/cache/probity/debs"};

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool shell(const std::string& command) { return std::system(command.c_str()) == 0; }

bool have_program(const std::string& program) { return shell("command -v " + program + " >/dev/null 2>&1"); }

// The committed snapshot of Debian's 6.1 kernel: its release and package.
struct CommittedPackage {
  KernelSnapshot snapshot;
  std::string package;
  std::string version;
};

std::optional<CommittedPackage> committed_debian_61() {
  for (const auto& entry : fs::directory_iterator(catalogue_data / "kernels")) {
    if (!entry.path().filename().string().starts_with("6.1.0-")) continue;
    KernelSnapshot snapshot = load_snapshot(entry.path());
    const std::size_t space = snapshot.source.find(' ');
    if (space == std::string::npos) continue;
    CommittedPackage committed{snapshot, snapshot.source.substr(0, space), snapshot.source.substr(space + 1)};
    return committed;
  }
  return std::nullopt;
}

// The package's .deb in the cache, downloaded with apt-get when missing.
std::optional<fs::path> cached_package(const CommittedPackage& committed) {
  std::string version = committed.version;
  version = std::regex_replace(version, std::regex(":"), "%3a");
  const fs::path deb = package_cache / (committed.package + "_" + version + "_amd64.deb");
  if (fs::exists(deb)) return deb;
  fs::create_directories(package_cache);
  shell("cd " + package_cache.string() + " && apt-get download -q " + committed.package + "=" + committed.version +
        " >/dev/null 2>&1");
  if (fs::exists(deb)) return deb;
  return std::nullopt;
}

// ------------------------------------------------------------ errors

std::string harvest_error(const fs::path& image) {
  ImageHarvestOptions options;
  options.image = image;
  try {
    harvest_kernel_image(options);
  } catch (const ImageHarvestError& error) {
    return error.what();
  }
  ADD_FAILURE() << "harvesting " << image << " succeeded";
  return {};
}

TEST(ImageHarvest, MissingImageIsAOneLineErrorNamingThePath) {
  const std::string message = harvest_error("/no/such/vmlinuz-6.1");
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_NE(message.find("/no/such/vmlinuz-6.1 does not exist"), std::string::npos) << message;
  EXPECT_TRUE(message.starts_with("probity: cannot harvest the kernel image: ")) << message;
}

TEST(ImageHarvest, FileThatIsNoKernelIsAOneLineError) {
  test_support::ScratchDirectory scratch("probity-image-test");
  const fs::path text = scratch.write("vmlinuz-fake", std::string(8192, 'x'));
  std::string message = harvest_error(text);
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_NE(message.find("neither a Debian package (.deb) nor an x86 bzImage kernel"), std::string::npos) << message;

  message = harvest_error(scratch.path());
  EXPECT_NE(message.find("is not a file"), std::string::npos) << message;

  // An ar archive that is not a valid package: dpkg-deb's own complaint, on one line.
  if (have_program("dpkg-deb")) {
    message = harvest_error(scratch.write("broken.deb", "!<arch>\nnot really a package\n"));
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_NE(message.find("dpkg-deb"), std::string::npos) << message;
  }
}

// ------------------------------------------------------------ initramfs

TEST(ImageHarvest, NewcArchiveIsReadByCpio) {
  if (!have_program("cpio")) GTEST_SKIP() << "cpio is not installed (apt-get install cpio)";
  test_support::ScratchDirectory scratch("probity-image-test");
  const fs::path archive_file = scratch.path() / "test.cpio";
  const std::string odd_sized(4099, 'q');  // exercises the 4-byte padding
  {
    std::ofstream out(archive_file, std::ios::binary);
    NewcArchiveWriter archive(out);
    archive.add_directory("bin");
    archive.add_directory("etc/deep", 0700);
    archive.add_file("bin/tool", "#!/bin/sh\necho hi\n", 0755);
    archive.add_file("etc/deep/odd", odd_sized);
    archive.add_file("empty", "");
    archive.add_character_device("console", 5, 1);
    archive.finish();
  }
  const fs::path unpacked = scratch.path() / "unpacked";
  fs::create_directories(unpacked);
  ASSERT_TRUE(shell("cd " + unpacked.string() + " && cpio -i -d -m --quiet < " + archive_file.string()));
  EXPECT_EQ(read_text(unpacked / "bin/tool"), "#!/bin/sh\necho hi\n");
  EXPECT_EQ(read_text(unpacked / "etc/deep/odd"), odd_sized);
  EXPECT_TRUE(fs::is_regular_file(unpacked / "empty"));
  EXPECT_EQ(fs::file_size(unpacked / "empty"), 0u);
  EXPECT_EQ(fs::status(unpacked / "bin/tool").permissions() & fs::perms::owner_exec, fs::perms::owner_exec);
  struct stat device {};
  ASSERT_EQ(::stat((unpacked / "console").c_str(), &device), 0);
  EXPECT_TRUE(S_ISCHR(device.st_mode));
  EXPECT_EQ(major(device.st_rdev), 5u);
  EXPECT_EQ(minor(device.st_rdev), 1u);
}

TEST(ImageHarvest, GuestScriptIsTheEmbeddedInitScript) {
  const fs::path source = catalogue_data.parent_path() / "tools" / "image-harvest" / "init.sh";
  EXPECT_EQ(guest_init_script(), read_text(source));
  EXPECT_TRUE(guest_init_script().starts_with("#!/bin/busybox sh\n"));
}

TEST(ImageHarvest, LoadOrderPutsDependenciesFirstAndSkipsBuiltIns) {
  std::map<std::string, ModuleFile> modules;
  const auto add = [&](const std::string& name, std::vector<std::string> depends) {
    modules[name] = ModuleFile{name, name + ".ko", std::move(depends), {}, {}, false};
  };
  add("virtio_blk", {"virtio", "virtio_ring"});
  add("virtio", {});
  add("virtio_ring", {"virtio"});
  add("kvm_intel", {"kvm"});
  add("kvm", {"irqbypass", "built_in_one"});
  add("irqbypass", {});
  const std::vector<std::string> order = load_order(modules, {"kvm_intel", "virtio_blk", "kvm", "not_a_module"});
  EXPECT_EQ(order, (std::vector<std::string>{"irqbypass", "kvm", "kvm_intel", "virtio", "virtio_ring", "virtio_blk"}));

  // softdep pre: by alias (libcrc32c's "crc32c") or by module name.
  add("libcrc32c", {});
  modules["libcrc32c"].soft_pre = {"crc32c", "crc-helper"};
  add("crc32c_intel", {});
  modules["crc32c_intel"].aliases = {"crypto-crc32c", "crc32c"};
  add("crc_helper", {});
  add("xfs", {"libcrc32c"});
  EXPECT_EQ(load_order(modules, {"xfs"}),
            (std::vector<std::string>{"crc32c_intel", "crc_helper", "libcrc32c", "xfs"}));
}

// A real module of the 6.1 package, plain and xz-compressed as 6.12 ships them.
TEST(ImageHarvest, InspectsPlainAndXzModules) {
  const auto committed = committed_debian_61();
  if (!committed) GTEST_SKIP() << "no committed 6.1.0-* snapshot in " << (catalogue_data / "kernels");
  const auto deb = cached_package(*committed);
  if (!deb) GTEST_SKIP() << committed->package << " " << committed->version << " is not in " << package_cache
                         << " and apt-get download failed";
  if (!have_program("xz")) GTEST_SKIP() << "xz is not installed (apt-get install xz-utils)";
  test_support::ScratchDirectory scratch("probity-image-test");
  const std::string kernel_dir = "./lib/modules/" + committed->snapshot.release + "/kernel/";
  ASSERT_TRUE(shell("dpkg-deb --fsys-tarfile " + deb->string() + " | tar -x -C " + scratch.path().string() + " " +
                    kernel_dir + "drivers/block/virtio_blk.ko " + kernel_dir + "fs/xfs/xfs.ko"));
  const fs::path modules = scratch.path() / "lib/modules" / committed->snapshot.release / "kernel";

  const ModuleFile blk = inspect_module(modules / "drivers/block/virtio_blk.ko");
  EXPECT_EQ(blk.name, "virtio_blk");
  EXPECT_FALSE(blk.defines_events);
  std::vector<std::string> depends = blk.depends;
  std::sort(depends.begin(), depends.end());
  EXPECT_EQ(depends, (std::vector<std::string>{"virtio", "virtio_ring"}));

  const ModuleFile xfs = inspect_module(modules / "fs/xfs/xfs.ko");
  EXPECT_EQ(xfs.name, "xfs");
  EXPECT_TRUE(xfs.defines_events);

  ASSERT_TRUE(shell("xz -k " + (modules / "fs/xfs/xfs.ko").string()));
  const ModuleFile compressed = inspect_module(modules / "fs/xfs/xfs.ko.xz");
  EXPECT_EQ(compressed.name, "xfs");
  EXPECT_TRUE(compressed.defines_events);
  EXPECT_EQ(compressed.depends, xfs.depends);
  EXPECT_EQ(read_module(modules / "fs/xfs/xfs.ko.xz"), read_text(modules / "fs/xfs/xfs.ko"));

  const std::map<std::string, ModuleFile> scanned = scan_modules(modules);
  EXPECT_EQ(scanned.size(), 2u);  // xfs.ko and xfs.ko.xz are one module
  EXPECT_TRUE(scanned.contains("virtio_blk"));

  const fs::path garbage = scratch.write("garbage.ko", "not an ELF file");
  try {
    inspect_module(garbage);
    ADD_FAILURE() << "inspect_module accepted " << garbage;
  } catch (const ImageHarvestError& error) {
    EXPECT_NE(std::string(error.what()).find("garbage.ko is not a 64-bit little-endian ELF module"),
              std::string::npos)
        << error.what();
  }
}

// ------------------------------------------------------------ the dump

// A dump shaped like the guest's, made from the live tracefs: the layouts must
// come out as harvest_live reads them, module events marked, failures listed.
TEST(ImageHarvest, ReadsTheGuestsDump) {
  if (::geteuid() != 0) GTEST_SKIP() << "reading the live tracefs needs root";
  fs::path tracing;
  try {
    tracing = tracing_dir();
  } catch (const TracefsError& error) {
    GTEST_SKIP() << error.what();
  }
  test_support::ScratchDirectory scratch("probity-image-test");
  const fs::path dump = scratch.path() / "dump";
  const std::vector<std::string> events{"sched/sched_switch", "irq/irq_handler_entry", "irq/irq_handler_exit"};
  for (const std::string& event : events) {
    scratch.write(fs::path("dump/events") / event / "format", read_text(tracing / "events" / event / "format"));
  }
  // Linux 6.1's applespi_irq_received has an empty print fmt, which libtraceevent
  // cannot parse; its fields are whole and must be kept.
  scratch.write("dump/events/applespi/applespi_irq_received/format",
                "name: applespi_irq_received\nID: 1345\nformat:\n"
                "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
                "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
                "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
                "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
                "\tfield:enum applespi_evt_type evt_type;\toffset:8;\tsize:4;\tsigned:0;\n"
                "\tfield:enum applespi_pkt_type pkt_type;\toffset:12;\tsize:4;\tsigned:0;\n\n"
                "print fmt: \n");
  scratch.write("dump/events/header_page", read_text(tracing / "events/header_page"));
  scratch.write("dump/release", "6.1.0-99-amd64\n");
  scratch.write("dump/machine", "x86_64\n");
  scratch.write("dump/modules/irq_module", "irq:irq_handler_entry\nirq:irq_handler_exit\n");
  scratch.write("dump/modules/no_events", "");
  scratch.write("dump/failed-modules", "hv_vmbus\tNo such device\nfjes\tUnknown symbol in module\n");

  try {
    read_image_dump(dump, "linux-image-test 1.0");
    ADD_FAILURE() << "a dump without its completion marker was read";
  } catch (const ImageHarvestError& error) {
    EXPECT_NE(std::string(error.what()).find("incomplete"), std::string::npos) << error.what();
  }

  scratch.write("dump/complete", "complete\n");
  const KernelSnapshot snapshot = read_image_dump(dump, "linux-image-test 1.0");
  EXPECT_EQ(snapshot.release, "6.1.0-99-amd64");
  EXPECT_EQ(snapshot.machine, "x86_64");
  EXPECT_EQ(snapshot.source, "linux-image-test 1.0");
  ASSERT_EQ(snapshot.events.size(), 4u);
  const KernelSnapshot live = harvest_live(tracing);
  EXPECT_EQ(snapshot.common_fields, live.common_fields);
  const EventLayout* applespi = snapshot.find("applespi", "applespi_irq_received");
  ASSERT_NE(applespi, nullptr);
  ASSERT_EQ(applespi->fields.size(), 2u);
  EXPECT_EQ(applespi->fields[1].name, "pkt_type");
  EXPECT_EQ(applespi->fields[1].type, "enum applespi_pkt_type");
  EXPECT_EQ(applespi->fields[1].offset, 12u);
  for (const EventLayout& event : snapshot.events) {
    if (event.system == "applespi") continue;
    const EventLayout* expected = live.find(event.system, event.name);
    ASSERT_NE(expected, nullptr) << event.system << ":" << event.name;
    EXPECT_EQ(event.fields, expected->fields) << event.system << ":" << event.name;
    EXPECT_EQ(event.module, event.system == "irq" ? "irq_module" : "") << event.system << ":" << event.name;
  }
  EXPECT_EQ(snapshot.failed_modules,
            (std::vector<FailedModule>{{"fjes", "Unknown symbol in module"}, {"hv_vmbus", "No such device"}}));
}

// ------------------------------------------------------------ a real boot

// Boots Debian's 6.1 kernel (the package of the committed snapshot) without
// its event modules, and checks every built-in event of the committed
// snapshot against it, layout for layout.
TEST(ImageHarvest, BootsDebian61AndMatchesTheCommittedSnapshot) {
  if (!have_program("qemu-system-x86_64")) GTEST_SKIP() << "qemu-system-x86_64 is not installed (qemu-system-x86)";
  if (!have_program("busybox")) GTEST_SKIP() << "busybox is not installed (busybox-static)";
  const auto committed = committed_debian_61();
  if (!committed) GTEST_SKIP() << "no committed 6.1.0-* snapshot in " << (catalogue_data / "kernels");
  const auto deb = cached_package(*committed);
  if (!deb) GTEST_SKIP() << committed->package << " " << committed->version << " is not in " << package_cache
                         << " and apt-get download failed";

  ImageHarvestOptions options;
  options.image = *deb;
  options.load_modules = false;
  options.timeout = std::chrono::seconds(240);
  KernelSnapshot harvested;
  try {
    harvested = harvest_kernel_image(options);
  } catch (const ImageHarvestError& error) {
    FAIL() << error.what() << "\n" << error.console();
  }
  const KernelSnapshot& expected = committed->snapshot;
  EXPECT_EQ(harvested.release, expected.release);
  EXPECT_EQ(harvested.machine, expected.machine);
  EXPECT_EQ(harvested.source, expected.source);
  EXPECT_EQ(harvested.common_fields, expected.common_fields);
  EXPECT_TRUE(harvested.failed_modules.empty());

  std::size_t built_in = 0;
  for (const EventLayout& event : expected.events) {
    if (!event.module.empty()) continue;
    ++built_in;
    const EventLayout* found = harvested.find(event.system, event.name);
    ASSERT_NE(found, nullptr) << event.system << ":" << event.name << " is missing";
    EXPECT_EQ(found->fields, event.fields) << event.system << ":" << event.name;
    EXPECT_EQ(found->module, "") << event.system << ":" << event.name;
  }
  EXPECT_GT(built_in, 1000u);
  // Built in means present without modules: nothing more, nothing less.
  const auto harvested_built_in = std::count_if(harvested.events.begin(), harvested.events.end(),
                                                [](const EventLayout& event) { return event.module.empty(); });
  EXPECT_EQ(static_cast<std::size_t>(harvested_built_in), built_in);
}

}  // namespace
}  // namespace probity::catalogue
