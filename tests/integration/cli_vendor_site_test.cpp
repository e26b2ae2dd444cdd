// Vendor overlays and the site policy where probity -l is not the command:
// probity man shows what the overlays in force say of a probe, probity compat
// checks each release with the overlays chosen for it and holds programs to
// the site policy, the site's refusals carry their own tag (D_SITE_POLICY),
// require_signatures asks a signature only of the overlays that would be
// applied, and only the build tree's own probity treats the source tree as
// its home.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "probity/catalogue/host.hpp"
#include "support/probity_process.hpp"
#include "support/scoped_environment.hpp"
#include "support/scratch_directory.hpp"

namespace probity {
namespace {

namespace fs = std::filesystem;
using test_support::Outcome;
using test_support::run_process;
using test_support::ScopedEnvironment;
using test_support::ScratchDirectory;

constexpr uid_t nobody = 65534;
constexpr const char* newest = "6.18.44-fc-v657";

Outcome probity(const std::vector<std::string>& arguments, std::optional<uid_t> uid = std::nullopt) {
  return run_process(PROBITY_BINARY, arguments, uid);
}

// probity man, unwrapped (as wide as it allows) so that sentences stay on one line.
Outcome man(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), {"man", "--index", PROBITY_INDEX_FILE});
  const ScopedEnvironment columns("COLUMNS", "1000");
  return probity(arguments);
}

// An overlay for the newest catalogued release that says something of
// sched:sched_switch in each of the ways an overlay can.
constexpr std::string_view switch_overlay =
    "vendor: acme\n"
    "releases: ['6.18.*']\n"
    "providers:\n"
    "  sched:\n"
    "    events:\n"
    "      sched_switch:\n"
    "        stability: {data: Unstable, rationale: Acme rebuilt its scheduler.}\n"
    "        hazard: {level: sensitive, reason: Acme says task names are customer data., reference: 'https://acme.example/privacy'}\n"
    "        supported: false\n"
    "        reason: Acme's kernels patch the scheduler.\n";

// ---------------------------------------------------------------- man

TEST(ManOverlay, ShowsTheVendorsStabilityHazardAndSupport) {
  ScratchDirectory scratch("probity-man-overlay");
  const fs::path overlay = scratch.write("acme.yaml", switch_overlay);
  const Outcome plain = man({"sched:sched_switch", "--kernel", newest});
  ASSERT_EQ(plain.status, 0) << plain.err;
  EXPECT_EQ(plain.out.find("(vendor)"), std::string::npos) << plain.out;
  EXPECT_EQ(plain.out.find("VENDOR SUPPORT"), std::string::npos) << plain.out;

  const Outcome adjusted = man({"sched:sched_switch", "--kernel", newest, "--overlay", overlay.string()});
  ASSERT_EQ(adjusted.status, 0) << adjusted.err;
  EXPECT_NE(adjusted.out.find("With the vendor overlay " + overlay.string()), std::string::npos) << adjusted.out;
  EXPECT_NE(adjusted.out.find("Data Semantics:   Unstable  (vendor)"), std::string::npos) << adjusted.out;
  EXPECT_NE(adjusted.out.find("Why: acme: Acme rebuilt its scheduler."), std::string::npos) << adjusted.out;
  EXPECT_NE(adjusted.out.find("HAZARD\n    sensitive: Acme says task names are customer data."), std::string::npos)
      << adjusted.out;
  EXPECT_NE(adjusted.out.find("VENDOR SUPPORT\n    acme: unsupported: Acme's kernels patch the scheduler."),
            std::string::npos)
      << adjusted.out;
  // The example now needs what the vendor's hazard asks of a program.
  EXPECT_NE(adjusted.out.find("allow=sensitive"), std::string::npos) << adjusted.out;

  // An overlay for other releases changes nothing.
  const Outcome other = man({"sched:sched_switch", "--kernel", "6.12", "--overlay", overlay.string()});
  ASSERT_EQ(other.status, 0) << other.err;
  EXPECT_EQ(other.out.find("(vendor)"), std::string::npos) << other.out;
  EXPECT_EQ(other.out.find("acme"), std::string::npos) << other.out;
}

TEST(ManOverlay, CatalogueDirectoryAndOsReleaseChooseTheVendor) {
  ScratchDirectory scratch("probity-man-overlay");
  const fs::path debian = scratch.write("os-release", "ID=debian\nVERSION_ID=\"12\"\n");
  const std::vector<std::string> arguments{"sched:sched_stat_runtime", "--kernel", "6.1", "--catalogue",
                                           PROBITY_CATALOGUE_SOURCE_DIR};
  {
    ScopedEnvironment os("PROBITY_OS_RELEASE", debian.string());
    const Outcome shown = man(arguments);
    ASSERT_EQ(shown.status, 0) << shown.err;
    EXPECT_NE(shown.out.find("With the vendor overlay " + std::string(PROBITY_CATALOGUE_SOURCE_DIR) +
                             "/vendors/debian/6.1.yaml in force for 6.1.0-56-amd64."),
              std::string::npos)
        << shown.out;
    EXPECT_NE(shown.out.find("Data Semantics:   Evolving  (vendor)"), std::string::npos) << shown.out;
    const Outcome unsupported = man({"sched:sched_stat_wait", "--kernel", "6.1", "--catalogue",
                                     PROBITY_CATALOGUE_SOURCE_DIR});
    EXPECT_NE(unsupported.out.find("VENDOR SUPPORT\n    debian: unsupported: Fires only while schedstats are on"),
              std::string::npos)
        << unsupported.out;
  }
  const fs::path fedora = scratch.write("os-release-fedora", "ID=fedora\n");
  ScopedEnvironment os("PROBITY_OS_RELEASE", fedora.string());
  const Outcome other_vendor = man(arguments);
  ASSERT_EQ(other_vendor.status, 0) << other_vendor.err;
  // The installed vendor's overlays (this machine's /etc/os-release) stay in
  // force whatever $PROBITY_OS_RELEASE names.
  EXPECT_EQ(other_vendor.out.find("vendor overlay") != std::string::npos, test_support::host_is_debian_like())
      << other_vendor.out;
}

TEST(ManOverlay, ABrokenOverlayIsAnErrorNamingTheFile) {
  ScratchDirectory scratch("probity-man-overlay");
  const fs::path overlay = scratch.write("broken.yaml", "vendor: acme\nreleases: ['6.18.*']\nproviders: [oops]\n");
  const Outcome broken = man({"sched:sched_switch", "--kernel", newest, "--overlay", overlay.string()});
  EXPECT_EQ(broken.status, 1);
  EXPECT_NE(broken.err.find(overlay.string() + ":3:"), std::string::npos) << broken.err;
  EXPECT_EQ(broken.out, "");
}

// --------------------------------------------------------------- compat

constexpr const char* release_6_12 = "6.12.117+deb12-amd64";

// probity compat with acme's overlays from a scratch --catalogue directory:
// acme lowers sched_switch's data stability on 6.18 and makes sched_waking
// sensitive on 6.12.
class CompatOverlayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    lowered_ = scratch_.write("catalogue/vendors/acme/a-6.18.yaml",
                              "vendor: acme\n"
                              "releases: ['6.18.*']\n"
                              "providers:\n"
                              "  sched:\n"
                              "    events:\n"
                              "      sched_switch:\n"
                              "        stability: {data: Unstable, rationale: Acme rebuilt its scheduler.}\n");
    raised_ = scratch_.write("catalogue/vendors/acme/b-6.12.yaml",
                             "vendor: acme\n"
                             "releases: ['6.12.*']\n"
                             "providers:\n"
                             "  sched:\n"
                             "    events:\n"
                             "      sched_waking:\n"
                             "        hazard: {level: sensitive, reason: Acme says wakeups reveal customer load., "
                             "reference: 'https://acme.example/load'}\n"
                             "      no_such_event: {supported: false, reason: Not in any kernel.}\n");
    os_release_ = scratch_.write("os-release", "ID=acme\n");
  }
  Outcome compat(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), {"compat", "--index", PROBITY_INDEX_FILE, "--catalogue", catalogue().string()});
    const ScopedEnvironment os("PROBITY_OS_RELEASE", os_release_.string());
    return probity(arguments);
  }
  fs::path catalogue() const { return scratch_.path() / "catalogue"; }
  ScratchDirectory scratch_{"probity-compat-overlay"};
  fs::path lowered_;
  fs::path raised_;
  fs::path os_release_;
};

TEST_F(CompatOverlayTest, AProbeAnOverlayLowersDoesNotRunOnTheReleasesItCovers) {
  const std::string program = "sched:sched_switch { @[args->next_comm] = count(); }";
  const Outcome result = compat({"-n", program, "--kernel", "6.12", "--kernel", "6.18.44-fc-v657"});
  EXPECT_EQ(result.status, 1) << result.out << result.err;
  EXPECT_NE(result.out.find("  " + std::string(release_6_12) + "   runs\n"), std::string::npos) << result.out;
  // The event's stability, and with it that of the field it reads.
  EXPECT_NE(result.out.find("  " + std::string(newest) + "        does not run: 2 problems\n"), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("error: probe sched:sched_switch is Stable/Unstable/Common: its data stability is below "
                            "the threshold"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("[D_STABILITY]"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("vendor overlays applied:\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("  " + std::string(newest) + "        " + lowered_.string() + "\n"), std::string::npos)
      << result.out;
  // Beside the installed vendor's own overlays for the release, if any.
  EXPECT_NE(result.out.find("  " + std::string(release_6_12) + "   " + raised_.string()), std::string::npos)
      << result.out;

  // The threshold the overlay's stability meets: it runs on both.
  const Outcome accepted = compat({"-n", program, "-x", "amin=Unstable", "--kernel", "6.12", "--kernel", "6.18.44-fc-v657"});
  EXPECT_EQ(accepted.status, 0) << accepted.out << accepted.err;
}

TEST_F(CompatOverlayTest, AHazardAnOverlayAddsNeedsTheProgramToAllowIt) {
  const std::string program = "sched:sched_waking { @[args->comm] = count(); }";
  const Outcome result = compat({"-n", program, "--kernel", "6.12", "--kernel", "6.18.44-fc-v657"});
  EXPECT_EQ(result.status, 1) << result.out << result.err;
  EXPECT_NE(result.out.find("  " + std::string(release_6_12) + "   does not run: 1 problem\n"), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("  " + std::string(newest) + "        runs\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("probe sched:sched_waking is sensitive: Acme says wakeups reveal customer load. "
                            "[D_HAZARD_SENSITIVE]"),
            std::string::npos)
      << result.out;
  EXPECT_EQ(compat({"-n", program, "-x", "allow=sensitive", "--kernel", "6.12", "--kernel", "6.18.44-fc-v657"}).status, 0);
}

TEST_F(CompatOverlayTest, JsonNamesTheOverlaysOfEachRelease) {
  const Outcome result =
      compat({"-n", "sched:sched_switch { @ = count(); }", "--kernel", "6.1", "--kernel", "6.12", "--kernel", "6.18.44-fc-v657",
              "-f", "json"});
  EXPECT_EQ(result.status, 1) << result.out << result.err;
  // The installed vendor's overlays (this host's /etc/os-release) apply too, after acme's.
  EXPECT_NE(result.out.find("{\"release\":\"6.1.0-56-amd64\",\"runs\":true,\"overlays\":["), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("{\"release\":\"" + std::string(release_6_12) + "\",\"runs\":true,\"overlays\":[\"" +
                            raised_.string() + "\""),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("\"overlay_notes\":[\"" + raised_.string() + ":8:"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("{\"release\":\"" + std::string(newest) + "\",\"runs\":false,\"overlays\":[\"" +
                            lowered_.string() + "\"],\"overlay_notes\":[],"),
            std::string::npos)
      << result.out;
}

TEST_F(CompatOverlayTest, OverlayFileAndOsReleaseChooseAsForList) {
  const std::string program = "sched:sched_switch { @ = count(); }";
  // Another vendor: acme's overlays are not in force.
  const fs::path fedora = scratch_.write("os-release-fedora", "ID=fedora\n");
  {
    const ScopedEnvironment os("PROBITY_OS_RELEASE", fedora.string());
    const Outcome other = probity({"compat", "--index", PROBITY_INDEX_FILE, "--catalogue", catalogue().string(),
                                   "-n", program, "--kernel", "6.18.44-fc-v657"});
    EXPECT_EQ(other.status, 0) << other.out << other.err;
    EXPECT_EQ(other.out.find("acme"), std::string::npos) << other.out;
  }
  // --overlay: exactly that file, still only for the releases it names.
  const Outcome chosen = probity({"compat", "--index", PROBITY_INDEX_FILE, "--overlay", lowered_.string(), "-n",
                                  program, "--kernel", "6.12", "--kernel", "6.18.44-fc-v657"});
  EXPECT_EQ(chosen.status, 1) << chosen.out << chosen.err;
  EXPECT_NE(chosen.out.find("  " + std::string(release_6_12) + "   runs\n"), std::string::npos) << chosen.out;
  EXPECT_NE(chosen.out.find("  " + std::string(newest) + "        " + lowered_.string() + "\n"), std::string::npos)
      << chosen.out;
  const Outcome missing = probity({"compat", "--index", PROBITY_INDEX_FILE, "--catalogue",
                                   (scratch_.path() / "nowhere").string(), "-n", program, "--kernel", "6.18.44-fc-v657"});
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find("no such directory"), std::string::npos) << missing.err;
  const Outcome help = probity({"compat", "--help"});
  EXPECT_NE(help.out.find("--overlay FILE"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("--catalogue DIR"), std::string::npos) << help.out;
}

TEST_F(CompatOverlayTest, ACompiledObjectMeetsTheOverlaysHazards) {
  const fs::path object = scratch_.path() / "waking.pob";
  const Outcome compiled = probity({"--index", PROBITY_INDEX_FILE, "--overlay", lowered_.string(), "--kernel", "6.12",
                                    "-e", "-o", object.string(), "-n", "sched:sched_waking { @ = count(); }"});
  ASSERT_EQ(compiled.status, 0) << compiled.err;
  const Outcome result = compat({"-s", object.string(), "--kernel", "6.12"});
  EXPECT_EQ(result.status, 1) << result.out << result.err;
  EXPECT_NE(result.out.find("event sched:sched_waking is sensitive in this release's catalogue (Acme says wakeups "
                            "reveal customer load.) and the program was not compiled with -x allow=sensitive"),
            std::string::npos)
      << result.out;
  const Outcome without = probity({"compat", "--index", PROBITY_INDEX_FILE, "--overlay", lowered_.string(), "-s",
                                   object.string(), "--kernel", "6.12"});
  EXPECT_EQ(without.status, 0) << without.out << without.err;
}

// ------------------------------------------------- a root-owned site policy

class SitePolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root: a site policy must be owned by root";
  }
  fs::path policy(const std::string& text) {
    const fs::path file = scratch_.write("policy.yaml", text);
    ::chmod(file.c_str(), 0644);
    return file;
  }
  Outcome compat(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), {"compat", "--index", PROBITY_INDEX_FILE});
    return probity(arguments);
  }
  ScratchDirectory scratch_{"probity-vendor-site"};
};

TEST_F(SitePolicyTest, CompatSaysAProgramUsingAForbiddenEventRunsNowhere) {
  const std::string program = "sched:sched_switch { @ = count(); }";
  ASSERT_EQ(compat({"-n", program, "--kernel", "6.1", "--kernel", "6.18.44-fc-v657"}).status, 0) << "allowed without a policy";
  const fs::path file = policy("forbid:\n  events: [\"sched:sched_sw*\"]\n");
  ScopedEnvironment environment("PROBITY_POLICY", file.string());
  const Outcome result = compat({"-n", program, "--kernel", "6.1", "--kernel", "6.18.44-fc-v657"});
  EXPECT_EQ(result.status, 1) << result.out << result.err;
  EXPECT_NE(result.out.find("held to the site policy " + file.string()), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("  6.1.0-56-amd64    does not run: 1 problem\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("  6.18.44-fc-v657   does not run: 1 problem\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("probe sched:sched_switch is forbidden by the site policy " + file.string() + ":2:12"),
            std::string::npos)
      << result.out;

  const Outcome json = compat({"-n", program, "--kernel", "6.18.44-fc-v657", "-f", "json"});
  EXPECT_EQ(json.status, 1);
  EXPECT_NE(json.out.find("\"runs\":false"), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"tag\":\"D_SITE_POLICY\""), std::string::npos) << json.out;
  EXPECT_EQ(json.out.find("D_PROBE_FORBIDDEN"), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"site_policy\":\"" + file.string() + "\"}"), std::string::npos) << json.out;
}

TEST_F(SitePolicyTest, CompatHoldsAForbiddenFieldAgainstScriptsAndObjects) {
  const fs::path object = scratch_.path() / "comm.pob";
  const Outcome compiled = probity({"--index", PROBITY_INDEX_FILE, "--kernel", newest, "-e", "-o", object.string(),
                                    "-n", "sched:sched_switch { @[args->prev_comm] = count(); }"});
  ASSERT_EQ(compiled.status, 0) << compiled.err;
  ASSERT_EQ(compat({"-s", object.string(), "--kernel", newest}).status, 0) << "runs without a policy";

  const fs::path file = policy("forbid:\n  fields: [\"sched:*.prev_comm\"]\n");
  ScopedEnvironment environment("PROBITY_POLICY", file.string());
  const Outcome script = compat({"-n", "sched:sched_switch { @[args->prev_comm] = count(); }", "--kernel", newest});
  EXPECT_EQ(script.status, 1) << script.out;
  EXPECT_NE(script.out.find("field sched:sched_switch.prev_comm is forbidden by the site policy"), std::string::npos)
      << script.out;
  const Outcome other_field = compat({"-n", "sched:sched_switch { @[args->next_comm] = count(); }", "--kernel", newest});
  EXPECT_EQ(other_field.status, 0) << other_field.out;

  const Outcome compiled_object = compat({"-s", object.string(), "--kernel", newest});
  EXPECT_EQ(compiled_object.status, 1) << compiled_object.out;
  EXPECT_NE(compiled_object.out.find("does not run: 1 problem"), std::string::npos) << compiled_object.out;
  EXPECT_NE(compiled_object.out.find("field sched:sched_switch.prev_comm is forbidden by the site policy " +
                                     file.string()),
            std::string::npos)
      << compiled_object.out;
}

// The site's refusals have their own tag, D_SITE_POLICY, whose message names
// the policy file, the place of the rule that matched and the rule; the
// catalogue's own refusals keep D_STABILITY.
TEST_F(SitePolicyTest, SiteRefusalsAreTaggedDSitePolicyAndNameTheRule) {
  const fs::path file = policy("forbid:\n  events: [\"sched:sched_wakeup_new\"]\n  fields: [\"sched:*.prev_comm\"]\n"
                               "minimum_stability: Stable/Evolving/Common\n");
  ScopedEnvironment environment("PROBITY_POLICY", file.string());
  const auto compile = [](const std::string& program) {
    return probity({"--index", PROBITY_INDEX_FILE, "--kernel", newest, "-e", "-n", program});
  };
  const Outcome field = compile("sched:sched_switch { @[args->prev_comm] = count(); }");
  EXPECT_EQ(field.status, 1) << field.err;
  EXPECT_NE(field.err.find("field sched:sched_switch.prev_comm is forbidden by the site policy " + file.string() +
                           ":3:12 (forbid.fields: \"sched:*.prev_comm\") [D_SITE_POLICY]"),
            std::string::npos)
      << field.err;

  const Outcome builtin = compile("sched:sched_switch { @[probe] = count(); }");
  EXPECT_EQ(builtin.status, 1) << builtin.err;
  EXPECT_NE(builtin.err.find("built-in probe is Evolving/Evolving/Common, below the minimum of the site policy " +
                             file.string() +
                             ":4:20 (minimum_stability: Stable/Evolving/Common) [D_SITE_POLICY]"),
            std::string::npos)
      << builtin.err;
  EXPECT_EQ(builtin.err.find("[D_STABILITY]"), std::string::npos) << builtin.err;

  const Outcome glob = compile("sched:sched_wakeup* { @ = count(); }");
  EXPECT_EQ(glob.status, 0) << glob.err;
  EXPECT_NE(glob.err.find("warning: sched:sched_wakeup* leaves out 1 probe the site policy forbids [D_SITE_POLICY]"),
            std::string::npos)
      << glob.err;
  EXPECT_NE(glob.err.find("note: sched:sched_wakeup_new is forbidden by the site policy"), std::string::npos)
      << glob.err;
  const Outcome only = compile("sched:sched_wakeup_n* { @ = count(); }");
  EXPECT_EQ(only.status, 1) << only.err;
  EXPECT_NE(only.err.find("matches only probes the site policy forbids: sched:sched_wakeup_new [D_SITE_POLICY]"),
            std::string::npos)
      << only.err;
  EXPECT_NE(only.err.find("note: sched:sched_wakeup_new is forbidden by the site policy " + file.string() + ":2:12"),
            std::string::npos)
      << only.err;

  // The program's own threshold is still the catalogue's rule, D_STABILITY.
  const Outcome own = probity({"--index", PROBITY_INDEX_FILE, "--kernel", newest, "-e", "-x", "amin=Stable", "-n",
                               "sched:sched_switch { @[args->prev_state] = count(); }"});
  EXPECT_EQ(own.status, 1) << own.err;
  EXPECT_NE(own.err.find("field sched:sched_switch.prev_state is Stable/Evolving/Common: its data stability is below "
                         "the threshold Stable/Stable/Unknown [D_STABILITY]"),
            std::string::npos)
      << own.err;
  EXPECT_EQ(own.err.find("[D_SITE_POLICY]"), std::string::npos) << own.err;
}

// ------------------------------------------------------ require_signatures

class SignedOverlaysTest : public SitePolicyTest {
 protected:
  void SetUp() override {
    SitePolicyTest::SetUp();
    if (IsSkipped()) return;
    fs::create_directories(scratch_.path() / "keys");
    const Outcome keygen = probity({"keygen", (scratch_.path() / "private.pem").string(),
                                    (scratch_.path() / "keys" / "site.pem").string()});
    ASSERT_EQ(keygen.status, 0) << keygen.err;
    policy_ = policy("require_signatures: true\n");
    os_release_ = scratch_.write("os-release", "ID=acme\n");
  }
  void sign(const fs::path& file) {
    const Outcome signing = probity({"sign", "--key", (scratch_.path() / "private.pem").string(), file.string()});
    ASSERT_EQ(signing.status, 0) << signing.err;
  }
  fs::path policy_;
  fs::path os_release_;
};

TEST_F(SignedOverlaysTest, OnlyTheOverlaysThatApplyNeedASignature) {
  const fs::path catalogue = scratch_.path() / "catalogue";
  // For the catalogued newest release only, not any 6.18 the machine may run.
  std::string newest_only(switch_overlay);
  newest_only.replace(newest_only.find("6.18.*"), 6, newest);
  const fs::path applies = scratch_.write("catalogue/vendors/acme/a-newest.yaml", newest_only);
  sign(applies);
  // Unsigned, for another release, and wrong in everything but its releases:
  // it is chosen out before anything else of it is read.
  const fs::path elsewhere = scratch_.write("catalogue/vendors/acme/b-old.yaml",
                                            "vendor: acme\nreleases: ['5.10.*']\nproviders: [not, a, mapping]\n"
                                            "colour: green\n");
  ScopedEnvironment environment("PROBITY_POLICY", policy_.string());
  ScopedEnvironment keys("PROBITY_KEYS", (scratch_.path() / "keys").string());
  ScopedEnvironment os("PROBITY_OS_RELEASE", os_release_.string());

  const Outcome list = probity({"--index", PROBITY_INDEX_FILE, "--catalogue", catalogue.string(), "--kernel", newest,
                                "-l", "sched:sched_switch"});
  ASSERT_EQ(list.status, 0) << list.err;
  EXPECT_NE(list.err.find("vendor overlay in force for " + std::string(newest) + ": " + applies.string() + "\n"),
            std::string::npos)
      << list.err;
  EXPECT_EQ(list.err.find("b-old"), std::string::npos) << list.err;
  const Outcome compile = probity({"--index", PROBITY_INDEX_FILE, "--catalogue", catalogue.string(), "--kernel",
                                   newest, "-e", "-n", "sched:sched_waking { @ = count(); }"});
  EXPECT_EQ(compile.status, 0) << compile.err;
  const Outcome entry = man({"sched:sched_switch", "--kernel", newest, "--catalogue", catalogue.string()});
  ASSERT_EQ(entry.status, 0) << entry.err;
  EXPECT_NE(entry.out.find("acme: unsupported"), std::string::npos) << entry.out;
  // compat applies the signed overlay to the release it covers: sched_switch
  // is sensitive there; the unsigned one for 5.10 is not chosen.
  // The running kernel: no shipped vendor overlay covers it (they are for
  // Debian's 6.1 and 6.12, and unsigned, so under require_signatures they
  // would be refused where they apply).
  const std::string running = catalogue::running_release();
  const std::vector<std::string> compat_switch{"compat", "--index", PROBITY_INDEX_FILE, "--catalogue",
                                               catalogue.string(), "-n", "sched:sched_switch { @ = count(); }",
                                               "--kernel", running, "--kernel", newest, "-f", "json"};
  const Outcome checked = probity(compat_switch);
  EXPECT_EQ(checked.status, 1) << checked.out << checked.err;
  EXPECT_NE(checked.out.find("\"runs\":false,\"overlays\":[\"" + applies.string() + "\"]"), std::string::npos)
      << checked.out;
  EXPECT_NE(checked.out.find("\"runs\":true,\"overlays\":[]"), std::string::npos) << checked.out;
  EXPECT_NE(checked.out.find("\"tag\":\"D_HAZARD_SENSITIVE\""), std::string::npos) << checked.out;

  // For a release it applies to, the unsigned overlay is refused, by -l and by man.
  const Outcome old_list = probity({"--index", PROBITY_INDEX_FILE, "--overlay", elsewhere.string(), "--kernel",
                                    newest, "-l", "sched:sched_switch"});
  EXPECT_EQ(old_list.status, 0) << "still not chosen for " << newest << ": " << old_list.err;
  scratch_.write("catalogue/vendors/acme/b-old.yaml", "vendor: acme\nreleases: ['" + std::string(newest) + "']\n");
  const Outcome refused = probity({"--index", PROBITY_INDEX_FILE, "--catalogue", catalogue.string(), "--kernel",
                                   newest, "-l", "sched:sched_switch"});
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.err.find("refused " + elsewhere.string()), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("is not signed"), std::string::npos) << refused.err;
  const Outcome refused_man = man({"sched:sched_switch", "--kernel", newest, "--catalogue", catalogue.string()});
  EXPECT_EQ(refused_man.status, 1);
  EXPECT_NE(refused_man.err.find("refused " + elsewhere.string()), std::string::npos) << refused_man.err;
  EXPECT_EQ(refused_man.out, "");
  // compat too, when one of the releases it checks is covered; not otherwise.
  const Outcome refused_compat = probity(compat_switch);
  EXPECT_EQ(refused_compat.status, 1);
  EXPECT_NE(refused_compat.err.find("refused " + elsewhere.string()), std::string::npos) << refused_compat.err;
  EXPECT_EQ(refused_compat.out, "");
  const Outcome other_release = probity({"compat", "--index", PROBITY_INDEX_FILE, "--catalogue", catalogue.string(),
                                         "-n", "sched:sched_switch { @ = count(); }", "--kernel", running});
  EXPECT_EQ(other_release.status, 0) << other_release.out << other_release.err;
}

TEST_F(SignedOverlaysTest, AnOverlayWhoseReleasesCannotBeReadMustBeSigned) {
  const fs::path unreadable = scratch_.write("catalogue/vendors/acme/odd.yaml", "vendor: acme\nreleases: 6.18\n");
  ScopedEnvironment environment("PROBITY_POLICY", policy_.string());
  ScopedEnvironment keys("PROBITY_KEYS", (scratch_.path() / "keys").string());
  ScopedEnvironment os("PROBITY_OS_RELEASE", os_release_.string());
  const Outcome list = probity({"--index", PROBITY_INDEX_FILE, "--catalogue", (scratch_.path() / "catalogue").string(),
                                "--kernel", "6.1", "-l", "sched:sched_switch"});
  EXPECT_EQ(list.status, 1);
  EXPECT_NE(list.err.find("refused " + unreadable.string()), std::string::npos) << list.err;
}

// ------------------------------------------------------------- build tree

// A copy of probity elsewhere under the build tree (as the package test
// installs one) is not the build tree's probity: catalogue harvest needs -o.
TEST(BuildTree, ACopyUnderTheBuildTreeIsNotTheBuildTreesProbity) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to run the copy as nobody";
  const fs::path build_dir = fs::path(PROBITY_BINARY).parent_path().parent_path();
  const fs::path directory = build_dir / ("relocated-test-" + std::to_string(::getpid()));
  fs::create_directories(directory);
  struct Cleanup {
    fs::path path;
    ~Cleanup() {
      std::error_code ignored;
      fs::remove_all(path, ignored);
    }
  } cleanup{directory};
  const fs::path copy = directory / "probity";
  fs::copy_file(PROBITY_BINARY, copy);
  ::chmod(directory.c_str(), 0755);
  ::chmod(copy.c_str(), 0755);
  // As nobody, so that were the copy taken for the build tree's probity it
  // could not write a snapshot into the source tree.
  const Outcome copied = run_process(copy.string(), {"catalogue", "harvest"}, nobody);
  EXPECT_EQ(copied.status, 2) << copied.err;
  EXPECT_NE(copied.err.find("say where the snapshot goes: probity catalogue harvest --add"), std::string::npos)
      << copied.err;
}

}  // namespace
}  // namespace probity
