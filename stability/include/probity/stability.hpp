// The stability algebra of Probity, after DTrace's attributes (dt_attr.c):
// every probe, field, built-in and function carries a Name/Data/Class triple,
// a program's stability is the component-wise minimum of what it uses, and a
// policy threshold says how low that minimum may go.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace probity::stability {

// Low to high. The numeric order is the stability order.
enum class Level : std::uint8_t {
  Internal,
  Private,
  Obsolete,
  External,
  Unstable,
  Evolving,
  Stable,
  Standard,
};

// Low to high: how widely the interface is expected to be available.
enum class DependencyClass : std::uint8_t {
  Unknown,
  Cpu,
  Platform,
  Group,
  Isa,
  Common,
};

inline constexpr std::array all_levels{
    Level::Internal, Level::Private,  Level::Obsolete, Level::External,
    Level::Unstable, Level::Evolving, Level::Stable,   Level::Standard,
};
inline constexpr std::array all_classes{
    DependencyClass::Unknown, DependencyClass::Cpu, DependencyClass::Platform,
    DependencyClass::Group,   DependencyClass::Isa, DependencyClass::Common,
};

// The canonical spellings: "Stable", "CPU", "ISA", ...
std::string_view to_string(Level level);
std::string_view to_string(DependencyClass dependency_class);

// Case-insensitive; nullopt for anything that is not a level or class name.
std::optional<Level> parse_level(std::string_view text);
std::optional<DependencyClass> parse_class(std::string_view text);

struct Attributes {
  Level name = Level::Standard;
  Level data = Level::Standard;
  DependencyClass dependency_class = DependencyClass::Common;

  // The identity of minimum(): what a program that uses nothing has.
  static constexpr Attributes maximum() { return {}; }

  friend bool operator==(const Attributes&, const Attributes&) = default;
};

// "Stable/Evolving/Common".
std::string to_string(const Attributes& attributes);

// Component-wise minimum.
Attributes minimum(const Attributes& a, const Attributes& b);

// Which component of a triple a parse error or a policy violation is about.
enum class Component : std::uint8_t { Name, Data, Class };
std::string_view to_string(Component component);

struct ParseError {
  std::string message;        // "unknown level \"Stabel\""
  std::string token;          // the offending word, "" if none
  std::size_t offset = 0;     // where the offending word starts in the input
  std::optional<Component> component;  // which component it was meant to be
};

// Parses "Name/Data/Class", case-insensitively, surrounding blanks ignored.
// As in DTrace, a partial triple ("Stable" or "Stable/Evolving") fills the
// missing components with the maximum (Standard, Common).
std::variant<Attributes, ParseError> parse_attributes(std::string_view text);

// A policy threshold: each component of an attribute triple must be at least
// the threshold's. Probity's default asks for Evolving names and data and
// does not constrain the dependency class.
struct Threshold {
  Level name = Level::Evolving;
  Level data = Level::Evolving;
  DependencyClass dependency_class = DependencyClass::Unknown;

  friend bool operator==(const Threshold&, const Threshold&) = default;
};

inline constexpr Threshold default_threshold{};

// The components of `attributes` that fall below `threshold`, in
// Name, Data, Class order; empty when the attributes satisfy it.
std::vector<Component> violations(const Attributes& attributes, const Threshold& threshold);
bool satisfies(const Attributes& attributes, const Threshold& threshold);

}  // namespace probity::stability
