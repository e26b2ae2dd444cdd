// Compiled objects: encoding, decoding and validation of a Program.
//
// The payload layout is written down once, in the describe() functions: the
// Encoder and the Decoder walk the same description, so the two cannot drift
// apart. Scalars are fixed-width little-endian, bools and optional presence
// bytes are 0 or 1, enums are one byte range-checked on decode, strings and
// vectors are a u32 count followed by their elements.
//
// Decoding never trusts the file: every read is bounds-checked, a list count is
// checked against the bytes left before anything is allocated, and after
// decoding, Validator checks every index the consumer will follow.
#include "probity/compiler/object.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <concepts>
#include <limits>
#include <optional>
#include <span>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

#include "builtins.hpp"
#include "probity/io/files.hpp"
#include "probity/io/unique_fd.hpp"

namespace probity::compiler {
namespace {

constexpr std::string_view magic{"PROBITYO"};
constexpr std::size_t header_size = magic.size() + 4 + 8;  // magic, version, payload length
constexpr std::size_t checksum_size = 8;
constexpr std::size_t max_statement_depth = 1000;  // nested if bodies; bounds decoder recursion
// Function values run from Trace to Lltostr: update when Function grows.
constexpr std::uint32_t function_count = static_cast<std::uint32_t>(Function::ValueName) + 1;

constexpr std::uint64_t fnv_offset_basis = 0xcbf29ce484222325ULL;
constexpr std::uint64_t fnv_prime = 0x100000001b3ULL;

std::uint64_t fnv1a(std::span<const std::uint8_t> bytes) {
  std::uint64_t hash = fnv_offset_basis;
  for (const std::uint8_t byte : bytes) {
    hash ^= byte;
    hash *= fnv_prime;
  }
  return hash;
}

template <std::unsigned_integral Unsigned>
void append_little_endian(std::vector<std::uint8_t>& bytes, Unsigned value) {
  for (std::size_t byte = 0; byte < sizeof(Unsigned); ++byte) {
    bytes.push_back(static_cast<std::uint8_t>(value >> (8 * byte)));
  }
}

template <std::unsigned_integral Unsigned>
Unsigned read_little_endian(std::span<const std::uint8_t> bytes) {
  Unsigned value = 0;
  for (std::size_t byte = 0; byte < sizeof(Unsigned); ++byte) {
    value |= static_cast<Unsigned>(static_cast<Unsigned>(bytes[byte]) << (8 * byte));
  }
  return value;
}

std::string errno_text(int error) { return std::generic_category().message(error); }

// ---------------------------------------------------------------- enums

// The highest valid value of each enum stored in the payload, and what to
// call it in an error message.
template <typename Enum>
struct EnumRange;
template <>
struct EnumRange<catalogue::FieldKind> {
  static constexpr auto last = catalogue::FieldKind::DynamicArray;
  static constexpr std::string_view noun = "field kind";
};
template <>
struct EnumRange<Hazard> {
  static constexpr auto last = Hazard::Forbidden;
  static constexpr std::string_view noun = "hazard";
};
template <>
struct EnumRange<stability::Level> {
  static constexpr auto last = stability::Level::Standard;
  static constexpr std::string_view noun = "stability level";
};
template <>
struct EnumRange<stability::DependencyClass> {
  static constexpr auto last = stability::DependencyClass::Common;
  static constexpr std::string_view noun = "dependency class";
};
template <>
struct EnumRange<ValueKind> {
  static constexpr auto last = ValueKind::Array;
  static constexpr std::string_view noun = "value kind";
};
template <>
struct EnumRange<Op> {
  static constexpr auto last = Op::MacroArg;
  static constexpr std::string_view noun = "operation";
};
template <>
struct EnumRange<Statement::Kind> {
  static constexpr auto last = Statement::Kind::If;
  static constexpr std::string_view noun = "statement kind";
};
template <>
struct EnumRange<VariableScope> {
  static constexpr auto last = VariableScope::Map;
  static constexpr std::string_view noun = "variable scope";
};
template <>
struct EnumRange<AggregatingFunction> {
  static constexpr auto last = AggregatingFunction::Llquantize;
  static constexpr std::string_view noun = "aggregating function";
};
template <>
struct EnumRange<ProbeKind> {
  static constexpr auto last = ProbeKind::Error;
  static constexpr std::string_view noun = "probe kind";
};

// ---------------------------------------------------------------- the layout

// `Self` is T or const T: the Encoder walks a const Program, the Decoder
// fills a mutable one.
template <typename Self, typename T>
concept Is = std::same_as<std::remove_const_t<Self>, T>;

void describe(auto& archive, Is<Attributes> auto& attributes) {
  archive(attributes.name, attributes.data, attributes.dependency_class);
}

void describe(auto& archive, Is<FieldLayout> auto& field) {
  archive(field.name, field.type, field.offset, field.size, field.is_signed, field.kind,
          field.relative);
}

void describe(auto& archive, Is<ValueType> auto& type) {
  archive(type.kind, type.size, type.is_signed);
}

void describe(auto& archive, Is<catalogue::UsdtSite> auto& site) {
  archive(site.offset, site.semaphore_offset, site.fetchargs);
}

void describe(auto& archive, Is<catalogue::UsdtOrigin> auto& origin) {
  archive(origin.binary);
  archive.list("usdt site", origin.sites);
}

void describe(auto& archive, Is<EventUse> auto& event) {
  archive(event.provider, event.name);
  archive.list("field", event.fields);
  archive(event.filter, event.stability, event.hazard, event.stack_trigger, event.support, event.usdt);
}

void describe(auto& archive, Is<FieldRef> auto& reference) {
  archive(reference.common, reference.index);
}

void describe(auto& archive, Is<ClauseProbe> auto& probe) {
  archive(probe.kind, probe.event, probe.period_ns);
  archive.list("field reference", probe.fields);
  archive(probe.filter_is_own);
}

void describe(auto& archive, Is<StabilityReport> auto& report) {
  archive(report.probe_description, report.statement);
}

void describe(auto& archive, Is<Node> auto& node) {
  archive(node.op, node.sub, node.type, node.symbol, node.immediate, node.children);
}

void describe(auto& archive, Is<Statement> auto& statement) {
  const auto nesting = archive.nest();
  archive(statement.kind, statement.expression, statement.aggregation, statement.keys,
          statement.arguments);
  archive.list("then", statement.then_body);
  archive.list("else", statement.else_body);
  archive(statement.line);
}

void describe(auto& archive, Is<Clause> auto& clause) {
  archive(clause.description, clause.line);
  archive.list("probe", clause.probes);
  archive(clause.field_slots);
  archive.list("node", clause.nodes);
  archive(clause.predicate, clause.residual);
  archive.list("statement", clause.body);
  archive(clause.stability);
}

void describe(auto& archive, Is<Variable> auto& variable) {
  archive(variable.name, variable.scope, variable.type, variable.key_types);
}

void describe(auto& archive, Is<Aggregation> auto& aggregation) {
  archive(aggregation.name, aggregation.function, aggregation.key_types, aggregation.parameters);
}

void describe(auto& archive, Is<stability::Threshold> auto& threshold) {
  archive(threshold.name, threshold.data, threshold.dependency_class);
}

void describe(auto& archive, Is<Settings> auto& settings) {
  archive(settings.quiet, settings.amin, settings.allow_hot, settings.allow_sensitive, settings.bufsize,
          settings.strsize, settings.dynvarsize, settings.nspec, settings.aggsortkey, settings.aggsortrev);
}

void describe(auto& archive, Is<Program> auto& program) {
  archive(program.source_name, program.catalogue_release, program.catalogue_hash, program.machine);
  archive.list("common field", program.common_fields);
  archive.list("event", program.events);
  archive.list("clause", program.clauses);
  archive.list("variable", program.variables);
  archive.list("aggregation", program.aggregations);
  archive(program.strings);
  archive(program.settings);
  archive.size(program.macro_argument_count);
  archive(program.stability);
}

// ---------------------------------------------------------------- encoding

class Encoder {
 public:
  template <typename... Values>
  void operator()(const Values&... values) {
    (put(values), ...);
  }
  template <typename T>
  void list(std::string_view /*label*/, const std::vector<T>& items) {
    put(items);
  }
  void size(std::size_t value) { put(static_cast<std::uint64_t>(value)); }

  class Nesting {
   public:
    explicit Nesting(std::size_t& depth) : depth_(depth) {
      if (++depth_ > max_statement_depth) {
        throw ObjectError("cannot encode a compiled object: if statements are nested more than " +
                          std::to_string(max_statement_depth) + " deep");
      }
    }
    ~Nesting() { --depth_; }
    Nesting(const Nesting&) = delete;
    Nesting& operator=(const Nesting&) = delete;

   private:
    std::size_t& depth_;
  };
  [[nodiscard]] Nesting nest() { return Nesting(depth_); }

  std::vector<std::uint8_t>& bytes() { return bytes_; }

 private:
  void put(bool value) { bytes_.push_back(value ? 1 : 0); }
  template <std::unsigned_integral Unsigned>
  void put(Unsigned value) {
    static_assert(sizeof(Unsigned) == 1 || sizeof(Unsigned) == 4 || sizeof(Unsigned) == 8);
    append_little_endian(bytes_, value);
  }
  void put(std::int64_t value) { put(static_cast<std::uint64_t>(value)); }
  template <typename Enum>
  requires std::is_enum_v<Enum>
  void put(Enum value) {
    static_assert(std::is_same_v<std::underlying_type_t<Enum>, std::uint8_t>);
    put(static_cast<std::uint8_t>(value));
  }
  void put(const std::string& text) {
    count(text.size());
    bytes_.insert(bytes_.end(), text.begin(), text.end());
  }
  template <typename T>
  void put(const std::optional<T>& value) {
    put(value.has_value());
    if (value) put(*value);
  }
  template <typename T>
  void put(const std::vector<T>& items) {
    count(items.size());
    for (const T& item : items) put(item);
  }
  template <typename T>
  requires std::is_class_v<T>
  void put(const T& value) { describe(*this, value); }

  void count(std::size_t value) {
    if (value > std::numeric_limits<std::uint32_t>::max()) {
      throw ObjectError("cannot encode a compiled object: a list or string of " +
                        std::to_string(value) + " entries is too long for the object format");
    }
    put(static_cast<std::uint32_t>(value));
  }

  std::vector<std::uint8_t> bytes_;
  std::size_t depth_ = 0;
};

// The fewest payload bytes one T can take (its encoding with every string and
// list empty), so a hostile count can be rejected before allocating.
template <typename T>
std::size_t minimum_size() {
  static const std::size_t size = [] {
    Encoder encoder;
    encoder(T{});
    return encoder.bytes().size();
  }();
  return size;
}

// ---------------------------------------------------------------- decoding

class Decoder {
 public:
  Decoder(std::span<const std::uint8_t> payload, const std::string& name)
      : payload_(payload), name_(name) {}

  template <typename... Values>
  void operator()(Values&... values) {
    (get(values), ...);
  }
  template <typename T>
  void list(std::string_view label, std::vector<T>& items) {
    items.resize(count(minimum_size<T>()));
    for (std::size_t index = 0; index < items.size(); ++index) {
      context_.emplace_back(label, index);
      get(items[index]);
      context_.pop_back();
    }
  }
  void size(std::size_t& value) {
    std::uint64_t wide = 0;
    get(wide);
    if (wide > std::numeric_limits<std::size_t>::max())
      corrupt("a size of " + std::to_string(wide));
    value = static_cast<std::size_t>(wide);
  }

  class Nesting {
   public:
    explicit Nesting(Decoder& decoder) : decoder_(decoder) {
      if (++decoder_.depth_ > max_statement_depth) {
        decoder_.corrupt("if statements nested more than " + std::to_string(max_statement_depth) +
                         " deep");
      }
    }
    ~Nesting() { --decoder_.depth_; }
    Nesting(const Nesting&) = delete;
    Nesting& operator=(const Nesting&) = delete;

   private:
    Decoder& decoder_;
  };
  [[nodiscard]] Nesting nest() { return Nesting(*this); }

  std::size_t remaining() const { return payload_.size() - position_; }

  [[noreturn]] void corrupt(const std::string& what) const {
    std::vector<std::string> places;
    for (const auto& [label, index] : context_) {
      if (!label.empty()) places.push_back(std::string(label) + " " + std::to_string(index));
    }
    // Deeply nested if bodies would make the path as long as the nesting.
    constexpr std::size_t shown_at_each_end = 3;
    if (places.size() > 2 * shown_at_each_end + 1) {
      places.erase(places.begin() + shown_at_each_end + 1, places.end() - shown_at_each_end);
      places[shown_at_each_end] = "...";
    }
    std::string where;
    for (const std::string& place : places) where += (where.empty() ? "" : ", ") + place;
    if (!where.empty()) where += ": ";
    throw ObjectError(name_ + " is corrupted: " + where + what + " (at payload byte " +
                      std::to_string(position_) + ")");
  }

 private:
  std::span<const std::uint8_t> take(std::size_t length) {
    if (length > remaining()) corrupt("a value runs past the end of the payload");
    const auto bytes = payload_.subspan(position_, length);
    position_ += length;
    return bytes;
  }

  std::uint8_t byte_that_is_0_or_1(std::string_view what) {
    const std::uint8_t value = take(1)[0];
    if (value > 1) corrupt(std::string(what) + " " + std::to_string(value) + " out of range");
    return value;
  }

  void get(bool& value) { value = byte_that_is_0_or_1("boolean") == 1; }
  template <std::unsigned_integral Unsigned>
  void get(Unsigned& value) {
    static_assert(sizeof(Unsigned) == 1 || sizeof(Unsigned) == 4 || sizeof(Unsigned) == 8);
    value = read_little_endian<Unsigned>(take(sizeof(Unsigned)));
  }
  void get(std::int64_t& value) {
    std::uint64_t bits = 0;
    get(bits);
    value = static_cast<std::int64_t>(bits);
  }
  template <typename Enum>
  requires std::is_enum_v<Enum>
  void get(Enum& value) {
    const std::uint8_t raw = take(1)[0];
    if (raw > static_cast<std::uint8_t>(EnumRange<Enum>::last)) {
      corrupt(std::string(EnumRange<Enum>::noun) + " " + std::to_string(raw) + " out of range");
    }
    value = static_cast<Enum>(raw);
  }
  void get(std::string& text) {
    const std::uint32_t length = read_little_endian<std::uint32_t>(take(4));
    if (length > remaining()) {
      corrupt("a string of " + std::to_string(length) + " bytes runs past the end of the payload");
    }
    const auto bytes = take(length);
    text.assign(bytes.begin(), bytes.end());
  }
  template <typename T>
  void get(std::optional<T>& value) {
    if (byte_that_is_0_or_1("presence byte") == 0) {
      value.reset();
      return;
    }
    T present{};
    get(present);
    value = std::move(present);
  }
  template <typename T>
  void get(std::vector<T>& items) {
    list("", items);
  }
  template <typename T>
  requires std::is_class_v<T>
  void get(T& value) { describe(*this, value); }

  std::size_t count(std::size_t minimum_element_size) {
    const std::uint32_t value = read_little_endian<std::uint32_t>(take(4));
    if (static_cast<std::uint64_t>(value) * minimum_element_size > remaining()) {
      corrupt("a list of " + std::to_string(value) + " entries runs past the end of the payload");
    }
    return value;
  }

  std::span<const std::uint8_t> payload_;
  std::size_t position_ = 0;
  const std::string& name_;
  std::vector<std::pair<std::string_view, std::size_t>> context_;
  std::size_t depth_ = 0;
};

// ---------------------------------------------------------------- validation

// Checks every index and count the consumer follows without checking, so a
// decoded Program can be interpreted without bounds checks. Messages name the
// place: "clause 2, node 7: child 19 out of range (the clause has 12 nodes)".
class Validator {
 public:
  explicit Validator(const Program& program) : program_(program) {}

  // The first inconsistency, or nullopt.
  std::optional<std::string> first_problem() {
    try {
      check_program();
    } catch (const Problem& problem) {
      return problem.message;
    }
    return std::nullopt;
  }

 private:
  struct Problem {
    std::string message;
  };
  [[noreturn]] static void fail(const std::string& where, const std::string& what) {
    throw Problem{where + ": " + what};
  }
  static std::string out_of_range(std::string_view what, std::uint64_t value, std::size_t size,
                                  std::string_view owner) {
    return std::string(what) + " " + std::to_string(value) + " out of range (" +
           std::string(owner) + " " + std::to_string(size) + ")";
  }

  void check_program() {
    if (auto problem = settings_problem(program_.settings)) fail("settings", *problem);
    for (std::size_t index = 0; index < program_.aggregations.size(); ++index) {
      check_aggregation(index);
    }
    for (std::size_t index = 0; index < program_.clauses.size(); ++index) check_clause(index);
  }

  // What the compiler requires of the parameters, in its words: an edited
  // bound must not size a histogram beyond what the compiler would allow.
  void check_aggregation(std::size_t index) {
    const Aggregation& aggregation = program_.aggregations[index];
    const std::string_view function = function_info(aggregation.function).name;
    if (auto problem = aggregation_parameters_problem(aggregation.function, aggregation.parameters, function)) {
      fail("aggregation " + std::to_string(index) + " (" + aggregation.name + ")", *problem);
    }
  }

  void check_clause(std::size_t index) {
    const Clause& clause = program_.clauses[index];
    const std::string where = "clause " + std::to_string(index);
    for (std::size_t probe = 0; probe < clause.probes.size(); ++probe) {
      check_probe(clause, clause.probes[probe], where + ", probe " + std::to_string(probe));
    }
    for (std::size_t node = 0; node < clause.nodes.size(); ++node) {
      check_node(clause, node, where + ", node " + std::to_string(node));
    }
    if (clause.predicate) check_node_index(clause, *clause.predicate, where, "predicate node");
    if (clause.residual) check_node_index(clause, *clause.residual, where, "residual node");
    check_statements(clause, clause.body, where, "statement");
  }

  void check_probe(const Clause& clause, const ClauseProbe& probe, const std::string& where) {
    if (probe.kind == ProbeKind::Tick && probe.period_ns == 0)
      fail(where, "tick with a zero period");
    if (probe.kind != ProbeKind::Tracepoint) return;
    if (probe.event >= program_.events.size()) {
      fail(where, out_of_range("event", probe.event, program_.events.size(), "the program has"));
    }
    const EventUse& event = program_.events[probe.event];
    if (probe.fields.size() != clause.field_slots.size()) {
      fail(where, std::to_string(probe.fields.size()) + " field references for " +
                      std::to_string(clause.field_slots.size()) + " field slots");
    }
    for (std::size_t slot = 0; slot < probe.fields.size(); ++slot) {
      const FieldRef& reference = probe.fields[slot];
      const std::string slot_where =
          where + ", field slot " + std::to_string(slot) + " (" + clause.field_slots[slot] + ")";
      if (reference.common && reference.index >= program_.common_fields.size()) {
        fail(slot_where, out_of_range("common field", reference.index,
                                      program_.common_fields.size(), "the program has"));
      }
      if (!reference.common && reference.index >= event.fields.size()) {
        fail(slot_where, out_of_range("field", reference.index, event.fields.size(),
                                      event.provider + ":" + event.name + " has"));
      }
      // The consumer reads a slot by its name from the live format and holds
      // that name to the catalogue and the site policy: the layout it was
      // typed against must be that field's, or checking and reading could
      // be told apart by an edit.
      const FieldLayout& referenced =
          reference.common ? program_.common_fields[reference.index] : event.fields[reference.index];
      if (referenced.name != clause.field_slots[slot]) {
        fail(slot_where, "refers to the layout of field " + referenced.name + ", not of the field it names");
      }
    }
  }

  void check_node_index(const Clause& clause, std::uint32_t node, const std::string& where,
                        std::string_view what) {
    if (node >= clause.nodes.size()) {
      fail(where, out_of_range(what, node, clause.nodes.size(), "the clause has"));
    }
  }

  void check_node(const Clause& clause, std::size_t index, const std::string& where) {
    const Node& node = clause.nodes[index];
    for (const std::uint32_t child : node.children) {
      check_node_index(clause, child, where, "child");
      if (child >= index) {
        fail(where, "child " + std::to_string(child) +
                        " is not a lower-numbered node (children must precede their parents)");
      }
    }
    const auto arity = [&](std::size_t expected) {
      if (node.children.size() != expected) {
        fail(where, std::to_string(node.children.size()) + " children where " +
                        std::to_string(expected) + " are expected");
      }
    };
    const auto sub_at_most = [&](auto last, std::string_view what) {
      if (node.sub > static_cast<std::uint8_t>(last)) {
        fail(where, std::string(what) + " " + std::to_string(node.sub) + " out of range");
      }
    };
    switch (node.op) {
      case Op::Integer:
        arity(0);
        break;
      case Op::String:
        arity(0);
        if (node.symbol >= program_.strings.size()) {
          fail(where,
               out_of_range("string", node.symbol, program_.strings.size(), "the program has"));
        }
        break;
      case Op::Builtin:
        arity(0);
        if (node.symbol >= builtin_count) {
          fail(where, out_of_range("built-in variable", node.symbol, builtin_count, "there are"));
        }
        break;
      case Op::Field:
        arity(0);
        check_field_slot(clause, node, where);
        break;
      case Op::Element:
        arity(1);
        check_field_slot(clause, node, where);
        break;
      case Op::Load:
        arity(check_variable(node, where).key_types.size());
        break;
      case Op::Store:
        arity(check_variable(node, where).key_types.size() + 1);
        sub_at_most(AssignOperator::BitOr, "assignment operator");
        break;
      case Op::IncDec:
        arity(check_variable(node, where).key_types.size());
        sub_at_most(3, "increment/decrement form");
        break;
      case Op::Unary:
        arity(1);
        sub_at_most(UnaryOperator::BitNot, "unary operator");
        break;
      case Op::Binary:
        arity(2);
        sub_at_most(BinaryOperator::LogicalOr, "binary operator");
        break;
      case Op::Conditional:
        arity(3);
        break;
      case Op::Cast:
        arity(1);
        break;
      case Op::Call:
        if (node.symbol >= function_count) {
          fail(where, out_of_range("function", node.symbol, function_count, "there are"));
        }
        if (node.symbol == static_cast<std::uint32_t>(Function::ValueName)) {
          arity(1);
          if (clause.nodes[node.children[0]].op != Op::Field) fail(where, "the name of a value is taken of a field only");
        }
        break;
      case Op::AggregationRef:
        arity(0);
        check_aggregation_index(node.symbol, where);
        break;
      case Op::MacroArg:
        arity(0);
        if (node.symbol == 0 || node.symbol > program_.macro_argument_count) {
          fail(where, "macro argument $" + std::to_string(node.symbol) +
                          " out of range (the program reads $1.." +
                          std::to_string(program_.macro_argument_count) + ")");
        }
        break;
    }
  }

  void check_field_slot(const Clause& clause, const Node& node, const std::string& where) {
    if (node.symbol >= clause.field_slots.size()) {
      fail(where,
           out_of_range("field slot", node.symbol, clause.field_slots.size(), "the clause has"));
    }
  }

  const Variable& check_variable(const Node& node, const std::string& where) {
    if (node.symbol >= program_.variables.size()) {
      fail(where,
           out_of_range("variable", node.symbol, program_.variables.size(), "the program has"));
    }
    return program_.variables[node.symbol];
  }

  const Aggregation& check_aggregation_index(std::uint32_t aggregation, const std::string& where) {
    if (aggregation >= program_.aggregations.size()) {
      fail(where, out_of_range("aggregation", aggregation, program_.aggregations.size(),
                               "the program has"));
    }
    return program_.aggregations[aggregation];
  }

  void check_statements(const Clause& clause, const std::vector<Statement>& statements,
                        const std::string& where, std::string_view label) {
    for (std::size_t index = 0; index < statements.size(); ++index) {
      const Statement& statement = statements[index];
      const std::string here = where + ", " + std::string(label) + " " + std::to_string(index);
      for (const std::uint32_t key : statement.keys)
        check_node_index(clause, key, here, "key node");
      for (const std::uint32_t argument : statement.arguments) {
        check_node_index(clause, argument, here, "argument node");
      }
      switch (statement.kind) {
        case Statement::Kind::Evaluate:
        case Statement::Kind::If:
          check_node_index(clause, statement.expression, here, "expression node");
          break;
        case Statement::Kind::Aggregate: {
          const Aggregation& aggregation = check_aggregation_index(statement.aggregation, here);
          if (statement.keys.size() != aggregation.key_types.size()) {
            fail(here, std::to_string(statement.keys.size()) + " keys for " + aggregation.name +
                           ", which has " + std::to_string(aggregation.key_types.size()));
          }
          break;
        }
      }
      check_statements(clause, statement.then_body, here, "then");
      check_statements(clause, statement.else_body, here, "else");
    }
  }

  const Program& program_;
};

// ---------------------------------------------------------------- files

// Reads up to `limit` bytes; nullopt with errno set on a read error.
std::optional<std::vector<std::uint8_t>> read_all(int fd, std::size_t limit) {
  std::vector<std::uint8_t> bytes;
  std::uint8_t buffer[65536];
  while (bytes.size() < limit) {
    const std::size_t wanted = std::min(sizeof buffer, limit - bytes.size());
    const ssize_t got = ::read(fd, buffer, wanted);
    if (got < 0) {
      if (errno == EINTR) continue;
      return std::nullopt;
    }
    if (got == 0) break;
    bytes.insert(bytes.end(), buffer, buffer + got);
  }
  return bytes;
}

}  // namespace

// ---------------------------------------------------------------- public interface

std::vector<std::uint8_t> encode_object(const Program& program) {
  Encoder payload;
  payload(program);
  const std::vector<std::uint8_t>& body = payload.bytes();

  std::vector<std::uint8_t> bytes(magic.begin(), magic.end());
  bytes.reserve(header_size + body.size() + checksum_size);
  append_little_endian(bytes, object_format_version);
  append_little_endian(bytes, static_cast<std::uint64_t>(body.size()));
  bytes.insert(bytes.end(), body.begin(), body.end());
  append_little_endian(bytes, fnv1a(body));
  return bytes;
}

Program decode_object(const std::vector<std::uint8_t>& bytes, const std::string& name) {
  const std::span<const std::uint8_t> file(bytes);
  if (file.empty()) throw ObjectError(name + " is empty: it is not a Probity compiled object");

  const std::size_t magic_bytes = std::min(file.size(), magic.size());
  if (!std::equal(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(magic_bytes),
                  magic.begin())) {
    throw ObjectError(name + " is not a Probity compiled object");
  }
  if (file.size() < magic.size() + 4) {
    throw ObjectError(name + " is truncated: " + std::to_string(file.size()) +
                      " bytes, too short to hold the object format version");
  }
  const auto version = read_little_endian<std::uint32_t>(file.subspan(magic.size()));
  if (version != object_format_version) {
    throw ObjectError(name + " was compiled by a Probity with object format " +
                      std::to_string(version) + "; this probity reads format " +
                      std::to_string(object_format_version) + ": recompile it with probity -e -o");
  }
  if (file.size() < header_size) {
    throw ObjectError(name + " is truncated: " + std::to_string(file.size()) +
                      " bytes, shorter than the " + std::to_string(header_size) +
                      "-byte object header");
  }
  const auto declared = read_little_endian<std::uint64_t>(file.subspan(magic.size() + 4));
  const std::size_t available = file.size() - header_size;
  if (declared > available || available - declared < checksum_size) {
    throw ObjectError(name + " is truncated: its header declares a " + std::to_string(declared) +
                      "-byte payload and checksum, but only " + std::to_string(available) +
                      " bytes follow the header");
  }
  const auto payload_bytes = static_cast<std::size_t>(declared);
  if (const std::size_t extra = available - payload_bytes - checksum_size; extra != 0) {
    throw ObjectError(name + " has " + std::to_string(extra) +
                      " unexpected bytes after its checksum");
  }
  const auto payload = file.subspan(header_size, payload_bytes);
  const auto stored_checksum =
      read_little_endian<std::uint64_t>(file.subspan(header_size + payload_bytes));
  if (fnv1a(payload) != stored_checksum)
    throw ObjectError(name + " is corrupted: checksum mismatch");

  Program program;
  Decoder decoder(payload, name);
  decoder(program);
  if (decoder.remaining() != 0) {
    decoder.corrupt(std::to_string(decoder.remaining()) + " bytes left over after the program");
  }
  if (auto problem = Validator(program).first_problem()) {
    throw ObjectError(name + " is corrupted: " + *problem);
  }
  return program;
}

void write_object(const Program& program, const std::filesystem::path& file) {
  // Refuse here what decode_object would refuse, so a compiler bug shows up
  // at `probity -e -o` rather than when the object is run.
  if (auto problem = Validator(program).first_problem()) {
    throw ObjectError("cannot write " + file.string() +
                      ": the compiled program is inconsistent (a compiler bug): " + *problem);
  }
  std::vector<std::uint8_t> bytes;
  try {
    bytes = encode_object(program);
  } catch (const ObjectError& error) {
    throw ObjectError("cannot write " + file.string() + ": " + error.what());
  }
  // Only a regular file (or none) is replaced, all at once: never a device, a
  // FIFO or what a symbolic link points to.
  try {
    io::write_file_atomically(file, {reinterpret_cast<const char*>(bytes.data()), bytes.size()});
  } catch (const io::FileError& error) {
    throw ObjectError(error.what());
  }
}

Program read_object(const std::filesystem::path& file) {
  io::UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) throw ObjectError("cannot read " + file.string() + ": " + errno_text(errno));
  auto bytes = read_all(fd.get(), std::numeric_limits<std::size_t>::max());
  if (!bytes) throw ObjectError("cannot read " + file.string() + ": " + errno_text(errno));
  return decode_object(*bytes, file.string());
}

bool looks_like_object(const std::filesystem::path& file) {
  io::UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return false;
  const auto start = read_all(fd.get(), magic.size());
  return start && std::equal(start->begin(), start->end(), magic.begin(), magic.end());
}

}  // namespace probity::compiler
