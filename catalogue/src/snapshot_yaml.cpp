// kernels/<release>.yaml: one kernel release's event layouts.
#include <algorithm>
#include <array>
#include <charconv>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <tuple>
#include <unordered_set>

#include "probity/catalogue/yaml_io.hpp"
#include "yaml_reader.hpp"
#include "probity/io/files.hpp"

namespace probity::catalogue {
namespace {

using yaml::Entry;
using yaml::YamlDocument;

constexpr std::array<std::string_view, 6> snapshot_keys{"release", "machine", "source",
                                                        "common_fields", "events", "failed_modules"};
// failed_modules is optional: only image harvests that load modules write it.
constexpr std::array<std::string_view, 5> required_snapshot_keys{"release", "machine", "source",
                                                                 "common_fields", "events"};
constexpr std::array<std::string_view, 4> event_keys{"fields", "module", "stability", "values"};
constexpr std::array<std::string_view, 3> value_names_keys{"symbolic", "flags", "delimiter"};
constexpr std::array<std::string_view, 7> field_keys{"name", "size",   "offset",  "signed",
                                                     "kind", "type",   "relative"};
constexpr std::array<std::string_view, 3> declared_stability_keys{"name", "data", "class"};

constexpr std::string_view format_hint = "see \"kernels/<release>.yaml\" in docs/manual/catalogue-format.md";

std::vector<std::string> field_kind_names() {
  return {"integer", "pointer", "array", "string", "dynamic-string", "dynamic-array"};
}

// ---------------------------------------------------------------- reading

std::optional<FieldLayout> read_field(YamlDocument& doc, const YAML::Node& node,
                                      const std::string& path) {
  if (!doc.expect_map(node, path, node)) return std::nullopt;
  const std::vector<Entry> entries = doc.keyed_entries(node, path, field_keys);
  FieldLayout field;
  bool complete = true;
  for (std::string_view required : {"name", "type", "offset", "size", "signed", "kind"}) {
    if (doc.require(entries, required, node, path, std::string(format_hint)) == nullptr) {
      complete = false;
    }
  }
  for (const Entry& entry : entries) {
    if (entry.key == "name") {
      if (auto name = doc.read_string(entry)) field.name = std::move(*name); else complete = false;
    } else if (entry.key == "type") {
      if (auto type = doc.read_string(entry)) field.type = std::move(*type); else complete = false;
    } else if (entry.key == "offset") {
      if (auto offset = doc.read_uint32(entry)) field.offset = *offset; else complete = false;
    } else if (entry.key == "size") {
      if (auto size = doc.read_uint32(entry)) field.size = *size; else complete = false;
    } else if (entry.key == "signed") {
      if (auto is_signed = doc.read_bool(entry)) field.is_signed = *is_signed; else complete = false;
    } else if (entry.key == "relative") {
      if (auto relative = doc.read_bool(entry)) field.relative = *relative; else complete = false;
    } else if (entry.key == "kind") {
      const auto text = doc.read_string(entry);
      const auto kind = text ? parse_field_kind(*text) : std::nullopt;
      if (kind) {
        field.kind = *kind;
      } else {
        if (text) {
          doc.report(entry,
                     yaml::with_suggestion("unknown field kind \"" + *text + "\"", *text,
                                           field_kind_names()),
                     "kinds: integer, pointer, array, string, dynamic-string, dynamic-array");
        }
        complete = false;
      }
    }
  }
  if (!complete) return std::nullopt;
  return field;
}

std::vector<FieldLayout> read_fields(YamlDocument& doc, const Entry& entry) {
  std::vector<FieldLayout> fields;
  if (!doc.expect_sequence(entry.value, entry.path, entry.key_node)) return fields;
  fields.reserve(entry.value.size());
  std::unordered_set<std::string> names;
  std::size_t index = 0;
  for (const YAML::Node& item : entry.value) {
    const std::string path = yaml::index_path(entry.path, index++);
    auto field = read_field(doc, item, path);
    if (!field) continue;
    if (!names.insert(field->name).second) {
      doc.report(item, path, "field \"" + field->name + "\" appears twice");
      continue;
    }
    fields.push_back(std::move(*field));
  }
  return fields;
}

DeclaredStability read_declared_stability(YamlDocument& doc, const Entry& entry) {
  DeclaredStability declared;
  if (!doc.expect_map(entry.value, entry.path, entry.key_node)) return declared;
  for (const Entry& component : doc.keyed_entries(entry.value, entry.path, declared_stability_keys)) {
    if (component.key == "name") {
      declared.name = doc.read_level(component);
    } else if (component.key == "data") {
      declared.data = doc.read_level(component);
    } else {
      declared.dependency_class = doc.read_class(component);
    }
  }
  return declared;
}

// A value of a value-names table: a decimal integer (negative for a negative
// value of the print format) or a 0x mask.
std::optional<std::uint64_t> parse_table_value(const std::string& text) {
  std::string_view digits = text;
  const bool negative = digits.starts_with('-');
  if (negative) digits.remove_prefix(1);
  int base = 10;
  if (digits.starts_with("0x") || digits.starts_with("0X")) {
    digits.remove_prefix(2);
    base = 16;
  }
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  if (digits.empty() || error != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
  if (negative && (base != 10 || value > (std::uint64_t{1} << 63))) return std::nullopt;
  return negative ? 0 - value : value;
}

std::vector<std::pair<std::uint64_t, std::string>> read_name_list(YamlDocument& doc, const Entry& entry) {
  std::vector<std::pair<std::uint64_t, std::string>> names;
  if (!doc.expect_sequence(entry.value, entry.path, entry.key_node)) return names;
  std::size_t index = 0;
  for (const YAML::Node& item : entry.value) {
    const std::string path = yaml::index_path(entry.path, index++);
    const bool pair = item.IsSequence() && item.size() == 2 && item[0].IsScalar() && item[1].IsScalar();
    const auto value = pair ? parse_table_value(item[0].Scalar()) : std::nullopt;
    if (!value || item[1].Scalar().empty()) {
      doc.report(item, path, "expected [value, NAME], found " + yaml::describe(item),
                 "a value is a decimal integer or a 0x mask: [2, NOT_SPECIFIED]");
      continue;
    }
    names.emplace_back(*value, item[1].Scalar());
  }
  return names;
}

// values: {field: {symbolic: [[value, NAME], ...]} or {flags: [[mask, NAME], ...], delimiter: "|"}}
std::vector<FieldValueNames> read_value_names(YamlDocument& doc, const Entry& entry, const EventLayout& event) {
  std::vector<FieldValueNames> tables;
  if (!doc.expect_map(entry.value, entry.path, entry.key_node)) return tables;
  for (const Entry& field : doc.named_entries(entry.value, entry.path, "field")) {
    if (!doc.expect_map(field.value, field.path, field.key_node)) continue;
    const auto layout = std::find_if(event.fields.begin(), event.fields.end(),
                                     [&](const FieldLayout& each) { return each.name == field.key; });
    if (layout == event.fields.end() || layout->kind != FieldKind::Integer) {
      doc.report(field.key_node, field.path,
                 "\"" + field.key + "\" is not an integer field of " + event.system + ":" + event.name,
                 "value names belong to the integer fields listed under \"fields\"");
      continue;
    }
    const std::vector<Entry> entries = doc.keyed_entries(field.value, field.path, value_names_keys);
    const Entry* symbolic = yaml::find_entry(entries, "symbolic");
    const Entry* flags = yaml::find_entry(entries, "flags");
    const Entry* delimiter = yaml::find_entry(entries, "delimiter");
    if ((symbolic == nullptr) == (flags == nullptr)) {
      doc.report(field.value, field.path, "expected exactly one of \"symbolic\" and \"flags\"",
                 std::string(format_hint));
      continue;
    }
    if (symbolic != nullptr && delimiter != nullptr) {
      doc.report(*delimiter, "only flags have a delimiter");
      continue;
    }
    FieldValueNames table{field.key, {}};
    table.names.style = flags != nullptr ? ValueNames::Style::Flags : ValueNames::Style::Symbolic;
    table.names.names = read_name_list(doc, flags != nullptr ? *flags : *symbolic);
    if (delimiter != nullptr) {
      if (auto text = doc.read_string(*delimiter)) table.names.delimiter = std::move(*text);
    }
    tables.push_back(std::move(table));
  }
  // Field order, as a harvest lists them.
  std::vector<FieldValueNames> ordered;
  for (const FieldLayout& layout : event.fields) {
    for (FieldValueNames& table : tables) {
      if (table.field == layout.name) ordered.push_back(std::move(table));
    }
  }
  return ordered;
}

void read_events(YamlDocument& doc, const Entry& events_entry, KernelSnapshot& snapshot) {
  if (!doc.expect_map(events_entry.value, events_entry.path, events_entry.key_node)) return;
  for (const Entry& system : doc.named_entries(events_entry.value, events_entry.path, "system")) {
    if (!doc.expect_map(system.value, system.path, system.key_node)) continue;
    for (const Entry& event_entry : doc.named_entries(system.value, system.path, "event")) {
      if (!doc.expect_map(event_entry.value, event_entry.path, event_entry.key_node)) continue;
      EventLayout event;
      event.system = system.key;
      event.name = event_entry.key;
      const std::vector<Entry> entries =
          doc.keyed_entries(event_entry.value, event_entry.path, event_keys);
      doc.require(entries, "fields", event_entry.value, event_entry.path,
                  "an event without fields of its own has \"fields: []\"");
      const Entry* values = nullptr;
      for (const Entry& entry : entries) {
        if (entry.key == "fields") {
          event.fields = read_fields(doc, entry);
        } else if (entry.key == "module") {
          if (auto module = doc.read_string(entry)) event.module = std::move(*module);
        } else if (entry.key == "values") {
          values = &entry;
        } else {
          event.declared = read_declared_stability(doc, entry);
        }
      }
      if (values != nullptr) event.value_names = read_value_names(doc, *values, event);
      snapshot.events.push_back(std::move(event));
    }
  }
  std::sort(snapshot.events.begin(), snapshot.events.end(),
            [](const EventLayout& a, const EventLayout& b) {
              return std::tie(a.system, a.name) < std::tie(b.system, b.name);
            });
}

// failed_modules: {module: reason, ...}
std::vector<FailedModule> read_failed_modules(YamlDocument& doc, const Entry& entry) {
  std::vector<FailedModule> failed;
  if (!doc.expect_map(entry.value, entry.path, entry.key_node)) return failed;
  for (const Entry& module : doc.named_entries(entry.value, entry.path, "module")) {
    if (auto reason = doc.read_string(module)) failed.push_back({module.key, std::move(*reason)});
  }
  std::sort(failed.begin(), failed.end(),
            [](const FailedModule& a, const FailedModule& b) { return a.name < b.name; });
  return failed;
}

// ---------------------------------------------------------------- writing

void emit_field(YAML::Emitter& out, const FieldLayout& field) {
  out << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << field.name;
  out << YAML::Key << "type" << YAML::Value << field.type;
  out << YAML::Key << "offset" << YAML::Value << field.offset;
  out << YAML::Key << "size" << YAML::Value << field.size;
  out << YAML::Key << "signed" << YAML::Value << field.is_signed;
  out << YAML::Key << "kind" << YAML::Value << std::string(to_string(field.kind));
  if (field.relative) out << YAML::Key << "relative" << YAML::Value << true;
  out << YAML::EndMap;
}

void emit_fields(YAML::Emitter& out, const std::vector<FieldLayout>& fields) {
  if (fields.empty()) {
    out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
    return;
  }
  out << YAML::BeginSeq;
  for (const FieldLayout& field : fields) emit_field(out, field);
  out << YAML::EndSeq;
}

std::string table_value(std::uint64_t value, ValueNames::Style style) {
  if (style == ValueNames::Style::Symbolic) return std::to_string(static_cast<std::int64_t>(value));
  char hex[19] = "0x";
  const auto [end, error] = std::to_chars(hex + 2, hex + sizeof hex, value, 16);
  return std::string(hex, end);
}

void emit_value_names(YAML::Emitter& out, const std::vector<FieldValueNames>& tables) {
  out << YAML::BeginMap;
  for (const FieldValueNames& table : tables) {
    out << YAML::Key << table.field << YAML::Value << YAML::BeginMap;
    out << YAML::Key << std::string(to_string(table.names.style)) << YAML::Value << YAML::BeginSeq;
    for (const auto& [value, name] : table.names.names) {
      out << YAML::Flow << YAML::BeginSeq << table_value(value, table.names.style) << name << YAML::EndSeq;
    }
    out << YAML::EndSeq;
    if (table.names.style == ValueNames::Style::Flags) {
      out << YAML::Key << "delimiter" << YAML::Value << YAML::DoubleQuoted << table.names.delimiter;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
}

void emit_declared(YAML::Emitter& out, const DeclaredStability& declared) {
  out << YAML::Flow << YAML::BeginMap;
  if (declared.name) {
    out << YAML::Key << "name" << YAML::Value << std::string(stability::to_string(*declared.name));
  }
  if (declared.data) {
    out << YAML::Key << "data" << YAML::Value << std::string(stability::to_string(*declared.data));
  }
  if (declared.dependency_class) {
    out << YAML::Key << "class" << YAML::Value
        << std::string(stability::to_string(*declared.dependency_class));
  }
  out << YAML::EndMap;
}

std::string emit_snapshot(const KernelSnapshot& snapshot) {
  std::vector<const EventLayout*> events;
  events.reserve(snapshot.events.size());
  for (const EventLayout& event : snapshot.events) events.push_back(&event);
  std::sort(events.begin(), events.end(), [](const EventLayout* a, const EventLayout* b) {
    return std::tie(a->system, a->name) < std::tie(b->system, b->name);
  });

  YAML::Emitter out;
  out.SetIndent(2);
  out << YAML::Comment("Written by `probity catalogue harvest`; do not edit by hand.");
  out << YAML::Newline;
  out << YAML::BeginMap;
  out << YAML::Key << "release" << YAML::Value << snapshot.release;
  out << YAML::Key << "machine" << YAML::Value << snapshot.machine;
  out << YAML::Key << "source" << YAML::Value << snapshot.source;
  out << YAML::Key << "common_fields" << YAML::Value;
  emit_fields(out, snapshot.common_fields);
  out << YAML::Key << "events" << YAML::Value;
  if (events.empty()) {
    out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
  } else {
    out << YAML::BeginMap;
    for (std::size_t i = 0; i < events.size();) {
      const std::string& system = events[i]->system;
      out << YAML::Key << system << YAML::Value << YAML::BeginMap;
      for (; i < events.size() && events[i]->system == system; ++i) {
        const EventLayout& event = *events[i];
        out << YAML::Key << event.name << YAML::Value << YAML::BeginMap;
        if (!event.module.empty()) out << YAML::Key << "module" << YAML::Value << event.module;
        if (!event.declared.empty()) {
          out << YAML::Key << "stability" << YAML::Value;
          emit_declared(out, event.declared);
        }
        out << YAML::Key << "fields" << YAML::Value;
        emit_fields(out, event.fields);
        if (!event.value_names.empty()) {
          out << YAML::Key << "values" << YAML::Value;
          emit_value_names(out, event.value_names);
        }
        out << YAML::EndMap;
      }
      out << YAML::EndMap;
    }
    out << YAML::EndMap;
  }
  if (!snapshot.failed_modules.empty()) {
    std::vector<FailedModule> failed = snapshot.failed_modules;
    std::sort(failed.begin(), failed.end(),
              [](const FailedModule& a, const FailedModule& b) { return a.name < b.name; });
    out << YAML::Key << "failed_modules" << YAML::Value << YAML::BeginMap;
    for (const FailedModule& module : failed) {
      out << YAML::Key << module.name << YAML::Value << YAML::DoubleQuoted << module.reason;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  if (!out.good()) {
    throw CatalogueError({Diagnostic{{}, "", "cannot write the snapshot as YAML: " + out.GetLastError(), ""}});
  }
  std::string text = out.c_str();
  text += '\n';
  return text;
}

}  // namespace

KernelSnapshot load_snapshot(const std::filesystem::path& file) {
  YamlDocument doc(file);
  KernelSnapshot snapshot;
  try {
    if (doc.parse()) {
      const YAML::Node& root = doc.root();
      const std::vector<Entry> entries = doc.keyed_entries(root, "", snapshot_keys);
      for (std::string_view required : required_snapshot_keys) {
        doc.require(entries, required, root, "", std::string(format_hint));
      }
      for (const Entry& entry : entries) {
        if (entry.key == "release") {
          if (auto release = doc.read_text(entry)) snapshot.release = std::move(*release);
        } else if (entry.key == "machine") {
          if (auto machine = doc.read_string(entry)) snapshot.machine = std::move(*machine);
        } else if (entry.key == "source") {
          if (auto source = doc.read_string(entry)) snapshot.source = std::move(*source);
        } else if (entry.key == "common_fields") {
          snapshot.common_fields = read_fields(doc, entry);
        } else if (entry.key == "failed_modules") {
          snapshot.failed_modules = read_failed_modules(doc, entry);
        } else {
          read_events(doc, entry, snapshot);
        }
      }
    }
  } catch (const YAML::Exception& exception) {
    // Defensive: the reader checks node types before every access.
    doc.report(doc.file_location(), "", std::string("unexpected YAML error: ") + exception.what());
  }
  if (doc.has_errors()) throw CatalogueError(doc.take_diagnostics());
  return snapshot;
}

void write_snapshot(const KernelSnapshot& snapshot, const std::filesystem::path& file) {
  const std::string text = emit_snapshot(snapshot);
  // All at once, so that a failed write never leaves half a snapshot.
  try {
    io::write_file_atomically(file, text);
  } catch (const io::FileError& error) {
    throw CatalogueError({Diagnostic{{file.string(), 0, 0}, "", "cannot write the file: " + error.reason(), ""}});
  }
}

}  // namespace probity::catalogue
