#include "probity/stability.hpp"

#include <algorithm>
#include <cctype>

namespace probity::stability {
namespace {

constexpr std::array<std::string_view, all_levels.size()> level_names{
    "Internal", "Private", "Obsolete", "External", "Unstable", "Evolving", "Stable", "Standard",
};
constexpr std::array<std::string_view, all_classes.size()> class_names{
    "Unknown", "CPU", "Platform", "Group", "ISA", "Common",
};

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// [begin, end) of `text` without surrounding blanks.
std::pair<std::size_t, std::size_t> trimmed(std::string_view text, std::size_t begin, std::size_t end) {
  while (begin < end && is_blank(text[begin])) ++begin;
  while (end > begin && is_blank(text[end - 1])) --end;
  return {begin, end};
}

}  // namespace

std::string_view to_string(Level level) { return level_names.at(static_cast<std::size_t>(level)); }

std::string_view to_string(DependencyClass dependency_class) {
  return class_names.at(static_cast<std::size_t>(dependency_class));
}

std::string_view to_string(Component component) {
  switch (component) {
    case Component::Name: return "name";
    case Component::Data: return "data";
    case Component::Class: return "class";
  }
  return "?";
}

std::optional<Level> parse_level(std::string_view text) {
  for (Level level : all_levels) {
    if (equals_ignoring_case(text, to_string(level))) return level;
  }
  return std::nullopt;
}

std::optional<DependencyClass> parse_class(std::string_view text) {
  for (DependencyClass dependency_class : all_classes) {
    if (equals_ignoring_case(text, to_string(dependency_class))) return dependency_class;
  }
  return std::nullopt;
}

std::string to_string(const Attributes& attributes) {
  std::string text{to_string(attributes.name)};
  text += '/';
  text += to_string(attributes.data);
  text += '/';
  text += to_string(attributes.dependency_class);
  return text;
}

Attributes minimum(const Attributes& a, const Attributes& b) {
  return {std::min(a.name, b.name), std::min(a.data, b.data),
          std::min(a.dependency_class, b.dependency_class)};
}

std::variant<Attributes, ParseError> parse_attributes(std::string_view text) {
  Attributes result = Attributes::maximum();
  std::size_t component_index = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = text.find('/', start);
    const std::size_t stop = slash == std::string_view::npos ? text.size() : slash;
    const auto [begin, end] = trimmed(text, start, stop);
    const std::string_view word = text.substr(begin, end - begin);

    if (component_index == 3) {
      return ParseError{"too many components: an attribute triple is Name/Data/Class",
                        std::string(word), start, std::nullopt};
    }
    const auto component = static_cast<Component>(component_index);
    if (word.empty()) {
      const char* what = component == Component::Class ? "dependency class" : "stability level";
      return ParseError{std::string("missing ") + what + " for the " +
                            std::string(to_string(component)) + " component",
                        "", begin, component};
    }
    if (component == Component::Class) {
      const auto dependency_class = parse_class(word);
      if (!dependency_class) {
        return ParseError{"unknown dependency class \"" + std::string(word) + "\"",
                          std::string(word), begin, component};
      }
      result.dependency_class = *dependency_class;
    } else {
      const auto level = parse_level(word);
      if (!level) {
        return ParseError{"unknown stability level \"" + std::string(word) + "\"",
                          std::string(word), begin, component};
      }
      (component == Component::Name ? result.name : result.data) = *level;
    }

    ++component_index;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return result;
}

std::vector<Component> violations(const Attributes& attributes, const Threshold& threshold) {
  std::vector<Component> below;
  if (attributes.name < threshold.name) below.push_back(Component::Name);
  if (attributes.data < threshold.data) below.push_back(Component::Data);
  if (attributes.dependency_class < threshold.dependency_class) below.push_back(Component::Class);
  return below;
}

bool satisfies(const Attributes& attributes, const Threshold& threshold) {
  return violations(attributes, threshold).empty();
}

}  // namespace probity::stability
