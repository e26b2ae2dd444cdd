// probity -e as a user runs it: exit statuses, diagnostics on stderr, the -v
// report on stdout, compiled objects written and read back, options and
// macro arguments from the command line. No tracefs needed: -e compiles
// against the catalogue only, and --kernel pins the release.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <utility>
#include <string>
#include <vector>

#include "probity/compiler/object.hpp"
#include "support/child_process.hpp"
#include "support/probity_process.hpp"
#include "support/scratch_directory.hpp"

namespace {

using probity::test_support::Outcome;
using probity::test_support::ScratchDirectory;

constexpr const char* release = "6.18.44-fc-v657";

Outcome probity(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), {"--index", PROBITY_INDEX_FILE, "--kernel", release});
  return probity::test_support::run_process(PROBITY_BINARY, arguments);
}

TEST(CliCompile, ValidProgramExitsZeroAndSaysWhatItMatched) {
  const Outcome result = probity({"-e", "-n", "sched:sched_switch { @[args->prev_comm] = count(); }"});
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.err.find("matched 1 probe of kernel 6.18.44-fc-v657"), std::string::npos) << result.err;
  EXPECT_TRUE(result.out.empty()) << result.out;
}

TEST(CliCompile, QuietSaysNothing) {
  const Outcome result = probity({"-eq", "-n", "sched:sched_switch { @ = count(); }"});
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_TRUE(result.err.empty()) << result.err;
}

TEST(CliCompile, ErrorsGoToStderrWithPlaceCaretHintAndTag) {
  ScratchDirectory directory("probity-cli-compile");
  const std::string script = directory.write("bad.d",
                                        "sched:sched_switch\n"
                                        "{\n"
                                        "\t@[args->prev_pdi] = count();\n"
                                        "}\n").string();
  const Outcome result = probity({"-e", "-s", script});
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.err.find(script + ":3:4: error: sched:sched_switch has no field \"prev_pdi\" [D_FIELD_UNKNOWN]"),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("\t@[args->prev_pdi] = count();\n    \t  ^~~~~~~~~~~~~~"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("hint: did you mean \"prev_pid\"?"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("probity: 1 error in " + script), std::string::npos) << result.err;
}

TEST(CliCompile, VerboseReportHasDtracesShapeAndTheFilters) {
  const Outcome result =
      probity({"-ev", "-n", "sched:sched_switch /args->prev_pid == 0 && pid != 1/ { @[execname] = count(); }"});
  ASSERT_EQ(result.status, 0) << result.err;
  for (const std::string expected :
       {"Stability attributes for script <command line>:", "\tMinimum Probe Description Attributes\n",
        "\t\tIdentifier Names: ", "\t\tData Semantics:   ", "\t\tDependency Class: ",
        "\tMinimum Statement Attributes\n", "Stability attributes for description sched:sched_switch:",
        "\tsched:sched_switch: prev_pid == 0\n"}) {
    EXPECT_NE(result.out.find(expected), std::string::npos) << expected << "\nin:\n" << result.out;
  }
}

TEST(CliCompile, ObjectIsWrittenReadBackAndCheckedAsAnObject) {
  ScratchDirectory directory("probity-cli-compile");
  const std::string object = (directory.path() / "count.pob").string();
  const Outcome written = probity({"-e", "-n", "sched:sched_switch /args->prev_pid == 0/ { @ = count(); }", "-o", object});
  ASSERT_EQ(written.status, 0) << written.err;
  ASSERT_TRUE(probity::compiler::looks_like_object(object));
  const probity::compiler::Program program = probity::compiler::read_object(object);
  EXPECT_EQ(program.catalogue_release, release);
  ASSERT_EQ(program.events.size(), 1u);
  EXPECT_EQ(program.events[0].filter, "prev_pid == 0");

  const Outcome reread = probity({"-ev", "-s", object});
  EXPECT_EQ(reread.status, 0) << reread.err;
  EXPECT_NE(reread.out.find("sched:sched_switch: prev_pid == 0"), std::string::npos) << reread.out;

  // One flipped byte in the payload: refused, naming the file.
  std::string bytes;
  {
    std::ifstream in(object, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x20);
  const std::string corrupted = (directory.path() / "corrupted.pob").string();
  std::ofstream(corrupted, std::ios::binary) << bytes;
  const Outcome refused = probity({"-e", "-s", corrupted});
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.err.find(corrupted), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("corrupted"), std::string::npos) << refused.err;
}

// -e -o writes a compiled object only into a regular file (new or replaced
// whole): never through a symbolic link, never over a device, FIFO or
// directory, which stay as they were.
TEST(CliCompile, TheObjectIsWrittenOnlyToARegularFile) {
  namespace fs = std::filesystem;
  ScratchDirectory directory("probity-cli-compile");
  const fs::path dir = directory.path();
  const std::string program = "sched:sched_switch { @ = count(); }";
  const fs::path target = directory.write("target", "keep");
  fs::create_symlink(target, dir / "link");
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0600), 0);
  fs::create_directory(dir / "sub");
  std::vector<std::pair<fs::path, std::string>> refused{{dir / "link", "it is a symbolic link, not a regular file"},
                                                        {dir / "fifo", "it is a FIFO, not a regular file"},
                                                        {dir / "sub", "it is a directory"}};
  if (::geteuid() == 0) {
    // A node of /dev/full's own device, so that a failure cannot clobber the real one.
    ASSERT_EQ(::mknod((dir / "full").c_str(), S_IFCHR | 0666, ::makedev(1, 7)), 0);
    refused.emplace_back(dir / "full", "it is a character device, not a regular file");
  }
  for (const auto& [path, reason] : refused) {
    SCOPED_TRACE(path.string());
    const Outcome result = probity({"-e", "-n", program, "-o", path.string()});
    EXPECT_EQ(result.status, 1) << result.err;
    EXPECT_NE(result.err.find("cannot write " + path.string() + ": " + reason), std::string::npos) << result.err;
  }
  EXPECT_TRUE(fs::is_symlink(dir / "link"));
  std::ifstream kept(target);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(kept), {}), "keep");
  EXPECT_TRUE(fs::is_fifo(dir / "fifo"));
  if (::geteuid() == 0) {
    EXPECT_TRUE(fs::is_character_file(dir / "full"));
  }
  for (const auto& entry : fs::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << "left " << entry.path();
  }
  // A regular file is replaced whole.
  const Outcome replaced = probity({"-e", "-n", program, "-o", target.string()});
  EXPECT_EQ(replaced.status, 0) << replaced.err;
  EXPECT_TRUE(probity::compiler::looks_like_object(target));
}

// -s reads only a regular file of at most 1 MiB: /dev/zero would be read
// until memory ran out, a FIFO would block.
TEST(CliCompile, AScriptIsARegularFileOfAtMostOneMebibyte) {
  namespace fs = std::filesystem;
  ScratchDirectory directory("probity-cli-compile");
  const fs::path dir = directory.path();
  const auto start = std::chrono::steady_clock::now();
  const Outcome zero = probity({"-e", "-s", "/dev/zero"});
  EXPECT_EQ(zero.status, 1);
  EXPECT_NE(zero.err.find("cannot read script /dev/zero: it is a character device, not a regular file"),
            std::string::npos)
      << zero.err;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));

  const Outcome of_directory = probity({"-e", "-s", dir.string()});
  EXPECT_EQ(of_directory.status, 1);
  EXPECT_NE(of_directory.err.find("cannot read script " + dir.string() + ": it is a directory"), std::string::npos)
      << of_directory.err;

  const fs::path fifo = dir / "fifo.d";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // Should probity block on the FIFO, this frees it after 5 s and the test fails instead of hanging.
  probity::test_support::FifoUnblocker unblocker(fifo);
  const auto fifo_start = std::chrono::steady_clock::now();
  const Outcome of_fifo = probity({"-e", "-s", fifo.string()});
  unblocker.dismiss();
  EXPECT_LT(std::chrono::steady_clock::now() - fifo_start, std::chrono::seconds(4)) << "the FIFO blocked";
  EXPECT_NE(of_fifo.err.find("it is a FIFO, not a regular file"), std::string::npos) << of_fifo.err;

  const std::string program = "sched:sched_switch { @ = count(); }\n";
  const std::size_t limit = 1024 * 1024;
  const std::string padding = "/* " + std::string(limit - program.size() - 7, 'x') + " */\n";
  const fs::path at_limit = directory.write("at-limit.d", program + padding);
  ASSERT_EQ(fs::file_size(at_limit), limit);
  const Outcome accepted = probity({"-e", "-s", at_limit.string()});
  EXPECT_EQ(accepted.status, 0) << accepted.err;
  const fs::path over = directory.write("over.d", program + padding + "\n");
  const Outcome too_large = probity({"-e", "-s", over.string()});
  EXPECT_EQ(too_large.status, 1);
  EXPECT_NE(too_large.err.find("cannot read script " + over.string() + ": it is larger than the limit of 1048576 bytes"),
            std::string::npos)
      << too_large.err;
}

TEST(CliCompile, OptionsFromTheCommandLineChangeThePolicy) {
  const std::string hot = "raw_syscalls:sys_enter { @[execname] = count(); }";
  const Outcome refused = probity({"-e", "-n", hot});
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.err.find("[D_HAZARD_HOT]"), std::string::npos) << refused.err;
  EXPECT_EQ(probity({"-e", "-x", "allow=hot", "-n", hot}).status, 0);

  const Outcome unknown = probity({"-e", "-x", "bufsiz=4m", "-n", "BEGIN { exit(0); }"});
  EXPECT_EQ(unknown.status, 1);
  EXPECT_NE(unknown.err.find("probity: command line: error: unknown option \"bufsiz\" [D_OPTION_UNKNOWN]"),
            std::string::npos)
      << unknown.err;
  EXPECT_NE(unknown.err.find("did you mean \"bufsize\"?"), std::string::npos) << unknown.err;
}

TEST(CliCompile, MacroArgumentsFollowTheScript) {
  ScratchDirectory directory("probity-cli-compile");
  const std::string script =
      directory.write("args.d", "sched:sched_switch /args->prev_pid == $1 && execname == $2/ { @ = count(); }\n").string();
  const Outcome result = probity({"-ev", "-s", script, "42", "bash"});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.out.find("prev_pid == 42"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("COMM == \"bash\""), std::string::npos) << result.out;

  const Outcome missing = probity({"-e", "-s", script, "42"});
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find("[D_MACRO_UNDEFINED]"), std::string::npos) << missing.err;
}

TEST(CliCompile, CommandLineMistakesAreUsageErrors) {
  EXPECT_EQ(probity({"-e"}).status, 2);
  EXPECT_EQ(probity({"-e", "-n", "BEGIN {}", "-s", "x.d"}).status, 2);
  EXPECT_EQ(probity({"-e", "-x"}).status, 2);
  const Outcome missing_file = probity({"-e", "-s", "/nonexistent/script.d"});
  EXPECT_EQ(missing_file.status, 1);
  EXPECT_NE(missing_file.err.find("cannot read script /nonexistent/script.d"), std::string::npos) << missing_file.err;
}

TEST(CliCompile, AnotherReleaseIsCheckedWithKernel) {
  // sched_stat_runtime lost vruntime after 6.1: the same script compiles
  // for one release and not for the other.
  const std::string script = "sched:sched_stat_runtime { @[execname] = sum(args->vruntime); }";
  const std::vector<std::string> lower = {"-x", "amin=Private", "-e", "-n", script};
  std::vector<std::string> old_kernel{"--index", PROBITY_INDEX_FILE, "--kernel", "6.1.0-56-amd64"};
  old_kernel.insert(old_kernel.end(), lower.begin(), lower.end());
  const Outcome on_6_1 = probity::test_support::run_process(PROBITY_BINARY, old_kernel);
  EXPECT_EQ(on_6_1.status, 0) << on_6_1.err;
  const Outcome on_6_18 = probity(lower);
  EXPECT_EQ(on_6_18.status, 1);
  EXPECT_NE(on_6_18.err.find("[D_FIELD_UNKNOWN]"), std::string::npos) << on_6_18.err;
}

}  // namespace
