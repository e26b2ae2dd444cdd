// The catalogue of the machine in front of the user (DESIGN.md, "The kernel
// in front of the user"): which release a command works with, and that
// release's effective catalogue. The running kernel is always catalogued:
// when the index has no snapshot of its release, its layouts are harvested
// from its own tracefs and its docs, stability and hazards come from the
// docs the index carries, exactly as for a catalogued release; the result is
// cached per kernel build so that the next run reads one file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "probity/catalogue/index.hpp"
#include "probity/catalogue/model.hpp"

namespace probity::catalogue {

// A release that cannot be chosen (unknown, ambiguous). what() is one line.
class HostError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// uname -r.
std::string running_release();

struct ReleaseChoice {
  std::string release;
  bool running = false;  // the running kernel's release (catalogued or not)
};

// `requested` (--kernel) is an exact release or a unique prefix ending at a
// component boundary ("6.18" for "6.18.44-fc-v657") among the catalogued
// releases and the running one; a prefix that matches the running kernel and
// other builds of it chooses the running kernel. Without it: the running
// kernel. Throws HostError for an unknown or ambiguous release.
ReleaseChoice choose_release(const Index& index, const std::optional<std::string>& requested,
                             const std::string& running);

// Where a catalogue's layouts came from.
enum class LayoutOrigin : std::uint8_t {
  Index,        // a snapshot catalogued in the index
  LiveTracefs,  // the running kernel's tracefs, harvested by this run
  LiveCache,    // the running kernel's tracefs, harvested by an earlier run of this build
  Substitute,   // the running kernel's could not be read: the nearest catalogued release
};

struct LiveCatalogueOptions {
  std::filesystem::path tracing{};  // empty: tracing_dir(), mounting it when needed
  std::filesystem::path cache_dir{"/var/cache/probity/kernels"};
};

struct HostCatalogue {
  Catalogue catalogue;  // before vendor overlays (site.hpp applies them)
  LayoutOrigin origin = LayoutOrigin::Index;
  bool running = false;         // the catalogue is the running kernel's, whatever its origin
  std::string origin_text;      // "the catalogue index", "this kernel's tracefs (cached in ...)"
  std::string substitute_note;  // for Substitute: why, and what it means (always said)
};

// The effective catalogue of `choice`: the index's snapshot when it has one,
// else (the running kernel) live layouts from the cache or tracefs. When
// neither can be read (not root, no cache) the nearest catalogued release
// stands in and substitute_note says so.
HostCatalogue host_catalogue(const Index& index, const ReleaseChoice& choice,
                             const LiveCatalogueOptions& options = {});

// choose_release() with the running kernel, then host_catalogue().
HostCatalogue host_catalogue(const Index& index, const std::optional<std::string>& requested,
                             const LiveCatalogueOptions& options = {});

// The running kernel's effective catalogue from its tracefs and the index's
// docs, always harvested anew (and cached). Throws TracefsError when tracefs
// cannot be read and IndexError when the index carries no docs.
Catalogue harvest_live_catalogue(const Index& index, const LiveCatalogueOptions& options = {});

// Where the catalogue was read from another index than the installed one
// (--index, $PROBITY_INDEX), the installed index's docs still bind: each
// event's hazard becomes the higher of the two, and with `stability` (a site
// policy sets a minimum_stability) each stability component of events and
// fields the lower. Does nothing when `used` is `installed` or no installed
// index exists. Throws IndexError for a damaged installed index.
void restrict_by_installed(Catalogue& catalogue, const std::filesystem::path& used,
                           const std::filesystem::path& installed, bool stability);

// Adds `snapshot` (a harvest of the running kernel or of a kernel image) to
// the index in `index_file` as one more catalogued release, described by the
// docs the index carries, replacing a release of the same name; every event's
// list of releases then names it. Writes the index atomically. Throws
// IndexError.
void add_release_to_index(const std::filesystem::path& index_file, const KernelSnapshot& snapshot);

// The cache file for the running kernel's build and this index, whether or
// not it exists: <cache_dir>/<release>-<key>.idx, the key hashing the index's
// content hash, the kernel's build id (/sys/kernel/notes), /proc/version and
// the loaded modules' names (modules bring events), all readable without root.
std::filesystem::path live_cache_file(const Index& index, const LiveCatalogueOptions& options);

}  // namespace probity::catalogue
