#include "probity/compiler/parse.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>
#include <limits>
#include <memory>
#include <optional>
#include <utility>

#include "parser.hpp"
#include "parser_state.hpp"

namespace probity::compiler {
namespace detail {
namespace {

struct NamedType {
  std::string_view name;
  ValueType type;
};

// Single-word type names: C99 fixed-width, bpftrace's, the Linux kernel's,
// and a few POSIX typedefs DTrace scripts use.
constexpr std::array<NamedType, 37> type_names{{
    {"int8_t", ValueType::integer(1, true)},   {"int16_t", ValueType::integer(2, true)},
    {"int32_t", ValueType::integer(4, true)},  {"int64_t", ValueType::integer(8, true)},
    {"uint8_t", ValueType::integer(1, false)}, {"uint16_t", ValueType::integer(2, false)},
    {"uint32_t", ValueType::integer(4, false)}, {"uint64_t", ValueType::integer(8, false)},
    {"int8", ValueType::integer(1, true)},     {"int16", ValueType::integer(2, true)},
    {"int32", ValueType::integer(4, true)},    {"int64", ValueType::integer(8, true)},
    {"uint8", ValueType::integer(1, false)},   {"uint16", ValueType::integer(2, false)},
    {"uint32", ValueType::integer(4, false)},  {"uint64", ValueType::integer(8, false)},
    {"s8", ValueType::integer(1, true)},       {"s16", ValueType::integer(2, true)},
    {"s32", ValueType::integer(4, true)},      {"s64", ValueType::integer(8, true)},
    {"u8", ValueType::integer(1, false)},      {"u16", ValueType::integer(2, false)},
    {"u32", ValueType::integer(4, false)},     {"u64", ValueType::integer(8, false)},
    {"size_t", ValueType::integer(8, false)},  {"ssize_t", ValueType::integer(8, true)},
    {"uintptr_t", ValueType::integer(8, false)}, {"intptr_t", ValueType::integer(8, true)},
    {"pid_t", ValueType::integer(4, true)},    {"uid_t", ValueType::integer(4, false)},
    {"gid_t", ValueType::integer(4, false)},   {"off_t", ValueType::integer(8, true)},
    {"dev_t", ValueType::integer(4, false)},   {"time_t", ValueType::integer(8, true)},
    {"bool", ValueType::integer(1, false)},    {"string", ValueType::string()},
    {"uchar_t", ValueType::integer(1, false)},
}};

const NamedType* find_type_name(std::string_view name) {
  for (const NamedType& named : type_names) {
    if (named.name == name) return &named;
  }
  return nullptr;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Span sub_span(Span token, std::size_t from, std::size_t length) {
  // Only for single-line tokens.
  const auto column = static_cast<std::uint32_t>(token.begin.column + from);
  return Span{{token.begin.line, column}, {token.begin.line, static_cast<std::uint32_t>(column + length)}};
}

constexpr std::string_view escape_hint =
    "known escapes are \\n \\t \\r \\\\ \\\" \\' \\0 \\a \\b \\f \\v \\xHH and \\NNN (octal); "
    "write \\\\ for a backslash";

// Decodes the body of a string or character literal (between the quotes);
// `offset` is the body's column offset inside `token`.
std::string decode_escapes(ParserState& state, std::string_view body, Span token, std::size_t offset) {
  std::string out;
  out.reserve(body.size());
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\\') {
      out += body[i];
      continue;
    }
    const std::size_t start = i;
    if (i + 1 >= body.size()) {  // cannot happen with the scanner's patterns
      state.error("D_STRING_ESCAPE", sub_span(token, offset + start, 1), "a lone backslash", std::string(escape_hint));
      break;
    }
    const char c = body[++i];
    switch (c) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case '\\': out += '\\'; break;
      case '"': out += '"'; break;
      case '\'': out += '\''; break;
      case '?': out += '?'; break;
      case 'x': {
        unsigned value = 0;
        std::size_t digits = 0;
        while (digits < 2 && i + 1 < body.size() && hex_value(body[i + 1]) >= 0) {
          value = value * 16 + static_cast<unsigned>(hex_value(body[++i]));
          ++digits;
        }
        if (digits == 0) {
          state.error("D_STRING_ESCAPE", sub_span(token, offset + start, 2), "\\x without hex digits",
                      "write \\x followed by one or two hex digits, e.g. \\x1b");
        } else {
          out += static_cast<char>(value);
        }
        break;
      }
      default:
        if (c >= '0' && c <= '7') {
          unsigned value = static_cast<unsigned>(c - '0');
          std::size_t digits = 1;
          while (digits < 3 && i + 1 < body.size() && body[i + 1] >= '0' && body[i + 1] <= '7') {
            value = value * 8 + static_cast<unsigned>(body[++i] - '0');
            ++digits;
          }
          if (value > 0xff) {
            state.error("D_STRING_ESCAPE", sub_span(token, offset + start, digits + 1),
                        "octal escape \\" + std::string(body.substr(start + 1, digits)) + " is larger than 255",
                        "an octal escape is at most \\377");
          } else {
            out += static_cast<char>(value);
          }
        } else {
          const bool printable = std::isprint(static_cast<unsigned char>(c)) != 0;
          state.error("D_STRING_ESCAPE", sub_span(token, offset + start, 2),
                      printable ? "unknown escape sequence '\\" + std::string(1, c) + "'"
                                : std::string("unknown escape sequence"),
                      std::string(escape_hint));
        }
    }
  }
  return out;
}

struct TickUnit {
  std::string_view name;
  std::uint64_t nanoseconds;  // 0: hz
};

constexpr std::array<TickUnit, 15> tick_units{{
    {"ns", 1}, {"nsec", 1},
    {"us", 1'000}, {"usec", 1'000},
    {"ms", 1'000'000}, {"msec", 1'000'000},
    {"s", 1'000'000'000}, {"sec", 1'000'000'000},
    {"m", 60'000'000'000}, {"min", 60'000'000'000},
    {"h", 3'600'000'000'000}, {"hour", 3'600'000'000'000},
    {"d", 86'400'000'000'000}, {"day", 86'400'000'000'000},
    {"hz", 0},
}};

constexpr std::string_view tick_hint =
    "write a positive number and a unit: ns, us, ms, s, m, h, d or hz (tick-1s, tick-100ms, tick-10hz, "
    "interval:s:1)";

// DTrace's profile provider has no tick faster than 200 microseconds
// (5000hz): a shorter period would spend the machine on timer wake-ups.
constexpr std::uint64_t shortest_tick_ns = 200'000;

// Period in nanoseconds of `count` `unit`s; reports D_TICK_PERIOD and
// returns 0 when it is not a valid period.
std::uint64_t tick_period(ParserState& state, std::string_view count, std::string_view unit, Span span) {
  const auto fail = [&](const std::string& message) -> std::uint64_t {
    state.error("D_TICK_PERIOD", span, message, std::string(tick_hint));
    return 0;
  };
  if (count.empty() || !std::all_of(count.begin(), count.end(), is_digit)) {
    return fail("'" + std::string(count) + "' is not a number of time units");
  }
  const auto found = std::find_if(tick_units.begin(), tick_units.end(),
                                  [&](const TickUnit& known) { return known.name == unit; });
  if (found == tick_units.end()) return fail("unknown time unit '" + std::string(unit) + "'");
  std::uint64_t value = 0;
  for (const char digit : count) {
    if (__builtin_mul_overflow(value, 10u, &value) ||
        __builtin_add_overflow(value, static_cast<std::uint64_t>(digit - '0'), &value)) {
      return fail("period " + std::string(count) + std::string(unit) + " is too large");
    }
  }
  if (value == 0) return fail("a period of zero");
  if (found->nanoseconds == 0) {  // a frequency
    const std::uint64_t period = 1'000'000'000 / value;
    if (period < shortest_tick_ns) return fail("frequency " + std::string(count) + "hz is above the highest, 5000hz");
    return period;
  }
  std::uint64_t period = 0;
  if (__builtin_mul_overflow(value, found->nanoseconds, &period)) {
    return fail("period " + std::string(count) + std::string(unit) + " is too large");
  }
  if (period < shortest_tick_ns) {
    return fail("period " + std::string(count) + std::string(unit) + " is below the shortest, 200us");
  }
  return period;
}

// "100ms" -> ("100", "ms"); a bare number is hz (DTrace's tick-1000).
std::uint64_t tick_from_number_and_unit(ParserState& state, std::string_view spec, Span span) {
  const std::size_t unit_start = static_cast<std::size_t>(
      std::find_if(spec.begin(), spec.end(), [](char c) { return !is_digit(c); }) - spec.begin());
  std::string_view unit = spec.substr(unit_start);
  if (unit.empty()) unit = "hz";
  return tick_period(state, spec.substr(0, unit_start), unit, span);
}

bool starts_with_any(std::string_view text, std::initializer_list<std::string_view> prefixes, std::string_view* rest) {
  for (const std::string_view prefix : prefixes) {
    if (text.starts_with(prefix)) {
      *rest = text.substr(prefix.size());
      return true;
    }
  }
  return false;
}

std::string trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return std::string(text);
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r')) ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\r') ++i;
    if (i > start) words.emplace_back(text.substr(start, i - start));
  }
  return words;
}

bool is_option_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
  });
}

}  // namespace

WordKind classify_word(std::string_view word) {
  if (word == "if") return WordKind::If;
  if (word == "else") return WordKind::Else;
  if (word == "self") return WordKind::Self;
  if (word == "this") return WordKind::This;
  if (word == "char" || word == "short" || word == "int" || word == "long" || word == "signed" ||
      word == "unsigned") {
    return WordKind::IntegerWord;
  }
  if (find_type_name(word) != nullptr) return WordKind::TypeName;
  return WordKind::Identifier;
}

ast::IntegerLiteral scan_integer(ParserState& state, std::string_view text, Span span) {
  ast::IntegerLiteral literal{0, false, std::string(text)};
  const auto fail = [&](const std::string& message, const std::string& hint) {
    state.error("D_INTEGER_INVALID", span, message, hint);
    literal.value = 0;
    literal.is_unsigned = false;
    return literal;
  };
  unsigned base = 10;
  std::size_t i = 0;
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    i = 2;
  } else if (text.size() >= 2 && text[0] == '0' && is_digit(text[1])) {
    base = 8;
    i = 1;
  }
  const std::size_t digits_start = i;
  std::uint64_t value = 0;
  bool overflow = false;
  for (; i < text.size(); ++i) {
    int digit = hex_value(text[i]);
    if (digit < 0 || (base == 10 && digit > 9) || (base == 8 && digit > 9)) break;
    if (base == 8 && digit > 7) {
      return fail("invalid digit '" + std::string(1, text[i]) + "' in octal constant " + std::string(text),
                  "octal constants (with a leading 0) use digits 0-7; drop the leading 0 for decimal");
    }
    if (__builtin_mul_overflow(value, base, &value) ||
        __builtin_add_overflow(value, static_cast<std::uint64_t>(digit), &value)) {
      overflow = true;
    }
  }
  if (base == 16 && i == digits_start) {
    return fail("hexadecimal constant " + std::string(text) + " has no digits", "write digits after 0x, e.g. 0x1f");
  }
  std::string suffix(text.substr(i));
  std::string lowered = suffix;
  for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static constexpr std::array<std::string_view, 8> suffixes{"", "u", "l", "ul", "lu", "ll", "ull", "llu"};
  if (std::find(suffixes.begin(), suffixes.end(), lowered) == suffixes.end()) {
    return fail("invalid suffix '" + suffix + "' on integer constant " + std::string(text),
                "integer suffixes are u, l, ul, ll and ull (any case)");
  }
  if (overflow) {
    return fail("integer constant " + std::string(text) + " does not fit in 64 bits",
                "the largest integer is 18446744073709551615 (0xffffffffffffffff)");
  }
  literal.value = value;
  literal.is_unsigned = lowered.find('u') != std::string::npos ||
                        value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  return literal;
}

ast::IntegerLiteral scan_character(ParserState& state, std::string_view text, Span span) {
  const std::size_t errors_before = state.diagnostics.error_count();
  const std::string decoded = decode_escapes(state, text.substr(1, text.size() - 2), span, 1);
  ast::IntegerLiteral literal{0, false, std::string(text)};
  if (state.diagnostics.error_count() != errors_before) return literal;
  if (decoded.size() != 1) {
    state.error("D_INTEGER_INVALID", span,
                decoded.empty() ? "empty character constant" : "character constant " + std::string(text) +
                                                                    " holds more than one character",
                "a character constant is one character in single quotes, e.g. 'a' or '\\n'; use \"...\" for strings");
    return literal;
  }
  literal.value = static_cast<unsigned char>(decoded[0]);
  return literal;
}

std::string scan_string(ParserState& state, std::string_view text, Span span) {
  return decode_escapes(state, text.substr(1, text.size() - 2), span, 1);
}

void scan_directive(ParserState& state, std::string_view line, Span span, bool at_file_scope) {
  // The span starts at the '#', not at indentation before it.
  const std::size_t hash = line.find('#');
  span.begin.column += static_cast<std::uint32_t>(hash);
  std::string_view directive = line.substr(hash + 1);
  if (const std::size_t comment = directive.find("//"); comment != std::string_view::npos) {
    directive = directive.substr(0, comment);
  }
  const std::string content = trim(directive);
  const std::size_t last_visible = directive.find_last_not_of(" \t\r");
  const std::size_t visible = last_visible == std::string_view::npos ? 0 : last_visible + 1;
  span.end = Position{span.begin.line, static_cast<std::uint32_t>(span.begin.column + 1 + visible)};

  if (content.starts_with("!")) {
    if (span.begin.line == 1 && span.begin.column == 1) return;  // #!/usr/sbin/dtrace -s
    state.error("D_PRAGMA", span, "a #! line is only allowed as the first line of the file",
                "move it to the first line or remove it");
    return;
  }
  const std::vector<std::string> words = split_words(content);
  if (words.empty() || words[0] != "pragma") {
    const std::string name = words.empty() ? std::string("#") : "#" + words[0];
    state.error("D_PRAGMA", span, "preprocessor directive " + name + " is not supported",
                "Probity does not run the C preprocessor; the only directive is #pragma D option name=value");
    return;
  }
  if (words.size() < 2 || words[1] != "D") {
    state.error("D_PRAGMA", span, "#pragma " + (words.size() < 2 ? std::string() : words[1]) + " is not a D pragma",
                "write #pragma D option name=value");
    return;
  }
  if (words.size() < 3 || words[2] != "option") {
    state.error("D_PRAGMA", span,
                words.size() < 3 ? std::string("#pragma D without a directive")
                                 : "#pragma D " + words[2] + " is not supported",
                "the only #pragma Probity understands is #pragma D option name=value");
    return;
  }
  if (!at_file_scope) {
    state.error("D_PRAGMA", span, "#pragma D option inside a clause", "move it before the clause, at file scope");
    return;
  }
  // "name=value", "name = value" or "name".
  std::string setting;
  for (std::size_t i = 3; i < words.size(); ++i) {
    const bool joins = setting.ends_with('=') || words[i].starts_with('=');
    if (!setting.empty() && !joins) setting += ' ';
    setting += words[i];
  }
  if (setting.empty()) {
    state.error("D_PRAGMA", span, "#pragma D option without an option name",
                "write #pragma D option name=value, or #pragma D option name for a flag");
    return;
  }
  const std::size_t equals = setting.find('=');
  std::string name = setting.substr(0, equals);
  std::string value = equals == std::string::npos ? std::string() : setting.substr(equals + 1);
  if (!is_option_name(name) || (equals != std::string::npos && value.empty()) ||
      value.find(' ') != std::string::npos) {
    state.error("D_PRAGMA", span, "malformed #pragma D option '" + setting + "'",
                "write #pragma D option name=value, or #pragma D option name for a flag");
    return;
  }
  state.program.pragmas.push_back(ast::Pragma{std::move(name), std::move(value), span});
}

ast::ProbeDescription make_probe(ParserState& state, std::string text, Span span) {
  ast::ProbeDescription probe;
  probe.text = std::move(text);
  probe.span = span;
  const std::string_view written = probe.text;
  std::string_view rest;
  if (written == "inline" || written == "typedef" || written == "struct" || written == "translator") {
    state.error("D_SYNTAX", span, "DTrace's " + probe.text + " declarations are not supported",
                written == "inline" ? "write the constant where it is used, or set a global in BEGIN: BEGIN { LIMIT = 5; }"
                                    : "Probity's values are integers and strings; use those");
  }
  if (written == "BEGIN" || written == "dtrace:::BEGIN" || written == ":::BEGIN") {
    probe.kind = ast::ProbeKind::Begin;
  } else if (written == "END" || written == "dtrace:::END" || written == ":::END") {
    probe.kind = ast::ProbeKind::End;
  } else if (written == "ERROR" || written == "dtrace:::ERROR" || written == ":::ERROR") {
    probe.kind = ast::ProbeKind::Error;
  } else if (starts_with_any(written, {"tick-", "profile:::tick-", ":::tick-"}, &rest)) {
    probe.kind = ast::ProbeKind::Tick;
    probe.period_ns = tick_from_number_and_unit(state, rest, span);
  } else if (starts_with_any(written, {"interval:", "i:"}, &rest)) {
    probe.kind = ast::ProbeKind::Tick;
    const std::size_t colon = rest.find(':');
    if (colon != std::string_view::npos) {  // interval:s:1
      probe.period_ns = tick_period(state, rest.substr(colon + 1), rest.substr(0, colon), span);
    } else if (!rest.empty() && is_digit(rest[0]) && !is_digit(rest.back())) {  // interval:1s
      probe.period_ns = tick_from_number_and_unit(state, rest, span);
    } else {
      state.error("D_TICK_PERIOD", span, "interval probe '" + probe.text + "' needs a unit and a count",
                  "write interval:UNIT:N (interval:s:1, interval:ms:100, interval:hz:99) or interval:1s");
    }
  } else {
    int open_brackets = 0;
    for (const char c : written) {
      if (c == '[') ++open_brackets;
      if (c == ']' && open_brackets > 0) --open_brackets;
    }
    if (open_brackets != 0) {
      state.error("D_PROBE_SYNTAX", span, "unbalanced '[' in probe description '" + probe.text + "'",
                  "close the character class with ']', e.g. sched:sched_[sw]*");
    }
  }
  return probe;
}

TypeValue resolve_integer_words(ParserState& state, const std::vector<std::string>& words, Span span) {
  int signs = 0;
  bool is_unsigned = false;
  int chars = 0;
  int shorts = 0;
  int ints = 0;
  int longs = 0;
  for (const std::string& word : words) {
    if (word == "signed") ++signs;
    if (word == "unsigned") { ++signs; is_unsigned = true; }
    if (word == "char") ++chars;
    if (word == "short") ++shorts;
    if (word == "int") ++ints;
    if (word == "long") ++longs;
  }
  const bool valid = signs <= 1 && chars + shorts <= 1 && ints <= 1 && longs <= 2 &&
                     !(chars == 1 && (ints + longs) > 0) && !(shorts == 1 && longs > 0);
  if (!valid) {
    std::string written;
    for (const std::string& word : words) written += (written.empty() ? "" : " ") + word;
    state.error("D_SYNTAX", span, "'" + written + "' is not a type",
                "use an integer type such as int, unsigned long, uint32_t or int64_t");
    return {"int64_t", ValueType::int64()};
  }
  std::string base = "int";
  std::uint8_t size = 4;
  if (chars == 1) { base = "char"; size = 1; }
  else if (shorts == 1) { base = "short"; size = 2; }
  else if (longs == 1) { base = "long"; size = 8; }
  else if (longs == 2) { base = "long long"; size = 8; }
  return {(is_unsigned ? "unsigned " : "") + base, ValueType::integer(size, !is_unsigned)};
}

TypeValue resolve_type_name(std::string_view name) {
  const NamedType* named = find_type_name(name);
  if (named == nullptr) return {std::string(name), ValueType::int64()};
  return {std::string(name), named->type};
}

}  // namespace detail

ast::Program parse(const SourceFile& source, Diagnostics& diagnostics) {
  detail::ParserState state(source, diagnostics);
  if (source.text.size() > static_cast<std::size_t>(INT_MAX / 2)) {
    state.error("D_SYNTAX", Span{}, "the program is too large", "split it into smaller scripts");
    return {};
  }
  const std::unique_ptr<void, void (*)(void*)> scanner(detail::open_scanner(state, source.text),
                                                       &detail::close_scanner);
  state.scanner = scanner.get();
  detail::DParser parser(state);
  parser.parse();
  return std::move(state.program);
}

}  // namespace probity::compiler
