// Shared helpers for the catalogue's YAML readers, over yaml-cpp.
//
// A YamlDocument owns one file's text and parsed tree and collects every
// problem found in it as a Diagnostic (file:line:column, key path, message,
// hint). Readers never let a yaml-cpp exception escape: shape checks and
// typed reads report and return nullopt/false instead, so a reader can keep
// going and report everything wrong with a file at once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "probity/catalogue/diagnostic.hpp"
#include "probity/catalogue/model.hpp"

namespace probity::catalogue::yaml {

// "events" + "sched_switch" -> "events.sched_switch"; "" + "events" -> "events".
std::string child_path(std::string_view parent, std::string_view key);
// "common_fields" + 2 -> "common_fields[2]".
std::string index_path(std::string_view parent, std::size_t index);

// "a mapping", "a sequence", "a scalar (\"abc\")", "nothing".
std::string describe(const YAML::Node& node);

// One key/value pair of a mapping, in file order.
struct Entry {
  std::string key;
  std::string path;  // key path of the value
  YAML::Node key_node;
  YAML::Node value;
};

class YamlDocument {
 public:
  // `file` is used verbatim in diagnostics (relative stays relative).
  explicit YamlDocument(const std::filesystem::path& file);

  // Reads and parses the file. On failure (missing file, syntax error, empty
  // document) records a diagnostic and returns false.
  bool parse();
  const YAML::Node& root() const { return root_; }
  const std::string& file() const { return file_; }

  // 1-based location of a node; falls back to `fallback` when yaml-cpp has no mark.
  SourceLocation location(const YAML::Node& node) const;
  SourceLocation location(const YAML::Node& node, const YAML::Node& fallback) const;
  // Location of the character `offset` bytes into a single-line scalar's text
  // (skipping an opening quote), for pointing at a word inside a value.
  SourceLocation location_in_scalar(const YAML::Node& scalar, std::size_t offset) const;
  SourceLocation file_location() const { return {file_, 0, 0}; }

  void report(SourceLocation where, std::string key_path, std::string message,
              std::string hint = {});
  void report(const YAML::Node& node, std::string key_path, std::string message,
              std::string hint = {});
  // At the value of `entry`, or at its key when the value has no mark.
  void report(const Entry& entry, std::string message, std::string hint = {});

  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  std::vector<Diagnostic> take_diagnostics() { return std::move(diagnostics_); }
  bool has_errors() const { return !diagnostics_.empty(); }

  // Shape checks: report "expected a mapping, found ..." and return false.
  bool expect_map(const YAML::Node& node, std::string_view path, const YAML::Node& fallback);
  bool expect_sequence(const YAML::Node& node, std::string_view path, const YAML::Node& fallback);

  // The entries of a mapping with fixed keys: every key must be a scalar, in
  // `known` (otherwise "unknown key" with the closest known key) and unique.
  // Reported entries are left out of the result.
  std::vector<Entry> keyed_entries(const YAML::Node& map, std::string_view path,
                                   std::span<const std::string_view> known);
  // The entries of a mapping keyed by names (events, fields, systems): keys
  // must be non-empty scalars and unique; a duplicate is reported as
  // "<what> \"<key>\" appears twice" and left out.
  std::vector<Entry> named_entries(const YAML::Node& map, std::string_view path,
                                   std::string_view what);

  // Reports "missing required key" at `map` when `key` is not among `entries`.
  const Entry* require(const std::vector<Entry>& entries, std::string_view key,
                       const YAML::Node& map, std::string_view path, std::string hint = {});

  // Typed reads of scalar values; report and return nullopt on a mismatch.
  std::optional<std::string> read_string(const Entry& entry);
  // A string that must not be empty or missing ("description", "rationale").
  std::optional<std::string> read_text(const Entry& entry);
  std::optional<std::uint32_t> read_uint32(const Entry& entry);
  std::optional<bool> read_bool(const Entry& entry);
  // Case-insensitive level and class names, with "did you mean" on a typo.
  std::optional<Level> read_level(const Entry& entry);
  std::optional<DependencyClass> read_class(const Entry& entry);

 private:
  std::string file_;
  std::filesystem::path path_;
  std::string text_;
  YAML::Node root_;
  std::vector<Diagnostic> diagnostics_;
};

// The entry with `key`, or nullptr.
const Entry* find_entry(const std::vector<Entry>& entries, std::string_view key);

// Appends " (did you mean \"X\"?)" when a candidate is close to `word`.
std::string with_suggestion(std::string message, std::string_view word,
                            const std::vector<std::string>& candidates);

// "a, b, c" of the given names.
std::string join_names(std::span<const std::string_view> names);

// Messages and hints shared by every reader of stability levels and classes.
std::string unknown_level_message(std::string_view word);
std::string unknown_class_message(std::string_view word);
std::string levels_hint();
std::string classes_hint();

}  // namespace probity::catalogue::yaml
