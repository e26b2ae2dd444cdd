// Kernel filter pushdown: the conjuncts of a clause's predicate that a
// tracefs event filter evaluates with exactly D's meaning are handed to the
// kernel, so events that fail them never reach user space; the rest stay in
// user space. A conjunct the kernel would evaluate differently is a silent
// loss of data, so anything not proven equivalent stays in user space.
//
// The kernel's side (kernel/trace/trace_events_filter.c, 6.1 and 6.12):
//  - Integers: `field OP value` compares in the field's own C type, the value
//    cast to it; `field & value` is !!(field & value). D compares in 64 bits
//    after promotion (to int64, or to uint64 when an operand is a u-suffixed
//    constant or a 64-bit unsigned value). The two agree when the constant is
//    a value of the field's type, except that in D's unsigned comparison a
//    negative field value is huge: there only == != & are equivalent.
//  - Strings (char[N], __data_loc char[], __rel_loc char[]; COMM is
//    current->comm): == != ~ with a quoted operand. Quotes are " or ' with no
//    escapes, at most 255 characters.
//  - ~ patterns (filter_parse_regex): a leading '!' negates; a leading digit
//    turns globbing off; "*x" and "*x*" are matched by hand-written suffix
//    and substring matchers that look at the whole char[N] buffer rather than
//    the string (and past its NUL), so such patterns are sent as "**x" and
//    "**x*", which the kernel matches with glob_match_len() like any other
//    pattern. glob_match_len() is fnmatch(pattern, string, 0) for * ? and
//    [...] classes led by '!'; it has no [^...], no [:class:], and its ranges
//    are byte ranges: only patterns within that common ground are pushed.
//  - CPU and COMM are generic fields: the recording CPU and current->comm at
//    record time, which are what D's cpu and execname mean. The kernel
//    resolves a name to the event's own field first, so neither is used for
//    an event that has a field of that name. CPU & value is always false in
//    the kernel: not pushed.
//  - pid is the thread group id, which the record does not hold (common_pid
//    is the thread id: D's tid), so it is never pushed.
//  - A field whose C type is not its slot (catalogue::value_shape): every
//    system call argument is recorded as an unsigned long, so `pid_t pid`
//    is an 8-byte unsigned slot holding the caller's register, whose upper
//    32 bits the system call ignores and D ignores too. The kernel compares
//    the whole slot, unsigned. A value narrower than its slot is only read
//    by bit tests of its low bits (`slot & mask`): == and != as tests of
//    each bit, < 0 and >= 0 as the sign bit, & with a mask of the value's
//    width; other orderings stay in user space. A signed value as wide as
//    its unsigned slot is the same bits: == != & as they are, orderings as
//    ranges of the unsigned slot (the negatives lie above the others).
#include <cctype>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "filter_verify.hpp"
#include "passes/passes.hpp"

namespace probity::compiler::passes {
namespace {

using catalogue::FieldKind;
using catalogue::FieldLayout;

// A write to events/*/filter of PAGE_SIZE (4096) bytes or more is refused;
// one byte is spared for a trailing newline.
constexpr std::size_t max_filter_length = 4094;
// MAX_FILTER_STR_VAL - 1: the longest quoted operand the kernel takes.
constexpr std::size_t max_string_operand = 255;

// Names the kernel or libtracefs resolve even when the event has no such
// field (generic fields, libtracefs' histogram pseudo-fields): a field of
// that name that some event lacks would silently mean something else there.
constexpr std::string_view names_resolved_without_a_field[] = {
    "CPU", "cpu", "common_cpu", "COMM", "comm", "stacktrace", "STACKTRACE", "common_timestamp",
};

// Pure functions: a predicate conjunct that calls anything else may have a
// side effect (speculation(), ...), and so may every assignment; a division
// by anything but a non-zero constant may fail, which D reports: either is
// an effect that filtering in the kernel first would suppress.
constexpr std::string_view pure_functions[] = {"strlen", "strjoin", "substr", "strstr", "str", "lltostr"};

template <class... Handlers>
struct Overloaded : Handlers... {
  using Handlers::operator()...;
};
template <class... Handlers>
Overloaded(Handlers...) -> Overloaded<Handlers...>;

// A pushed expression rendered as filter text, twice: for the kernel, and for
// libtracefs' verifier, which rejects a minus sign before a number although
// the kernel's parser takes one (kstrtoll). The two texts differ only there,
// and libtracefs checks no number's value, so verifying the second checks the
// first; the values are checked against the field types here.
struct Rendered {
  std::string kernel;
  std::string verify;
  bool compound = false;  // && or || at the top: parenthesised as an operand
};

Rendered parenthesised(const Rendered& operand) {
  if (!operand.compound) return operand;
  return {"(" + operand.kernel + ")", "(" + operand.verify + ")", false};
}

Rendered joined(const Rendered& left, std::string_view connective, const Rendered& right) {
  const Rendered l = parenthesised(left);
  const Rendered r = parenthesised(right);
  const std::string glue = " " + std::string(connective) + " ";
  return {l.kernel + glue + r.kernel, l.verify + glue + r.verify, true};
}

Rendered negated(const Rendered& operand) {
  return {"!(" + operand.kernel + ")", "!(" + operand.verify + ")", false};
}

Rendered conjunction(const std::vector<Rendered>& conjuncts) {
  if (conjuncts.size() == 1) return conjuncts.front();
  Rendered all = conjuncts.front();
  for (std::size_t i = 1; i < conjuncts.size(); ++i) all = joined(all, "&&", conjuncts[i]);
  return all;
}

using catalogue::IntegerShape;

// A field whose value is not its slot as the kernel compares it.
struct Reinterpretation {
  IntegerShape value;  // its C type
  IntegerShape slot;   // what the record holds and the kernel compares

  friend bool operator==(const Reinterpretation&, const Reinterpretation&) = default;
};

// A field or built-in as the kernel filter names it.
struct Operand {
  std::string name;
  bool is_string = false;
  std::vector<IntegerShape> shapes;  // an integer's C type in each event that has it
  bool unsigned_64_in_d = false;     // D's type is uint64: D compares it unsigned
  bool allows_bit_and = true;        // the kernel evaluates `name & value`
  std::optional<Reinterpretation> reinterpreted;  // the same in every event that has it
};

// An integer constant as D sees it: `bits` read as int64, or as uint64 when
// is_unsigned.
struct Constant {
  std::uint64_t bits = 0;
  bool is_unsigned = false;

  bool negative() const { return !is_unsigned && static_cast<std::int64_t>(bits) < 0; }
  std::uint64_t magnitude() const { return negative() ? std::uint64_t{0} - bits : bits; }
  std::string kernel_numeral() const { return (negative() ? "-" : "") + std::to_string(magnitude()); }
  std::string verify_numeral() const { return std::to_string(magnitude()); }
};

bool fits(const Constant& constant, const IntegerShape& shape) {
  const unsigned bits = shape.size * 8;
  if (constant.negative()) return shape.is_signed && constant.magnitude() <= (std::uint64_t{1} << (bits - 1));
  const std::uint64_t max = shape.is_signed ? (std::uint64_t{1} << (bits - 1)) - 1
                            : bits == 64    ? std::numeric_limits<std::uint64_t>::max()
                                            : (std::uint64_t{1} << bits) - 1;
  return constant.magnitude() <= max;
}

bool is_kernel_integer_size(std::uint32_t size) { return size == 1 || size == 2 || size == 4 || size == 8; }

// The bits of a value of `size` bytes.
std::uint64_t low_mask(std::uint32_t size) {
  return size >= 8 ? std::numeric_limits<std::uint64_t>::max() : (std::uint64_t{1} << (size * 8)) - 1;
}

std::optional<Constant> integer_constant(const ast::Expr& expr) {
  if (const auto* literal = std::get_if<ast::IntegerLiteral>(&expr.node)) {
    const bool unsigned_type = expr.resolved.type.is_integer() && !expr.resolved.type.is_signed;
    return Constant{literal->value, literal->is_unsigned || unsigned_type ||
                                        literal->value > std::uint64_t{std::numeric_limits<std::int64_t>::max()}};
  }
  if (const auto* unary = std::get_if<ast::Unary>(&expr.node)) {
    if (unary->op != ast::UnaryOp::Negate || !unary->operand) return std::nullopt;
    if (!std::holds_alternative<ast::IntegerLiteral>(unary->operand->node)) return std::nullopt;
    const std::optional<Constant> operand = integer_constant(*unary->operand);
    // -5u is a huge unsigned value in D: not worth the risk.
    if (!operand || operand->is_unsigned) return std::nullopt;
    if (expr.resolved.type.is_integer() && !expr.resolved.type.is_signed) return std::nullopt;
    return Constant{std::uint64_t{0} - operand->bits, false};
  }
  return std::nullopt;
}

bool is_zero(const ast::Expr& expr) {
  const std::optional<Constant> constant = integer_constant(expr);
  return constant && constant->bits == 0;
}

const std::string* string_literal(const ast::Expr& expr) {
  const auto* literal = std::get_if<ast::StringLiteral>(&expr.node);
  return literal != nullptr ? &literal->value : nullptr;
}

// `text` as a quoted kernel filter operand, if the kernel can take it as is.
std::optional<std::string> filter_operand(std::string_view text) {
  if (text.size() > max_string_operand) return std::nullopt;
  for (const char c : text) {
    if (c < 0x20 || c > 0x7e) return std::nullopt;  // control bytes, NUL, non-ASCII
  }
  // libtracefs' verifier reads a backslash as escaping the next character,
  // the kernel does not: one just before the closing quote would derail it.
  if (!text.empty() && text.back() == '\\') return std::nullopt;
  const bool has_double = text.find('"') != std::string_view::npos;
  const bool has_single = text.find('\'') != std::string_view::npos;
  if (has_double && has_single) return std::nullopt;  // no escapes: not expressible
  const char quote = has_double ? '\'' : '"';
  return quote + std::string(text) + quote;
}

bool same_range_class(char low, char high) {
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  const auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
  const auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  return low <= high && ((digit(low) && digit(high)) || (lower(low) && lower(high)) || (upper(low) && upper(high)));
}

// The [...] class starting at pattern[open] ('['), if it is one the kernel
// and fnmatch read alike; returns the index of its closing ']'.
std::optional<std::size_t> class_end(std::string_view pattern, std::size_t open) {
  constexpr std::string_view special_in_class = "[]!^-\\";
  std::size_t at = open + 1;
  if (at < pattern.size() && pattern[at] == '!') ++at;
  std::size_t items = 0;
  while (at < pattern.size()) {
    const char c = pattern[at];
    if (c == ']') return items == 0 ? std::nullopt : std::optional<std::size_t>(at);
    if (special_in_class.find(c) != std::string_view::npos) return std::nullopt;
    if (at + 2 < pattern.size() && pattern[at + 1] == '-' && pattern[at + 2] != ']') {
      if (!same_range_class(c, pattern[at + 2])) return std::nullopt;
      at += 3;
    } else {
      ++at;
    }
    ++items;
  }
  return std::nullopt;  // unterminated: each side has its own fallback
}

// The pattern to send for D's `s ~ pattern`, if the kernel matches it exactly
// as fnmatch(pattern, s, 0) does.
std::optional<std::string> kernel_glob(std::string_view pattern) {
  if (pattern.find('\\') != std::string_view::npos) return std::nullopt;
  if (!pattern.empty() && pattern.front() == '!') return std::nullopt;
  const bool has_meta = pattern.find_first_of("*?[") != std::string_view::npos;
  if (!pattern.empty() && std::isdigit(static_cast<unsigned char>(pattern.front())) && has_meta) {
    return std::nullopt;
  }
  for (std::size_t at = 0; at < pattern.size(); ++at) {
    if (pattern[at] != '[') continue;
    const std::optional<std::size_t> end = class_end(pattern, at);
    if (!end) return std::nullopt;
    at = *end;
  }
  std::string kernel(pattern);
  if (kernel.starts_with('*') && !kernel.starts_with("**")) kernel.insert(0, 1, '*');
  return kernel;
}

bool has_side_effects(const ast::Expr& expr);

bool any_side_effects(const ast::ExprList& list) {
  for (const ast::ExprPtr& item : list) {
    if (item && has_side_effects(*item)) return true;
  }
  return false;
}

bool has_side_effects(const ast::Expr& expr) {
  const auto child = [](const ast::ExprPtr& e) { return e && has_side_effects(*e); };
  return std::visit(
      Overloaded{
          [](const ast::Assign&) { return true; },
          [](const ast::IncDec&) { return true; },
          [&](const ast::Call& call) {
            for (const std::string_view pure : pure_functions) {
              if (call.name == pure) return any_side_effects(call.arguments);
            }
            return true;
          },
          [&](const ast::Index& index) { return child(index.base) || any_side_effects(index.keys); },
          [&](const ast::Unary& unary) { return child(unary.operand); },
          [&](const ast::Binary& binary) {
            // A division by zero is a run-time error D reports for the event.
            const bool may_fail = (binary.op == ast::BinaryOp::Divide || binary.op == ast::BinaryOp::Modulo) &&
                                  !(binary.right && integer_constant(*binary.right) &&
                                    integer_constant(*binary.right)->bits != 0);
            return may_fail || child(binary.left) || child(binary.right);
          },
          [&](const ast::Conditional& conditional) {
            return child(conditional.condition) || child(conditional.if_true) || child(conditional.if_false);
          },
          [&](const ast::Cast& cast) { return child(cast.operand); },
          [](const auto&) { return false; },
      },
      expr.node);
}

void split_conjuncts(const ast::Expr& expr, std::vector<const ast::Expr*>& conjuncts) {
  if (const auto* binary = std::get_if<ast::Binary>(&expr.node);
      binary != nullptr && binary->op == ast::BinaryOp::LogicalAnd && binary->left && binary->right) {
    split_conjuncts(*binary->left, conjuncts);
    split_conjuncts(*binary->right, conjuncts);
    return;
  }
  conjuncts.push_back(&expr);
}

std::optional<std::string_view> comparison_text(ast::BinaryOp op) {
  switch (op) {
    case ast::BinaryOp::Equal: return "==";
    case ast::BinaryOp::NotEqual: return "!=";
    case ast::BinaryOp::Less: return "<";
    case ast::BinaryOp::LessEqual: return "<=";
    case ast::BinaryOp::Greater: return ">";
    case ast::BinaryOp::GreaterEqual: return ">=";
    default: return std::nullopt;
  }
}

// `constant OP x` as `x OP' constant`.
ast::BinaryOp mirrored(ast::BinaryOp op) {
  switch (op) {
    case ast::BinaryOp::Less: return ast::BinaryOp::Greater;
    case ast::BinaryOp::LessEqual: return ast::BinaryOp::GreaterEqual;
    case ast::BinaryOp::Greater: return ast::BinaryOp::Less;
    case ast::BinaryOp::GreaterEqual: return ast::BinaryOp::LessEqual;
    default: return op;
  }
}

bool is_ordering(ast::BinaryOp op) { return op != ast::BinaryOp::Equal && op != ast::BinaryOp::NotEqual; }

Rendered same_text(std::string text) { return {text, std::move(text), false}; }

Rendered slot_test(const std::string& name, std::string_view op, std::uint64_t number) {
  return same_text(name + " " + std::string(op) + " " + std::to_string(number));
}

// The low `size` bytes of the slot `name` are `bits`: each set bit set, no
// other bit of them set, whatever the bits above.
Rendered low_bits_equal(const std::string& name, std::uint32_t size, std::uint64_t bits) {
  const std::uint64_t mask = low_mask(size);
  bits &= mask;
  std::string text;
  for (unsigned bit = 0; bit < size * 8; ++bit) {
    if (((bits >> bit) & 1U) != 0) text += slot_test(name, "&", std::uint64_t{1} << bit).kernel + " && ";
  }
  if (const std::uint64_t clear = mask & ~bits; clear != 0) {
    text += negated(slot_test(name, "&", clear)).kernel;
  } else {
    text.resize(text.size() - 4);  // the last " && "
  }
  return {text, text, text.find("&&") != std::string::npos};
}

// `value OP constant` for a value narrower than its slot.
std::optional<Rendered> narrowed_comparison(const std::string& name, IntegerShape value, ast::BinaryOp op,
                                            std::int64_t constant) {
  const std::uint64_t sign = std::uint64_t{1} << (value.size * 8 - 1);
  const auto bits = static_cast<std::uint64_t>(constant);
  const bool zero = (bits & low_mask(value.size)) == 0;
  switch (op) {
    case ast::BinaryOp::Equal: return low_bits_equal(name, value.size, bits);
    case ast::BinaryOp::NotEqual:
      return zero ? slot_test(name, "&", low_mask(value.size)) : negated(low_bits_equal(name, value.size, bits));
    default: break;
  }
  const bool below_zero = (op == ast::BinaryOp::Less && constant == 0) || (op == ast::BinaryOp::LessEqual && constant == -1);
  const bool from_zero =
      (op == ast::BinaryOp::GreaterEqual && constant == 0) || (op == ast::BinaryOp::Greater && constant == -1);
  if (value.is_signed && below_zero) return slot_test(name, "&", sign);
  if (value.is_signed && from_zero) return negated(slot_test(name, "&", sign));
  if (!value.is_signed && op == ast::BinaryOp::Greater && constant == 0) return slot_test(name, "&", low_mask(value.size));
  if (!value.is_signed && op == ast::BinaryOp::LessEqual && constant == 0) return low_bits_equal(name, value.size, 0);
  return std::nullopt;
}

// `value OP constant` for a signed value in an unsigned slot of its width:
// the non-negative values are the slot's lower half, the negatives its upper
// half, each in order.
Rendered signed_in_unsigned_slot(const std::string& name, IntegerShape value, ast::BinaryOp op, std::int64_t constant) {
  const std::uint64_t sign = std::uint64_t{1} << (value.size * 8 - 1);
  const std::uint64_t bits = static_cast<std::uint64_t>(constant) & low_mask(value.size);
  const std::string op_text(*comparison_text(op));
  if (!is_ordering(op)) return slot_test(name, op_text, bits);
  const Rendered compared = slot_test(name, op_text, bits);
  const bool below = op == ast::BinaryOp::Less || op == ast::BinaryOp::LessEqual;
  if (constant < 0) {
    return below ? joined(slot_test(name, ">=", sign), "&&", compared) : joined(compared, "||", slot_test(name, "<", sign));
  }
  return below ? joined(compared, "||", slot_test(name, ">=", sign)) : joined(compared, "&&", slot_test(name, "<", sign));
}

// What the kernel can evaluate of one clause's predicate, for the clause's
// events and the catalogue's layouts of them.
class ClauseFilter {
 public:
  ClauseFilter(const Context& context, const ClauseInfo& info) : context_(context), info_(info) {}

  // `expr` used as a truth value, as kernel filter text; nullopt when the
  // kernel cannot evaluate it with D's meaning.
  std::optional<Rendered> truth(const ast::Expr& expr) const {
    return std::visit(Overloaded{
                          [&](const ast::Binary& binary) { return binary_truth(binary); },
                          [&](const ast::Unary& unary) -> std::optional<Rendered> {
                            if (unary.op != ast::UnaryOp::LogicalNot || !unary.operand) return std::nullopt;
                            const std::optional<Rendered> operand = truth(*unary.operand);
                            if (!operand) return std::nullopt;
                            return negated(*operand);
                          },
                          [&](const ast::FieldAccess&) { return integer_truth(expr); },
                          [&](const ast::Identifier&) { return integer_truth(expr); },
                          [](const auto&) -> std::optional<Rendered> { return std::nullopt; },
                      },
                      expr.node);
  }

 private:
  std::optional<Rendered> binary_truth(const ast::Binary& binary) const {
    if (!binary.left || !binary.right) return std::nullopt;
    const ast::Expr& left = *binary.left;
    const ast::Expr& right = *binary.right;
    switch (binary.op) {
      case ast::BinaryOp::LogicalAnd:
      case ast::BinaryOp::LogicalOr: {
        const std::optional<Rendered> l = truth(left);
        const std::optional<Rendered> r = l ? truth(right) : std::nullopt;
        if (!r) return std::nullopt;
        return joined(*l, binary.op == ast::BinaryOp::LogicalAnd ? "&&" : "||", *r);
      }
      case ast::BinaryOp::BitAnd:
        if (std::optional<Rendered> masked = bit_and(left, right)) return masked;
        return bit_and(right, left);
      case ast::BinaryOp::Glob: {
        const std::optional<Operand> string = operand(left);
        const std::string* pattern = string_literal(right);
        if (!string || !string->is_string || pattern == nullptr) return std::nullopt;
        const std::optional<std::string> glob = kernel_glob(*pattern);
        const std::optional<std::string> text = glob ? filter_operand(*glob) : std::nullopt;
        if (!text) return std::nullopt;
        const std::string filter = string->name + " ~ " + *text;
        return Rendered{filter, filter, false};
      }
      default: break;
    }
    if (!comparison_text(binary.op)) return std::nullopt;
    if (std::optional<Rendered> compared = comparison(left, binary.op, right)) return compared;
    if (std::optional<Rendered> compared = comparison(right, mirrored(binary.op), left)) return compared;
    // (x & mask) != 0, (x & mask) == 0, and mirrored.
    if (binary.op == ast::BinaryOp::Equal || binary.op == ast::BinaryOp::NotEqual) {
      const ast::Expr* masked = is_zero(right) ? &left : is_zero(left) ? &right : nullptr;
      const auto* and_node = masked != nullptr ? std::get_if<ast::Binary>(&masked->node) : nullptr;
      if (and_node != nullptr && and_node->op == ast::BinaryOp::BitAnd) {
        const std::optional<Rendered> test = binary_truth(*and_node);
        if (!test) return std::nullopt;
        return binary.op == ast::BinaryOp::NotEqual ? *test : negated(*test);
      }
    }
    return std::nullopt;
  }

  // `subject OP value` with subject a field or built-in.
  std::optional<Rendered> comparison(const ast::Expr& subject, ast::BinaryOp op, const ast::Expr& value) const {
    const std::optional<Operand> kernel_operand = operand(subject);
    if (!kernel_operand) return std::nullopt;
    const std::string op_text(*comparison_text(op));
    if (kernel_operand->is_string) {
      const std::string* text = string_literal(value);
      if (text == nullptr || is_ordering(op)) return std::nullopt;
      const std::optional<std::string> operand_text = filter_operand(*text);
      if (!operand_text) return std::nullopt;
      const std::string filter = kernel_operand->name + " " + op_text + " " + *operand_text;
      return Rendered{filter, filter, false};
    }
    const std::optional<Constant> constant = integer_constant(value);
    if (!constant) return std::nullopt;
    return integer_comparison(*kernel_operand, op, *constant);
  }

  static std::optional<Rendered> integer_comparison(const Operand& kernel_operand, ast::BinaryOp op,
                                                    const Constant& constant) {
    const bool unsigned_in_d = constant.is_unsigned || kernel_operand.unsigned_64_in_d;
    if (unsigned_in_d && constant.negative()) return std::nullopt;
    for (const IntegerShape& shape : kernel_operand.shapes) {
      if (!fits(constant, shape)) return std::nullopt;
      // D reads a negative value of a signed field as huge here: order differs.
      if (unsigned_in_d && shape.is_signed && is_ordering(op)) return std::nullopt;
    }
    if (const std::optional<Reinterpretation>& slot = kernel_operand.reinterpreted) {
      const auto value = static_cast<std::int64_t>(constant.bits);
      if (slot->value.size < slot->slot.size) return narrowed_comparison(kernel_operand.name, slot->value, op, value);
      if (slot->value.size == slot->slot.size && slot->value.is_signed && !slot->slot.is_signed && !unsigned_in_d) {
        return signed_in_unsigned_slot(kernel_operand.name, slot->value, op, value);
      }
      return std::nullopt;
    }
    const std::string prefix = kernel_operand.name + " " + std::string(*comparison_text(op)) + " ";
    return Rendered{prefix + constant.kernel_numeral(), prefix + constant.verify_numeral(), false};
  }

  // `subject & mask` as a truth value.
  std::optional<Rendered> bit_and(const ast::Expr& subject, const ast::Expr& mask) const {
    const std::optional<Operand> kernel_operand = operand(subject);
    const std::optional<Constant> constant = integer_constant(mask);
    if (!kernel_operand || kernel_operand->is_string || !kernel_operand->allows_bit_and || !constant) {
      return std::nullopt;
    }
    if (const std::optional<Reinterpretation>& slot = kernel_operand->reinterpreted) {
      // A mask within the value's bits, or a negative one that fits a signed
      // value, meets D's 64-bit value where it meets the slot's low bits.
      if (slot->value.size > slot->slot.size) return std::nullopt;
      if (!fits(*constant, slot->value) && (constant->negative() || constant->bits > low_mask(slot->value.size))) {
        return std::nullopt;
      }
      return slot_test(kernel_operand->name, "&", constant->bits & low_mask(slot->value.size));
    }
    // A mask that is a value of the field's type has no bits that D's
    // extension to 64 bits could meet while the kernel's cast drops them.
    for (const IntegerShape& shape : kernel_operand->shapes) {
      if (!fits(*constant, shape)) return std::nullopt;
    }
    const std::string prefix = kernel_operand->name + " & ";
    return Rendered{prefix + constant->kernel_numeral(), prefix + constant->verify_numeral(), false};
  }

  // A bare integer as a truth value: != 0.
  std::optional<Rendered> integer_truth(const ast::Expr& expr) const {
    const std::optional<Operand> kernel_operand = operand(expr);
    if (!kernel_operand || kernel_operand->is_string) return std::nullopt;
    return integer_comparison(*kernel_operand, ast::BinaryOp::NotEqual, Constant{0, false});
  }

  std::optional<Operand> operand(const ast::Expr& expr) const {
    if (const auto* access = std::get_if<ast::FieldAccess>(&expr.node)) return field_operand(expr, *access);
    if (std::holds_alternative<ast::Identifier>(expr.node)) return builtin_operand(expr);
    return std::nullopt;
  }

  const FieldLayout* layout_in(const catalogue::Event& event, std::string_view name) const {
    if (const catalogue::Field* own = event.find_field(name)) return &own->layout;
    for (const catalogue::Field& common : context_.catalogue.common_fields) {
      if (common.layout.name == name) return &common.layout;
    }
    return nullptr;
  }

  bool some_event_has_own_field(std::string_view name) const {
    for (const catalogue::Event* event : info_.events) {
      if (event->find_field(name) != nullptr) return true;
    }
    return false;
  }

  std::optional<Operand> field_operand(const ast::Expr& expr, const ast::FieldAccess& access) const {
    const std::int32_t slot = expr.resolved.field_slot;
    if (slot < 0 || static_cast<std::size_t>(slot) >= info_.field_slots.size()) return std::nullopt;
    Operand result;
    result.name = info_.field_slots[static_cast<std::size_t>(slot)];
    if (result.name != access.field) return std::nullopt;
    const ValueType& type = expr.resolved.type;
    if (!type.is_integer() && !type.is_string()) return std::nullopt;
    result.is_string = type.is_string();
    result.unsigned_64_in_d = type.is_integer() && !type.is_signed && type.size == 8;
    bool found = false;
    for (const catalogue::Event* event : info_.events) {
      const FieldLayout* layout = layout_in(*event, result.name);
      if (layout == nullptr) {
        // Left to verification, which rejects it, unless the kernel would
        // quietly read something else under that name.
        for (const std::string_view generic : names_resolved_without_a_field) {
          if (result.name == generic) return std::nullopt;
        }
        continue;
      }
      found = true;
      if (result.is_string) {
        if (layout->kind != FieldKind::String && layout->kind != FieldKind::DynamicString) return std::nullopt;
        continue;
      }
      // The kernel takes "char *" pointers for strings and refuses numbers.
      const bool numeric_pointer =
          layout->kind == FieldKind::Pointer && layout->type.find("char") == std::string::npos;
      if (layout->kind != FieldKind::Integer && !numeric_pointer) return std::nullopt;
      if (!is_kernel_integer_size(layout->size)) return std::nullopt;
      // D's value must be the field's value: same width, same signedness.
      const IntegerShape value = catalogue::value_shape(*layout);
      const IntegerShape recorded = catalogue::slot_shape(*layout);
      if (value.size != type.size || value.is_signed != type.is_signed) return std::nullopt;
      const std::optional<Reinterpretation> reinterpreted =
          value == recorded ? std::nullopt : std::optional<Reinterpretation>(Reinterpretation{value, recorded});
      // Events that store it differently would need different filters.
      if (!result.shapes.empty() && reinterpreted != result.reinterpreted) return std::nullopt;
      result.reinterpreted = reinterpreted;
      result.shapes.push_back(value);
    }
    if (!found) return std::nullopt;
    return result;
  }

  std::optional<Operand> builtin_operand(const ast::Expr& expr) const {
    const std::int32_t builtin = expr.resolved.builtin;
    if (builtin < 0 || builtin >= builtin_count) return std::nullopt;
    const ValueType& type = expr.resolved.type;
    Operand result;
    switch (static_cast<Builtin>(builtin)) {
      case Builtin::Tid: {
        if (!type.is_integer()) return std::nullopt;
        const FieldLayout* common_pid = nullptr;
        for (const catalogue::Field& common : context_.catalogue.common_fields) {
          if (common.layout.name == "common_pid") common_pid = &common.layout;
        }
        if (common_pid == nullptr || common_pid->kind != FieldKind::Integer ||
            !is_kernel_integer_size(common_pid->size)) {
          return std::nullopt;
        }
        result.name = common_pid->name;
        result.shapes.push_back(catalogue::slot_shape(*common_pid));
        result.unsigned_64_in_d = !type.is_signed && type.size == 8;
        return result;
      }
      case Builtin::Cpu:
        if (!type.is_integer() || some_event_has_own_field(generic_cpu_field)) return std::nullopt;
        result.name = generic_cpu_field;
        result.shapes.push_back({4, true});  // the kernel's generic field is an int
        result.unsigned_64_in_d = !type.is_signed && type.size == 8;
        result.allows_bit_and = false;  // filter_pred_cpu() has no case for &
        return result;
      case Builtin::Execname:
        if (!type.is_string() || some_event_has_own_field(generic_comm_field)) return std::nullopt;
        result.name = generic_comm_field;
        result.is_string = true;
        return result;
      default:
        return std::nullopt;
    }
  }

  const Context& context_;
  const ClauseInfo& info_;
};

std::string last_line(const std::string& text) {
  const std::size_t newline = text.rfind('\n');
  return newline == std::string::npos ? text : text.substr(newline + 1);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t newline = text.find('\n', start);
    const std::size_t end = newline == std::string::npos ? text.size() : newline;
    if (end > start) lines.push_back(text.substr(start, end - start));
    if (newline == std::string::npos) break;
    start = newline + 1;
  }
  return lines;
}

}  // namespace

void push_down_filters(Context& context) {
  std::map<const catalogue::Event*, EventFilterVerifier> verifiers;
  const std::size_t clause_count = std::min(context.program.clauses.size(), context.clauses.size());
  for (std::size_t index = 0; index < clause_count; ++index) {
    const ast::Clause& clause = context.program.clauses[index];
    ClauseInfo& info = context.clauses[index];
    info.kernel_filter.clear();
    info.pushed.clear();
    info.residual.clear();
    if (!clause.predicate) continue;

    std::vector<const ast::Expr*> conjuncts;
    split_conjuncts(*clause.predicate, conjuncts);
    if (info.events.empty()) {
      info.residual = conjuncts;
      continue;
    }

    // D evaluates the conjuncts left to right and stops at the first false
    // one; filtering in the kernel first is the same only while no conjunct
    // before a pushed one has an effect (an assignment, a call, an error).
    const ClauseFilter filter(context, info);
    std::vector<Rendered> pushed_text;
    bool side_effect_seen = false;
    for (const ast::Expr* conjunct : conjuncts) {
      side_effect_seen = side_effect_seen || has_side_effects(*conjunct);
      std::optional<Rendered> rendered = side_effect_seen ? std::nullopt : filter.truth(*conjunct);
      if (rendered) {
        pushed_text.push_back(*rendered);
        if (conjunction(pushed_text).kernel.size() > max_filter_length) {
          pushed_text.pop_back();
          rendered.reset();
        }
      }
      (rendered ? info.pushed : info.residual).push_back(conjunct);
    }
    if (pushed_text.empty()) continue;
    const Rendered kernel_filter = conjunction(pushed_text);

    std::optional<std::string> rejection;
    const catalogue::Event* rejecting_event = nullptr;
    for (const catalogue::Event* event : info.events) {
      const EventFilterVerifier& verifier =
          verifiers.try_emplace(event, context.catalogue.common_fields, *event).first->second;
      rejection = verifier.check(kernel_filter.verify);
      if (rejection) {
        rejecting_event = event;
        break;
      }
    }
    if (!rejection) {
      info.kernel_filter = kernel_filter.kernel;
      continue;
    }
    Diagnostic& warning = context.diagnostics.warning(
        "D_FILTER_REJECTED", clause.predicate->span,
        "the kernel filter for " + rejecting_event->provider + ":" + rejecting_event->name +
            " does not verify against the catalogue layout (" + last_line(*rejection) +
            "); the whole predicate is evaluated in user space",
        "the program still works, but every event reaches user space before the predicate is tested");
    warning.notes.push_back("kernel filter: " + kernel_filter.kernel);
    for (std::string& line : lines_of(*rejection)) warning.notes.push_back("libtracefs: " + line);
    info.pushed.clear();
    info.residual = conjuncts;
  }
}

}  // namespace probity::compiler::passes
