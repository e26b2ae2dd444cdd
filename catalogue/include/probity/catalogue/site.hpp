// What the vendor and the site add to the catalogue: the vendor overlays in
// force, the site policy and signatures.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probity/catalogue/diagnostic.hpp"
#include "probity/catalogue/model.hpp"
#include "probity/catalogue/overlay.hpp"
#include "probity/catalogue/site_policy.hpp"

namespace probity::catalogue {

struct SiteOptions {
  std::optional<std::string> catalogue_dir;  // --catalogue DIR: overlays from DIR/vendors/<vendor>/
  std::vector<std::string> overlay_files;    // --overlay FILE (repeatable): exactly these overlays
  std::filesystem::path vendors_root;        // the overlays beside the index, without either of those
};

// An overlay file found for this host, chosen by its `releases:` patterns
// before anything else of it is read or its signature checked.
struct OverlayCandidate {
  std::filesystem::path file;
  // nullopt when the patterns cannot be read: then it is chosen for every
  // release, and loading it (or checking its signature) says what is wrong.
  std::optional<std::vector<std::string>> releases;

  bool chosen_for(std::string_view release) const;
};

struct Site {
  std::optional<SitePolicy> policy;
  std::vector<OverlayCandidate> overlays;  // every overlay file found, in the order they apply
};

// The policy in force ($PROBITY_POLICY or /etc/probity/policy.yaml), then the
// overlay files: --overlay files, else those of the vendor /etc/os-release
// names ($PROBITY_OS_RELEASE overrides the file) under --catalogue DIR/vendors,
// else under options.vendors_root. Of each overlay only its releases:
// patterns are read here. Throws HostError or CatalogueError naming the file.
Site load_site(const SiteOptions& options);

// The overlays chosen for any of `releases`, loaded: under require_signatures
// each one's signature is checked first (those not chosen need none and are
// not read further). Throws HostError or CatalogueError naming the file.
std::vector<Overlay> load_overlays(const Site& site, const std::vector<std::string>& releases);

// Loads and applies the overlays chosen for catalogue.release; returns the
// notice naming them ("" when none applies).
std::string apply_overlays(Catalogue& catalogue, const Site& site, std::vector<Diagnostic>* notes = nullptr);

// Under require_signatures: throws HostError unless `file` is signed by a
// trusted key ($PROBITY_KEYS or /etc/probity/keys).
void require_signature(const Site& site, const std::filesystem::path& file);

}  // namespace probity::catalogue
