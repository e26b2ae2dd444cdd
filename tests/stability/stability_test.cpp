#include "probity/stability.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>

namespace probity::stability {
namespace {

std::string lower(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

std::string upper(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return result;
}

Attributes parsed(std::string_view text) {
  auto result = parse_attributes(text);
  if (auto* error = std::get_if<ParseError>(&result)) {
    ADD_FAILURE() << "parse_attributes(\"" << text << "\") failed: " << error->message;
    return {};
  }
  return std::get<Attributes>(result);
}

ParseError parse_error(std::string_view text) {
  auto result = parse_attributes(text);
  if (auto* error = std::get_if<ParseError>(&result)) return *error;
  ADD_FAILURE() << "parse_attributes(\"" << text << "\") unexpectedly gave "
                << to_string(std::get<Attributes>(result));
  return {};
}

TEST(StabilityLevels, OrderIsTheDocumentedOne) {
  const std::vector<std::string_view> expected{"Internal", "Private",  "Obsolete", "External",
                                               "Unstable", "Evolving", "Stable",   "Standard"};
  ASSERT_EQ(all_levels.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(to_string(all_levels[i]), expected[i]);
    for (std::size_t j = 0; j < expected.size(); ++j) {
      EXPECT_EQ(all_levels[i] < all_levels[j], i < j) << expected[i] << " vs " << expected[j];
    }
  }
}

TEST(StabilityClasses, OrderIsTheDocumentedOne) {
  const std::vector<std::string_view> expected{"Unknown", "CPU", "Platform", "Group", "ISA", "Common"};
  ASSERT_EQ(all_classes.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(to_string(all_classes[i]), expected[i]);
    for (std::size_t j = 0; j < expected.size(); ++j) {
      EXPECT_EQ(all_classes[i] < all_classes[j], i < j) << expected[i] << " vs " << expected[j];
    }
  }
}

TEST(StabilityLevels, ParseIsCaseInsensitiveForEveryLevel) {
  for (Level level : all_levels) {
    const std::string_view name = to_string(level);
    EXPECT_EQ(parse_level(name), level);
    EXPECT_EQ(parse_level(lower(name)), level);
    EXPECT_EQ(parse_level(upper(name)), level);
  }
}

TEST(StabilityClasses, ParseIsCaseInsensitiveForEveryClass) {
  for (DependencyClass dependency_class : all_classes) {
    const std::string_view name = to_string(dependency_class);
    EXPECT_EQ(parse_class(name), dependency_class);
    EXPECT_EQ(parse_class(lower(name)), dependency_class);
    EXPECT_EQ(parse_class(upper(name)), dependency_class);
  }
}

TEST(StabilityLevels, ParseRejectsNonLevels) {
  for (std::string_view word : {"", "Stabel", "Stable ", "Common", "Stable/", "stab", "Standards"}) {
    EXPECT_EQ(parse_level(word), std::nullopt) << "\"" << word << "\"";
  }
  EXPECT_EQ(parse_class("Stable"), std::nullopt);
  EXPECT_EQ(parse_class("IS"), std::nullopt);
  EXPECT_EQ(parse_class(""), std::nullopt);
}

TEST(StabilityAttributes, EveryFullTripleRoundTrips) {
  for (Level name : all_levels) {
    for (Level data : all_levels) {
      for (DependencyClass dependency_class : all_classes) {
        const Attributes attributes{name, data, dependency_class};
        const std::string text = to_string(attributes);
        EXPECT_EQ(parsed(text), attributes) << text;
        EXPECT_EQ(parsed(lower(text)), attributes) << text;
        EXPECT_EQ(parsed(upper(text)), attributes) << text;
      }
    }
  }
}

TEST(StabilityAttributes, PrintsInDTraceShape) {
  EXPECT_EQ(to_string(Attributes{Level::Stable, Level::Evolving, DependencyClass::Common}),
            "Stable/Evolving/Common");
  EXPECT_EQ(to_string(Attributes{Level::Private, Level::Private, DependencyClass::Unknown}),
            "Private/Private/Unknown");
  EXPECT_EQ(to_string(Attributes{Level::Internal, Level::Standard, DependencyClass::Isa}),
            "Internal/Standard/ISA");
  EXPECT_EQ(to_string(Attributes{Level::Obsolete, Level::External, DependencyClass::Cpu}),
            "Obsolete/External/CPU");
}

TEST(StabilityAttributes, PartialTriplesFillTheMaximum) {
  for (Level name : all_levels) {
    EXPECT_EQ(parsed(to_string(name)), (Attributes{name, Level::Standard, DependencyClass::Common}));
    for (Level data : all_levels) {
      const std::string text = std::string(to_string(name)) + "/" + std::string(to_string(data));
      EXPECT_EQ(parsed(text), (Attributes{name, data, DependencyClass::Common})) << text;
    }
  }
}

TEST(StabilityAttributes, BlanksAroundComponentsAreIgnored) {
  EXPECT_EQ(parsed("  Stable / Evolving\t/ Common "),
            (Attributes{Level::Stable, Level::Evolving, DependencyClass::Common}));
}

TEST(StabilityAttributes, ParseErrorsNameTheComponentAndPosition) {
  {
    const ParseError error = parse_error("");
    EXPECT_EQ(error.message, "missing stability level for the name component");
    EXPECT_EQ(error.component, Component::Name);
    EXPECT_EQ(error.offset, 0u);
  }
  {
    const ParseError error = parse_error("   ");
    EXPECT_EQ(error.message, "missing stability level for the name component");
  }
  {
    const ParseError error = parse_error("Stabel/Evolving/Common");
    EXPECT_EQ(error.message, "unknown stability level \"Stabel\"");
    EXPECT_EQ(error.token, "Stabel");
    EXPECT_EQ(error.component, Component::Name);
    EXPECT_EQ(error.offset, 0u);
  }
  {
    const ParseError error = parse_error("Stable/Evolvng/Common");
    EXPECT_EQ(error.message, "unknown stability level \"Evolvng\"");
    EXPECT_EQ(error.token, "Evolvng");
    EXPECT_EQ(error.component, Component::Data);
    EXPECT_EQ(error.offset, 7u);
  }
  {
    const ParseError error = parse_error("Stable/Evolving/Comon");
    EXPECT_EQ(error.message, "unknown dependency class \"Comon\"");
    EXPECT_EQ(error.token, "Comon");
    EXPECT_EQ(error.component, Component::Class);
    EXPECT_EQ(error.offset, 16u);
  }
  {
    // A level where the class belongs, and a class where a level belongs.
    EXPECT_EQ(parse_error("Stable/Stable/Stable").message, "unknown dependency class \"Stable\"");
    EXPECT_EQ(parse_error("Common/Stable/Common").message, "unknown stability level \"Common\"");
  }
  {
    const ParseError error = parse_error("Stable/");
    EXPECT_EQ(error.message, "missing stability level for the data component");
    EXPECT_EQ(error.component, Component::Data);
    EXPECT_EQ(error.offset, 7u);
  }
  {
    const ParseError error = parse_error("Stable/Stable/");
    EXPECT_EQ(error.message, "missing dependency class for the class component");
    EXPECT_EQ(error.component, Component::Class);
  }
  {
    const ParseError error = parse_error("/Stable");
    EXPECT_EQ(error.message, "missing stability level for the name component");
  }
  {
    const ParseError error = parse_error("Stable/Stable/Common/Stable");
    EXPECT_EQ(error.message, "too many components: an attribute triple is Name/Data/Class");
    EXPECT_EQ(error.offset, 21u);
    EXPECT_EQ(error.component, std::nullopt);
  }
  {
    const ParseError error = parse_error("Stable/Stable/Common/");
    EXPECT_EQ(error.message, "too many components: an attribute triple is Name/Data/Class");
  }
}

TEST(StabilityAttributes, MinimumIsComponentWiseForEveryPair) {
  for (Level a : all_levels) {
    for (Level b : all_levels) {
      for (DependencyClass c : all_classes) {
        for (DependencyClass d : all_classes) {
          const Attributes x{a, b, c};
          const Attributes y{b, a, d};
          const Attributes m = minimum(x, y);
          EXPECT_EQ(m.name, std::min(a, b));
          EXPECT_EQ(m.data, std::min(a, b));
          EXPECT_EQ(m.dependency_class, std::min(c, d));
          EXPECT_EQ(minimum(y, x), m);             // commutative
          EXPECT_EQ(minimum(x, x), x);             // idempotent
          EXPECT_EQ(minimum(x, Attributes::maximum()), x);  // identity
        }
      }
    }
  }
}

TEST(StabilityAttributes, MinimumIsAssociative) {
  const Attributes a{Level::Stable, Level::Unstable, DependencyClass::Common};
  const Attributes b{Level::Evolving, Level::Standard, DependencyClass::Isa};
  const Attributes c{Level::Standard, Level::Evolving, DependencyClass::Platform};
  EXPECT_EQ(minimum(minimum(a, b), c), minimum(a, minimum(b, c)));
  EXPECT_EQ(minimum(minimum(a, b), c),
            (Attributes{Level::Evolving, Level::Unstable, DependencyClass::Platform}));
}

TEST(StabilityPolicy, DefaultThresholdIsEvolvingNameAndData) {
  EXPECT_EQ(default_threshold.name, Level::Evolving);
  EXPECT_EQ(default_threshold.data, Level::Evolving);
  EXPECT_EQ(default_threshold.dependency_class, DependencyClass::Unknown);
}

TEST(StabilityPolicy, EveryLevelAgainstEveryThreshold) {
  for (Level level : all_levels) {
    for (Level floor : all_levels) {
      for (DependencyClass dependency_class : all_classes) {
        for (DependencyClass class_floor : all_classes) {
          const Threshold threshold{floor, floor, class_floor};
          const bool class_ok = dependency_class >= class_floor;
          const bool level_ok = level >= floor;

          const Attributes both{level, level, dependency_class};
          std::vector<Component> expected;
          if (!level_ok) expected = {Component::Name, Component::Data};
          if (!class_ok) expected.push_back(Component::Class);
          EXPECT_EQ(violations(both, threshold), expected);
          EXPECT_EQ(satisfies(both, threshold), level_ok && class_ok);

          // Only the name component low.
          const Attributes name_only{level, Level::Standard, DependencyClass::Common};
          EXPECT_EQ(violations(name_only, threshold),
                    level_ok ? std::vector<Component>{} : std::vector<Component>{Component::Name});
          // Only the data component low.
          const Attributes data_only{Level::Standard, level, DependencyClass::Common};
          EXPECT_EQ(violations(data_only, threshold),
                    level_ok ? std::vector<Component>{} : std::vector<Component>{Component::Data});
        }
      }
    }
  }
}

TEST(StabilityPolicy, UndocumentedIsRejectedByDefault) {
  const Attributes undocumented{Level::Private, Level::Private, DependencyClass::Unknown};
  EXPECT_EQ(violations(undocumented, default_threshold),
            (std::vector<Component>{Component::Name, Component::Data}));
  EXPECT_TRUE(satisfies(Attributes{Level::Evolving, Level::Evolving, DependencyClass::Unknown},
                        default_threshold));
  EXPECT_FALSE(satisfies(Attributes{Level::Stable, Level::Unstable, DependencyClass::Common},
                         default_threshold));
}

TEST(StabilityComponents, Names) {
  EXPECT_EQ(to_string(Component::Name), "name");
  EXPECT_EQ(to_string(Component::Data), "data");
  EXPECT_EQ(to_string(Component::Class), "class");
}

}  // namespace
}  // namespace probity::stability
