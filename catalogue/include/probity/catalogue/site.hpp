// What the vendor and the site add to the catalogue: the vendor overlays in
// force, the site policy and signatures.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probity/catalogue/diagnostic.hpp"
#include "probity/catalogue/host.hpp"
#include "probity/catalogue/model.hpp"
#include "probity/catalogue/overlay.hpp"
#include "probity/catalogue/site_policy.hpp"

namespace probity::catalogue {

struct SiteOptions {
  std::optional<std::string> catalogue_dir;  // --catalogue DIR: overlays from DIR/vendors/<vendor>/
  std::vector<std::string> overlay_files;    // --overlay FILE (repeatable): exactly these overlays
  std::filesystem::path vendors_root;        // the installed overlays (beside the installed index)
  // The overlays beside an index named by --index or $PROBITY_INDEX: they
  // may only add restrictions, as --overlay's.
  std::optional<std::filesystem::path> added_vendors_root;
};

// An overlay file found for this host, chosen by its `releases:` patterns
// before anything else of it is read or its signature checked.
struct OverlayCandidate {
  std::filesystem::path file;
  // nullopt when the patterns cannot be read: then it is chosen for every
  // release, and loading it (or checking its signature) says what is wrong.
  std::optional<std::vector<std::string>> releases;
  // false: named by --overlay, --catalogue, $PROBITY_OS_RELEASE or beside
  // another index; under a policy's minimum_stability it is restrict_only.
  bool installed = true;

  bool chosen_for(std::string_view release) const;
};

struct Site {
  std::optional<SitePolicy> policy;
  std::vector<OverlayCandidate> overlays;  // every overlay file found, in the order they apply
};

// The policy in force (site_policy.hpp), then the overlay files. The
// installed ones, those of /etc/os-release's vendor under
// options.vendors_root, always apply, and last. What the command line and the
// environment name may only add restrictions, and applies first: --overlay
// files, the vendor's overlays under --catalogue DIR/vendors, and those of
// the vendor $PROBITY_OS_RELEASE names. Of each overlay only its releases:
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

// The catalogue a command works with: host_catalogue() of `choice` from
// `index` (read from `index_file`), bounded by the installed index when that
// is another file (restrict_by_installed), with the site's overlays applied.
// Returns the notice naming the overlays in force ("" when none applies).
std::string bound_host_catalogue(HostCatalogue& host, const Index& index, const std::filesystem::path& index_file,
                                 const std::filesystem::path& installed_index, const ReleaseChoice& choice,
                                 const Site& site, std::vector<Diagnostic>* notes = nullptr);

}  // namespace probity::catalogue
