// The kernel filter pushdown pass over hand-built, typed ASTs: which
// conjuncts go to the kernel, the exact filter text, and the verification of
// that text with libtracefs against the catalogue's layouts.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <string>
#include <vector>

#include "filter_verify.hpp"
#include "passes/passes.hpp"
#include "probity/catalogue/index.hpp"
#include "support/typed_ast.hpp"

namespace probity::compiler {
namespace {

using passes::ClauseInfo;

const catalogue::Catalogue& shipped_catalogue() {
  static const catalogue::Catalogue loaded = [] {
    const catalogue::Index index = catalogue::Index::open(PROBITY_INDEX_FILE);
    const std::vector<std::string> releases = index.releases();
    if (releases.empty()) throw std::runtime_error("the shipped index has no release");
    return index.load(releases.back());
  }();
  return loaded;
}

using namespace test_support::typed_ast;

ast::ExprPtr global(std::string name) {
  ast::ExprPtr expr = ast::make_expr(ast::Identifier{std::move(name)}, span);
  expr->resolved.variable = 0;
  expr->resolved.type = ValueType::int64();
  return expr;
}

ast::ExprPtr increment(ast::ExprPtr target) {
  ast::ExprPtr expr = ast::make_expr(ast::IncDec{true, false, std::move(target)}, span);
  expr->resolved.type = ValueType::int64();
  return expr;
}

ast::ExprPtr call(std::string name, ast::ExprPtr argument, ValueType type) {
  ast::ExprList arguments;
  arguments.push_back(std::move(argument));
  ast::ExprPtr expr = ast::make_expr(ast::Call{std::move(name), std::move(arguments)}, span);
  expr->resolved.type = type;
  return expr;
}

ast::ExprPtr eq(ast::ExprPtr l, ast::ExprPtr r) { return binary(ast::BinaryOp::Equal, std::move(l), std::move(r)); }
ast::ExprPtr ne(ast::ExprPtr l, ast::ExprPtr r) { return binary(ast::BinaryOp::NotEqual, std::move(l), std::move(r)); }
ast::ExprPtr both(ast::ExprPtr l, ast::ExprPtr r) {
  return binary(ast::BinaryOp::LogicalAnd, std::move(l), std::move(r));
}
ast::ExprPtr either(ast::ExprPtr l, ast::ExprPtr r) {
  return binary(ast::BinaryOp::LogicalOr, std::move(l), std::move(r));
}
ast::ExprPtr glob(ast::ExprPtr l, std::string pattern) {
  return binary(ast::BinaryOp::Glob, std::move(l), string(std::move(pattern)));
}

// One program of one or more clauses, typed as the earlier passes leave it.
class Harness {
 public:
  explicit Harness(const catalogue::Catalogue& catalogue = shipped_catalogue()) : catalogue_(catalogue) {}

  // A clause enabling `events` ("provider:name"); none for a BEGIN clause.
  std::size_t clause(const std::vector<std::string>& events) {
    program_.clauses.emplace_back();
    ClauseInfo& info = context_.clauses.emplace_back();
    if (events.empty()) {
      program_.clauses.back().probes.push_back({ast::ProbeKind::Begin, "BEGIN", 0, span});
    }
    for (const std::string& event : events) {
      const std::size_t colon = event.find(':');
      const catalogue::Event* found = catalogue_.find_event(event.substr(0, colon), event.substr(colon + 1));
      if (found == nullptr) throw std::runtime_error("the catalogue has no event " + event);
      info.events.push_back(found);
    }
    return program_.clauses.size() - 1;
  }

  // args->name in clause `index`, typed from the first of its events that has it.
  ast::ExprPtr field(std::size_t index, const std::string& name) {
    ClauseInfo& info = context_.clauses.at(index);
    auto slot = std::find(info.field_slots.begin(), info.field_slots.end(), name);
    if (slot == info.field_slots.end()) slot = info.field_slots.insert(info.field_slots.end(), name);
    ast::ExprPtr expr = ast::make_expr(ast::FieldAccess{name, false}, span);
    expr->resolved.field_slot = static_cast<std::int32_t>(slot - info.field_slots.begin());
    for (const catalogue::Event* event : info.events) {
      const catalogue::Field* found = event->find_field(name);
      if (found == nullptr) {
        for (const catalogue::Field& common : catalogue_.common_fields) {
          if (common.layout.name == name) found = &common;
        }
      }
      if (found == nullptr) continue;
      const catalogue::FieldLayout& layout = found->layout;
      const bool text = layout.kind == catalogue::FieldKind::String ||
                        layout.kind == catalogue::FieldKind::DynamicString;
      const catalogue::IntegerShape value = catalogue::value_shape(layout);
      expr->resolved.type = text ? ValueType::string()
                                 : ValueType::integer(static_cast<std::uint8_t>(value.size), value.is_signed);
      return expr;
    }
    throw std::runtime_error("no event of the clause has field " + name);
  }

  void predicate(std::size_t index, ast::ExprPtr expr) { program_.clauses.at(index).predicate = std::move(expr); }

  const ClauseInfo& run(std::size_t index = 0) {
    passes::push_down_filters(context_);
    return context_.clauses.at(index);
  }

  const ast::Expr& predicate_of(std::size_t index) const { return *program_.clauses.at(index).predicate; }
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_.all(); }

 private:
  const catalogue::Catalogue& catalogue_;
  SourceFile source_{"test.d", ""};
  CompileOptions options_;
  Diagnostics diagnostics_;
  ast::Program program_;
  passes::Context context_{source_, catalogue_, options_, diagnostics_, program_, {}, {}, {}, {}, {}, 0, {}};
};

// The kernel filter of a one-clause program over `events` with the
// predicate `make(harness, clause)`; the whole of it must be pushed.
template <class Make>
std::string pushed_filter(const std::vector<std::string>& events, Make make) {
  Harness harness;
  const std::size_t clause = harness.clause(events);
  harness.predicate(clause, make(harness, clause));
  const ClauseInfo& info = harness.run(clause);
  EXPECT_TRUE(info.residual.empty()) << "left in user space: " << info.residual.size() << " conjunct(s)";
  EXPECT_TRUE(harness.diagnostics().empty()) << harness.diagnostics().front().message;
  return info.kernel_filter;
}

// The predicate stays entirely in user space.
template <class Make>
void stays_in_user_space(const std::vector<std::string>& events, Make make) {
  Harness harness;
  const std::size_t clause = harness.clause(events);
  harness.predicate(clause, make(harness, clause));
  const ClauseInfo& info = harness.run(clause);
  EXPECT_EQ(info.kernel_filter, "");
  EXPECT_TRUE(info.pushed.empty());
  ASSERT_EQ(info.residual.size(), 1u);
  EXPECT_EQ(info.residual.front(), &harness.predicate_of(clause));
  EXPECT_TRUE(harness.diagnostics().empty());
}

const std::vector<std::string> sched_switch{"sched:sched_switch"};
const std::vector<std::string> block_rq_issue{"block:block_rq_issue"};
const std::vector<std::string> process_exec{"sched:sched_process_exec"};

using H = Harness;
using Op = ast::BinaryOp;

// ------------------------------------------------------------ integer comparisons

TEST(FilterPushdownIntegers, EachComparisonOperatorWithTheFieldOnTheLeft) {
  const std::pair<Op, std::string> cases[] = {
      {Op::Equal, "prev_pid == 42"},      {Op::NotEqual, "prev_pid != 42"},
      {Op::Less, "prev_pid < 42"},        {Op::LessEqual, "prev_pid <= 42"},
      {Op::Greater, "prev_pid > 42"},     {Op::GreaterEqual, "prev_pid >= 42"},
  };
  for (const auto& [op, expected] : cases) {
    EXPECT_EQ(pushed_filter(sched_switch,
                            [op](H& h, std::size_t c) { return binary(op, h.field(c, "prev_pid"), integer(42)); }),
              expected);
  }
}

TEST(FilterPushdownIntegers, ALiteralOnTheLeftFlipsTheOperator) {
  const std::pair<Op, std::string> cases[] = {
      {Op::Equal, "prev_pid == 42"},     {Op::NotEqual, "prev_pid != 42"},
      {Op::Less, "prev_pid > 42"},       {Op::LessEqual, "prev_pid >= 42"},
      {Op::Greater, "prev_pid < 42"},    {Op::GreaterEqual, "prev_pid <= 42"},
  };
  for (const auto& [op, expected] : cases) {
    EXPECT_EQ(pushed_filter(sched_switch,
                            [op](H& h, std::size_t c) { return binary(op, integer(42), h.field(c, "prev_pid")); }),
              expected);
  }
}

TEST(FilterPushdownIntegers, NegativeLiteralsOnSignedFieldsDownToTheTypeMinimum) {
  EXPECT_EQ(pushed_filter(sched_switch, [](H& h, std::size_t c) { return eq(h.field(c, "prev_state"), negative(1)); }),
            "prev_state == -1");
  EXPECT_EQ(pushed_filter(sched_switch,
                          [](H& h, std::size_t c) {
                            return binary(Op::Greater, h.field(c, "prev_pid"), negative(2147483648u));
                          }),
            "prev_pid > -2147483648");
  EXPECT_EQ(pushed_filter(sched_switch,
                          [](H& h, std::size_t c) {
                            return binary(Op::Less, h.field(c, "prev_pid"), integer(2147483647));
                          }),
            "prev_pid < 2147483647");
}

TEST(FilterPushdownIntegers, UnsignedFieldsTakeTheirWholeRangeAndNoMore) {
  EXPECT_EQ(pushed_filter(block_rq_issue, [](H& h, std::size_t c) { return eq(h.field(c, "ioprio"), integer(65535)); }),
            "ioprio == 65535");
  EXPECT_EQ(pushed_filter(block_rq_issue,
                          [](H& h, std::size_t c) {
                            return binary(Op::GreaterEqual, h.field(c, "sector"),
                                          integer(18446744073709551615u, true));
                          }),
            "sector >= 18446744073709551615");
  stays_in_user_space(block_rq_issue, [](H& h, std::size_t c) { return eq(h.field(c, "ioprio"), integer(65536)); });
  stays_in_user_space(block_rq_issue,
                      [](H& h, std::size_t c) { return eq(h.field(c, "nr_sector"), integer(4294967296)); });
}

TEST(FilterPushdownIntegers, NegativeLiteralsOnUnsignedFieldsStayInUserSpace) {
  // D: 0 <= nr_sector is always > -1; the kernel would compare with 0xffffffff.
  stays_in_user_space(block_rq_issue,
                      [](H& h, std::size_t c) { return binary(Op::Greater, h.field(c, "nr_sector"), negative(1)); });
  stays_in_user_space(block_rq_issue, [](H& h, std::size_t c) { return eq(h.field(c, "nr_sector"), negative(1)); });
  // u64: D converts -1 to 2^64-1 under C's rules; not relied upon.
  stays_in_user_space(block_rq_issue, [](H& h, std::size_t c) { return ne(h.field(c, "sector"), negative(1)); });
}

TEST(FilterPushdownIntegers, SignedLiteralsBeyondASignedFieldStayInUserSpace) {
  stays_in_user_space(sched_switch,
                      [](H& h, std::size_t c) { return eq(h.field(c, "prev_pid"), integer(2147483648)); });
  stays_in_user_space(sched_switch,
                      [](H& h, std::size_t c) { return eq(h.field(c, "prev_pid"), negative(2147483649u)); });
}

TEST(FilterPushdownIntegers, UnsignedLiteralsAgainstSignedFieldsOnlyForEquality) {
  // D compares in uint64 there: a negative prev_pid is huge, so < differs.
  EXPECT_EQ(pushed_filter(sched_switch,
                          [](H& h, std::size_t c) { return eq(h.field(c, "prev_pid"), integer(5, true)); }),
            "prev_pid == 5");
  stays_in_user_space(sched_switch, [](H& h, std::size_t c) {
    return binary(Op::Less, h.field(c, "prev_pid"), integer(5, true));
  });
}

TEST(FilterPushdownIntegers, BareFieldIsTestedAgainstZero) {
  EXPECT_EQ(pushed_filter(sched_switch, [](H& h, std::size_t c) { return h.field(c, "next_pid"); }),
            "next_pid != 0");
}

TEST(FilterPushdownIntegers, BitAndAsTruthValue) {
  EXPECT_EQ(pushed_filter(sched_switch,
                          [](H& h, std::size_t c) {
                            return binary(Op::BitAnd, h.field(c, "prev_state"), integer(2));
                          }),
            "prev_state & 2");
  EXPECT_EQ(pushed_filter(sched_switch,
                          [](H& h, std::size_t c) {
                            return binary(Op::BitAnd, integer(0x10), h.field(c, "prev_state"));
                          }),
            "prev_state & 16");
  EXPECT_EQ(pushed_filter(sched_switch,
                          [](H& h, std::size_t c) {
                            return eq(binary(Op::BitAnd, h.field(c, "prev_state"), integer(2)), integer(0));
                          }),
            "!(prev_state & 2)");
  EXPECT_EQ(pushed_filter(sched_switch,
                          [](H& h, std::size_t c) {
                            return ne(integer(0), binary(Op::BitAnd, h.field(c, "prev_state"), integer(2)));
                          }),
            "prev_state & 2");
  // A mask wider than the field: D sees bits the kernel's cast drops.
  stays_in_user_space(block_rq_issue, [](H& h, std::size_t c) {
    return binary(Op::BitAnd, h.field(c, "ioprio"), integer(0x10000));
  });
}

// ------------------------------------------------------------ system call arguments

// Every system call argument is an unsigned long slot; its C type (pid_t,
// int, unsigned int, umode_t, off_t) is what D reads, and the slot's upper
// bits are whatever the caller left there.
const std::vector<std::string> kill_entry{"syscalls:sys_enter_kill"};
const std::vector<std::string> close_entry{"syscalls:sys_enter_close"};
const std::vector<std::string> lseek_entry{"syscalls:sys_enter_lseek"};

TEST(FilterPushdownSyscallArguments, ASignedArgumentsSignIsItsSignBit) {
  EXPECT_EQ(pushed_filter(kill_entry, [](H& h, std::size_t c) { return binary(Op::Less, h.field(c, "pid"), integer(0)); }),
            "pid & 2147483648");
  EXPECT_EQ(pushed_filter(kill_entry,
                          [](H& h, std::size_t c) { return binary(Op::LessEqual, h.field(c, "pid"), negative(1)); }),
            "pid & 2147483648");
  EXPECT_EQ(pushed_filter(kill_entry,
                          [](H& h, std::size_t c) { return binary(Op::GreaterEqual, h.field(c, "pid"), integer(0)); }),
            "!(pid & 2147483648)");
  EXPECT_EQ(pushed_filter(kill_entry, [](H& h, std::size_t c) { return binary(Op::Greater, integer(0), h.field(c, "pid")); }),
            "pid & 2147483648");
}

TEST(FilterPushdownSyscallArguments, EqualityTestsEachBitOfTheValueAndNoneAbove) {
  EXPECT_EQ(pushed_filter(kill_entry, [](H& h, std::size_t c) { return eq(h.field(c, "sig"), integer(9)); }),
            "sig & 1 && sig & 8 && !(sig & 4294967286)");
  EXPECT_EQ(pushed_filter(kill_entry, [](H& h, std::size_t c) { return ne(h.field(c, "sig"), integer(9)); }),
            "!(sig & 1 && sig & 8 && !(sig & 4294967286))");
  EXPECT_EQ(pushed_filter(close_entry, [](H& h, std::size_t c) { return eq(h.field(c, "fd"), integer(0)); }),
            "!(fd & 4294967295)");
  EXPECT_EQ(pushed_filter(close_entry, [](H& h, std::size_t c) { return ne(h.field(c, "fd"), integer(0)); }),
            "fd & 4294967295");
  EXPECT_EQ(pushed_filter(close_entry, [](H& h, std::size_t c) { return h.field(c, "fd"); }), "fd & 4294967295");
  // -2 as a pid_t: every bit of the low 32 but bit 0.
  std::string minus_two;
  for (unsigned bit = 1; bit < 32; ++bit) minus_two += "pid & " + std::to_string(std::uint64_t{1} << bit) + " && ";
  EXPECT_EQ(pushed_filter(kill_entry, [](H& h, std::size_t c) { return eq(h.field(c, "pid"), negative(2)); }),
            minus_two + "!(pid & 1)");
}

TEST(FilterPushdownSyscallArguments, MasksWithinTheValuesWidthOnly) {
  EXPECT_EQ(pushed_filter(close_entry,
                          [](H& h, std::size_t c) { return binary(Op::BitAnd, h.field(c, "fd"), integer(6)); }),
            "fd & 6");
  EXPECT_EQ(pushed_filter(kill_entry,
                          [](H& h, std::size_t c) { return binary(Op::BitAnd, h.field(c, "pid"), negative(2)); }),
            "pid & 4294967294");
  stays_in_user_space(close_entry, [](H& h, std::size_t c) {
    return binary(Op::BitAnd, h.field(c, "fd"), integer(std::uint64_t{1} << 32));
  });
  stays_in_user_space(close_entry, [](H& h, std::size_t c) { return binary(Op::BitAnd, h.field(c, "fd"), negative(1)); });
}

TEST(FilterPushdownSyscallArguments, OtherOrderingsOfNarrowedValuesStayInUserSpace) {
  stays_in_user_space(kill_entry, [](H& h, std::size_t c) { return binary(Op::Less, h.field(c, "pid"), integer(5)); });
  stays_in_user_space(kill_entry, [](H& h, std::size_t c) { return binary(Op::Greater, h.field(c, "pid"), negative(5)); });
  stays_in_user_space(close_entry, [](H& h, std::size_t c) { return binary(Op::Less, h.field(c, "fd"), integer(3)); });
  // Beyond the value's type: D's comparison is constant, the slot's is not.
  stays_in_user_space(close_entry, [](H& h, std::size_t c) {
    return eq(h.field(c, "fd"), integer(std::uint64_t{1} << 32));
  });
}

TEST(FilterPushdownSyscallArguments, ASignedValueAsWideAsItsSlotIsOrderedAsTwoHalves) {
  EXPECT_EQ(pushed_filter(lseek_entry, [](H& h, std::size_t c) { return eq(h.field(c, "offset"), negative(1)); }),
            "offset == 18446744073709551615");
  EXPECT_EQ(pushed_filter(lseek_entry,
                          [](H& h, std::size_t c) { return binary(Op::Less, h.field(c, "offset"), negative(2)); }),
            "offset >= 9223372036854775808 && offset < 18446744073709551614");
  EXPECT_EQ(pushed_filter(lseek_entry,
                          [](H& h, std::size_t c) { return binary(Op::GreaterEqual, h.field(c, "offset"), negative(2)); }),
            "offset >= 18446744073709551614 || offset < 9223372036854775808");
  EXPECT_EQ(pushed_filter(lseek_entry,
                          [](H& h, std::size_t c) { return binary(Op::Less, h.field(c, "offset"), integer(4096)); }),
            "offset < 4096 || offset >= 9223372036854775808");
  EXPECT_EQ(pushed_filter(lseek_entry,
                          [](H& h, std::size_t c) { return binary(Op::Greater, h.field(c, "offset"), integer(4096)); }),
            "offset > 4096 && offset < 9223372036854775808");
}

// ------------------------------------------------------------ built-ins

TEST(FilterPushdownBuiltins, TidIsCommonPid) {
  EXPECT_EQ(pushed_filter(sched_switch, [](H&, std::size_t) { return eq(tid(), integer(1234)); }),
            "common_pid == 1234");
  EXPECT_EQ(pushed_filter(sched_switch, [](H&, std::size_t) { return binary(Op::Less, integer(10), tid()); }),
            "common_pid > 10");
}

TEST(FilterPushdownBuiltins, ExecnameIsTheGenericCommField) {
  EXPECT_EQ(pushed_filter(sched_switch, [](H&, std::size_t) { return eq(execname(), string("bash")); }),
            "COMM == \"bash\"");
  EXPECT_EQ(pushed_filter(sched_switch, [](H&, std::size_t) { return glob(execname(), "kworker/*"); }),
            "COMM ~ \"kworker/*\"");
}

TEST(FilterPushdownBuiltins, CpuIsTheGenericCpuFieldForComparisonsOnly) {
  EXPECT_EQ(pushed_filter(sched_switch, [](H&, std::size_t) { return eq(cpu(), integer(0)); }), "CPU == 0");
  EXPECT_EQ(pushed_filter(sched_switch, [](H&, std::size_t) { return binary(Op::GreaterEqual, cpu(), integer(2)); }),
            "CPU >= 2");
  // The kernel's CPU predicate has no & (always false).
  stays_in_user_space(sched_switch, [](H&, std::size_t) { return binary(Op::BitAnd, cpu(), integer(1)); });
}

TEST(FilterPushdownBuiltins, PidStaysInUserSpace) {
  // pid is the thread group id; the record only has the thread id.
  stays_in_user_space(sched_switch, [](H&, std::size_t) { return eq(pid(), integer(1234)); });
}

// ------------------------------------------------------------ strings

TEST(FilterPushdownStrings, FixedAndDynamicStringFieldsEqualAndNotEqual) {
  EXPECT_EQ(pushed_filter(sched_switch, [](H& h, std::size_t c) { return eq(h.field(c, "prev_comm"), string("bash")); }),
            "prev_comm == \"bash\"");
  EXPECT_EQ(pushed_filter(sched_switch,
                          [](H& h, std::size_t c) { return ne(string("swapper/0"), h.field(c, "next_comm")); }),
            "next_comm != \"swapper/0\"");
  EXPECT_EQ(pushed_filter(process_exec,
                          [](H& h, std::size_t c) { return eq(h.field(c, "filename"), string("/usr/bin/true")); }),
            "filename == \"/usr/bin/true\"");
  // == compares literally: glob characters are not special there.
  EXPECT_EQ(pushed_filter(sched_switch, [](H& h, std::size_t c) { return eq(h.field(c, "prev_comm"), string("a*")); }),
            "prev_comm == \"a*\"");
}

TEST(FilterPushdownStrings, QuotesAreChosenSinceTheKernelHasNoEscapes) {
  EXPECT_EQ(pushed_filter(sched_switch, [](H& h, std::size_t c) { return eq(h.field(c, "prev_comm"), string("it's")); }),
            "prev_comm == \"it's\"");
  EXPECT_EQ(pushed_filter(sched_switch,
                          [](H& h, std::size_t c) { return eq(h.field(c, "prev_comm"), string("say \"hi\"")); }),
            "prev_comm == 'say \"hi\"'");
  EXPECT_EQ(pushed_filter(sched_switch, [](H& h, std::size_t c) { return eq(h.field(c, "prev_comm"), string("")); }),
            "prev_comm == \"\"");
  EXPECT_EQ(pushed_filter(sched_switch,
                          [](H& h, std::size_t c) { return eq(h.field(c, "prev_comm"), string("a && (b) || c")); }),
            "prev_comm == \"a && (b) || c\"");
}

TEST(FilterPushdownStrings, LiteralsTheKernelCannotExpressStayInUserSpace) {
  for (const std::string& literal : {std::string("both ' and \""), std::string("tab\there"), std::string("new\nline"),
                                    std::string("caf\xc3\xa9"), std::string("ends in \\"), std::string(256, 'x')}) {
    SCOPED_TRACE(literal);
    stays_in_user_space(sched_switch,
                        [&](H& h, std::size_t c) { return eq(h.field(c, "prev_comm"), string(literal)); });
  }
  EXPECT_EQ(pushed_filter(sched_switch,
                          [](H& h, std::size_t c) { return eq(h.field(c, "prev_comm"), string(std::string(255, 'x'))); }),
            "prev_comm == \"" + std::string(255, 'x') + "\"");
}

TEST(FilterPushdownStrings, StringsComparedWithNonLiteralsStayInUserSpace) {
  stays_in_user_space(sched_switch,
                      [](H& h, std::size_t c) { return eq(h.field(c, "prev_comm"), h.field(c, "next_comm")); });
  stays_in_user_space(sched_switch, [](H& h, std::size_t c) { return eq(h.field(c, "prev_comm"), execname()); });
  stays_in_user_space(sched_switch, [](H& h, std::size_t c) {
    return binary(Op::Less, h.field(c, "prev_comm"), string("m"));
  });
}

// ------------------------------------------------------------ globs

TEST(FilterPushdownGlob, PatternsTheKernelMatchesLikeFnmatch) {
  const std::pair<std::string, std::string> cases[] = {
      {"bash", "prev_comm ~ \"bash\""},
      {"ba*", "prev_comm ~ \"ba*\""},
      {"b?sh", "prev_comm ~ \"b?sh\""},
      {"k[a-z0-9]*worker[!/]*", "prev_comm ~ \"k[a-z0-9]*worker[!/]*\""},
      {"a*b", "prev_comm ~ \"a*b\""},
      // Leading-* patterns the kernel would hand to its suffix or substring
      // matcher (which reads the whole char[16], past the NUL) are doubled
      // so that glob_match_len() matches them.
      {"*sh", "prev_comm ~ \"**sh\""},
      {"*as*", "prev_comm ~ \"**as*\""},
      {"*", "prev_comm ~ \"**\""},
      {"**x", "prev_comm ~ \"**x\""},
      {"*?", "prev_comm ~ \"**?\""},
      {"2fast", "prev_comm ~ \"2fast\""},
  };
  for (const auto& [pattern, expected] : cases) {
    SCOPED_TRACE(pattern);
    EXPECT_EQ(pushed_filter(sched_switch, [&](H& h, std::size_t c) { return glob(h.field(c, "prev_comm"), pattern); }),
              expected);
  }
}

TEST(FilterPushdownGlob, PatternsReadDifferentlyStayInUserSpace) {
  for (const char* pattern : {
           "!bash",          // a leading ! negates in the kernel
           "1*",             // a leading digit turns globbing off in the kernel
           "[^a]*",          // no ^ negation in the kernel
           "[[:alpha:]]*",   // no character classes in the kernel
           "a\\*",           // escapes: left to user space
           "[abc",           // unterminated class
           "[]a]",           // ] first in a class
           "[a-Z]",          // a range across letter cases
           "[z-a]",          // an empty range
           "[a-]",           // - last in a class
       }) {
    SCOPED_TRACE(pattern);
    stays_in_user_space(sched_switch, [&](H& h, std::size_t c) { return glob(h.field(c, "prev_comm"), pattern); });
  }
}

TEST(FilterPushdownGlob, OnlyAStringFieldAgainstALiteralPattern) {
  stays_in_user_space(sched_switch, [](H& h, std::size_t c) {
    return binary(Op::Glob, h.field(c, "prev_comm"), h.field(c, "next_comm"));
  });
  stays_in_user_space(sched_switch,
                      [](H& h, std::size_t c) { return binary(Op::Glob, string("ba*"), h.field(c, "prev_comm")); });
}

// ------------------------------------------------------------ structure

TEST(FilterPushdownStructure, NonPushableFormsStayInUserSpace) {
  stays_in_user_space(sched_switch, [](H&, std::size_t) { return eq(global("x"), integer(1)); });
  stays_in_user_space(sched_switch, [](H& h, std::size_t c) {
    return eq(binary(Op::Add, h.field(c, "prev_pid"), integer(1)), integer(5));
  });
  stays_in_user_space(sched_switch, [](H& h, std::size_t c) { return eq(h.field(c, "prev_pid"), global("x")); });
  stays_in_user_space(sched_switch, [](H& h, std::size_t c) {
    return eq(call("strlen", h.field(c, "prev_comm"), ValueType::int64()), integer(4));
  });
  stays_in_user_space(sched_switch, [](H& h, std::size_t c) {
    return eq(h.field(c, "prev_pid"), h.field(c, "next_pid"));
  });
  stays_in_user_space(sched_switch, [](H& h, std::size_t c) {
    return binary(Op::LogicalXor, eq(h.field(c, "prev_pid"), integer(1)), eq(h.field(c, "next_pid"), integer(1)));
  });
}

TEST(FilterPushdownStructure, MixedConjunctionSplitsInSourceOrder) {
  Harness h;
  const std::size_t c = h.clause(sched_switch);
  h.predicate(c, both(both(eq(h.field(c, "prev_pid"), integer(1)), eq(global("x"), integer(2))),
                      both(ne(h.field(c, "next_comm"), string("idle")), eq(pid(), integer(7)))));
  const ClauseInfo& info = h.run(c);
  EXPECT_EQ(info.kernel_filter, "prev_pid == 1 && next_comm != \"idle\"");
  const auto& root = std::get<ast::Binary>(h.predicate_of(c).node);
  const auto& left = std::get<ast::Binary>(root.left->node);
  const auto& right = std::get<ast::Binary>(root.right->node);
  EXPECT_EQ(info.pushed, (std::vector<const ast::Expr*>{left.left.get(), right.left.get()}));
  EXPECT_EQ(info.residual, (std::vector<const ast::Expr*>{left.right.get(), right.right.get()}));
  EXPECT_TRUE(h.diagnostics().empty());
}

TEST(FilterPushdownStructure, OrIsPushedOnlyWhenBothSidesAre) {
  EXPECT_EQ(pushed_filter(sched_switch,
                          [](H& h, std::size_t c) {
                            return either(eq(h.field(c, "prev_pid"), integer(1)), eq(h.field(c, "next_pid"), integer(2)));
                          }),
            "prev_pid == 1 || next_pid == 2");
  stays_in_user_space(sched_switch, [](H& h, std::size_t c) {
    return either(eq(h.field(c, "prev_pid"), integer(1)), eq(global("x"), integer(2)));
  });
  stays_in_user_space(sched_switch, [](H& h, std::size_t c) {
    return either(eq(pid(), integer(1)), eq(h.field(c, "next_pid"), integer(2)));
  });
}

TEST(FilterPushdownStructure, NestedOperandsAreParenthesised) {
  EXPECT_EQ(pushed_filter(sched_switch,
                          [](H& h, std::size_t c) {
                            return both(either(eq(h.field(c, "prev_pid"), integer(1)),
                                               eq(h.field(c, "next_pid"), integer(2))),
                                        binary(Op::Less, h.field(c, "prev_prio"), integer(100)));
                          }),
            "(prev_pid == 1 || next_pid == 2) && prev_prio < 100");
  EXPECT_EQ(pushed_filter(sched_switch,
                          [](H& h, std::size_t c) {
                            return either(both(eq(h.field(c, "prev_pid"), integer(1)),
                                               eq(h.field(c, "next_pid"), integer(2))),
                                          eq(tid(), integer(3)));
                          }),
            "(prev_pid == 1 && next_pid == 2) || common_pid == 3");
}

TEST(FilterPushdownStructure, NotOfPushableExpressions) {
  EXPECT_EQ(pushed_filter(sched_switch,
                          [](H& h, std::size_t c) { return logical_not(eq(h.field(c, "prev_pid"), integer(1))); }),
            "!(prev_pid == 1)");
  EXPECT_EQ(pushed_filter(sched_switch,
                          [](H& h, std::size_t c) {
                            return logical_not(either(eq(h.field(c, "prev_pid"), integer(1)),
                                                      glob(h.field(c, "prev_comm"), "k*")));
                          }),
            "!(prev_pid == 1 || prev_comm ~ \"k*\")");
  EXPECT_EQ(pushed_filter(sched_switch, [](H& h, std::size_t c) { return logical_not(h.field(c, "prev_pid")); }),
            "!(prev_pid != 0)");
  stays_in_user_space(sched_switch, [](H&, std::size_t) { return logical_not(eq(pid(), integer(1))); });
}

TEST(FilterPushdownStructure, NothingIsPushedPastASideEffect) {
  Harness h;
  const std::size_t c = h.clause(sched_switch);
  h.predicate(c, both(both(eq(h.field(c, "prev_pid"), integer(1)), increment(global("n"))),
                      eq(h.field(c, "next_pid"), integer(2))));
  const ClauseInfo& info = h.run(c);
  // n++ runs for every event whose prev_pid is 1, whatever next_pid is.
  EXPECT_EQ(info.kernel_filter, "prev_pid == 1");
  EXPECT_EQ(info.pushed.size(), 1u);
  EXPECT_EQ(info.residual.size(), 2u);
}

TEST(FilterPushdownStructure, NothingIsPushedPastADivisionThatMayFail) {
  Harness h;
  const std::size_t c = h.clause(sched_switch);
  h.predicate(c, both(binary(Op::Greater, binary(Op::Divide, integer(10), global("x")), integer(1)),
                      eq(h.field(c, "next_pid"), integer(2))));
  EXPECT_EQ(h.run(c).kernel_filter, "");

  Harness constant_divisor;
  const std::size_t d = constant_divisor.clause(sched_switch);
  constant_divisor.predicate(d, both(binary(Op::Greater, binary(Op::Divide, global("x"), integer(10)), integer(1)),
                                     eq(constant_divisor.field(d, "next_pid"), integer(2))));
  EXPECT_EQ(constant_divisor.run(d).kernel_filter, "next_pid == 2");
}

TEST(FilterPushdownStructure, AClauseOverSeveralEventsIsVerifiedForEach) {
  Harness h;
  const std::size_t c = h.clause({"sched:sched_wakeup", "sched:sched_wakeup_new", "sched:sched_waking"});
  h.predicate(c, both(binary(Op::Greater, h.field(c, "pid"), integer(100)), glob(h.field(c, "comm"), "*d")));
  const ClauseInfo& info = h.run(c);
  EXPECT_EQ(info.kernel_filter, "pid > 100 && comm ~ \"**d\"");
  EXPECT_EQ(info.pushed.size(), 2u);
  EXPECT_TRUE(info.residual.empty());
  EXPECT_TRUE(h.diagnostics().empty());
}

TEST(FilterPushdownStructure, SpecialClausesPushNothing) {
  Harness h;
  const std::size_t begin = h.clause({});
  h.predicate(begin, eq(tid(), integer(1)));
  const ClauseInfo& info = h.run(begin);
  EXPECT_EQ(info.kernel_filter, "");
  EXPECT_TRUE(info.pushed.empty());
  EXPECT_EQ(info.residual, (std::vector<const ast::Expr*>{&h.predicate_of(begin)}));
}

TEST(FilterPushdownStructure, NoPredicateNoFilter) {
  Harness h;
  const std::size_t c = h.clause(sched_switch);
  const ClauseInfo& info = h.run(c);
  EXPECT_EQ(info.kernel_filter, "");
  EXPECT_TRUE(info.pushed.empty());
  EXPECT_TRUE(info.residual.empty());
}

TEST(FilterPushdownStructure, TheFilterStaysWithinOneKernelPage) {
  Harness h;
  const std::size_t c = h.clause(sched_switch);
  const std::string long_name(100, 'n');
  ast::ExprPtr predicate = ne(h.field(c, "prev_comm"), string(long_name + "0"));
  for (int i = 1; i < 60; ++i) {
    predicate = both(std::move(predicate), ne(h.field(c, "prev_comm"), string(long_name + std::to_string(i))));
  }
  h.predicate(c, std::move(predicate));
  const ClauseInfo& info = h.run(c);
  EXPECT_LE(info.kernel_filter.size(), 4094u);
  EXPECT_GT(info.kernel_filter.size(), 3500u);
  EXPECT_FALSE(info.residual.empty());
  EXPECT_EQ(info.pushed.size() + info.residual.size(), 60u);
}

// ------------------------------------------------------------ verification

// A small catalogue: test:has_value has an int field "value"; test:lacks_value
// has none; test:own_comm has its own "COMM" field.
catalogue::Catalogue small_catalogue() {
  const auto field = [](std::string name, std::string type, std::uint32_t offset, std::uint32_t size, bool is_signed,
                        catalogue::FieldKind kind) {
    catalogue::Field result;
    result.layout = {std::move(name), std::move(type), offset, size, is_signed, kind, false};
    return result;
  };
  catalogue::Catalogue catalogue;
  catalogue.release = "test";
  catalogue.common_fields = {
      field("common_type", "unsigned short", 0, 2, false, catalogue::FieldKind::Integer),
      field("common_flags", "unsigned char", 2, 1, false, catalogue::FieldKind::Integer),
      field("common_preempt_count", "unsigned char", 3, 1, false, catalogue::FieldKind::Integer),
      field("common_pid", "int", 4, 4, true, catalogue::FieldKind::Integer),
  };
  catalogue::Provider provider;
  provider.name = "test";
  catalogue::Event has_value;
  has_value.provider = "test";
  has_value.name = "has_value";
  has_value.fields = {field("value", "int", 8, 4, true, catalogue::FieldKind::Integer)};
  catalogue::Event lacks_value;
  lacks_value.provider = "test";
  lacks_value.name = "lacks_value";
  lacks_value.fields = {field("other", "int", 8, 4, true, catalogue::FieldKind::Integer)};
  catalogue::Event own_comm;
  own_comm.provider = "test";
  own_comm.name = "own_comm";
  own_comm.fields = {field("COMM", "int", 8, 4, true, catalogue::FieldKind::Integer)};
  provider.events = {std::move(has_value), std::move(lacks_value), std::move(own_comm)};
  catalogue.providers.push_back(std::move(provider));
  return catalogue;
}

TEST(FilterPushdownVerification, AnEventWhoseLayoutLacksTheFieldRejectsTheFilterWithAWarning) {
  const catalogue::Catalogue catalogue = small_catalogue();
  Harness h(catalogue);
  const std::size_t c = h.clause({"test:has_value", "test:lacks_value"});
  h.predicate(c, both(eq(h.field(c, "value"), integer(3)), eq(global("x"), integer(1))));
  const ClauseInfo& info = h.run(c);
  EXPECT_EQ(info.kernel_filter, "");
  EXPECT_TRUE(info.pushed.empty());
  EXPECT_EQ(info.residual.size(), 2u);
  ASSERT_EQ(h.diagnostics().size(), 1u);
  const Diagnostic& warning = h.diagnostics().front();
  EXPECT_EQ(warning.severity, Severity::Warning);
  EXPECT_EQ(warning.tag, "D_FILTER_REJECTED");
  EXPECT_NE(warning.message.find("test:lacks_value"), std::string::npos) << warning.message;
  EXPECT_NE(warning.message.find("field not valid"), std::string::npos) << warning.message;
  ASSERT_FALSE(warning.notes.empty());
  EXPECT_EQ(warning.notes.front(), "kernel filter: value == 3");
}

TEST(FilterPushdownVerification, TheSameFilterVerifiesWhereEveryEventHasTheField) {
  const catalogue::Catalogue catalogue = small_catalogue();
  Harness h(catalogue);
  const std::size_t c = h.clause({"test:has_value"});
  h.predicate(c, binary(Op::Less, h.field(c, "value"), negative(3)));
  EXPECT_EQ(h.run(c).kernel_filter, "value < -3");
  EXPECT_TRUE(h.diagnostics().empty());
}

TEST(FilterPushdownVerification, GenericNamesAreNotUsedWhereTheEventHasSuchAField) {
  const catalogue::Catalogue catalogue = small_catalogue();
  Harness h(catalogue);
  const std::size_t c = h.clause({"test:own_comm"});
  h.predicate(c, eq(execname(), string("bash")));
  const ClauseInfo& info = h.run(c);
  EXPECT_EQ(info.kernel_filter, "");
  EXPECT_EQ(info.residual.size(), 1u);
}

TEST(FilterPushdownVerification, SynthesisedFormatHasCommonOwnAndGenericFields) {
  const catalogue::Catalogue catalogue = small_catalogue();
  const catalogue::Event& event = *catalogue.find_event("test", "has_value");
  const std::string format = synthesise_format(catalogue.common_fields, event);
  EXPECT_EQ(format,
            "name: has_value\nID: 1\nformat:\n"
            "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
            "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
            "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
            "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
            "\n"
            "\tfield:int value;\toffset:8;\tsize:4;\tsigned:1;\n"
            "\tfield:int CPU;\toffset:12;\tsize:4;\tsigned:1;\n"
            "\tfield:char COMM[16];\toffset:16;\tsize:16;\tsigned:0;\n"
            "\nprint fmt: \"probity\"\n");
}

TEST(FilterPushdownVerification, VerifierChecksOperatorsAgainstFieldTypes) {
  const catalogue::Catalogue& catalogue = shipped_catalogue();
  const EventFilterVerifier verifier(catalogue.common_fields, *catalogue.find_event("sched", "sched_switch"));
  EXPECT_EQ(verifier.check("prev_pid == 1 && prev_comm ~ \"b*\""), std::nullopt);
  EXPECT_EQ(verifier.check("CPU == 1 && COMM == \"bash\" && common_pid != 0"), std::nullopt);
  // The generic fields have their kernel types: CPU an integer, COMM a string.
  EXPECT_NE(verifier.check("CPU ~ \"1\""), std::nullopt);
  EXPECT_NE(verifier.check("COMM & 1"), std::nullopt);
  EXPECT_NE(verifier.check("COMM > \"a\""), std::nullopt);
  EXPECT_NE(verifier.check("prev_comm < 3"), std::nullopt);
  EXPECT_NE(verifier.check("prev_pid ~ \"x\""), std::nullopt);
  const std::optional<std::string> missing = verifier.check("no_such_field == 1");
  ASSERT_NE(missing, std::nullopt);
  EXPECT_NE(missing->find("field not valid"), std::string::npos) << *missing;
}

TEST(FilterPushdownVerification, EveryShippedEventLayoutParses) {
  // A layout libtraceevent cannot parse would make every filter on that event
  // fall back to user space with a warning: none of the shipped ones may.
  const catalogue::Catalogue& catalogue = shipped_catalogue();
  std::size_t checked = 0;
  for (const catalogue::Provider& provider : catalogue.providers) {
    for (const catalogue::Event& event : provider.events) {
      const EventFilterVerifier verifier(catalogue.common_fields, event);
      const std::optional<std::string> error = verifier.check("common_pid == 1");
      EXPECT_EQ(error, std::nullopt) << provider.name << ":" << event.name;
      ++checked;
    }
  }
  EXPECT_GT(checked, 1000u);
}

}  // namespace
}  // namespace probity::compiler
