// #pragma D option and -x: the options Probity understands, parsed here once
// into the program's typed Settings, so a typo, a malformed or out-of-range
// value or an option Probity does not implement is a compile error rather
// than an ignored setting. Command-line -x values override pragmas.
#include <array>
#include <charconv>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "probity/catalogue/diagnostic.hpp"
#include "passes/passes.hpp"

namespace probity::compiler::passes {
namespace {

enum class ValueForm : std::uint8_t { Flag, Size, Count, Attributes, HazardList, Unsupported };

struct OptionSpec {
  std::string_view name;
  ValueForm form;
  // What it sets; for an Unsupported option, why Probity refuses it.
  std::string_view meaning;
  bool Settings::*flag = nullptr;             // Flag
  std::uint64_t Settings::*number = nullptr;  // Size, Count
};

// DTrace options that mean nothing here are refused rather than accepted and
// ignored: a script that relies on one would silently do something else.
constexpr std::array known_options{
    OptionSpec{"quiet", ValueForm::Flag, "print only what printf, printa and trace ask for", &Settings::quiet},
    OptionSpec{"amin", ValueForm::Attributes, "the minimum stability a program may use"},
    OptionSpec{"allow", ValueForm::HazardList, "hazards to accept: hot, sensitive"},
    OptionSpec{"bufsize", ValueForm::Size, "ring-buffer size per CPU", nullptr, &Settings::bufsize},
    OptionSpec{"strsize", ValueForm::Size, "longest string kept", nullptr, &Settings::strsize},
    OptionSpec{"dynvarsize", ValueForm::Size, "memory for thread-local and associative variables", nullptr,
               &Settings::dynvarsize},
    OptionSpec{"nspec", ValueForm::Count, "number of speculation buffers", nullptr, &Settings::nspec},
    OptionSpec{"aggsortkey", ValueForm::Flag, "print aggregations sorted by key", &Settings::aggsortkey},
    OptionSpec{"aggsortrev", ValueForm::Flag, "reverse the aggregation sort order", &Settings::aggsortrev},
    OptionSpec{"specsize", ValueForm::Unsupported,
               "a speculation holds what its clauses record whatever its size; nspec bounds how many are kept"},
    OptionSpec{"aggsortpos", ValueForm::Unsupported, "printa prints one aggregation at a time, so there is no position to sort by"},
    OptionSpec{"aggsortkeypos", ValueForm::Unsupported,
               "aggsortkey sorts by the whole key, first component first; no other key position is supported"},
    OptionSpec{"switchrate", ValueForm::Unsupported,
               "Probity reads the ring buffers as soon as records arrive (and at least once a second), not at a set rate"},
    OptionSpec{"aggrate", ValueForm::Unsupported,
               "Probity updates aggregations in user space as each record is read, not at a set rate"},
};

const OptionSpec* find_option(std::string_view name) {
  for (const OptionSpec& spec : known_options) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::vector<std::string> option_names() {
  std::vector<std::string> names;
  for (const OptionSpec& spec : known_options) {
    if (spec.form != ValueForm::Unsupported) names.emplace_back(spec.name);
  }
  return names;
}

bool parse_number(std::string_view text, std::uint64_t& value, std::string_view& rest) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end == text.data()) return false;
  rest = text.substr(static_cast<std::size_t>(end - text.data()));
  return true;
}

// "16m", "4096", "1g", "512k", "1t" in bytes; nullopt when malformed or too large for 64 bits.
std::optional<std::uint64_t> parse_size(std::string_view text) {
  std::uint64_t value = 0;
  std::string_view rest;
  if (!parse_number(text, value, rest) || rest.size() > 1) return std::nullopt;
  int shift = 0;
  if (!rest.empty()) {
    switch (rest[0]) {
      case 'k': case 'K': shift = 10; break;
      case 'm': case 'M': shift = 20; break;
      case 'g': case 'G': shift = 30; break;
      case 't': case 'T': shift = 40; break;
      default: return std::nullopt;
    }
  }
  if (shift != 0 && value > (std::numeric_limits<std::uint64_t>::max() >> shift)) return std::nullopt;
  return value << shift;
}

std::optional<std::uint64_t> parse_count(std::string_view text) {
  std::uint64_t value = 0;
  std::string_view rest;
  if (!parse_number(text, value, rest) || !rest.empty()) return std::nullopt;
  return value;
}

const SettingRange* range_of(std::uint64_t Settings::*value) {
  for (const SettingRange& range : setting_ranges) {
    if (range.value == value) return &range;
  }
  return nullptr;
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
    for (const OptionSpec& known : known_options) {
      if (known.form == ValueForm::Unsupported) continue;
      hint += std::string(hint.ends_with(": ") ? "" : ", ") + std::string(known.name);
    }
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
    case ValueForm::Unsupported:
      context.diagnostics.error("D_OPTION_UNSUPPORTED", setting.span,
                                "option " + setting.name + " is not supported by Probity",
                                std::string(spec->meaning) + "; remove it from the script or the command line");
      return;
    case ValueForm::Flag:
      if (!setting.value.empty()) return bad_value("empty (it is a flag: write just \"" + setting.name + "\")");
      context.settings.*spec->flag = true;
      return;
    case ValueForm::Size:
    case ValueForm::Count: {
      const bool size = spec->form == ValueForm::Size;
      const std::optional<std::uint64_t> parsed = size ? parse_size(setting.value) : parse_count(setting.value);
      if (!parsed) return bad_value(size ? "a size such as 4096, 512k, 16m, 1g or 1t" : "a whole number");
      std::uint64_t value = *parsed;
      if (auto problem = setting_problem(*range_of(spec->number), value)) {
        context.diagnostics.error("D_OPTION_VALUE", setting.span, "option " + *problem,
                                  std::string(spec->name) + ": " + std::string(spec->meaning));
        return;
      }
      // tracefs sizes the buffer in KiB: a size between is rounded up (the
      // maximum is a whole number of KiB, so it stays in range).
      if (spec->number == &Settings::bufsize && value % kib != 0) value += kib - value % kib;
      context.settings.*spec->number = value;
      return;
    }
    case ValueForm::Attributes: {
      // "Unstable" sets names and data; "Unstable/Unstable/Common" sets all three.
      if (setting.value.find('/') == std::string::npos) {
        const auto level = stability::parse_level(setting.value);
        if (!level) return bad_value("a stability level (Internal, Private, Obsolete, External, Unstable, Evolving, Stable, Standard) or a Name/Data/Class triple");
        context.policy.bar.threshold.name = *level;
        context.policy.bar.threshold.data = *level;
      } else {
        const auto parsed = stability::parse_attributes(setting.value);
        if (const auto* error = std::get_if<stability::ParseError>(&parsed)) {
          return bad_value("a Name/Data/Class triple (" + error->message + ")");
        }
        const auto& attributes = std::get<stability::Attributes>(parsed);
        context.policy.bar.threshold = {attributes.name, attributes.data, attributes.dependency_class};
      }
      context.policy.threshold_origin = setting.origin;
      return;
    }
    case ValueForm::HazardList: {
      std::string_view rest = setting.value;
      while (!rest.empty()) {
        const std::size_t comma = rest.find(',');
        const std::string_view word = rest.substr(0, comma);
        if (word == "hot") {
          context.policy.bar.allow_hot = true;
        } else if (word == "sensitive") {
          context.policy.bar.allow_sensitive = true;
        } else if (word == "forbidden") {
          context.diagnostics.error("D_OPTION_VALUE", setting.span, "forbidden probes cannot be allowed",
                                    "a forbidden probe is never enabled, whatever the options; see its hazard with probity -lv PROBE");
          return;
        } else {
          return bad_value("a comma-separated list of hot and sensitive");
        }
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      }
      return;
    }
  }
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
  // Recorded in the program, so that the consumer holds the host catalogue's
  // attributes and hazards to what the program was compiled to accept.
  context.settings.amin = context.policy.bar.threshold;
  context.settings.allow_hot = context.policy.bar.allow_hot;
  context.settings.allow_sensitive = context.policy.bar.allow_sensitive;
}

}  // namespace probity::compiler::passes
