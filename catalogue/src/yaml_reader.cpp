#include "yaml_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "probity/io/files.hpp"

namespace probity::catalogue::yaml {
namespace {

// Far above any catalogue file (a harvested kernel is about 3 MB).
constexpr std::size_t max_yaml_bytes = 256 * 1024 * 1024;

bool is_mark_known(const YAML::Mark& mark) { return mark.line >= 0 && mark.column >= 0; }

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string quote_text(std::string_view text) {
  constexpr std::size_t longest = 40;
  std::string shown(text.substr(0, longest));
  if (text.size() > longest) shown += "...";
  return '"' + shown + '"';
}

}  // namespace

std::string child_path(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string path;
  path.reserve(parent.size() + 1 + key.size());
  path.append(parent).append(1, '.').append(key);
  return path;
}

std::string index_path(std::string_view parent, std::size_t index) {
  return std::string(parent) + '[' + std::to_string(index) + ']';
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Scalar: return "a scalar (" + quote_text(node.Scalar()) + ")";
    case YAML::NodeType::Sequence: return "a sequence";
    case YAML::NodeType::Map: return "a mapping";
  }
  return "something else";
}

std::string with_suggestion(std::string message, std::string_view word,
                            const std::vector<std::string>& candidates) {
  if (const auto suggestion = closest_match(word, candidates)) {
    message += " (did you mean \"" + *suggestion + "\"?)";
  }
  return message;
}

std::string join_names(std::span<const std::string_view> names) {
  std::string text;
  for (std::string_view name : names) {
    if (!text.empty()) text += ", ";
    text += name;
  }
  return text;
}

const Entry* find_entry(const std::vector<Entry>& entries, std::string_view key) {
  for (const Entry& entry : entries) {
    if (entry.key == key) return &entry;
  }
  return nullptr;
}

YamlDocument::YamlDocument(const std::filesystem::path& file) : file_(file.string()), path_(file) {}

bool YamlDocument::parse() {
  std::error_code error;
  const auto status = std::filesystem::status(path_, error);
  if (!std::filesystem::exists(status)) {
    report(file_location(), "", "no such file", "check the path");
    return false;
  }
  if (std::filesystem::is_directory(status)) {
    report(file_location(), "", "is a directory, not a YAML file");
    return false;
  }
  // Only a regular file: a FIFO named here would block, a device never end.
  try {
    text_ = io::read_regular_file(path_, max_yaml_bytes, "");
  } catch (const io::FileError& refusal) {
    report(file_location(), "", "cannot read the file: " + refusal.reason(),
           "a catalogue, overlay or policy file is a regular file");
    return false;
  }

  try {
    // Every document, so that a second one (after "---") is an error rather
    // than rules silently ignored.
    const std::vector<YAML::Node> documents = YAML::LoadAll(text_);
    if (documents.size() > 1) {
      report(documents[1], "", "a second YAML document: the file must hold exactly one",
             "remove the \"---\" line and merge what follows into the first document");
      return false;
    }
    root_ = documents.empty() ? YAML::Node() : documents.front();
  } catch (const YAML::Exception& exception) {
    SourceLocation where = file_location();
    if (is_mark_known(exception.mark)) {
      where.line = exception.mark.line + 1;
      where.column = exception.mark.column + 1;
    }
    report(where, "", "invalid YAML: " + exception.msg,
           "check the indentation here, and quote values that contain ': ', '#', '[', '{' or "
           "start with a special character");
    return false;
  }
  if (root_.IsNull() || !root_.IsDefined()) {
    report(file_location(), "", "the file is empty",
           "see docs/manual/catalogue-format.md for what this file must hold");
    return false;
  }
  if (!root_.IsMap()) {
    report(root_, "", "expected a mapping at the top level, found " + describe(root_),
           "see docs/manual/catalogue-format.md for what this file must hold");
    return false;
  }
  return true;
}

SourceLocation YamlDocument::location(const YAML::Node& node) const {
  const YAML::Mark mark = node.Mark();
  if (!is_mark_known(mark)) return file_location();
  return {file_, mark.line + 1, mark.column + 1};
}

SourceLocation YamlDocument::location(const YAML::Node& node, const YAML::Node& fallback) const {
  SourceLocation where = location(node);
  if (where.line == 0) where = location(fallback);
  return where;
}

SourceLocation YamlDocument::location_in_scalar(const YAML::Node& scalar, std::size_t offset) const {
  SourceLocation where = location(scalar);
  const YAML::Mark mark = scalar.Mark();
  if (where.line == 0 || mark.pos < 0) return where;
  const auto start = static_cast<std::size_t>(mark.pos);
  if (start < text_.size() && (text_[start] == '"' || text_[start] == '\'')) ++offset;
  // Only trust the offset when the value sits on one line in the source.
  const std::size_t end_of_line = text_.find('\n', start);
  if (end_of_line != std::string::npos && start + offset > end_of_line) return where;
  where.column += static_cast<int>(offset);
  return where;
}

void YamlDocument::report(SourceLocation where, std::string key_path, std::string message,
                          std::string hint) {
  diagnostics_.push_back(
      Diagnostic{std::move(where), std::move(key_path), std::move(message), std::move(hint)});
}

void YamlDocument::report(const YAML::Node& node, std::string key_path, std::string message,
                          std::string hint) {
  report(location(node), std::move(key_path), std::move(message), std::move(hint));
}

void YamlDocument::report(const Entry& entry, std::string message, std::string hint) {
  report(location(entry.value, entry.key_node), entry.path, std::move(message), std::move(hint));
}

bool YamlDocument::expect_map(const YAML::Node& node, std::string_view path,
                              const YAML::Node& fallback) {
  if (node.IsMap()) return true;
  report(location(node, fallback), std::string(path), "expected a mapping, found " + describe(node));
  return false;
}

bool YamlDocument::expect_sequence(const YAML::Node& node, std::string_view path,
                                   const YAML::Node& fallback) {
  if (node.IsSequence()) return true;
  report(location(node, fallback), std::string(path),
         "expected a sequence, found " + describe(node));
  return false;
}

std::vector<Entry> YamlDocument::keyed_entries(const YAML::Node& map, std::string_view path,
                                               std::span<const std::string_view> known) {
  std::vector<Entry> entries;
  entries.reserve(map.size());
  for (const auto& pair : map) {  // by value: yaml-cpp iterators yield temporaries
    const YAML::Node& key_node = pair.first;
    if (!key_node.IsScalar()) {
      report(key_node, std::string(path), "expected a key, found " + describe(key_node));
      continue;
    }
    const std::string& key = key_node.Scalar();
    const std::string key_path = child_path(path, key);
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::vector<std::string> candidates(known.begin(), known.end());
      report(key_node, key_path, with_suggestion("unknown key \"" + key + "\"", key, candidates),
             "known keys here: " + join_names(known));
      continue;
    }
    if (const Entry* first = find_entry(entries, key)) {
      report(key_node, key_path,
             "duplicate key \"" + key + "\" (first at line " +
                 std::to_string(location(first->key_node).line) + ")");
      continue;
    }
    entries.push_back(Entry{key, key_path, key_node, pair.second});
  }
  return entries;
}

std::vector<Entry> YamlDocument::named_entries(const YAML::Node& map, std::string_view path,
                                               std::string_view what) {
  std::vector<Entry> entries;
  entries.reserve(map.size());
  std::unordered_map<std::string, std::size_t> seen;
  seen.reserve(map.size());
  for (const auto& pair : map) {  // by value: yaml-cpp iterators yield temporaries
    const YAML::Node& key_node = pair.first;
    if (!key_node.IsScalar() || key_node.Scalar().empty()) {
      report(key_node, std::string(path),
             "expected " + std::string(what) + " name, found " + describe(key_node));
      continue;
    }
    const std::string& key = key_node.Scalar();
    if (const auto first = seen.find(key); first != seen.end()) {
      report(key_node, child_path(path, key),
             std::string(what) + " \"" + key + "\" appears twice (first at line " +
                 std::to_string(location(entries[first->second].key_node).line) + ")",
             "merge the two entries into one");
      continue;
    }
    entries.push_back(Entry{key, child_path(path, key), key_node, pair.second});
    seen.emplace(key, entries.size() - 1);
  }
  return entries;
}

const Entry* YamlDocument::require(const std::vector<Entry>& entries, std::string_view key,
                                   const YAML::Node& map, std::string_view path, std::string hint) {
  if (const Entry* entry = find_entry(entries, key)) return entry;
  report(map, std::string(path), "missing required key \"" + std::string(key) + "\"",
         std::move(hint));
  return nullptr;
}

std::optional<std::string> YamlDocument::read_string(const Entry& entry) {
  if (entry.value.IsScalar()) return entry.value.Scalar();
  report(entry, "expected a string, found " + describe(entry.value));
  return std::nullopt;
}

std::optional<std::string> YamlDocument::read_text(const Entry& entry) {
  auto text = read_string(entry);
  if (!text) return std::nullopt;
  const bool blank = std::all_of(text->begin(), text->end(),
                                 [](unsigned char c) { return std::isspace(c) != 0; });
  if (blank) {
    report(entry, "\"" + entry.key + "\" is empty");
    return std::nullopt;
  }
  while (!text->empty() && std::isspace(static_cast<unsigned char>(text->back()))) text->pop_back();
  return text;
}

std::optional<std::uint32_t> YamlDocument::read_uint32(const Entry& entry) {
  if (!entry.value.IsScalar()) {
    report(entry, "expected a non-negative integer, found " + describe(entry.value));
    return std::nullopt;
  }
  const std::string& text = entry.value.Scalar();
  std::uint32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc::result_out_of_range) {
    report(entry, "integer " + quote_text(text) + " is too large (at most 4294967295)");
    return std::nullopt;
  }
  if (text.empty() || error != std::errc{} || end != text.data() + text.size()) {
    report(entry, "expected a non-negative integer, found " + quote_text(text));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> YamlDocument::read_bool(const Entry& entry) {
  if (entry.value.IsScalar()) {
    const std::string& text = entry.value.Scalar();
    if (equals_ignoring_case(text, "true")) return true;
    if (equals_ignoring_case(text, "false")) return false;
  }
  report(entry, "expected true or false, found " + describe(entry.value));
  return std::nullopt;
}

std::optional<Level> YamlDocument::read_level(const Entry& entry) {
  if (!entry.value.IsScalar()) {
    report(entry, "expected a stability level, found " + describe(entry.value), levels_hint());
    return std::nullopt;
  }
  const std::string& text = entry.value.Scalar();
  if (const auto level = stability::parse_level(text)) return level;
  report(entry, unknown_level_message(text), levels_hint());
  return std::nullopt;
}

std::optional<DependencyClass> YamlDocument::read_class(const Entry& entry) {
  if (!entry.value.IsScalar()) {
    report(entry, "expected a dependency class, found " + describe(entry.value), classes_hint());
    return std::nullopt;
  }
  const std::string& text = entry.value.Scalar();
  if (const auto dependency_class = stability::parse_class(text)) return dependency_class;
  report(entry, unknown_class_message(text), classes_hint());
  return std::nullopt;
}

namespace {

std::vector<std::string> level_names() {
  std::vector<std::string> names;
  for (Level level : stability::all_levels) names.emplace_back(stability::to_string(level));
  return names;
}

std::vector<std::string> class_names() {
  std::vector<std::string> names;
  for (DependencyClass dependency_class : stability::all_classes) {
    names.emplace_back(stability::to_string(dependency_class));
  }
  return names;
}

std::string joined(const std::vector<std::string>& names, std::string_view separator) {
  std::string text;
  for (const std::string& name : names) {
    if (!text.empty()) text += separator;
    text += name;
  }
  return text;
}

}  // namespace

std::string unknown_level_message(std::string_view word) {
  return with_suggestion("unknown stability level \"" + std::string(word) + "\"", word,
                         level_names());
}

std::string unknown_class_message(std::string_view word) {
  return with_suggestion("unknown dependency class \"" + std::string(word) + "\"", word,
                         class_names());
}

std::string levels_hint() { return "levels, low to high: " + joined(level_names(), " < "); }

std::string classes_hint() {
  return "dependency classes, low to high: " + joined(class_names(), " < ");
}

}  // namespace probity::catalogue::yaml
