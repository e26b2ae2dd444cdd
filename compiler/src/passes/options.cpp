// #pragma D option and -x: the options Probity understands, checked here so a
// typo is a compile error rather than an ignored setting. Command-line -x
// values override pragmas.
#include <array>
#include <charconv>
#include <string>
#include <vector>

#include "probity/catalogue/diagnostic.hpp"
#include "passes/passes.hpp"

namespace probity::compiler::passes {
namespace {

enum class ValueForm : std::uint8_t { Flag, Size, Count, Time, Attributes, HazardList };

struct OptionSpec {
  std::string_view name;
  ValueForm form;
  std::string_view meaning;
};

constexpr std::array known_options{
    OptionSpec{"quiet", ValueForm::Flag, "print only what printf, printa and trace ask for"},
    OptionSpec{"amin", ValueForm::Attributes, "the minimum stability a program may use"},
    OptionSpec{"allow", ValueForm::HazardList, "hazards to accept: hot, sensitive"},
    OptionSpec{"bufsize", ValueForm::Size, "ring-buffer size per CPU"},
    OptionSpec{"strsize", ValueForm::Size, "longest string kept"},
    OptionSpec{"dynvarsize", ValueForm::Size, "memory for thread-local and associative variables"},
    OptionSpec{"nspec", ValueForm::Count, "number of speculation buffers"},
    OptionSpec{"specsize", ValueForm::Size, "size of each speculation buffer"},
    OptionSpec{"aggsortkey", ValueForm::Flag, "print aggregations sorted by key"},
    OptionSpec{"aggsortrev", ValueForm::Flag, "reverse the aggregation sort order"},
    OptionSpec{"aggsortpos", ValueForm::Count, "which aggregation printa sorts by"},
    OptionSpec{"aggsortkeypos", ValueForm::Count, "which key aggregations are sorted by"},
    OptionSpec{"switchrate", ValueForm::Time, "how often buffers are read when idle"},
    OptionSpec{"aggrate", ValueForm::Time, "how often aggregations are updated (accepted for DTrace scripts)"},
};

const OptionSpec* find_option(std::string_view name) {
  for (const OptionSpec& spec : known_options) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::vector<std::string> option_names() {
  std::vector<std::string> names;
  for (const OptionSpec& spec : known_options) names.emplace_back(spec.name);
  return names;
}

bool parse_number(std::string_view text, std::uint64_t& value, std::string_view& rest) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end == text.data()) return false;
  rest = text.substr(static_cast<std::size_t>(end - text.data()));
  return true;
}

// "16m", "4096", "1g", "512k"
bool valid_size(std::string_view text) {
  std::uint64_t value = 0;
  std::string_view rest;
  if (!parse_number(text, value, rest)) return false;
  return rest.empty() || rest == "k" || rest == "K" || rest == "m" || rest == "M" || rest == "g" || rest == "G" ||
         rest == "t" || rest == "T";
}

bool valid_count(std::string_view text) {
  std::uint64_t value = 0;
  std::string_view rest;
  return parse_number(text, value, rest) && rest.empty();
}

// "10ms", "1s", "100hz", "250" (hz, as in DTrace)
bool valid_time(std::string_view text) {
  std::uint64_t value = 0;
  std::string_view rest;
  if (!parse_number(text, value, rest) || value == 0) return false;
  for (std::string_view unit : {"", "ns", "nsec", "us", "usec", "ms", "msec", "s", "sec", "m", "min", "h", "hour",
                                "d", "day", "hz"}) {
    if (rest == unit) return true;
  }
  return false;
}

struct Setting {
  std::string name;
  std::string value;
  Span span;
  std::string origin;  // "#pragma D option amin=Unstable" or "-x amin=Unstable"
};

void apply(Context& context, const Setting& setting) {
  const OptionSpec* spec = find_option(setting.name);
  if (spec == nullptr) {
    if (setting.name == "destructive") {
      context.diagnostics.error("D_OPTION_UNKNOWN", setting.span, "option \"destructive\" is not available",
                                "Probity has no destructive actions");
      return;
    }
    std::string hint = "known options: ";
    for (const OptionSpec& known : known_options) hint += std::string(known.name) + (&known == &known_options.back() ? "" : ", ");
    if (auto close = catalogue::closest_match(setting.name, option_names())) {
      hint = "did you mean \"" + *close + "\"? " + hint;
    }
    context.diagnostics.error("D_OPTION_UNKNOWN", setting.span, "unknown option \"" + setting.name + "\"", hint);
    return;
  }
  const auto bad_value = [&](std::string_view expected) {
    context.diagnostics.error("D_OPTION_VALUE", setting.span,
                              "option " + setting.name + " has the value \"" + setting.value + "\", which is not " +
                                  std::string(expected),
                              std::string(spec->name) + ": " + std::string(spec->meaning));
  };
  switch (spec->form) {
    case ValueForm::Flag:
      if (!setting.value.empty()) return bad_value("empty (it is a flag: write just \"" + setting.name + "\")");
      break;
    case ValueForm::Size:
      if (!valid_size(setting.value)) return bad_value("a size such as 4096, 512k, 16m or 1g");
      break;
    case ValueForm::Count:
      if (!valid_count(setting.value)) return bad_value("a whole number");
      break;
    case ValueForm::Time:
      if (!valid_time(setting.value)) return bad_value("a rate or period such as 100hz, 10ms or 1s");
      break;
    case ValueForm::Attributes: {
      // "Unstable" sets names and data; "Unstable/Unstable/Common" sets all three.
      if (setting.value.find('/') == std::string::npos) {
        const auto level = stability::parse_level(setting.value);
        if (!level) return bad_value("a stability level (Internal, Private, Obsolete, External, Unstable, Evolving, Stable, Standard) or a Name/Data/Class triple");
        context.policy.threshold.name = *level;
        context.policy.threshold.data = *level;
      } else {
        const auto parsed = stability::parse_attributes(setting.value);
        if (const auto* error = std::get_if<stability::ParseError>(&parsed)) {
          return bad_value("a Name/Data/Class triple (" + error->message + ")");
        }
        const auto& attributes = std::get<stability::Attributes>(parsed);
        context.policy.threshold = {attributes.name, attributes.data, attributes.dependency_class};
      }
      context.policy.threshold_origin = setting.origin;
      return;  // policy only: the consumer does not need it
    }
    case ValueForm::HazardList: {
      std::string_view rest = setting.value;
      while (!rest.empty()) {
        const std::size_t comma = rest.find(',');
        const std::string_view word = rest.substr(0, comma);
        if (word == "hot") {
          context.policy.allow_hot = true;
        } else if (word == "sensitive") {
          context.policy.allow_sensitive = true;
        } else if (word == "forbidden") {
          context.diagnostics.error("D_OPTION_VALUE", setting.span, "forbidden probes cannot be allowed",
                                    "a forbidden probe is never enabled, whatever the options; see its hazard with probity -lv PROBE");
          return;
        } else {
          return bad_value("a comma-separated list of hot and sensitive");
        }
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      }
      // Recorded in the program, so that the consumer can check the hazards
      // the local catalogue declares against what the program was allowed.
      const std::string allowed = context.policy.allow_hot && context.policy.allow_sensitive ? "hot,sensitive"
                                  : context.policy.allow_hot                                 ? "hot"
                                  : context.policy.allow_sensitive                           ? "sensitive"
                                                                                             : "";
      for (Option& option : context.options) {
        if (option.name == "allow") {
          option.value = allowed;
          return;
        }
      }
      if (!allowed.empty()) context.options.push_back({"allow", allowed});
      return;
    }
  }
  for (Option& option : context.options) {
    if (option.name == setting.name) {
      option.value = setting.value;
      return;
    }
  }
  context.options.push_back({setting.name, setting.value});
}

}  // namespace

void resolve_options(Context& context) {
  for (const ast::Pragma& pragma : context.program.pragmas) {
    apply(context, {pragma.name, pragma.value, pragma.span,
                    "#pragma D option " + pragma.name + (pragma.value.empty() ? "" : "=" + pragma.value)});
  }
  for (const auto& [name, value] : context.compile_options.options) {
    // Command-line options have no place in the source: point at its start.
    apply(context, {name, value, Span{{0, 0}, {0, 0}}, "-x " + name + (value.empty() ? "" : "=" + value)});
  }
}

}  // namespace probity::compiler::passes
