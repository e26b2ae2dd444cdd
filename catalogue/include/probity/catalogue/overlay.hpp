// Vendor overlays (catalogue/data/vendors/<vendor>/*.yaml, see
// docs/manual/vendor-overlays.md): what a distribution says of the probes of
// its own kernel builds. Applied at run time to the Catalogue read from the
// index, so a vendor ships or replaces them without rebuilding the index.
// A vendor's stability components beat the catalogue's and lose to the
// kernel's own declaration (AttributeSource::Vendor); hazards can only be
// added or raised; events can be marked supported or unsupported.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probity/catalogue/diagnostic.hpp"
#include "probity/catalogue/model.hpp"

namespace probity::catalogue {

struct OverlayField {
  std::string name;
  StabilityDecl stability;
  SourceLocation where;
};

struct OverlayEvent {
  std::string name;
  StabilityDecl stability;
  std::optional<HazardDecl> hazard;
  std::optional<bool> supported;
  std::string reason;  // why supported or not
  std::vector<OverlayField> fields;
  SourceLocation where;
};

struct OverlayProvider {
  std::string name;
  StabilityDecl stability;  // for the provider, its events and their fields
  std::vector<OverlayEvent> events;
  SourceLocation where;
};

struct Overlay {
  std::filesystem::path file;
  std::string vendor;                 // "debian"
  std::string description;
  std::vector<std::string> releases;  // shell globs on uname -r: "6.1.0-*-amd64"
  std::vector<OverlayProvider> providers;
  // Named on the command line or through the environment, not installed: it
  // may lower stability and raise hazards, never raise stability (which a
  // site policy's minimum_stability relies on).
  bool restrict_only = false;

  bool applies_to(std::string_view release) const;
};

// Throws CatalogueError with every problem (file:line:column, key path, hint).
Overlay load_overlay(const std::filesystem::path& file);

// What choosing an overlay needs, read before anything else of it and before
// its signature is checked: its `releases:` patterns. The file is parsed as
// YAML and nothing is read but the top-level `releases` list of strings;
// nullopt when that list cannot be read (load_overlay then says why).
std::optional<std::vector<std::string>> read_overlay_releases(const std::filesystem::path& file);

// True when one of the shell-glob `patterns` matches `release` (uname -r).
bool release_matches(const std::vector<std::string>& patterns, std::string_view release);

// Applies `overlay` to `catalogue` when one of its release patterns matches
// catalogue.release (else does nothing and returns false), recording the file
// in catalogue.overlays. Names the catalogue lacks and hazards an overlay
// tries to lower are left alone and reported in `notes`.
bool apply_overlay(Catalogue& catalogue, const Overlay& overlay, std::vector<Diagnostic>* notes = nullptr);

// The fields of /etc/os-release that choose a vendor.
struct OsRelease {
  std::string id;                    // "debian"
  std::vector<std::string> id_like;  // "ubuntu" has ["debian"]
  std::string version_id;            // "12"
  std::string pretty_name;
};
// A missing or unreadable file gives an empty OsRelease.
OsRelease read_os_release(const std::filesystem::path& file);

// The overlay files for `os` under `vendors_root` (vendors_root/<ID>/*.yaml,
// else those of the first ID_LIKE vendor that has a directory), sorted.
std::vector<std::filesystem::path> vendor_overlay_files(const std::filesystem::path& vendors_root,
                                                        const OsRelease& os);

}  // namespace probity::catalogue
