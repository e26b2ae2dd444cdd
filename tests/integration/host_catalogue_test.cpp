// The running kernel is always catalogued (catalogue/host.hpp): with an index
// that lacks its release, layouts come from its own tracefs and the docs,
// stability and hazards from the docs the index carries, cached per build.
// Root only (tracefs); each test builds an index without the running release,
// so they hold whether or not the shipped catalogue covers this kernel.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "probity/catalogue/effective.hpp"
#include "probity/catalogue/harvest.hpp"
#include "probity/catalogue/host.hpp"
#include "probity/catalogue/index.hpp"
#include "probity/catalogue/yaml_io.hpp"
#include "support/probity_process.hpp"
#include "support/scratch_directory.hpp"
#include "support/tracefs.hpp"

namespace probity::catalogue {
namespace {

namespace fs = std::filesystem;
using test_support::Outcome;
using test_support::run_process;
using test_support::ScratchDirectory;

const CatalogueSources& shipped_sources() {
  static const CatalogueSources sources = load_sources(PROBITY_CATALOGUE_SOURCE_DIR);
  return sources;
}

// The shipped catalogue without the running kernel's release, as an index.
fs::path index_without_running_kernel(const fs::path& dir) {
  CatalogueSources sources = shipped_sources();
  std::erase_if(sources.kernels, [](const KernelSnapshot& kernel) { return kernel.release == running_release(); });
  const fs::path file = dir / "probity.idx";
  write_index(build_all_catalogues(sources), catalogue_docs(sources), "test-" + dir.filename().string(), file);
  return file;
}

class HostCatalogueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_TRACEFS();
    index_file_ = index_without_running_kernel(scratch_.path());
    options_.cache_dir = scratch_.path() / "cache";
  }

  ScratchDirectory scratch_{"probity-host"};
  fs::path index_file_;
  LiveCatalogueOptions options_;
};

TEST_F(HostCatalogueTest, AnUncataloguedKernelIsDescribedExactlyAsACataloguedOne) {
  const Index index = Index::open(index_file_);
  ASSERT_FALSE(index.has_release(running_release()));
  const HostCatalogue host = host_catalogue(index, std::nullopt, options_);
  EXPECT_EQ(host.origin, LayoutOrigin::LiveTracefs);
  EXPECT_TRUE(host.running);
  EXPECT_TRUE(host.substitute_note.empty());
  EXPECT_EQ(host.catalogue.release, running_release());

  // The same harvest built straight from the YAML sources, as `catalogue build` would.
  const Catalogue expected = build_catalogue(shipped_sources(), harvest_live());
  ASSERT_EQ(host.catalogue.event_count(), expected.event_count());
  std::size_t documented = 0;
  for (const Provider& provider : expected.providers) {
    for (const Event& want : provider.events) {
      const Event* got = host.catalogue.find_event(want.provider, want.name);
      ASSERT_NE(got, nullptr) << want.provider << ":" << want.name;
      const std::string where = want.provider + ":" + want.name;
      EXPECT_EQ(got->documented, want.documented) << where;
      EXPECT_EQ(got->description, want.description) << where;
      EXPECT_EQ(got->stability.value, want.stability.value) << where;
      EXPECT_EQ(got->stability.sources, want.stability.sources) << where;
      EXPECT_EQ(got->hazard.level, want.hazard.level) << where;
      EXPECT_EQ(got->hazard.reason, want.hazard.reason) << where;
      EXPECT_EQ(got->releases, want.releases) << where;
      EXPECT_EQ(got->retired_fields, want.retired_fields) << where;
      ASSERT_EQ(got->fields.size(), want.fields.size()) << where;
      for (std::size_t i = 0; i < want.fields.size(); ++i) {
        EXPECT_EQ(got->fields[i].layout, want.fields[i].layout) << where;
        EXPECT_EQ(got->fields[i].description, want.fields[i].description) << where;
        EXPECT_EQ(got->fields[i].stability.value, want.fields[i].stability.value) << where;
      }
      documented += want.documented ? 1 : 0;
    }
  }
  EXPECT_GT(documented, 100U) << "the provider docs apply to the running kernel";
  const Event* sched_switch = host.catalogue.find_event("sched", "sched_switch");
  ASSERT_NE(sched_switch, nullptr);
  EXPECT_TRUE(sched_switch->documented);
  EXPECT_NE(std::find(sched_switch->releases.begin(), sched_switch->releases.end(), running_release()),
            sched_switch->releases.end());
}

TEST_F(HostCatalogueTest, TheNextRunReadsTheCacheAndDistrustsOneOthersCouldWrite) {
  const Index index = Index::open(index_file_);
  const HostCatalogue first = host_catalogue(index, std::nullopt, options_);
  ASSERT_EQ(first.origin, LayoutOrigin::LiveTracefs);
  const fs::path cache = live_cache_file(index, options_);
  ASSERT_TRUE(fs::is_regular_file(cache)) << cache;

  const auto started = std::chrono::steady_clock::now();
  const HostCatalogue second = host_catalogue(index, std::nullopt, options_);
  const auto cached_time = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(second.origin, LayoutOrigin::LiveCache);
  EXPECT_NE(second.origin_text.find(cache.string()), std::string::npos) << second.origin_text;
  EXPECT_EQ(second.catalogue.event_count(), first.catalogue.event_count());
  EXPECT_LT(cached_time, std::chrono::milliseconds(500));

  // A cache file a group or other users could have written is not believed.
  fs::permissions(cache, fs::perms::group_write, fs::perm_options::add);
  EXPECT_EQ(host_catalogue(index, std::nullopt, options_).origin, LayoutOrigin::LiveTracefs);
  struct stat info {};
  ASSERT_EQ(::stat(cache.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & (S_IWGRP | S_IWOTH), 0U) << "the harvest rewrote it";

  // A damaged one is harvested anew and replaced.
  { std::ofstream(cache, std::ios::trunc) << "garbage"; }
  EXPECT_EQ(host_catalogue(index, std::nullopt, options_).origin, LayoutOrigin::LiveTracefs);
  EXPECT_EQ(host_catalogue(index, std::nullopt, options_).origin, LayoutOrigin::LiveCache);

  // Another index (other docs, other hazards) never reads this one's cache.
  const ScratchDirectory other_dir{"probity-host-other"};
  const Index other = Index::open(index_without_running_kernel(other_dir.path()));
  EXPECT_NE(live_cache_file(other, options_), cache);
}

TEST_F(HostCatalogueTest, KernelPrefixesPreferTheRunningBuild) {
  const Index index = Index::open(index_file_);
  const std::string running = running_release();
  const std::string major_minor = running.substr(0, running.find('.', running.find('.') + 1));
  const ReleaseChoice choice = choose_release(index, major_minor, running);
  EXPECT_EQ(choice.release, running);
  EXPECT_TRUE(choice.running);
  EXPECT_EQ(choose_release(index, running, running).release, running);
  EXPECT_THROW(choose_release(index, std::string("0.0.0-no-such-kernel"), running), HostError);
  for (const std::string& release : index.releases()) {
    EXPECT_EQ(choose_release(index, release, running).release, release);
    EXPECT_FALSE(choose_release(index, release, running).running);
  }
}

// ---------------------------------------------------------------- the command line

Outcome probity(const std::vector<std::string>& arguments, std::optional<uid_t> uid = std::nullopt) {
  return run_process(PROBITY_BINARY, arguments, uid);
}

TEST_F(HostCatalogueTest, ListingShowsTheRunningKernelWithNoFallbackNote) {
  const Outcome listed = probity({"-l", "sched:*", "--index", index_file_.string()});
  ASSERT_EQ(listed.status, 0) << listed.err;
  // The one note allowed: every probe is in the running kernel (when the
  // RUNNING column is left out for the width).
  std::istringstream notes(listed.err);
  for (std::string line; std::getline(notes, line);) {
    EXPECT_TRUE(line.find("note") == std::string::npos ||
                line.starts_with("probity: note: every probe listed is in the running kernel"))
        << listed.err;
  }
  std::size_t rows = 0;
  for (const auto& entry : fs::directory_iterator(test_support::tracefs_mount / "events" / "sched")) {
    if (!entry.is_directory()) continue;
    ++rows;
    EXPECT_NE(listed.out.find("sched:" + entry.path().filename().string() + " "), std::string::npos)
        << entry.path().filename();
  }
  EXPECT_GT(rows, 0U);

  const Outcome verbose = probity({"-lv", "sched:sched_switch", "--index", index_file_.string()});
  ASSERT_EQ(verbose.status, 0) << verbose.err;
  EXPECT_NE(verbose.err.find("kernel " + running_release() + " (running): layouts from this kernel's tracefs"),
            std::string::npos)
      << verbose.err;
}

TEST_F(HostCatalogueTest, ManDescribesTheRunningKernelAmongTheReleases) {
  const Outcome entry = probity({"man", "sched:sched_switch", "--index", index_file_.string()});
  ASSERT_EQ(entry.status, 0) << entry.err;
  EXPECT_NE(entry.out.find(running_release()), std::string::npos) << entry.out;
  const Outcome other = probity({"man", "sched:sched_switch", "--index", index_file_.string(), "--kernel", "6.1"});
  ASSERT_EQ(other.status, 0) << other.err;
}

TEST_F(HostCatalogueTest, AnExactCountTracesOnTheUncataloguedKernel) {
  const Outcome traced = probity({"--index", index_file_.string(), "-q", "-c", "/bin/sh -c exit", "-n",
                                  "syscalls:sys_enter_exit_group /pid == $target/ { @n = count(); } "
                                  "END { printa(\"exits %@d\\n\", @n); }"});
  ASSERT_EQ(traced.status, 0) << traced.err;
  EXPECT_EQ(traced.out, "exits 1\n\n") << traced.err;
}

TEST_F(HostCatalogueTest, HarvestAddPutsTheRunningKernelInTheIndexInOneCommand) {
  const Outcome added = probity({"catalogue", "harvest", "--add", "--index", index_file_.string()});
  ASSERT_EQ(added.status, 0) << added.err;
  EXPECT_NE(added.out.find("added"), std::string::npos) << added.out;
  const Index index = Index::open(index_file_);
  ASSERT_TRUE(index.has_release(running_release()));
  ASSERT_TRUE(index.has_docs()) << "a site index stays able to describe the next kernel";
  const Catalogue catalogued = index.load(running_release());
  const Event* sched_switch = catalogued.find_event("sched", "sched_switch");
  ASSERT_NE(sched_switch, nullptr);
  EXPECT_TRUE(sched_switch->documented);
  // Every other release's events now list it too.
  const Catalogue oldest = index.load(index.releases().front());
  const Event* there = oldest.find_event("sched", "sched_switch");
  ASSERT_NE(there, nullptr);
  EXPECT_NE(std::find(there->releases.begin(), there->releases.end(), running_release()), there->releases.end());

  const Outcome listed = probity({"-lv", "sched:sched_switch", "--index", index_file_.string()});
  EXPECT_NE(listed.err.find("layouts from the catalogue index"), std::string::npos) << listed.err;

  // -o DIR is created when it does not exist.
  const fs::path directory = scratch_.path() / "new" / "snapshots";
  const Outcome written = probity({"catalogue", "harvest", "-o", directory.string()});
  ASSERT_EQ(written.status, 0) << written.err;
  EXPECT_TRUE(fs::is_regular_file(directory / (running_release() + ".yaml")));
}

// Without root nothing can read tracefs: a catalogued stand-in is used and
// said, even under -q; once root has run, the cache serves everyone.
TEST_F(HostCatalogueTest, WithoutRootAStandInIsAlwaysSaidUntilACacheExists) {
  const uid_t nobody = 65534;
  ::chmod(scratch_.path().c_str(), 0755);
  const Outcome substitute = probity({"-l", "-q", "sched:sched_switch", "--index", index_file_.string()}, nobody);
  if (substitute.status == 126 || substitute.status == 127) GTEST_SKIP() << "cannot run probity as nobody";
  EXPECT_EQ(substitute.status, 0) << substitute.err;
  EXPECT_NE(substitute.err.find("is not catalogued and its tracefs cannot be read without root"), std::string::npos)
      << substitute.err;

  ASSERT_EQ(probity({"-l", "sched:sched_switch", "--index", index_file_.string()}).status, 0);
  const Outcome cached = probity({"-lv", "sched:sched_switch", "--index", index_file_.string()}, nobody);
  EXPECT_EQ(cached.status, 0) << cached.err;
  EXPECT_EQ(cached.err.find("not catalogued"), std::string::npos) << cached.err;
  EXPECT_NE(cached.err.find("(cached in /var/cache/probity/kernels/"), std::string::npos) << cached.err;
}

}  // namespace
}  // namespace probity::catalogue
