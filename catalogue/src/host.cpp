#include "probity/catalogue/host.hpp"

#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <system_error>

#include "probity/catalogue/effective.hpp"
#include "probity/catalogue/harvest.hpp"

namespace probity::catalogue {
namespace {

namespace fs = std::filesystem;

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

// "6.18" is a prefix of "6.18.44-fc-v657" at a component boundary, but not of "6.180".
bool is_component_prefix(const std::string& prefix, const std::string& release) {
  if (!release.starts_with(prefix) || prefix.empty()) return false;
  if (release.size() == prefix.size()) return true;
  const unsigned char next = static_cast<unsigned char>(release[prefix.size()]);
  const unsigned char last = static_cast<unsigned char>(prefix.back());
  return std::isalnum(next) == 0 || std::isalnum(last) == 0;
}

std::string read_small_file(const fs::path& file) {
  std::ifstream stream(file, std::ios::binary);
  std::ostringstream text;
  text << stream.rdbuf();
  return stream ? text.str() : std::string();
}

// What tells one kernel build and its loaded modules from another, readable
// without root: the build id note, /proc/version and the module names.
std::string kernel_build_identity() {
  std::string identity = read_small_file("/sys/kernel/notes");
  identity += '\0';
  identity += read_small_file("/proc/version");
  std::vector<std::string> modules;
  std::istringstream lines(read_small_file("/proc/modules"));
  for (std::string line; std::getline(lines, line);) modules.push_back(line.substr(0, line.find(' ')));
  std::sort(modules.begin(), modules.end());
  for (const std::string& module : modules) identity += '\0' + module;
  return identity;
}

// A cache file (and its directory) only root can have written: anything else
// could carry layouts or hazards an operator made up.
bool trusted_cache_file(const fs::path& file) {
  struct stat info {};
  if (::lstat(file.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return false;
  if (info.st_uid != 0 || (info.st_mode & (S_IWGRP | S_IWOTH)) != 0) return false;
  struct stat dir {};
  if (::stat(file.parent_path().c_str(), &dir) != 0) return false;
  return dir.st_uid == 0 && (dir.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

std::optional<Catalogue> read_cache(const fs::path& file, const std::string& release) {
  if (!trusted_cache_file(file)) return std::nullopt;
  try {
    const Index cached = Index::open(file);
    if (!cached.has_release(release)) return std::nullopt;
    return cached.load(release);
  } catch (const IndexError&) {
    return std::nullopt;  // a damaged cache is rebuilt, never trusted
  }
}

// Best effort: a cache that cannot be written (not root, read-only /var)
// only costs the next run a harvest.
void write_cache(const Catalogue& catalogue, const fs::path& file, const std::string& key) {
  if (::geteuid() != 0) return;
  std::error_code error;
  fs::create_directories(file.parent_path(), error);
  if (error) return;
  fs::permissions(file.parent_path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                          fs::perms::others_read | fs::perms::others_exec,
                  error);
  // A file that was not trusted is replaced, not rewritten with its permissions.
  fs::remove(file, error);
  try {
    write_index({catalogue}, key, file);
  } catch (const IndexError&) {
    return;
  }
  // Earlier builds of the same release are stale.
  const std::string prefix = catalogue.release + "-";
  for (fs::directory_iterator it(file.parent_path(), error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (it->path() != file && name.starts_with(prefix) && name.ends_with(".idx")) fs::remove(it->path(), error);
  }
}

// The catalogued release whose layouts are likeliest to be the running
// kernel's: the newest of the same major.minor, else the newest older one,
// else the oldest.
std::string nearest_release(const std::vector<std::string>& releases, const std::string& running) {
  const auto major_minor = [](const std::string& release) {
    const auto first = release.find('.');
    const auto second = first == std::string::npos ? first : release.find_first_not_of("0123456789", first + 1);
    return release.substr(0, second);
  };
  std::optional<std::string> older;
  for (const std::string& release : releases) {  // oldest first
    if (major_minor(release) == major_minor(running)) older = release;
  }
  if (older) return *older;
  for (const std::string& release : releases) {
    if (release_less(release, running)) older = release;
  }
  return older.value_or(releases.front());
}

}  // namespace

std::string running_release() {
  struct utsname names {};
  if (::uname(&names) != 0) return "";
  return names.release;
}

ReleaseChoice choose_release(const Index& index, const std::optional<std::string>& requested,
                             const std::string& running) {
  const std::vector<std::string> releases = index.releases();  // oldest first
  if (!requested) return {running, true};
  if (*requested == running) return {running, true};
  if (index.has_release(*requested)) return {*requested, false};
  std::vector<std::string> matches;
  for (const std::string& release : releases) {
    if (is_component_prefix(*requested, release)) matches.push_back(release);
  }
  if (!running.empty() && !index.has_release(running) && is_component_prefix(*requested, running)) {
    return {running, true};  // "6.18" on a 6.18 build: this one, not another build of it
  }
  if (matches.empty()) {
    for (const std::string& release : releases) {
      if (!requested->empty() && release.starts_with(*requested)) matches.push_back(release);
    }
  }
  if (std::find(matches.begin(), matches.end(), running) != matches.end()) return {running, true};
  if (matches.size() == 1) return {matches.front(), false};
  if (matches.empty()) {
    throw HostError("kernel release \"" + *requested + "\" is not catalogued; catalogued releases: " +
                    (releases.empty() ? std::string("none") : join(releases)) + ", and the running " + running);
  }
  throw HostError("kernel release \"" + *requested + "\" is ambiguous: it matches " + join(matches) +
                  "; give more of the release");
}

fs::path live_cache_file(const Index& index, const LiveCatalogueOptions& options) {
  const std::string release = running_release();
  const std::string key = hash_bytes(index.content_hash() + '\0' + release + '\0' + options.tracing.string() + '\0' +
                                     kernel_build_identity());
  return options.cache_dir / (release + "-" + key + ".idx");
}

Catalogue harvest_live_catalogue(const Index& index, const LiveCatalogueOptions& options) {
  const fs::path tracing = options.tracing.empty() ? tracing_dir() : options.tracing;
  const CatalogueDocs docs = index.docs();
  Catalogue catalogue = build_catalogue(docs, harvest_live(tracing));
  const fs::path cache = live_cache_file(index, options);
  write_cache(catalogue, cache, cache.stem().string());
  return catalogue;
}

HostCatalogue host_catalogue(const Index& index, const ReleaseChoice& choice, const LiveCatalogueOptions& options) {
  HostCatalogue host;
  host.running = choice.running;
  if (index.has_release(choice.release)) {
    host.catalogue = index.load(choice.release);
    host.origin_text = "the catalogue index";
    return host;
  }
  // Only the running kernel can be uncatalogued (choose_release).
  const fs::path cache = live_cache_file(index, options);
  if (std::optional<Catalogue> cached = read_cache(cache, choice.release)) {
    host.catalogue = std::move(*cached);
    host.origin = LayoutOrigin::LiveCache;
    host.origin_text = "this kernel's tracefs (cached in " + cache.string() + ")";
    return host;
  }
  std::string why_not;
  std::string remedy;
  if (!index.has_docs()) {
    why_not = "the catalogue index carries no docs to describe it with";
    remedy = "rebuild the index with: probity catalogue build";
  } else {
    try {
      host.catalogue = harvest_live_catalogue(index, options);
      host.origin = LayoutOrigin::LiveTracefs;
      host.origin_text = "this kernel's tracefs";
      return host;
    } catch (const TracefsError& error) {
      why_not = ::geteuid() == 0 ? "its tracefs cannot be read (" + std::string(error.what()) + ")"
                                 : "its tracefs cannot be read without root";
      remedy = "a run as root catalogues this kernel for every later run";
    }
  }
  const std::vector<std::string> releases = index.releases();
  if (releases.empty()) {
    throw HostError("the running kernel " + choice.release + " is not catalogued, " + why_not +
                    ", and the catalogue index has no release to stand in; " + remedy);
  }
  const std::string stand_in = nearest_release(releases, choice.release);
  host.catalogue = index.load(stand_in);
  host.origin = LayoutOrigin::Substitute;
  host.origin_text = "the catalogued " + stand_in + " (standing in for the running " + choice.release + ")";
  host.substitute_note = "the running kernel " + choice.release + " is not catalogued and " + why_not +
                         ", so its layouts are those of the catalogued " + stand_in + ", which may differ; " + remedy;
  return host;
}

namespace {

// The layouts of an effective catalogue, as the snapshot they came from.
KernelSnapshot layouts_of(const Catalogue& catalogue) {
  KernelSnapshot snapshot;
  snapshot.release = catalogue.release;
  snapshot.machine = catalogue.machine;
  snapshot.source = catalogue.source;
  for (const Field& field : catalogue.common_fields) snapshot.common_fields.push_back(field.layout);
  for (const Provider& provider : catalogue.providers) {
    for (const Event& event : provider.events) {
      EventLayout layout{event.provider, event.name, {}, event.module, {}, {}};
      for (const Field& field : event.fields) {
        layout.fields.push_back(field.layout);
        if (field.value_names) layout.value_names.push_back({field.layout.name, *field.value_names});
      }
      snapshot.events.push_back(std::move(layout));
    }
  }
  return snapshot;
}

// `attributes` lowered to `bound` component by component.
void lower_to(SourcedAttributes& attributes, std::string& rationale, const SourcedAttributes& bound,
              const std::string& bound_rationale) {
  bool lowered = false;
  const auto lower = [&](std::size_t component, auto& value, auto limit) {
    if (limit >= value) return;
    value = limit;
    attributes.sources[component] = bound.sources[component];
    lowered = true;
  };
  lower(0, attributes.value.name, bound.value.name);
  lower(1, attributes.value.data, bound.value.data);
  lower(2, attributes.value.dependency_class, bound.value.dependency_class);
  if (lowered) rationale = bound_rationale;
}

}  // namespace

void restrict_by_installed(Catalogue& catalogue, const fs::path& used, const fs::path& installed, bool stability) {
  std::error_code error;
  if (used == installed || fs::equivalent(used, installed, error) || !fs::exists(installed, error)) return;
  const Index trusted = Index::open(installed);
  if (!trusted.has_docs()) return;
  const Catalogue view = build_catalogue(trusted.docs(), layouts_of(catalogue));
  for (Provider& provider : catalogue.providers) {
    for (Event& event : provider.events) {
      const Event* bound = view.find_event(event.provider, event.name);
      if (bound == nullptr) continue;
      if (bound->hazard.level > event.hazard.level) event.hazard = bound->hazard;
      if (!stability) continue;
      lower_to(event.stability, event.rationale, bound->stability, bound->rationale);
      for (Field& field : event.fields) {
        if (const Field* bound_field = bound->find_field(field.layout.name)) {
          lower_to(field.stability, field.rationale, bound_field->stability, bound_field->rationale);
        }
      }
    }
  }
}

void add_release_to_index(const fs::path& index_file, const KernelSnapshot& snapshot) {
  const Index index = Index::open(index_file);
  CatalogueDocs docs = index.docs();
  for (auto& [event, releases] : docs.event_releases) std::erase(releases, snapshot.release);
  for (const EventLayout& event : snapshot.events) {
    insert_release(docs.event_releases[{event.system, event.name}], snapshot.release);
  }
  std::vector<Catalogue> catalogues;
  for (const std::string& release : index.releases()) {
    if (release == snapshot.release) continue;
    Catalogue catalogue = index.load(release);
    for (Provider& provider : catalogue.providers) {
      for (Event& event : provider.events) {
        const auto found = docs.event_releases.find({event.provider, event.name});
        if (found != docs.event_releases.end()) event.releases = found->second;
      }
    }
    catalogues.push_back(std::move(catalogue));
  }
  catalogues.push_back(build_catalogue(docs, snapshot));
  std::sort(catalogues.begin(), catalogues.end(),
            [](const Catalogue& a, const Catalogue& b) { return release_less(a.release, b.release); });
  std::string layouts;
  for (const EventLayout& event : snapshot.events) {
    layouts += event.system + ":" + event.name;
    for (const FieldLayout& field : event.fields) layouts += " " + field.declaration() + "@" + std::to_string(field.offset);
    layouts += '\n';
  }
  write_index(catalogues, docs, hash_bytes(index.content_hash() + '\0' + snapshot.release + '\0' + layouts),
              index_file);
}

HostCatalogue host_catalogue(const Index& index, const std::optional<std::string>& requested,
                             const LiveCatalogueOptions& options) {
  return host_catalogue(index, choose_release(index, requested, running_release()), options);
}

}  // namespace probity::catalogue
