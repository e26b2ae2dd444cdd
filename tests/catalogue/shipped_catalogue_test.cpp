// The catalogue Probity ships: it loads without a single diagnostic, and the
// providers the project curates are documented completely, for every release.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "probity/catalogue/effective.hpp"
#include "probity/catalogue/index.hpp"
#include "probity/catalogue/yaml_io.hpp"

namespace probity::catalogue {
namespace {

const std::set<std::string> curated_providers{
    "sched", "raw_syscalls", "syscalls", "signal", "task", "irq", "timer", "block", "power",
};

const CatalogueSources& shipped() {
  static const CatalogueSources sources = [] {
    try {
      return load_sources(PROBITY_CATALOGUE_SOURCE_DIR);
    } catch (const CatalogueError& error) {
      std::string all;
      for (const auto& diagnostic : error.diagnostics()) all += diagnostic.to_string() + "\n";
      ADD_FAILURE() << "the shipped catalogue does not load:\n" << all;
      return CatalogueSources{};
    }
  }();
  return sources;
}

TEST(ShippedCatalogue, LoadsWithoutDiagnostics) {
  const auto& sources = shipped();
  EXPECT_FALSE(sources.kernels.empty()) << "no kernel snapshot under catalogue/data/kernels";
  std::set<std::string> documented;
  for (const auto& provider : sources.providers) documented.insert(provider.name);
  for (const auto& name : curated_providers) {
    EXPECT_TRUE(documented.contains(name)) << "no catalogue/data/providers/" << name << ".yaml";
  }
}

TEST(ShippedCatalogue, CommonFieldsAreDocumented) {
  for (const auto& catalogue : build_all_catalogues(shipped())) {
    ASSERT_FALSE(catalogue.common_fields.empty()) << catalogue.release;
    for (const auto& field : catalogue.common_fields) {
      EXPECT_TRUE(field.documented) << catalogue.release << ": " << field.layout.name;
      EXPECT_FALSE(field.description.empty()) << catalogue.release << ": " << field.layout.name;
    }
  }
}

// Every event and every field of a curated provider has a description and a
// stability that came from the catalogue, with a rationale.
TEST(ShippedCatalogue, CuratedProvidersAreDocumentedCompletely) {
  for (const auto& catalogue : build_all_catalogues(shipped())) {
    for (const auto& provider : catalogue.providers) {
      if (!curated_providers.contains(provider.name)) continue;
      SCOPED_TRACE(catalogue.release + " " + provider.name);
      EXPECT_TRUE(provider.documented);
      EXPECT_FALSE(provider.description.empty());
      EXPECT_FALSE(provider.rationale.empty());
      for (const auto& source : provider.stability.sources) {
        EXPECT_EQ(source, AttributeSource::Catalogue);
      }
      for (const auto& event : provider.events) {
        EXPECT_TRUE(event.documented) << provider.name << ":" << event.name << " is undocumented";
        EXPECT_GE(event.description.size(), 20u) << provider.name << ":" << event.name;
        EXPECT_FALSE(event.rationale.empty()) << provider.name << ":" << event.name;
        if (event.hazard.level != Hazard::None) {
          EXPECT_FALSE(event.hazard.reason.empty()) << event.name;
          EXPECT_FALSE(event.hazard.reference.empty()) << event.name;
        }
        for (const auto& field : event.fields) {
          EXPECT_TRUE(field.documented)
              << provider.name << ":" << event.name << "." << field.layout.name << " is undocumented";
          EXPECT_GE(field.description.size(), 10u)
              << provider.name << ":" << event.name << "." << field.layout.name;
        }
      }
    }
  }
}

// The index CMake builds holds exactly what the YAML says.
TEST(ShippedCatalogue, BuiltIndexMatchesTheSources) {
  const Index index = Index::open(PROBITY_INDEX_FILE);
  EXPECT_EQ(index.content_hash(), hash_sources(PROBITY_CATALOGUE_SOURCE_DIR))
      << "the index is stale: rebuild with cmake --build";
  const auto catalogues = build_all_catalogues(shipped());
  ASSERT_EQ(index.releases().size(), catalogues.size());
  for (const auto& expected : catalogues) {
    const Catalogue loaded = index.load(expected.release);
    EXPECT_EQ(loaded.event_count(), expected.event_count()) << expected.release;
    ASSERT_EQ(loaded.providers.size(), expected.providers.size());
    for (std::size_t p = 0; p < expected.providers.size(); ++p) {
      const auto& want = expected.providers[p];
      const auto& got = loaded.providers[p];
      EXPECT_EQ(got.name, want.name);
      EXPECT_EQ(got.description, want.description);
      EXPECT_EQ(got.stability.value, want.stability.value) << want.name;
      ASSERT_EQ(got.events.size(), want.events.size()) << want.name;
      for (std::size_t e = 0; e < want.events.size(); ++e) {
        EXPECT_EQ(got.events[e].name, want.events[e].name);
        EXPECT_EQ(got.events[e].description, want.events[e].description);
        EXPECT_EQ(got.events[e].stability.value, want.events[e].stability.value);
        EXPECT_EQ(got.events[e].hazard.level, want.events[e].hazard.level);
        ASSERT_EQ(got.events[e].fields.size(), want.events[e].fields.size());
        for (std::size_t f = 0; f < want.events[e].fields.size(); ++f) {
          EXPECT_EQ(got.events[e].fields[f].layout, want.events[e].fields[f].layout);
          EXPECT_EQ(got.events[e].fields[f].description, want.events[e].fields[f].description);
        }
      }
    }
  }
}

}  // namespace
}  // namespace probity::catalogue
