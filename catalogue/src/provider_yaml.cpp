// providers/<system>.yaml, common.yaml, and a whole catalogue directory.
#include <algorithm>
#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <thread>
#include <type_traits>
#include <set>
#include <unordered_map>
#include <variant>

#include "probity/catalogue/yaml_io.hpp"
#include "doc_readers.hpp"
#include "yaml_reader.hpp"

namespace probity::catalogue {
namespace {

namespace fs = std::filesystem;
using yaml::Entry;
using yaml::YamlDocument;

constexpr std::array<std::string_view, 6> provider_keys{
    "provider", "description", "stability", "rationale", "references", "events"};
constexpr std::array<std::string_view, 7> event_keys{"description", "stability", "rationale", "hazard",
                                                     "fields", "successor", "layout_changes"};
constexpr std::array<std::string_view, 5> field_keys{"description", "stability", "rationale", "successor",
                                                     "layout_changes"};
constexpr std::array<std::string_view, 3> layout_change_keys{"from", "to", "reason"};
constexpr std::array<std::string_view, 4> stability_keys{"name", "data", "class", "rationale"};
constexpr std::array<std::string_view, 5> provider_stability_keys{"provider", "name", "data",
                                                                  "class", "rationale"};
constexpr std::array<std::string_view, 3> hazard_keys{"level", "reason", "reference"};
constexpr std::array<std::string_view, 1> common_keys{"common_fields"};

const std::string rationale_hint =
    "say why this stability was chosen, e.g. \"unchanged since 6.1 and relied on by perf and "
    "bpftrace tools\"";

enum class Owner { Provider, Other };

// The stability of a provider, event or field: a mapping under `stability`, or
// a Name/Data/Class triple with a sibling `rationale`.
StabilityDecl read_stability(YamlDocument& doc, const std::vector<Entry>& owner_entries,
                             const YAML::Node& owner, const std::string& owner_path, Owner kind,
                             std::optional<Level>* provider_level) {
  StabilityDecl decl;
  const Entry* stability = yaml::find_entry(owner_entries, "stability");
  const Entry* sibling_rationale = yaml::find_entry(owner_entries, "rationale");
  if (stability == nullptr) {
    if (kind == Owner::Provider) {
      doc.require(owner_entries, "stability", owner, owner_path,
                  "a provider declares provider, name, data and class stability and a rationale; "
                  "its events and fields inherit them");
    }
    if (sibling_rationale != nullptr) {
      doc.report(sibling_rationale->key_node, sibling_rationale->path,
                 "\"rationale\" without a stability declaration",
                 "a rationale says why a stability was chosen: declare \"stability\" beside it or "
                 "remove it");
    }
    return decl;
  }
  decl.where = doc.location(stability->value, stability->key_node);
  const YAML::Node& value = stability->value;

  if (value.IsScalar()) {
    const auto parsed = stability::parse_attributes(value.Scalar());
    if (const auto* error = std::get_if<stability::ParseError>(&parsed)) {
      std::string message = error->message;
      std::string hint = "a stability triple is Name/Data/Class, e.g. Stable/Evolving/Common";
      if (!error->token.empty() && error->component) {
        const bool is_class = *error->component == stability::Component::Class;
        message = is_class ? yaml::unknown_class_message(error->token)
                           : yaml::unknown_level_message(error->token);
        hint = is_class ? yaml::classes_hint() : yaml::levels_hint();
      }
      doc.report(doc.location_in_scalar(value, error->offset), stability->path, message, hint);
    } else {
      const auto& attributes = std::get<Attributes>(parsed);
      decl.name = attributes.name;
      decl.data = attributes.data;
      decl.dependency_class = attributes.dependency_class;
    }
    if (kind == Owner::Provider) {
      doc.report(*stability,
                 "a provider's stability must be a mapping: it also declares the stability of "
                 "the provider name",
                 "stability: {provider: Stable, name: Stable, data: Evolving, class: Common, "
                 "rationale: ...}");
    }
    if (sibling_rationale == nullptr) {
      doc.report(*stability, "missing \"rationale\" beside the stability triple", rationale_hint);
    } else if (auto rationale = doc.read_text(*sibling_rationale)) {
      decl.rationale = std::move(*rationale);
    }
    return decl;
  }

  if (!value.IsMap()) {
    doc.report(*stability,
               "expected a mapping or a Name/Data/Class triple, found " + yaml::describe(value));
    return decl;
  }
  const std::vector<Entry> entries =
      kind == Owner::Provider
          ? doc.keyed_entries(value, stability->path, provider_stability_keys)
          : doc.keyed_entries(value, stability->path, stability_keys);
  if (kind == Owner::Provider) {
    for (std::string_view required : {"provider", "name", "data", "class"}) {
      doc.require(entries, required, value, stability->path,
                  "a provider declares provider, name, data and class stability; its events and "
                  "fields inherit name, data and class");
    }
  }
  for (const Entry& entry : entries) {
    if (entry.key == "provider") {
      if (provider_level != nullptr) *provider_level = doc.read_level(entry);
    } else if (entry.key == "name") {
      decl.name = doc.read_level(entry);
    } else if (entry.key == "data") {
      decl.data = doc.read_level(entry);
    } else if (entry.key == "class") {
      decl.dependency_class = doc.read_class(entry);
    } else if (auto rationale = doc.read_text(entry)) {
      decl.rationale = std::move(*rationale);
    }
  }
  const bool declares_something = yaml::find_entry(entries, "name") != nullptr ||
                                  yaml::find_entry(entries, "data") != nullptr ||
                                  yaml::find_entry(entries, "class") != nullptr;
  if (kind != Owner::Provider && !declares_something) {
    doc.report(*stability, "the stability declares none of name, data and class",
               "declare at least one component, or remove the stability to inherit all three");
  }
  doc.require(entries, "rationale", value, stability->path, rationale_hint);
  if (sibling_rationale != nullptr) {
    doc.report(sibling_rationale->key_node, sibling_rationale->path,
               "\"rationale\" beside a stability mapping",
               "move it into the mapping: stability: {..., rationale: ...}");
  }
  return decl;
}

std::optional<HazardDecl> read_hazard(YamlDocument& doc, const Entry& hazard_entry) {
  if (!hazard_entry.value.IsMap()) {
    doc.report(hazard_entry,
               "expected a mapping with level, reason and reference, found " +
                   yaml::describe(hazard_entry.value),
               "hazard: {level: hot, reason: ..., reference: ...}");
    return std::nullopt;
  }
  const std::vector<Entry> entries =
      doc.keyed_entries(hazard_entry.value, hazard_entry.path, hazard_keys);
  HazardDecl hazard;
  bool valid = doc.require(entries, "level", hazard_entry.value, hazard_entry.path,
                           "hazard levels: none, hot, sensitive, forbidden") != nullptr;
  for (const Entry& entry : entries) {
    if (entry.key == "level") {
      const auto text = doc.read_string(entry);
      const auto level = text ? parse_hazard(*text) : std::nullopt;
      if (level) {
        hazard.level = *level;
      } else {
        if (text) {
          doc.report(entry,
                     yaml::with_suggestion("unknown hazard level \"" + *text + "\"", *text,
                                           {"none", "hot", "sensitive", "forbidden"}),
                     "hazard levels: none, hot, sensitive, forbidden");
        }
        valid = false;
      }
    } else if (entry.key == "reason") {
      if (auto reason = doc.read_text(entry)) hazard.reason = std::move(*reason); else valid = false;
    } else if (auto reference = doc.read_text(entry)) {
      hazard.reference = std::move(*reference);
    } else {
      valid = false;
    }
  }
  if (valid && hazard.level != Hazard::None) {
    const std::string level_name(to_string(hazard.level));
    for (std::string_view required : {"reason", "reference"}) {
      if (yaml::find_entry(entries, required) == nullptr) {
        doc.report(hazard_entry.value, hazard_entry.path,
                   "a \"" + level_name + "\" hazard needs a \"" + std::string(required) + "\"",
                   "say why the event is hazardous (reason) and cite where that is documented "
                   "(reference: a URL or kernel document path)");
        valid = false;
      }
    }
  }
  if (!valid) return std::nullopt;
  return hazard;
}

// layout_changes: [{from: RELEASE, to: RELEASE, reason: why}, ...]
std::vector<LayoutChange> read_layout_changes(YamlDocument& doc, const Entry& changes_entry) {
  std::vector<LayoutChange> changes;
  if (!doc.expect_sequence(changes_entry.value, changes_entry.path, changes_entry.key_node)) return changes;
  std::size_t index = 0;
  for (const YAML::Node& item : changes_entry.value) {
    const std::string path = yaml::index_path(changes_entry.path, index++);
    if (!doc.expect_map(item, path, changes_entry.key_node)) continue;
    const std::vector<Entry> entries = doc.keyed_entries(item, path, layout_change_keys);
    LayoutChange change;
    change.where = doc.location(item);
    bool valid = true;
    for (std::string_view key : layout_change_keys) {
      const Entry* entry = doc.require(entries, key, item, path,
                                       "a layout change names the releases it is between (from, to) and why "
                                       "it is accepted (reason)");
      const auto text = entry != nullptr ? doc.read_text(*entry) : std::nullopt;
      if (!text) {
        valid = false;
        continue;
      }
      (key == "from" ? change.from : key == "to" ? change.to : change.reason) = *text;
    }
    if (valid) changes.push_back(std::move(change));
  }
  return changes;
}

// successor: and layout_changes:, the same for an event and a field.
template <typename Documented>
void read_history(YamlDocument& doc, const std::vector<Entry>& entries, Documented& documented) {
  if (const Entry* successor = yaml::find_entry(entries, "successor")) {
    if (auto text = doc.read_text(*successor)) documented.successor = std::move(*text);
  }
  if (const Entry* changes = yaml::find_entry(entries, "layout_changes")) {
    documented.layout_changes = read_layout_changes(doc, *changes);
  }
}

std::optional<FieldDoc> read_field_doc(YamlDocument& doc, const Entry& field_entry) {
  if (!doc.expect_map(field_entry.value, field_entry.path, field_entry.key_node)) return std::nullopt;
  FieldDoc field;
  field.name = field_entry.key;
  field.where = doc.location(field_entry.key_node);
  const std::vector<Entry> entries =
      doc.keyed_entries(field_entry.value, field_entry.path, field_keys);
  if (const Entry* description = doc.require(entries, "description", field_entry.value,
                                             field_entry.path, "say what the field holds")) {
    if (auto text = doc.read_text(*description)) field.description = std::move(*text);
  }
  field.stability =
      read_stability(doc, entries, field_entry.value, field_entry.path, Owner::Other, nullptr);
  read_history(doc, entries, field);
  return field;
}

std::vector<FieldDoc> read_field_docs(YamlDocument& doc, const Entry& fields_entry) {
  std::vector<FieldDoc> fields;
  if (!doc.expect_map(fields_entry.value, fields_entry.path, fields_entry.key_node)) return fields;
  for (const Entry& entry : doc.named_entries(fields_entry.value, fields_entry.path, "field")) {
    if (auto field = read_field_doc(doc, entry)) fields.push_back(std::move(*field));
  }
  return fields;
}

std::optional<EventDoc> read_event_doc(YamlDocument& doc, const Entry& event_entry) {
  if (!doc.expect_map(event_entry.value, event_entry.path, event_entry.key_node)) return std::nullopt;
  EventDoc event;
  event.name = event_entry.key;
  event.where = doc.location(event_entry.key_node);
  const std::vector<Entry> entries =
      doc.keyed_entries(event_entry.value, event_entry.path, event_keys);
  if (const Entry* description = doc.require(entries, "description", event_entry.value,
                                             event_entry.path, "say what the event means")) {
    if (auto text = doc.read_text(*description)) event.description = std::move(*text);
  }
  event.stability =
      read_stability(doc, entries, event_entry.value, event_entry.path, Owner::Other, nullptr);
  if (const Entry* hazard = yaml::find_entry(entries, "hazard")) event.hazard = read_hazard(doc, *hazard);
  if (const Entry* fields = yaml::find_entry(entries, "fields")) event.fields = read_field_docs(doc, *fields);
  read_history(doc, entries, event);
  return event;
}

std::vector<std::string> read_references(YamlDocument& doc, const Entry& references_entry) {
  std::vector<std::string> references;
  if (!doc.expect_sequence(references_entry.value, references_entry.path,
                           references_entry.key_node)) {
    return references;
  }
  std::size_t index = 0;
  for (const YAML::Node& item : references_entry.value) {
    const Entry entry{"reference", yaml::index_path(references_entry.path, index++),
                      references_entry.key_node, item};
    if (auto reference = doc.read_text(entry)) references.push_back(std::move(*reference));
  }
  return references;
}

ProviderDoc read_provider_doc(YamlDocument& doc, const fs::path& file) {
  ProviderDoc provider;
  const YAML::Node& root = doc.root();
  provider.where = doc.location(root);
  const std::vector<Entry> entries = doc.keyed_entries(root, "", provider_keys);
  const std::string expected_name = file.stem().string();
  if (const Entry* name = doc.require(entries, "provider", root, "",
                                      "name the tracepoint system: provider: " + expected_name)) {
    if (auto text = doc.read_text(*name)) {
      provider.name = std::move(*text);
      provider.where = doc.location(name->value, name->key_node);
      if (provider.name != expected_name) {
        doc.report(*name,
                   "provider \"" + provider.name + "\" does not match the file name \"" +
                       file.filename().string() + "\"",
                   "a provider file is named after its provider: rename the file to " +
                       provider.name + ".yaml or write provider: " + expected_name);
      }
    }
  }
  if (const Entry* description = doc.require(entries, "description", root, "",
                                             "say what the subsystem's events are about")) {
    if (auto text = doc.read_text(*description)) provider.description = std::move(*text);
  }
  provider.stability =
      read_stability(doc, entries, root, "", Owner::Provider, &provider.provider_stability);
  if (const Entry* references = yaml::find_entry(entries, "references")) {
    provider.references = read_references(doc, *references);
  }
  if (const Entry* events = yaml::find_entry(entries, "events")) {
    if (doc.expect_map(events->value, events->path, events->key_node)) {
      for (const Entry& event_entry : doc.named_entries(events->value, events->path, "event")) {
        if (auto event = read_event_doc(doc, event_entry)) provider.events.push_back(std::move(*event));
      }
    }
  }
  return provider;
}

CommonFieldDocs read_common_docs(YamlDocument& doc) {
  CommonFieldDocs common;
  const YAML::Node& root = doc.root();
  common.where = doc.location(root);
  const std::vector<Entry> entries = doc.keyed_entries(root, "", common_keys);
  if (const Entry* fields = doc.require(entries, "common_fields", root, "",
                                        "common.yaml documents the common_* fields under "
                                        "common_fields:")) {
    common.fields = read_field_docs(doc, *fields);
  }
  return common;
}

template <typename Result, typename Reader>
Result load_with(const fs::path& file, Reader reader) {
  YamlDocument doc(file);
  Result result{};
  try {
    if (doc.parse()) result = reader(doc);
  } catch (const YAML::Exception& exception) {
    // Defensive: the readers check node types before every access.
    doc.report(doc.file_location(), "", std::string("unexpected YAML error: ") + exception.what());
  }
  if (doc.has_errors()) throw CatalogueError(doc.take_diagnostics());
  return result;
}

// ---------------------------------------------------------------- cross-checks

// What the catalogued kernels have, all releases together.
struct KnownLayouts {
  using Names = std::set<std::string, std::less<>>;
  std::map<std::string, std::map<std::string, Names, std::less<>>, std::less<>> systems;
  Names common_fields;
  std::string releases;  // "6.1-test, 6.12-test", for hints

  explicit KnownLayouts(const std::vector<KernelSnapshot>& kernels) {
    for (const KernelSnapshot& kernel : kernels) {
      if (!releases.empty()) releases += ", ";
      releases += kernel.release;
      for (const FieldLayout& field : kernel.common_fields) common_fields.insert(field.name);
      for (const EventLayout& event : kernel.events) {
        auto& fields = systems[event.system][event.name];
        for (const FieldLayout& field : event.fields) fields.insert(field.name);
      }
    }
    if (releases.empty()) releases = "none";
  }
};

template <typename Container>
std::vector<std::string> names_of(const Container& container) {
  std::vector<std::string> names;
  names.reserve(container.size());
  for (const auto& item : container) {
    if constexpr (std::is_convertible_v<decltype(item), std::string>) {
      names.push_back(item);
    } else {
      names.push_back(item.first);
    }
  }
  return names;
}

std::string list_names(const std::vector<std::string>& names) {
  constexpr std::size_t shown = 12;
  std::string text;
  for (std::size_t i = 0; i < names.size() && i < shown; ++i) {
    if (i > 0) text += ", ";
    text += names[i];
  }
  if (names.size() > shown) text += ", ... (" + std::to_string(names.size()) + " in all)";
  return text.empty() ? "none" : text;
}

void check_field_docs(const std::vector<FieldDoc>& docs, const std::set<std::string, std::less<>>& known,
                      const std::string& owner_path, const std::string& owner_name,
                      const std::string& file, std::vector<Diagnostic>& diagnostics) {
  const std::vector<std::string> candidates = names_of(known);
  for (const FieldDoc& field : docs) {
    if (known.contains(field.name)) continue;
    SourceLocation where = field.where;
    where.file = file;
    diagnostics.push_back(Diagnostic{
        where, yaml::child_path(owner_path, field.name),
        yaml::with_suggestion("field \"" + field.name + "\" of " + owner_name +
                                  " is not in any catalogued kernel",
                              field.name, candidates),
        "its fields there: " + list_names(candidates)});
  }
}

void check_against_kernels(const ProviderDoc& provider, const KnownLayouts& known,
                           const std::string& file, std::vector<Diagnostic>& diagnostics) {
  const auto system = known.systems.find(provider.name);
  if (system == known.systems.end()) {
    SourceLocation where = provider.where;
    where.file = file;
    diagnostics.push_back(Diagnostic{
        where, "provider",
        yaml::with_suggestion("provider \"" + provider.name + "\" is not in any catalogued kernel",
                              provider.name, names_of(known.systems)),
        "catalogued kernels: " + known.releases});
    return;
  }
  const std::vector<std::string> event_names = names_of(system->second);
  for (const EventDoc& event : provider.events) {
    const std::string event_path = yaml::child_path("events", event.name);
    const auto layout = system->second.find(event.name);
    if (layout == system->second.end()) {
      SourceLocation where = event.where;
      where.file = file;
      diagnostics.push_back(Diagnostic{
          where, event_path,
          yaml::with_suggestion("event \"" + provider.name + ":" + event.name +
                                    "\" is not in any catalogued kernel",
                                event.name, event_names),
          "catalogued kernels: " + known.releases});
      continue;
    }
    check_field_docs(event.fields, layout->second, yaml::child_path(event_path, "fields"),
                     provider.name + ":" + event.name, file, diagnostics);
  }
}

template <typename Result>
struct Loaded {
  std::optional<Result> value;
  std::vector<Diagnostic> diagnostics;
};

// Runs the jobs on as many threads as there are cores: yaml-cpp is slow (a few
// MB/s) and the files are independent.
void run_in_parallel(const std::vector<std::function<void()>>& jobs) {
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i = next++; i < jobs.size(); i = next++) jobs[i]();
  };
  const std::size_t threads =
      std::min<std::size_t>(jobs.size(), std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::jthread> workers;
  for (std::size_t i = 1; i < threads; ++i) workers.emplace_back(work);
  work();
}

// A job that loads `file` into `slot`, keeping its problems instead of throwing.
template <typename Result, typename Loader>
std::function<void()> load_job(const fs::path& file, Loaded<Result>& slot, Loader load) {
  return [&file, &slot, load] {
    try {
      slot.value = load(file);
    } catch (const CatalogueError& error) {
      slot.diagnostics = error.diagnostics();
    } catch (const std::exception& error) {
      slot.diagnostics.push_back(
          Diagnostic{{file.string(), 0, 0}, "", std::string("cannot load: ") + error.what(), ""});
    }
  };
}


}  // namespace

namespace doc_readers {

StabilityDecl event_or_field_stability(YamlDocument& doc, const std::vector<Entry>& owner_entries,
                                       const YAML::Node& owner, const std::string& owner_path) {
  return catalogue::read_stability(doc, owner_entries, owner, owner_path, Owner::Other, nullptr);
}

std::optional<HazardDecl> hazard(YamlDocument& doc, const Entry& hazard_entry) {
  return catalogue::read_hazard(doc, hazard_entry);
}

}  // namespace doc_readers

ProviderDoc load_provider_doc(const fs::path& file) {
  return load_with<ProviderDoc>(file,
                                [&](YamlDocument& doc) { return read_provider_doc(doc, file); });
}

CommonFieldDocs load_common_docs(const fs::path& file) {
  return load_with<CommonFieldDocs>(file, [](YamlDocument& doc) { return read_common_docs(doc); });
}

CatalogueSources load_sources(const fs::path& root) {
  CatalogueSources sources;
  sources.root = root;
  std::vector<Diagnostic> diagnostics;
  const auto fail_with = [&](std::string message, std::string hint = {}) {
    diagnostics.push_back(Diagnostic{{root.string(), 0, 0}, "", std::move(message), std::move(hint)});
    throw CatalogueError(std::move(diagnostics));
  };

  std::error_code error;
  const auto status = fs::status(root, error);
  if (!fs::exists(status)) fail_with("no such catalogue directory", "expected a directory with common.yaml, providers/ and kernels/");
  if (!fs::is_directory(status)) fail_with("not a directory", "expected a directory with common.yaml, providers/ and kernels/");

  // The *.yaml files of a subdirectory, sorted; a missing subdirectory is empty.
  const auto yaml_files = [&](const fs::path& directory) {
    std::vector<fs::path> files;
    std::error_code listing_error;
    if (!fs::is_directory(directory, listing_error)) return files;
    for (const auto& item : fs::directory_iterator(directory, listing_error)) {
      if (item.path().extension() == ".yaml") files.push_back(item.path());
    }
    if (listing_error) {
      diagnostics.push_back(Diagnostic{{directory.string(), 0, 0}, "",
                                       "cannot list the directory: " + listing_error.message(), ""});
    }
    std::sort(files.begin(), files.end());
    return files;
  };
  const std::vector<fs::path> provider_files = yaml_files(root / "providers");
  const std::vector<fs::path> kernel_files = yaml_files(root / "kernels");
  const fs::path common_file = root / "common.yaml";
  std::vector<Loaded<CommonFieldDocs>> common(1);
  std::vector<Loaded<ProviderDoc>> providers(provider_files.size());
  std::vector<Loaded<KernelSnapshot>> kernels(kernel_files.size());
  std::vector<std::function<void()>> jobs;
  // The snapshots are the largest files: start them first.
  for (std::size_t i = 0; i < kernel_files.size(); ++i) {
    jobs.push_back(load_job(kernel_files[i], kernels[i], load_snapshot));
  }
  for (std::size_t i = 0; i < provider_files.size(); ++i) {
    jobs.push_back(load_job(provider_files[i], providers[i], load_provider_doc));
  }
  jobs.push_back(load_job(common_file, common[0], load_common_docs));
  run_in_parallel(jobs);

  const auto take = [&](auto& loaded, auto&& use) {
    diagnostics.insert(diagnostics.end(), loaded.diagnostics.begin(), loaded.diagnostics.end());
    if (loaded.value) use(*loaded.value);
  };
  take(common.front(), [&](CommonFieldDocs& docs) { sources.common = std::move(docs); });
  std::vector<std::pair<std::string, ProviderDoc>> loaded_providers;  // file, doc
  for (std::size_t i = 0; i < providers.size(); ++i) {
    take(providers[i], [&](ProviderDoc& doc) {
      loaded_providers.emplace_back(provider_files[i].string(), std::move(doc));
    });
  }
  bool kernels_complete = true;
  std::map<std::string, std::string> release_files;
  for (std::size_t i = 0; i < kernels.size(); ++i) {
    const fs::path& file = kernel_files[i];
    if (!kernels[i].value) kernels_complete = false;
    take(kernels[i], [&](KernelSnapshot& snapshot) {
      const std::string expected = file.stem().string();
      if (snapshot.release != expected) {
        kernels_complete = false;
        diagnostics.push_back(Diagnostic{
            {file.string(), 0, 0}, "release",
            "release \"" + snapshot.release + "\" does not match the file name \"" +
                file.filename().string() + "\"",
            "a snapshot is stored as kernels/<release>.yaml"});
      } else if (const auto [other, inserted] = release_files.emplace(snapshot.release, file.string());
                 !inserted) {
        diagnostics.push_back(Diagnostic{{file.string(), 0, 0}, "release",
                                         "release \"" + snapshot.release + "\" is also in " + other->second,
                                         ""});
      }
      sources.kernels.push_back(std::move(snapshot));
    });
  }

  // Cross-checks need every snapshot; when one failed to load, its errors come first.
  if (kernels_complete) {
    const KnownLayouts known(sources.kernels);
    check_field_docs(sources.common.fields, known.common_fields, "common_fields", "every event",
                     common_file.string(), diagnostics);
    for (const auto& [file, provider] : loaded_providers) {
      check_against_kernels(provider, known, file, diagnostics);
    }
  }
  std::stable_sort(diagnostics.begin(), diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) { return a.where.file < b.where.file; });
  if (!diagnostics.empty()) throw CatalogueError(std::move(diagnostics));

  for (auto& [file, provider] : loaded_providers) sources.providers.push_back(std::move(provider));
  std::sort(sources.providers.begin(), sources.providers.end(),
            [](const ProviderDoc& a, const ProviderDoc& b) { return a.name < b.name; });
  std::sort(sources.kernels.begin(), sources.kernels.end(),
            [](const KernelSnapshot& a, const KernelSnapshot& b) {
              return release_less(a.release, b.release);
            });
  return sources;
}

}  // namespace probity::catalogue
