// Reading and writing the catalogue's YAML files (see docs/manual/catalogue-format.md).
// Every reader collects all problems it finds and throws CatalogueError with
// them; none of them crashes on malformed input.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "probity/catalogue/diagnostic.hpp"
#include "probity/catalogue/model.hpp"

namespace probity::catalogue {

// providers/<system>.yaml
ProviderDoc load_provider_doc(const std::filesystem::path& file);
// common.yaml
CommonFieldDocs load_common_docs(const std::filesystem::path& file);
// kernels/<release>.yaml
KernelSnapshot load_snapshot(const std::filesystem::path& file);
void write_snapshot(const KernelSnapshot& snapshot, const std::filesystem::path& file);

// Everything under a catalogue directory (catalogue/data or an installed copy).
struct CatalogueSources {
  std::filesystem::path root;
  CommonFieldDocs common;
  std::vector<ProviderDoc> providers;   // sorted by name
  std::vector<KernelSnapshot> kernels;  // sorted by release, numerically ("6.9" before "6.12")
};

// Loads every file and cross-checks them (documented events and fields must
// exist in at least one snapshot, no provider documented twice, ...).
// Throws CatalogueError with every problem in every file.
CatalogueSources load_sources(const std::filesystem::path& root);

}  // namespace probity::catalogue
