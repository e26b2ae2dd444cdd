// probity compat as a CI pipeline would use it: a matrix of releases, the
// failing ones with the script's line, exit status 1 when one fails, JSON.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "support/probity_process.hpp"
#include "support/scratch_directory.hpp"

namespace {

using probity::test_support::Outcome;
using probity::test_support::ScratchDirectory;

Outcome compat(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), {"compat", "--index", PROBITY_INDEX_FILE});
  return probity::test_support::run_process(PROBITY_BINARY, arguments);
}

const std::string vruntime_script = "sched:sched_stat_runtime\n{\n  @[execname] = sum(args->vruntime);\n}\n";

TEST(CliCompat, MatrixNamesTheLineOnTheReleasesWhereItBreaks) {
  ScratchDirectory directory("probity-cli-compat");
  const std::string script = directory.write("vruntime.d", vruntime_script).string();
  const Outcome result = compat({"-s", script, "-x", "amin=Obsolete", "--kernel", "6.1", "--kernel", "6.12", "--kernel", "6.18.44-fc-v657"});
  EXPECT_EQ(result.status, 1) << result.err;
  EXPECT_NE(result.out.find("  6.1.0-56-amd64         runs\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("  6.12.117+deb12-amd64   does not run: 1 problem\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("  6.18.44-fc-v657        does not run: 1 problem\n"), std::string::npos) << result.out;
  for (const std::string release : {"6.12.117+deb12-amd64", "6.18.44-fc-v657"}) {
    EXPECT_NE(result.out.find(script + ":3:21: error: sched:sched_stat_runtime has no field \"vruntime\" in kernel " +
                              release + " [D_FIELD_UNKNOWN]"),
              std::string::npos)
        << result.out;
  }
  EXPECT_NE(result.out.find("note: the catalogue says of sched:sched_stat_runtime.vruntime: "), std::string::npos)
      << result.out;
}

TEST(CliCompat, RunsEverywhereExitsZero) {
  const Outcome result = compat({"-n", "sched:sched_switch { @[args->next_comm] = count(); }", "--all"});
  EXPECT_EQ(result.status, 0) << result.out << result.err;
  EXPECT_EQ(result.out.find("does not run"), std::string::npos) << result.out;
}

// On a terminal, compat --all shows which release it is checking on one line
// that it erases before the verdicts; in a pipe it writes no such line.
TEST(CliCompat, ShowsProgressOnATerminalOnly) {
  if (std::system("command -v script >/dev/null 2>&1") != 0) GTEST_SKIP() << "script (util-linux) is not installed";
  ScratchDirectory directory("probity-cli-compat");
  const std::string program = "sched:sched_switch { @[args->next_comm] = count(); }";
  const std::string command = std::string(PROBITY_BINARY) + " compat --index " + PROBITY_INDEX_FILE + " -n '" +
                              program + "' --all";
  // script(1) runs the command on a pseudo-terminal and copies what it wrote to stdout.
  const Outcome on_terminal = probity::test_support::run_process(
      "/usr/bin/script", {"-q", "-e", "-c", command, (directory.path() / "typescript").string()});
  ASSERT_EQ(on_terminal.status, 0) << on_terminal.out << on_terminal.err;
  EXPECT_NE(on_terminal.out.find("\rprobity compat: checking 6.1.0-56-amd64 (1 of "), std::string::npos)
      << on_terminal.out;
  const std::size_t erased = on_terminal.out.rfind("\r\x1b[K");
  ASSERT_NE(erased, std::string::npos) << on_terminal.out;
  EXPECT_NE(on_terminal.out.find("runs", erased), std::string::npos) << "the verdicts follow the erased line";

  const Outcome in_pipe = compat({"-n", program, "--all"});
  ASSERT_EQ(in_pipe.status, 0) << in_pipe.err;
  EXPECT_EQ(in_pipe.err.find("checking"), std::string::npos) << in_pipe.err;
  EXPECT_EQ(in_pipe.err.find('\x1b'), std::string::npos) << in_pipe.err;
}

TEST(CliCompat, JsonHasOneEntryPerRelease) {
  const Outcome result = compat({"-n", vruntime_script, "-x", "amin=Obsolete", "--kernel", "6.1", "--kernel", "6.18.44-fc-v657", "-f", "json"});
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(result.out.rfind("{\"program\":\"<command line>\",\"releases\":[{\"release\":\"6.1.0-56-amd64\",\"runs\":true,", 0), 0u)
      << result.out;
  EXPECT_NE(result.out.find("{\"release\":\"6.18.44-fc-v657\",\"runs\":false,"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("\"tag\":\"D_FIELD_UNKNOWN\",\"line\":3,\"column\":21,"), std::string::npos) << result.out;
  EXPECT_EQ(result.out.back(), '\n');
}

TEST(CliCompat, CompiledObjectIsCheckedForItsExactLayouts) {
  ScratchDirectory directory("probity-cli-compat");
  const std::string object = (directory.path() / "fork.pob").string();
  const Outcome compiled = probity::test_support::run_process(
      PROBITY_BINARY, {"--index", PROBITY_INDEX_FILE, "--kernel", "6.1", "-e", "-o", object, "-n",
                       "sched:sched_process_fork { @[args->parent_comm] = count(); }"});
  ASSERT_EQ(compiled.status, 0) << compiled.err;
  const Outcome result = compat({"-s", object, "--all"});
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.out.find("sched:sched_process_fork: field parent_comm retyped char parent_comm[16] -> __data_loc char[] parent_comm"),
            std::string::npos)
      << result.out;
}

TEST(CliCompat, CommandLineMistakes) {
  EXPECT_EQ(compat({"--kernel", "6.1"}).status, 2);
  EXPECT_EQ(compat({"-n", "BEGIN { exit(0); }"}).status, 2);
  EXPECT_EQ(compat({"-n", "BEGIN { exit(0); }", "--all", "-f", "xml"}).status, 2);
  const Outcome help = compat({"--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("usage: probity compat"), std::string::npos);
  EXPECT_EQ(compat({"-n", "BEGIN { exit(0); }", "--kernel", "9.99"}).status, 1);
}

}  // namespace
