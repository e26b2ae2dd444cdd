// The compact binary index that probity reads at run time instead of YAML
// (Probity's analogue of DTrace's CTF): every catalogued release's effective
// catalogue, with a content hash of the sources it was built from.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "probity/catalogue/effective.hpp"
#include "probity/catalogue/model.hpp"

namespace probity::catalogue {

class IndexError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Writes the index for `catalogues`; `content_hash` identifies the sources.
// With `docs`, the index can also describe a kernel it has no release of.
void write_index(const std::vector<Catalogue>& catalogues, const std::string& content_hash,
                 const std::filesystem::path& file);
void write_index(const std::vector<Catalogue>& catalogues, const CatalogueDocs& docs,
                 const std::string& content_hash, const std::filesystem::path& file);

class Index {
 public:
  // Throws IndexError naming the file for a missing, truncated, corrupt or
  // wrong-version index.
  static Index open(const std::filesystem::path& file);

  const std::string& content_hash() const;
  std::vector<std::string> releases() const;  // sorted
  bool has_release(const std::string& release) const;
  // Decodes one release's catalogue; throws IndexError for an unknown release.
  Catalogue load(const std::string& release) const;
  // The curated docs the releases were built with; has_docs() is false for
  // an index written without them (a cached live catalogue).
  bool has_docs() const;
  CatalogueDocs docs() const;

  ~Index();
  Index(Index&&) noexcept;
  Index& operator=(Index&&) noexcept;

 private:
  struct Impl;
  explicit Index(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A stable content hash of every YAML file under `root` (FNV-1a 64 over the
// relative paths and bytes, in path order), as 16 hex digits. Compiled
// objects record it to say which catalogue they were checked against.
std::string hash_sources(const std::filesystem::path& root);

// FNV-1a 64 of `bytes` as 16 hex digits: the index's checksum, as a name.
std::string hash_bytes(std::string_view bytes);

}  // namespace probity::catalogue
