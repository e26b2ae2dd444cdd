// What probity pays to get a release's catalogue at start-up: the binary
// index (open + decode one release) against loading and merging the YAML.
#include <benchmark/benchmark.h>
#include <sys/utsname.h>

#include <string>

#include "probity/catalogue/effective.hpp"
#include "probity/catalogue/index.hpp"
#include "probity/catalogue/yaml_io.hpp"

namespace {

using namespace probity::catalogue;

// The running kernel's release when the index has it, else its first.
std::string release_to_load(const Index& index) {
  struct utsname names{};
  if (::uname(&names) == 0 && index.has_release(names.release)) return names.release;
  const std::vector<std::string> releases = index.releases();
  return releases.empty() ? std::string() : releases.front();
}

void BM_IndexOpenOnly(benchmark::State& state) {
  for (auto _ : state) {
    Index index = Index::open(PROBITY_INDEX_FILE);
    benchmark::DoNotOptimize(index);
  }
}
BENCHMARK(BM_IndexOpenOnly)->Unit(benchmark::kMillisecond);

void BM_IndexOpenAndLoad(benchmark::State& state) {
  const std::string release = release_to_load(Index::open(PROBITY_INDEX_FILE));
  if (release.empty()) {
    state.SkipWithError("the index has no release");
    return;
  }
  std::size_t events = 0;
  for (auto _ : state) {
    const Index index = Index::open(PROBITY_INDEX_FILE);
    const Catalogue catalogue = index.load(release);
    events = catalogue.event_count();
    benchmark::DoNotOptimize(events);
  }
  state.counters["events"] = static_cast<double>(events);
  state.SetLabel(release);
}
BENCHMARK(BM_IndexOpenAndLoad)->Unit(benchmark::kMillisecond);

void BM_YamlLoadAndBuild(benchmark::State& state) {
  const std::string release = release_to_load(Index::open(PROBITY_INDEX_FILE));
  std::size_t events = 0;
  for (auto _ : state) {
    const CatalogueSources sources = load_sources(PROBITY_CATALOGUE_SOURCE_DIR);
    for (const KernelSnapshot& snapshot : sources.kernels) {
      if (snapshot.release != release) continue;
      const Catalogue catalogue = build_catalogue(sources, snapshot);
      events = catalogue.event_count();
    }
    benchmark::DoNotOptimize(events);
  }
  state.counters["events"] = static_cast<double>(events);
  state.SetLabel(release);
}
BENCHMARK(BM_YamlLoadAndBuild)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
