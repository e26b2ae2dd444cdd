// Vendor overlays: the provider documents' shape (stability, rationale,
// hazard, fields) plus `releases:` patterns and `supported:`, read with the
// same readers, applied per component below the kernel's own declaration.
#include "probity/catalogue/overlay.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <system_error>

#include "doc_readers.hpp"
#include "yaml_reader.hpp"

namespace probity::catalogue {
namespace {

namespace fs = std::filesystem;
using yaml::Entry;
using yaml::YamlDocument;

constexpr std::array<std::string_view, 4> overlay_keys{"vendor", "description", "releases", "providers"};
constexpr std::array<std::string_view, 3> provider_keys{"stability", "rationale", "events"};
constexpr std::array<std::string_view, 6> event_keys{"stability", "rationale", "hazard",
                                                     "supported", "reason", "fields"};
constexpr std::array<std::string_view, 2> field_keys{"stability", "rationale"};

std::vector<OverlayField> read_fields(YamlDocument& doc, const Entry& fields_entry) {
  std::vector<OverlayField> fields;
  if (!doc.expect_map(fields_entry.value, fields_entry.path, fields_entry.key_node)) return fields;
  for (const Entry& entry : doc.named_entries(fields_entry.value, fields_entry.path, "field")) {
    if (!doc.expect_map(entry.value, entry.path, entry.key_node)) continue;
    OverlayField field;
    field.name = entry.key;
    field.where = doc.location(entry.key_node);
    const std::vector<Entry> entries = doc.keyed_entries(entry.value, entry.path, field_keys);
    field.stability = doc_readers::event_or_field_stability(doc, entries, entry.value, entry.path);
    fields.push_back(std::move(field));
  }
  return fields;
}

std::optional<OverlayEvent> read_event(YamlDocument& doc, const Entry& event_entry) {
  if (!doc.expect_map(event_entry.value, event_entry.path, event_entry.key_node)) return std::nullopt;
  OverlayEvent event;
  event.name = event_entry.key;
  event.where = doc.location(event_entry.key_node);
  const std::vector<Entry> entries = doc.keyed_entries(event_entry.value, event_entry.path, event_keys);
  event.stability = doc_readers::event_or_field_stability(doc, entries, event_entry.value, event_entry.path);
  if (const Entry* hazard = yaml::find_entry(entries, "hazard")) event.hazard = doc_readers::hazard(doc, *hazard);
  if (const Entry* supported = yaml::find_entry(entries, "supported")) event.supported = doc.read_bool(*supported);
  if (const Entry* reason = yaml::find_entry(entries, "reason")) {
    if (auto text = doc.read_text(*reason)) event.reason = std::move(*text);
    if (!event.supported) {
      doc.report(*reason, "\"reason\" without \"supported\"",
                 "a reason says why the vendor supports the event or not: add supported: true or false");
    }
  }
  if (const Entry* fields = yaml::find_entry(entries, "fields")) event.fields = read_fields(doc, *fields);
  return event;
}

std::optional<OverlayProvider> read_provider(YamlDocument& doc, const Entry& provider_entry) {
  if (!doc.expect_map(provider_entry.value, provider_entry.path, provider_entry.key_node)) return std::nullopt;
  OverlayProvider provider;
  provider.name = provider_entry.key;
  provider.where = doc.location(provider_entry.key_node);
  const std::vector<Entry> entries = doc.keyed_entries(provider_entry.value, provider_entry.path, provider_keys);
  provider.stability =
      doc_readers::event_or_field_stability(doc, entries, provider_entry.value, provider_entry.path);
  if (const Entry* events = yaml::find_entry(entries, "events")) {
    if (doc.expect_map(events->value, events->path, events->key_node)) {
      for (const Entry& event_entry : doc.named_entries(events->value, events->path, "event")) {
        if (auto event = read_event(doc, event_entry)) provider.events.push_back(std::move(*event));
      }
    }
  }
  return provider;
}

std::vector<std::string> read_releases(YamlDocument& doc, const Entry& releases_entry) {
  std::vector<std::string> releases;
  if (!doc.expect_sequence(releases_entry.value, releases_entry.path, releases_entry.key_node)) return releases;
  std::size_t index = 0;
  for (const YAML::Node& item : releases_entry.value) {
    const Entry entry{"release", yaml::index_path(releases_entry.path, index++), releases_entry.key_node, item};
    if (auto pattern = doc.read_text(entry)) releases.push_back(std::move(*pattern));
  }
  if (releases.empty()) {
    doc.report(releases_entry, "the overlay applies to no release",
               "list the kernel releases it is for, as uname -r prints them or as globs: [\"6.1.0-*-amd64\"]");
  }
  return releases;
}

Overlay read_overlay(YamlDocument& doc, const fs::path& file) {
  Overlay overlay;
  overlay.file = file;
  const YAML::Node& root = doc.root();
  if (!doc.expect_map(root, "", root)) return overlay;
  const std::vector<Entry> entries = doc.keyed_entries(root, "", overlay_keys);
  if (const Entry* vendor = doc.require(entries, "vendor", root, "", "name the vendor: vendor: debian")) {
    if (auto text = doc.read_text(*vendor)) overlay.vendor = std::move(*text);
  }
  if (const Entry* description = yaml::find_entry(entries, "description")) {
    if (auto text = doc.read_text(*description)) overlay.description = std::move(*text);
  }
  if (const Entry* releases = doc.require(entries, "releases", root, "",
                                          "list the kernel releases the overlay is for: releases: [\"6.1.0-*-amd64\"]")) {
    overlay.releases = read_releases(doc, *releases);
  }
  if (const Entry* providers = yaml::find_entry(entries, "providers")) {
    if (doc.expect_map(providers->value, providers->path, providers->key_node)) {
      for (const Entry& entry : doc.named_entries(providers->value, providers->path, "provider")) {
        if (auto provider = read_provider(doc, entry)) overlay.providers.push_back(std::move(*provider));
      }
    }
  }
  return overlay;
}

// Sets the components `decl` declares, except those the kernel declared.
void override_components(SourcedAttributes& attributes, std::string& rationale, const StabilityDecl& decl,
                         const std::string& vendor, bool restrict_only) {
  if (decl.empty()) return;
  bool changed = false;
  const auto set = [&](std::size_t component, auto value, auto& target) {
    if (!value || attributes.sources[component] == AttributeSource::Kernel) return;
    if (restrict_only && *value > target) return;
    target = *value;
    attributes.sources[component] = AttributeSource::Vendor;
    changed = true;
  };
  set(0, decl.name, attributes.value.name);
  set(1, decl.data, attributes.value.data);
  set(2, decl.dependency_class, attributes.value.dependency_class);
  if (changed && !decl.rationale.empty()) rationale = vendor + ": " + decl.rationale;
}

Diagnostic note(const SourceLocation& where, const fs::path& file, std::string message) {
  SourceLocation located = where;
  located.file = file.string();
  return Diagnostic{located, "", std::move(message), ""};
}

std::string unquote(std::string value) {
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
    return value.substr(1, value.size() - 2);
  }
  return value;
}

}  // namespace

std::string_view to_string(Support support) {
  switch (support) {
    case Support::Unstated: return "unstated";
    case Support::Supported: return "supported";
    case Support::Unsupported: return "unsupported";
  }
  return "?";
}

bool release_matches(const std::vector<std::string>& patterns, std::string_view release) {
  const std::string text(release);
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& pattern) {
    return ::fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
  });
}

bool Overlay::applies_to(std::string_view release) const { return release_matches(releases, release); }

std::optional<std::vector<std::string>> read_overlay_releases(const fs::path& file) {
  YamlDocument doc(file);
  try {
    if (!doc.parse() || !doc.root().IsMap()) return std::nullopt;
    const YAML::Node releases = doc.root()["releases"];
    if (!releases.IsSequence() || releases.size() == 0) return std::nullopt;
    std::vector<std::string> patterns;
    for (const YAML::Node& pattern : releases) {
      if (!pattern.IsScalar()) return std::nullopt;
      patterns.push_back(pattern.Scalar());
    }
    return patterns;
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
}

Overlay load_overlay(const fs::path& file) {
  YamlDocument doc(file);
  Overlay overlay;
  overlay.file = file;
  try {
    if (doc.parse()) overlay = read_overlay(doc, file);
  } catch (const YAML::Exception& exception) {
    doc.report(doc.file_location(), "", std::string("unexpected YAML error: ") + exception.what());
  }
  if (doc.has_errors()) throw CatalogueError(doc.take_diagnostics());
  return overlay;
}

bool apply_overlay(Catalogue& catalogue, const Overlay& overlay, std::vector<Diagnostic>* notes) {
  if (!overlay.applies_to(catalogue.release)) return false;
  const auto report = [&](const SourceLocation& where, std::string message) {
    if (notes != nullptr) notes->push_back(note(where, overlay.file, std::move(message)));
  };
  for (const OverlayProvider& provider_overlay : overlay.providers) {
    auto provider = std::find_if(catalogue.providers.begin(), catalogue.providers.end(),
                                 [&](const Provider& p) { return p.name == provider_overlay.name; });
    if (provider == catalogue.providers.end()) {
      report(provider_overlay.where, "provider \"" + provider_overlay.name + "\" is not in kernel " +
                                         catalogue.release + "; the overlay's entry for it is ignored");
      continue;
    }
    const StabilityDecl& provider_decl = provider_overlay.stability;
    override_components(provider->stability, provider->rationale, provider_decl, overlay.vendor, overlay.restrict_only);
    for (Event& event : provider->events) {
      override_components(event.stability, event.rationale, provider_decl, overlay.vendor, overlay.restrict_only);
      for (Field& field : event.fields) {
        override_components(field.stability, field.rationale, provider_decl, overlay.vendor, overlay.restrict_only);
      }
    }
    for (const OverlayEvent& event_overlay : provider_overlay.events) {
      auto event = std::find_if(provider->events.begin(), provider->events.end(),
                                [&](const Event& e) { return e.name == event_overlay.name; });
      if (event == provider->events.end()) {
        report(event_overlay.where, "event \"" + provider->name + ":" + event_overlay.name + "\" is not in kernel " +
                                        catalogue.release + "; the overlay's entry for it is ignored");
        continue;
      }
      override_components(event->stability, event->rationale, event_overlay.stability, overlay.vendor,
                          overlay.restrict_only);
      for (Field& field : event->fields) {
        override_components(field.stability, field.rationale, event_overlay.stability, overlay.vendor,
                            overlay.restrict_only);
      }
      for (const OverlayField& field_overlay : event_overlay.fields) {
        auto field = std::find_if(event->fields.begin(), event->fields.end(),
                                  [&](const Field& f) { return f.layout.name == field_overlay.name; });
        if (field == event->fields.end()) {
          report(field_overlay.where, "field \"" + field_overlay.name + "\" of " + provider->name + ":" +
                                          event->name + " is not in kernel " + catalogue.release +
                                          "; the overlay's entry for it is ignored");
          continue;
        }
        override_components(field->stability, field->rationale, field_overlay.stability, overlay.vendor,
                            overlay.restrict_only);
      }
      if (event_overlay.hazard) {
        if (event_overlay.hazard->level >= event->hazard.level) {
          event->hazard = *event_overlay.hazard;
        } else {
          report(event_overlay.where, "the overlay cannot lower the hazard of " + provider->name + ":" + event->name +
                                          " from " + std::string(to_string(event->hazard.level)) + " to " +
                                          std::string(to_string(event_overlay.hazard->level)) + "; it stays " +
                                          std::string(to_string(event->hazard.level)));
        }
      }
      if (event_overlay.supported) {
        event->support = {*event_overlay.supported ? Support::Supported : Support::Unsupported, overlay.vendor,
                          event_overlay.reason};
      }
    }
  }
  catalogue.overlays.push_back(overlay.file.string());
  return true;
}

OsRelease read_os_release(const fs::path& file) {
  OsRelease os;
  std::ifstream stream(file);
  for (std::string line; std::getline(stream, line);) {
    const std::size_t equals = line.find('=');
    if (line.empty() || line.front() == '#' || equals == std::string::npos) continue;
    const std::string key = line.substr(0, equals);
    const std::string value = unquote(line.substr(equals + 1));
    if (key == "ID") {
      os.id = value;
    } else if (key == "VERSION_ID") {
      os.version_id = value;
    } else if (key == "PRETTY_NAME") {
      os.pretty_name = value;
    } else if (key == "ID_LIKE") {
      std::size_t start = 0;
      while (start < value.size()) {
        const std::size_t space = std::min(value.find(' ', start), value.size());
        if (space > start) os.id_like.push_back(value.substr(start, space - start));
        start = space + 1;
      }
    }
  }
  return os;
}

std::vector<fs::path> vendor_overlay_files(const fs::path& vendors_root, const OsRelease& os) {
  std::vector<std::string> vendors;
  if (!os.id.empty()) vendors.push_back(os.id);
  vendors.insert(vendors.end(), os.id_like.begin(), os.id_like.end());
  for (const std::string& vendor : vendors) {
    if (vendor.find('/') != std::string::npos || vendor == "." || vendor == "..") continue;
    std::error_code error;
    const fs::path directory = vendors_root / vendor;
    if (!fs::is_directory(directory, error)) continue;
    std::vector<fs::path> files;
    for (fs::directory_iterator it(directory, error), end; !error && it != end; it.increment(error)) {
      if (it->path().extension() == ".yaml") files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    return files;
  }
  return {};
}

}  // namespace probity::catalogue
