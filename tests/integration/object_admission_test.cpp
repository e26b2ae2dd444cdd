// A compiled object is a request, never an authority. Each test compiles a
// real object with the probity binary, edits its bytes as anyone with the
// file can (the checksum recomputed from the published algorithm), and runs
// it on the live kernel and through probity compat: a field the site policy
// forbids is not read through a renamed slot nor filtered on in the kernel,
// a probe below the stability threshold is not enabled because the object
// was compiled for another one, and edited parameters are refused with the
// compiler's words. Needs root: a site policy must be owned by root, and the
// runs need tracefs.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/object_bytes.hpp"
#include "support/probity_process.hpp"
#include "support/scoped_environment.hpp"
#include "support/scratch_directory.hpp"

namespace probity {
namespace {

namespace fs = std::filesystem;
using test_support::Outcome;
using test_support::ScopedEnvironment;
using test_support::ScratchDirectory;
using test_support::Bytes;
using test_support::read_bytes;
using test_support::reseal;
using test_support::stored_string;
using test_support::write_bytes;
using test_support::write_le;

Outcome probity(const std::vector<std::string>& arguments) {
  return test_support::run_process(PROBITY_BINARY, arguments);
}

// Replaces stored strings equal to `from` by `to` (every one, or only the
// last); returns how many it replaced.
std::size_t replace_string(Bytes& bytes, const std::string& from, const std::string& to, bool only_last = false) {
  const Bytes needle = stored_string(from);
  const Bytes replacement = stored_string(to);
  std::vector<std::size_t> places;
  for (auto at = bytes.begin(); (at = std::search(at, bytes.end(), needle.begin(), needle.end())) != bytes.end();
       at += static_cast<std::ptrdiff_t>(needle.size())) {
    places.push_back(static_cast<std::size_t>(at - bytes.begin()));
  }
  if (only_last && !places.empty()) places.erase(places.begin(), places.end() - 1);
  for (auto place = places.rbegin(); place != places.rend(); ++place) {
    const auto at = bytes.begin() + static_cast<std::ptrdiff_t>(*place);
    bytes.erase(at, at + static_cast<std::ptrdiff_t>(needle.size()));
    bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(*place), replacement.begin(), replacement.end());
  }
  return places.size();
}

class ObjectAdmissionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root: the site policy must be owned by root, and runs need tracefs";
  }

  // Compiles `program` for the running kernel, without any site policy (as
  // on the machine where an object is built), into NAME.pob.
  fs::path compile(const std::string& program, const std::string& name,
                   const std::vector<std::string>& options = {}) {
    const fs::path object = scratch_.path() / (name + ".pob");
    std::vector<std::string> arguments{"-e", "-o", object.string()};
    arguments.insert(arguments.end(), options.begin(), options.end());
    arguments.insert(arguments.end(), {"-n", program});
    const Outcome compiled = probity(arguments);
    EXPECT_EQ(compiled.status, 0) << compiled.err;
    return object;
  }

  fs::path edited(const fs::path& object, const std::string& name, const std::function<void(Bytes&)>& edit) {
    Bytes bytes = read_bytes(object);
    edit(bytes);
    reseal(bytes);
    const fs::path file = scratch_.path() / (name + ".pob");
    write_bytes(file, bytes);
    return file;
  }

  fs::path policy(const std::string& text) {
    const fs::path file = scratch_.write("policy.yaml", text);
    ::chmod(file.c_str(), 0644);
    return file;
  }

  ScratchDirectory scratch_{"probity-object-admission"};
};

constexpr const char* forbid_wakeup_comm = "forbid:\n  fields: [\"sched:sched_wakeup.comm\"]\n";

TEST_F(ObjectAdmissionTest, AForbiddenFieldIsNotReadThroughARenamedSlot) {
  // Every wakeup prints the woken task's comm; the tick ends the run if
  // nothing is refused and no wakeup comes.
  const fs::path object =
      compile("sched:sched_wakeup { printf(\"read %s\\n\", args->comm); exit(0); } tick-2s { exit(0); }", "wakeup");
  // The slot's name is the last stored "comm" (the event's layout comes first).
  const fs::path slot_renamed = edited(object, "slot-renamed", [](Bytes& bytes) {
    ASSERT_EQ(replace_string(bytes, "comm", "cxmm", true), 1u);
  });
  // The layout's name too, so the slot and the layout it refers to agree.
  const fs::path both_renamed = edited(object, "both-renamed", [](Bytes& bytes) {
    ASSERT_EQ(replace_string(bytes, "comm", "cxmm"), 2u);
  });
  const fs::path file = policy(forbid_wakeup_comm);
  ScopedEnvironment environment("PROBITY_POLICY", file.string());

  const Outcome unedited = probity({"-q", "-s", object.string()});
  EXPECT_EQ(unedited.status, 1);
  EXPECT_NE(unedited.err.find("field sched:sched_wakeup.comm is forbidden by the site policy " + file.string()),
            std::string::npos)
      << unedited.err;

  const Outcome slot = probity({"-q", "-s", slot_renamed.string()});
  EXPECT_EQ(slot.status, 1) << slot.out;
  EXPECT_EQ(slot.out.find("read "), std::string::npos) << slot.out;
  EXPECT_NE(slot.err.find("field slot 0 (cxmm): refers to the layout of field comm, not of the field it names"),
            std::string::npos)
      << slot.err;

  const Outcome both = probity({"-q", "-s", both_renamed.string()});
  EXPECT_EQ(both.status, 1) << both.out;
  EXPECT_EQ(both.out.find("read "), std::string::npos) << both.out;
  EXPECT_NE(both.err.find("cxmm"), std::string::npos) << both.err;

  for (const fs::path& damaged : {slot_renamed, both_renamed}) {
    const Outcome compat = probity({"compat", "-s", damaged.string(), "--all"});
    EXPECT_NE(compat.status, 0) << compat.out;
    EXPECT_EQ(compat.out.find(" runs"), std::string::npos) << compat.out;
  }
}

TEST_F(ObjectAdmissionTest, AKernelFilterOnAForbiddenFieldIsNotWritten) {
  const fs::path object = compile("sched:sched_wakeup /args->pid > 0/ { @ = count(); } tick-1s { exit(0); }", "filtered");
  const fs::path on_comm = edited(object, "filter-on-comm", [](Bytes& bytes) {
    ASSERT_EQ(replace_string(bytes, "pid > 0", "comm ~ \"sle*\""), 1u) << "the predicate was not pushed down";
  });
  const fs::path on_nothing = edited(object, "filter-on-nothing", [](Bytes& bytes) {
    ASSERT_EQ(replace_string(bytes, "pid > 0", "common_timestamp > 0"), 1u);
  });
  const Outcome allowed = probity({"-q", "-s", on_comm.string()});
  EXPECT_EQ(allowed.status, 0) << "without a policy against it, a filter on a catalogued field is admitted: "
                               << allowed.err;
  const Outcome unknown = probity({"-q", "-s", on_nothing.string()});
  EXPECT_EQ(unknown.status, 1);
  EXPECT_NE(unknown.err.find("the kernel filter of event sched:sched_wakeup"), std::string::npos) << unknown.err;

  const fs::path file = policy(forbid_wakeup_comm);
  ScopedEnvironment environment("PROBITY_POLICY", file.string());
  const Outcome refused = probity({"-q", "-s", on_comm.string()});
  EXPECT_EQ(refused.status, 1) << refused.out;
  EXPECT_NE(refused.err.find("field sched:sched_wakeup.comm is forbidden by the site policy " + file.string()),
            std::string::npos)
      << refused.err;
  const Outcome runs = probity({"-q", "-s", object.string()});
  EXPECT_EQ(runs.status, 0) << runs.err;

  const Outcome compat = probity({"compat", "-s", on_comm.string(), "--all"});
  EXPECT_EQ(compat.status, 1) << compat.out;
  EXPECT_NE(compat.out.find("field sched:sched_wakeup.comm is forbidden by the site policy"), std::string::npos)
      << compat.out;
}

TEST_F(ObjectAdmissionTest, StabilityIsTheCataloguesNotTheObjects) {
  const fs::path object = compile("syscalls:sys_enter_kill { @ = count(); } tick-1s { exit(0); }", "kill");
  const fs::path renamed = edited(object, "tkill", [](Bytes& bytes) {
    ASSERT_EQ(replace_string(bytes, "sys_enter_kill", "sys_enter_tkill"), 1u);
  });

  const Outcome refused = probity({"-q", "-s", renamed.string()});
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.err.find("probe syscalls:sys_enter_tkill is Obsolete/Obsolete/"), std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("-x amin=Obsolete"), std::string::npos) << refused.err;

  const Outcome report = probity({"-e", "-v", "-s", renamed.string()});
  EXPECT_EQ(report.status, 0) << report.err;
  EXPECT_NE(report.out.find("Minimum Probe Description Attributes\n\t\tIdentifier Names: Obsolete"),
            std::string::npos)
      << report.out;

  const Outcome compat = probity({"compat", "-s", renamed.string(), "--all"});
  EXPECT_EQ(compat.status, 1) << compat.out;
  EXPECT_NE(compat.out.find("probe syscalls:sys_enter_tkill is Obsolete/Obsolete/"), std::string::npos)
      << compat.out;

  // Compiled to accept it, the same probe runs.
  const fs::path accepted =
      compile("syscalls:sys_enter_tkill { @ = count(); } tick-1s { exit(0); }", "accepted", {"-x", "amin=Obsolete"});
  const Outcome runs = probity({"-q", "-s", accepted.string()});
  EXPECT_EQ(runs.status, 0) << runs.err;
}

TEST_F(ObjectAdmissionTest, AnEditedHistogramBoundGetsTheCompilersDiagnostic) {
  const fs::path object = compile("BEGIN { @l = lquantize(5, 0, 100, 10); exit(0); }", "histogram");
  const fs::path huge = edited(object, "huge-histogram", [](Bytes& bytes) {
    // A count of 3, then 0, 100 and 10 as 64-bit integers.
    Bytes parameters(4 + 3 * 8, 0);
    write_le(parameters, 0, 3, 4);
    write_le(parameters, 12, 100, 8);
    write_le(parameters, 20, 10, 8);
    const auto found = std::search(bytes.begin(), bytes.end(), parameters.begin(), parameters.end());
    ASSERT_NE(found, bytes.end());
    write_le(bytes, static_cast<std::size_t>(found - bytes.begin()) + 12,
             static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max()), 8);  // DTrace's largest bound
  });
  const Outcome refused = probity({"-q", "-s", huge.string()});
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.err.find(huge.string() + " is corrupted: aggregation 0 (@l): lquantize() would have more than "
                                             "10000 buckets"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(refused.err.find("bad_alloc"), std::string::npos) << refused.err;
}

}  // namespace
}  // namespace probity
