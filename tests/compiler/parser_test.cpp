#include "probity/compiler/parse.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "probity/compiler/diagnostic_tags.hpp"

namespace probity::compiler {
namespace {

struct Parsed {
  ast::Program program;
  Diagnostics diagnostics;
};

Parsed parse_text(const std::string& text) {
  Parsed parsed;
  const SourceFile source{"test.d", text};
  parsed.program = parse(source, parsed.diagnostics);
  return parsed;
}

std::string rendered(const Parsed& parsed, const std::string& text) {
  const SourceFile source{"test.d", text};
  std::string out;
  for (const Diagnostic& diagnostic : parsed.diagnostics.all()) out += render(diagnostic, source);
  return out;
}

// Parses a program that must be free of errors.
ast::Program parse_ok(const std::string& text) {
  Parsed parsed = parse_text(text);
  EXPECT_FALSE(parsed.diagnostics.has_errors()) << "in:\n" << text << "\n" << rendered(parsed, text);
  return std::move(parsed.program);
}

// "TAG@line:column" for every diagnostic, in order.
std::vector<std::string> errors_of(const std::string& text) {
  const Parsed parsed = parse_text(text);
  std::vector<std::string> out;
  for (const Diagnostic& diagnostic : parsed.diagnostics.all()) {
    out.push_back(diagnostic.tag + "@" + std::to_string(diagnostic.span.begin.line) + ":" +
                  std::to_string(diagnostic.span.begin.column));
    EXPECT_NE(find_diagnostic_tag(diagnostic.tag), nullptr) << diagnostic.tag;
    EXPECT_FALSE(diagnostic.message.empty());
    EXPECT_EQ(diagnostic.message.find('\n'), std::string::npos) << diagnostic.message;
    EXPECT_FALSE(diagnostic.hint.empty()) << diagnostic.message;
  }
  return out;
}

const Diagnostic& only_error(const Parsed& parsed) {
  EXPECT_EQ(parsed.diagnostics.all().size(), 1u);
  static const Diagnostic none{};
  return parsed.diagnostics.all().empty() ? none : parsed.diagnostics.all().front();
}

// The dump of one expression statement, without indentation.
std::string dump_expr(const std::string& expression) {
  const ast::Program program = parse_ok("BEGIN { " + expression + "; }");
  const std::string dumped = ast::dump(program);
  const std::string marker = "  body\n";
  const std::size_t body = dumped.find(marker);
  if (body == std::string::npos) return "<no body>";
  std::string out;
  std::size_t at = body + marker.size();
  while (at < dumped.size()) {
    const std::size_t end = dumped.find('\n', at);
    std::string line = dumped.substr(at, end - at);
    out += line.substr(std::min<std::size_t>(4, line.size())) + "\n";
    at = end + 1;
  }
  return out;
}

const ast::Expr& body_expr(const ast::Program& program, std::size_t clause = 0, std::size_t statement = 0) {
  const ast::Statement& stmt = program.clauses.at(clause).body.at(statement);
  return *std::get<ast::ExpressionStatement>(stmt.node).expression;
}

template <class Node>
const Node& as(const ast::Expr& expr) {
  const Node* node = std::get_if<Node>(&expr.node);
  EXPECT_NE(node, nullptr);
  static const Node empty{};
  return node == nullptr ? empty : *node;
}

Span span(std::uint32_t line, std::uint32_t column, std::uint32_t end_line, std::uint32_t end_column) {
  return Span{{line, column}, {end_line, end_column}};
}

// ------------------------------------------------------------------ probes

TEST(ParserProbes, AllSpellingsKeepTheirText) {
  const ast::Program program =
      parse_ok("sched:sched_switch, sched:::sched_switch, tracepoint:sched:sched_switch,\n t:sched:sched_switch { }");
  ASSERT_EQ(program.clauses.size(), 1u);
  const auto& probes = program.clauses[0].probes;
  ASSERT_EQ(probes.size(), 4u);
  EXPECT_EQ(probes[0].text, "sched:sched_switch");
  EXPECT_EQ(probes[1].text, "sched:::sched_switch");
  EXPECT_EQ(probes[2].text, "tracepoint:sched:sched_switch");
  EXPECT_EQ(probes[3].text, "t:sched:sched_switch");
  for (const auto& probe : probes) EXPECT_EQ(probe.kind, ast::ProbeKind::Tracepoint);
  EXPECT_EQ(probes[0].span, span(1, 1, 1, 19));
  EXPECT_EQ(probes[1].span, span(1, 21, 1, 41));
  EXPECT_EQ(probes[3].span, span(2, 2, 2, 22));
  EXPECT_EQ(program.clauses[0].span, span(1, 1, 2, 26));
}

TEST(ParserProbes, GlobsAreKeptVerbatim) {
  const ast::Program program = parse_ok(
      "sched:sched_wak*, sched:sched_?witch, sched:sched_[sw]*, tracepoint:*:*, sched:sched_[!a-c]x, syscalls::: {}");
  ASSERT_EQ(program.clauses.size(), 1u);
  std::vector<std::string> texts;
  for (const auto& probe : program.clauses[0].probes) texts.push_back(probe.text);
  EXPECT_EQ(texts, (std::vector<std::string>{"sched:sched_wak*", "sched:sched_?witch", "sched:sched_[sw]*",
                                             "tracepoint:*:*", "sched:sched_[!a-c]x", "syscalls:::"}));
}

TEST(ParserProbes, UnsupportedKindsStillParseAsTracepoints) {
  const std::vector<std::string> descriptions{
      "syscall::read:entry", "fbt::vfs_read:entry", "kprobe:vfs_read", "kretprobe:vfs_read", "profile-997",
      "uprobe:/bin/bash:readline", "pid$target::malloc:entry", "software:cpu-clock:1000", "kprobe:vfs_read+10"};
  for (const std::string& description : descriptions) {
    const ast::Program program = parse_ok(description + " { x = 1; }");
    ASSERT_EQ(program.clauses.size(), 1u) << description;
    ASSERT_EQ(program.clauses[0].probes.size(), 1u) << description;
    EXPECT_EQ(program.clauses[0].probes[0].kind, ast::ProbeKind::Tracepoint) << description;
    EXPECT_EQ(program.clauses[0].probes[0].text, description);
    EXPECT_EQ(program.clauses[0].body.size(), 1u) << description;
  }
}

TEST(ParserProbes, BeginAndEnd) {
  const ast::Program program = parse_ok("BEGIN { } END { } dtrace:::BEGIN, dtrace:::END { }");
  ASSERT_EQ(program.clauses.size(), 3u);
  EXPECT_EQ(program.clauses[0].probes[0].kind, ast::ProbeKind::Begin);
  EXPECT_EQ(program.clauses[1].probes[0].kind, ast::ProbeKind::End);
  EXPECT_EQ(program.clauses[2].probes[0].kind, ast::ProbeKind::Begin);
  EXPECT_EQ(program.clauses[2].probes[1].kind, ast::ProbeKind::End);
  EXPECT_EQ(program.clauses[2].probes[0].text, "dtrace:::BEGIN");
}

TEST(ParserProbes, TickWithEveryUnit) {
  constexpr std::uint64_t second = 1'000'000'000;
  const std::vector<std::pair<std::string, std::uint64_t>> cases{
      {"tick-200000ns", 200'000},
      {"tick-500000nsec", 500'000},
      {"tick-200us", 200'000},
      {"tick-700usec", 700'000},
      {"tick-5000hz", 200'000},
      {"tick-100ms", 100'000'000},
      {"tick-100msec", 100'000'000},
      {"tick-1s", second},
      {"tick-2sec", 2 * second},
      {"tick-3m", 180 * second},
      {"tick-3min", 180 * second},
      {"tick-1h", 3600 * second},
      {"tick-2hour", 7200 * second},
      {"tick-1d", 86400 * second},
      {"tick-1day", 86400 * second},
      {"tick-10hz", second / 10},
      {"tick-1000", second / 1000},  // DTrace: a bare number is a frequency
      {"tick-1", second},
      {"profile:::tick-1sec", second},
  };
  for (const auto& [text, period] : cases) {
    const ast::Program program = parse_ok(text + " { }");
    ASSERT_EQ(program.clauses.size(), 1u) << text;
    const ast::ProbeDescription& probe = program.clauses[0].probes.at(0);
    EXPECT_EQ(probe.kind, ast::ProbeKind::Tick) << text;
    EXPECT_EQ(probe.period_ns, period) << text;
    EXPECT_EQ(probe.text, text);
  }
}

TEST(ParserProbes, BpftraceIntervals) {
  const std::vector<std::pair<std::string, std::uint64_t>> cases{
      {"interval:s:1", 1'000'000'000}, {"interval:ms:100", 100'000'000}, {"interval:us:250", 250'000},
      {"interval:hz:99", 1'000'000'000 / 99}, {"interval:1s", 1'000'000'000}, {"interval:20ms", 20'000'000},
      {"i:s:5", 5'000'000'000},
  };
  for (const auto& [text, period] : cases) {
    const ast::Program program = parse_ok(text + " { }");
    ASSERT_EQ(program.clauses.size(), 1u) << text;
    EXPECT_EQ(program.clauses[0].probes.at(0).kind, ast::ProbeKind::Tick) << text;
    EXPECT_EQ(program.clauses[0].probes.at(0).period_ns, period) << text;
  }
}

TEST(ParserProbes, BadTickPeriods) {
  EXPECT_EQ(errors_of("tick-0s { }"), std::vector<std::string>{"D_TICK_PERIOD@1:1"});
  EXPECT_EQ(errors_of("BEGIN { }\n  tick-5parsec { }"), std::vector<std::string>{"D_TICK_PERIOD@2:3"});
  EXPECT_EQ(errors_of("tick-99999999999999999999d { }"), std::vector<std::string>{"D_TICK_PERIOD@1:1"});
  EXPECT_EQ(errors_of("tick-999999999999d { }"), std::vector<std::string>{"D_TICK_PERIOD@1:1"});
  EXPECT_EQ(errors_of("tick-2000000000hz { }"), std::vector<std::string>{"D_TICK_PERIOD@1:1"});
  // DTrace's shortest tick is 200us (5000hz).
  EXPECT_EQ(errors_of("tick-1ns { }"), std::vector<std::string>{"D_TICK_PERIOD@1:1"});
  EXPECT_EQ(errors_of("tick-199999nsec { }"), std::vector<std::string>{"D_TICK_PERIOD@1:1"});
  EXPECT_EQ(errors_of("tick-199us { }"), std::vector<std::string>{"D_TICK_PERIOD@1:1"});
  EXPECT_EQ(errors_of("tick-5001hz { }"), std::vector<std::string>{"D_TICK_PERIOD@1:1"});
  EXPECT_EQ(errors_of("interval:us:100 { }"), std::vector<std::string>{"D_TICK_PERIOD@1:1"});
  EXPECT_EQ(errors_of("tick-s { }"), std::vector<std::string>{"D_TICK_PERIOD@1:1"});
  EXPECT_EQ(errors_of("interval:s { }"), std::vector<std::string>{"D_TICK_PERIOD@1:1"});
  EXPECT_EQ(errors_of("interval:fortnight:1 { }"), std::vector<std::string>{"D_TICK_PERIOD@1:1"});
  EXPECT_EQ(errors_of("interval:s:0 { }"), std::vector<std::string>{"D_TICK_PERIOD@1:1"});
}

TEST(ParserProbes, UnbalancedGlobBracket) {
  EXPECT_EQ(errors_of("sched:sched_[sw { }"), std::vector<std::string>{"D_PROBE_SYNTAX@1:1"});
}

TEST(ParserProbes, ClauseWithoutBody) {
  const ast::Program program = parse_ok("syscall:::entry\nsched:sched_switch, sched:sched_wakeup BEGIN { x = 1 }");
  ASSERT_EQ(program.clauses.size(), 3u);
  EXPECT_TRUE(program.clauses[0].body.empty());
  EXPECT_EQ(program.clauses[1].probes.size(), 2u);
  EXPECT_EQ(program.clauses[2].body.size(), 1u);
}

// -------------------------------------------------------------- predicates

TEST(ParserPredicates, DivisionInsidePredicates) {
  const ast::Program program = parse_ok(
      "sched:sched_switch / (a / 2) > 1 / { }\n"
      "sched:sched_switch /x / 2 > 1/ { }\n"
      "sched:sched_switch /x/2>1/{ }\n"
      "sched:sched_switch\n/a /= 2/\n{ }");
  ASSERT_EQ(program.clauses.size(), 4u);
  for (std::size_t i = 0; i < 3; ++i) {
    ASSERT_NE(program.clauses[i].predicate, nullptr);
    const auto& greater = as<ast::Binary>(*program.clauses[i].predicate);
    EXPECT_EQ(greater.op, ast::BinaryOp::Greater);
    const auto& divide = as<ast::Binary>(*greater.left);
    EXPECT_EQ(divide.op, ast::BinaryOp::Divide);
    EXPECT_EQ(as<ast::IntegerLiteral>(*divide.right).value, 2u);
    EXPECT_EQ(as<ast::IntegerLiteral>(*greater.right).value, 1u);
  }
  EXPECT_EQ(as<ast::Assign>(*program.clauses[3].predicate).op, ast::AssignOp::Divide);
}

TEST(ParserPredicates, DumpOfAPredicate) {
  const ast::Program program = parse_ok("sched:sched_switch /args->prev_pid == 0/ { }");
  EXPECT_EQ(ast::dump(program),
            "clause sched:sched_switch @1:1\n"
            "  predicate\n"
            "    binary ==\n"
            "      field prev_pid\n"
            "      integer 0\n");
  EXPECT_EQ(program.clauses[0].predicate->span, span(1, 21, 1, 40));
}

TEST(ParserPredicates, PredicateOnItsOwnLines) {
  const ast::Program program = parse_ok("syscall::read:entry\n/execname == \"bash\"/\n{\n  trace(pid);\n}\n");
  ASSERT_EQ(program.clauses.size(), 1u);
  ASSERT_NE(program.clauses[0].predicate, nullptr);
  EXPECT_EQ(program.clauses[0].predicate->span, span(2, 2, 2, 20));
  EXPECT_EQ(program.clauses[0].span, span(1, 1, 5, 2));
}

TEST(ParserPredicates, UnclosedPredicateIsOneErrorAndTheClauseSurvives) {
  const Parsed parsed = parse_text("sched:sched_switch /pid == 1 { x = 1; }\nBEGIN { y = 2 }");
  EXPECT_EQ(only_error(parsed).tag, "D_SYNTAX");
  EXPECT_EQ(only_error(parsed).span.begin, (Position{1, 30}));
  ASSERT_EQ(parsed.program.clauses.size(), 2u);
  EXPECT_EQ(parsed.program.clauses[0].body.size(), 1u);
}

// -------------------------------------------------------------- statements

TEST(ParserStatements, SeparatorsAndEmptyStatements) {
  const ast::Program program = parse_ok("BEGIN { ; a = 1;; b = 2 } END { c = 3; } tick-1s { } BEGIN {;;}");
  ASSERT_EQ(program.clauses.size(), 4u);
  EXPECT_EQ(program.clauses[0].body.size(), 2u);
  EXPECT_EQ(program.clauses[1].body.size(), 1u);
  EXPECT_TRUE(program.clauses[2].body.empty());
  EXPECT_TRUE(program.clauses[3].body.empty());
}

TEST(ParserStatements, IfElseIfElse) {
  const ast::Program program = parse_ok(
      "BEGIN {\n"
      "  if (x > 1) { a = 1; b = 2 } else if (x < 0) { c = 3; } else { d = 4; }\n"
      "  if (y) { }\n"
      "  e = 5\n"
      "}");
  ASSERT_EQ(program.clauses[0].body.size(), 3u);
  const auto& first = std::get<ast::IfStatement>(program.clauses[0].body[0].node);
  EXPECT_EQ(as<ast::Binary>(*first.condition).op, ast::BinaryOp::Greater);
  EXPECT_EQ(first.then_body.size(), 2u);
  ASSERT_EQ(first.else_body.size(), 1u);
  const auto& nested = std::get<ast::IfStatement>(first.else_body[0].node);
  EXPECT_EQ(as<ast::Binary>(*nested.condition).op, ast::BinaryOp::Less);
  EXPECT_EQ(nested.then_body.size(), 1u);
  EXPECT_EQ(nested.else_body.size(), 1u);
  EXPECT_EQ(program.clauses[0].body[0].span, span(2, 3, 2, 73));
  const auto& second = std::get<ast::IfStatement>(program.clauses[0].body[1].node);
  EXPECT_TRUE(second.then_body.empty());
  EXPECT_TRUE(second.else_body.empty());
  EXPECT_EQ(program.clauses[0].body[2].span, span(4, 3, 4, 8));
}

TEST(ParserStatements, IfNeedsBraces) {
  EXPECT_EQ(errors_of("BEGIN { if (x) a = 1; }"), std::vector<std::string>{"D_SYNTAX@1:16"});
  EXPECT_EQ(errors_of("BEGIN { if x { } }"), std::vector<std::string>{"D_SYNTAX@1:12"});
}

// ------------------------------------------------------------- expressions

TEST(ParserExpressions, PrecedenceMatchesC) {
  EXPECT_EQ(dump_expr("a + b * c"), dump_expr("a + (b * c)"));
  EXPECT_NE(dump_expr("a + b * c"), dump_expr("(a + b) * c"));
  EXPECT_EQ(dump_expr("a || b && c"), dump_expr("a || (b && c)"));
  EXPECT_EQ(dump_expr("a || b ^^ c && d"), dump_expr("a || (b ^^ (c && d))"));
  EXPECT_EQ(dump_expr("a | b ^ c & d"), dump_expr("a | (b ^ (c & d))"));
  EXPECT_EQ(dump_expr("a & b == c"), dump_expr("a & (b == c)"));
  EXPECT_EQ(dump_expr("a == b < c"), dump_expr("a == (b < c)"));
  EXPECT_EQ(dump_expr("s ~ \"x*\" && t"), dump_expr("(s ~ \"x*\") && t"));
  EXPECT_EQ(dump_expr("a < b << c"), dump_expr("a < (b << c)"));
  EXPECT_EQ(dump_expr("a << b + c"), dump_expr("a << (b + c)"));
  EXPECT_EQ(dump_expr("a - b % c"), dump_expr("a - (b % c)"));
  EXPECT_EQ(dump_expr("-a * b"), dump_expr("(-a) * b"));
  EXPECT_EQ(dump_expr("!a == b"), dump_expr("(!a) == b"));
  EXPECT_EQ(dump_expr("(int)a + b"), dump_expr("((int)a) + b"));
  EXPECT_EQ(dump_expr("-a[1]"), dump_expr("-(a[1])"));
  EXPECT_EQ(dump_expr("-a++"), dump_expr("-(a++)"));
  EXPECT_EQ(dump_expr("x = a || b ? c : d"), dump_expr("x = ((a || b) ? c : d)"));
  EXPECT_EQ(dump_expr("x += y * 2"), dump_expr("x += (y * 2)"));
}

TEST(ParserExpressions, Associativity) {
  EXPECT_EQ(dump_expr("a - b - c"), dump_expr("(a - b) - c"));
  EXPECT_EQ(dump_expr("a / b / c"), dump_expr("(a / b) / c"));
  EXPECT_EQ(dump_expr("x = y = 1"), dump_expr("x = (y = 1)"));
  EXPECT_EQ(dump_expr("a ? b : c ? d : e"), dump_expr("a ? b : (c ? d : e)"));
  EXPECT_EQ(dump_expr("x = y = 1"),
            "assign =\n"
            "  identifier x\n"
            "  assign =\n"
            "    identifier y\n"
            "    integer 1\n");
  EXPECT_EQ(dump_expr("a + b * c"),
            "binary +\n"
            "  identifier a\n"
            "  binary *\n"
            "    identifier b\n"
            "    identifier c\n");
  EXPECT_EQ(dump_expr("a ? b : c ? d : e"),
            "conditional\n"
            "  identifier a\n"
            "  identifier b\n"
            "  conditional\n"
            "    identifier c\n"
            "    identifier d\n"
            "    identifier e\n");
  EXPECT_EQ(dump_expr("a || b && c"),
            "binary ||\n"
            "  identifier a\n"
            "  binary &&\n"
            "    identifier b\n"
            "    identifier c\n");
}

TEST(ParserExpressions, EveryBinaryOperator) {
  const std::vector<std::pair<std::string, ast::BinaryOp>> cases{
      {"*", ast::BinaryOp::Multiply}, {"/", ast::BinaryOp::Divide},       {"%", ast::BinaryOp::Modulo},
      {"+", ast::BinaryOp::Add},      {"-", ast::BinaryOp::Subtract},     {"<<", ast::BinaryOp::ShiftLeft},
      {">>", ast::BinaryOp::ShiftRight}, {"<", ast::BinaryOp::Less},      {"<=", ast::BinaryOp::LessEqual},
      {">", ast::BinaryOp::Greater},  {">=", ast::BinaryOp::GreaterEqual}, {"==", ast::BinaryOp::Equal},
      {"!=", ast::BinaryOp::NotEqual}, {"~", ast::BinaryOp::Glob},        {"&", ast::BinaryOp::BitAnd},
      {"^", ast::BinaryOp::BitXor},   {"|", ast::BinaryOp::BitOr},        {"&&", ast::BinaryOp::LogicalAnd},
      {"^^", ast::BinaryOp::LogicalXor}, {"||", ast::BinaryOp::LogicalOr},
  };
  for (const auto& [spelling, op] : cases) {
    const ast::Program program = parse_ok("BEGIN { left " + spelling + " right; }");
    const auto& binary = as<ast::Binary>(body_expr(program));
    EXPECT_EQ(binary.op, op) << spelling;
    EXPECT_EQ(as<ast::Identifier>(*binary.left).name, "left");
    EXPECT_EQ(as<ast::Identifier>(*binary.right).name, "right");
    EXPECT_EQ(body_expr(program).span, span(1, 9, 1, static_cast<std::uint32_t>(20 + spelling.size()))) << spelling;
  }
}

TEST(ParserExpressions, EveryAssignmentOperator) {
  const std::vector<std::pair<std::string, ast::AssignOp>> cases{
      {"=", ast::AssignOp::Assign},       {"+=", ast::AssignOp::Add},         {"-=", ast::AssignOp::Subtract},
      {"*=", ast::AssignOp::Multiply},    {"/=", ast::AssignOp::Divide},      {"%=", ast::AssignOp::Modulo},
      {"<<=", ast::AssignOp::ShiftLeft},  {">>=", ast::AssignOp::ShiftRight}, {"&=", ast::AssignOp::BitAnd},
      {"^=", ast::AssignOp::BitXor},      {"|=", ast::AssignOp::BitOr},
  };
  for (const auto& [spelling, op] : cases) {
    const ast::Program program = parse_ok("BEGIN { x " + spelling + " 1 }");
    EXPECT_EQ(as<ast::Assign>(body_expr(program)).op, op) << spelling;
  }
}

TEST(ParserExpressions, UnaryAndIncrements) {
  EXPECT_EQ(as<ast::Unary>(body_expr(parse_ok("BEGIN { -x }"))).op, ast::UnaryOp::Negate);
  EXPECT_EQ(as<ast::Unary>(body_expr(parse_ok("BEGIN { +x }"))).op, ast::UnaryOp::Plus);
  EXPECT_EQ(as<ast::Unary>(body_expr(parse_ok("BEGIN { !x }"))).op, ast::UnaryOp::LogicalNot);
  EXPECT_EQ(as<ast::Unary>(body_expr(parse_ok("BEGIN { ~x }"))).op, ast::UnaryOp::BitNot);
  const std::vector<std::tuple<std::string, bool, bool>> cases{
      {"++x", true, true}, {"--x", false, true}, {"x++", true, false}, {"x--", false, false},
      {"@c[pid]++", true, false},
  };
  for (const auto& [text, increment, prefix] : cases) {
    const ast::Program program = parse_ok("BEGIN { " + text + " }");
    const auto& node = as<ast::IncDec>(body_expr(program));
    EXPECT_EQ(node.increment, increment) << text;
    EXPECT_EQ(node.prefix, prefix) << text;
  }
  EXPECT_EQ(dump_expr("a - -b"), "binary -\n  identifier a\n  unary -\n    identifier b\n");
  EXPECT_EQ(dump_expr("a - - b"), dump_expr("a - (-b)"));
}

TEST(ParserExpressions, CastsAreNormalised) {
  const std::vector<std::tuple<std::string, std::string, ValueType>> cases{
      {"int", "int", ValueType::integer(4, true)},
      {"unsigned", "unsigned int", ValueType::integer(4, false)},
      {"unsigned int", "unsigned int", ValueType::integer(4, false)},
      {"int unsigned", "unsigned int", ValueType::integer(4, false)},
      {"signed int", "int", ValueType::integer(4, true)},
      {"unsigned long", "unsigned long", ValueType::integer(8, false)},
      {"long int", "long", ValueType::integer(8, true)},
      {"unsigned long long int", "unsigned long long", ValueType::integer(8, false)},
      {"long long", "long long", ValueType::integer(8, true)},
      {"char", "char", ValueType::integer(1, true)},
      {"unsigned char", "unsigned char", ValueType::integer(1, false)},
      {"short", "short", ValueType::integer(2, true)},
      {"unsigned short int", "unsigned short", ValueType::integer(2, false)},
      {"int8_t", "int8_t", ValueType::integer(1, true)},
      {"int64_t", "int64_t", ValueType::integer(8, true)},
      {"uint32_t", "uint32_t", ValueType::integer(4, false)},
      {"uint16_t", "uint16_t", ValueType::integer(2, false)},
      {"u64", "u64", ValueType::integer(8, false)},
      {"s32", "s32", ValueType::integer(4, true)},
      {"size_t", "size_t", ValueType::integer(8, false)},
      {"pid_t", "pid_t", ValueType::integer(4, true)},
      {"uid_t", "uid_t", ValueType::integer(4, false)},
  };
  for (const auto& [written, normalised, type] : cases) {
    const ast::Program program = parse_ok("BEGIN { x = (" + written + ")y + 1; }");
    const auto& add = as<ast::Binary>(*as<ast::Assign>(body_expr(program)).value);
    const auto& cast = as<ast::Cast>(*add.left);
    EXPECT_EQ(cast.type_name, normalised) << written;
    EXPECT_EQ(cast.target, type) << written;
    EXPECT_EQ(as<ast::Identifier>(*cast.operand).name, "y");
    EXPECT_EQ(add.left->span.begin, (Position{1, 13}));
  }
}

TEST(ParserExpressions, CastToStringIsAnErrorWithAHint) {
  const Parsed parsed = parse_text("BEGIN { s = (string)args->filename; }");
  const Diagnostic& error = only_error(parsed);
  EXPECT_EQ(error.tag, "D_SYNTAX");
  EXPECT_EQ(error.span.begin, (Position{1, 13}));
  EXPECT_NE(error.hint.find("str(x)"), std::string::npos) << error.hint;
}

TEST(ParserExpressions, BadIntegerTypeIsAnError) {
  EXPECT_EQ(errors_of("BEGIN { x = (short long)y; }"), std::vector<std::string>{"D_SYNTAX@1:14"});
  EXPECT_EQ(errors_of("BEGIN { x = (unsigned signed)y; }"), std::vector<std::string>{"D_SYNTAX@1:14"});
}

TEST(ParserExpressions, CallsIndexingAndVariables) {
  const ast::Program program = parse_ok(
      "BEGIN { f(); g(a, b + 1, \"s\"); @[execname, pid] = count(); a[k1, k2] = 1; m[1][2];"
      " args->prev_pid; args.filename; self->ts; this->x; $delta; $1; $target; $$2; @name; @; x; }");
  const auto& body = program.clauses[0].body;
  ASSERT_EQ(body.size(), 16u);
  const auto expr = [&](std::size_t i) -> const ast::Expr& {
    return *std::get<ast::ExpressionStatement>(body.at(i).node).expression;
  };
  EXPECT_EQ(as<ast::Call>(expr(0)).name, "f");
  EXPECT_TRUE(as<ast::Call>(expr(0)).arguments.empty());
  EXPECT_EQ(as<ast::Call>(expr(1)).arguments.size(), 3u);
  EXPECT_EQ(expr(1).span, span(1, 14, 1, 30));
  const auto& aggregation = as<ast::Assign>(expr(2));
  const auto& index = as<ast::Index>(*aggregation.target);
  EXPECT_EQ(as<ast::AggregationRef>(*index.base).name, "");
  ASSERT_EQ(index.keys.size(), 2u);
  EXPECT_EQ(as<ast::Identifier>(*index.keys[0]).name, "execname");
  EXPECT_EQ(as<ast::Call>(*aggregation.value).name, "count");
  EXPECT_EQ(as<ast::Index>(*as<ast::Assign>(expr(3)).target).keys.size(), 2u);
  EXPECT_EQ(as<ast::Index>(*as<ast::Index>(expr(4)).base).keys.size(), 1u);
  EXPECT_EQ(as<ast::FieldAccess>(expr(5)).field, "prev_pid");
  EXPECT_FALSE(as<ast::FieldAccess>(expr(5)).dot_spelling);
  EXPECT_EQ(expr(5).span, span(1, 84, 1, 98));
  EXPECT_EQ(as<ast::FieldAccess>(expr(6)).field, "filename");
  EXPECT_TRUE(as<ast::FieldAccess>(expr(6)).dot_spelling);
  EXPECT_EQ(as<ast::Variable>(expr(7)).scope, ast::VariableScope::Thread);
  EXPECT_EQ(as<ast::Variable>(expr(7)).name, "ts");
  EXPECT_EQ(as<ast::Variable>(expr(8)).scope, ast::VariableScope::Clause);
  EXPECT_EQ(as<ast::Variable>(expr(8)).name, "x");
  EXPECT_EQ(as<ast::Variable>(expr(9)).scope, ast::VariableScope::Scratch);
  EXPECT_EQ(as<ast::Variable>(expr(9)).name, "delta");
  EXPECT_EQ(as<ast::MacroArgument>(expr(10)).name, "1");
  EXPECT_EQ(as<ast::MacroArgument>(expr(11)).name, "target");
  EXPECT_EQ(as<ast::MacroArgument>(expr(12)).name, "$2");
  EXPECT_EQ(as<ast::AggregationRef>(expr(13)).name, "name");
  EXPECT_EQ(as<ast::AggregationRef>(expr(14)).name, "");
  EXPECT_EQ(as<ast::Identifier>(expr(15)).name, "x");
}

TEST(ParserExpressions, IdentifiersKeepTheirSpelling) {
  EXPECT_EQ(dump_expr("@[comm] = hist(nsecs)"),
            "assign =\n  index\n    aggregation @\n    identifier comm\n  call hist\n    identifier nsecs\n");
}

TEST(ParserExpressions, ArrowAndDotOnlyOnArgs) {
  EXPECT_EQ(errors_of("BEGIN { x->y; }"), std::vector<std::string>{"D_SYNTAX@1:9"});
  EXPECT_EQ(errors_of("BEGIN { $x.y; }"), std::vector<std::string>{"D_SYNTAX@1:9"});
}

TEST(ParserExpressions, CommaIsNotAnOperator) {
  EXPECT_EQ(errors_of("BEGIN { a = 1, b = 2; }"), std::vector<std::string>{"D_SYNTAX@1:14"});
}

// ---------------------------------------------------------------- literals

TEST(ParserLiterals, IntegersInEveryBaseWithSuffixes) {
  struct Case {
    std::string text;
    std::uint64_t value;
    bool is_unsigned;
  };
  const std::vector<Case> cases{
      {"0", 0, false},          {"42", 42, false},        {"0x2a", 42, false},     {"0X2A", 42, false},
      {"052", 42, false},       {"00", 0, false},         {"42u", 42, true},       {"42U", 42, true},
      {"42l", 42, false},       {"42L", 42, false},       {"42ul", 42, true},      {"42UL", 42, true},
      {"42lu", 42, true},       {"42ll", 42, false},      {"42LL", 42, false},     {"42ull", 42, true},
      {"42ULL", 42, true},      {"42llu", 42, true},      {"0x2aUL", 42, true},    {"052u", 42, true},
      {"0xffffffffffffffff", 18446744073709551615ull, true},
      {"18446744073709551615", 18446744073709551615ull, true},
      {"9223372036854775807", 9223372036854775807ull, false},
      {"9223372036854775808", 9223372036854775808ull, true},
      {"01777777777777777777777", 18446744073709551615ull, true},
      {"'a'", 97, false},       {"'\\n'", 10, false},     {"'\\0'", 0, false},     {"'\\''", 39, false},
      {"'\\x41'", 65, false},   {"'\\101'", 65, false},   {"'\"'", 34, false},
  };
  for (const Case& c : cases) {
    const ast::Program program = parse_ok("BEGIN { " + c.text + " }");
    const auto& literal = as<ast::IntegerLiteral>(body_expr(program));
    EXPECT_EQ(literal.value, c.value) << c.text;
    EXPECT_EQ(literal.is_unsigned, c.is_unsigned) << c.text;
    EXPECT_EQ(literal.spelling, c.text);
    EXPECT_EQ(body_expr(program).span, span(1, 9, 1, static_cast<std::uint32_t>(9 + c.text.size()))) << c.text;
  }
}

TEST(ParserLiterals, InvalidIntegers) {
  EXPECT_EQ(errors_of("BEGIN { x = 18446744073709551616; }"), std::vector<std::string>{"D_INTEGER_INVALID@1:13"});
  EXPECT_EQ(errors_of("BEGIN { x = 0x10000000000000000; }"), std::vector<std::string>{"D_INTEGER_INVALID@1:13"});
  EXPECT_EQ(errors_of("BEGIN {\n  x = 0128; }"), std::vector<std::string>{"D_INTEGER_INVALID@2:7"});
  EXPECT_EQ(errors_of("BEGIN { x = 12abc; }"), std::vector<std::string>{"D_INTEGER_INVALID@1:13"});
  EXPECT_EQ(errors_of("BEGIN { x = 12uu; }"), std::vector<std::string>{"D_INTEGER_INVALID@1:13"});
  EXPECT_EQ(errors_of("BEGIN { x = 0x; }"), std::vector<std::string>{"D_INTEGER_INVALID@1:13"});
  EXPECT_EQ(errors_of("BEGIN { x = 1.5; }"), std::vector<std::string>{"D_INTEGER_INVALID@1:13"});
  EXPECT_EQ(errors_of("BEGIN { x = 'ab'; y = ''; }"),
            (std::vector<std::string>{"D_INTEGER_INVALID@1:13", "D_INTEGER_INVALID@1:23"}));
}

TEST(ParserLiterals, StringEscapes) {
  const ast::Program program = parse_ok(
      R"(BEGIN { "a\nb\tc\rd\\e\"f\'g\0h\ai\bj\fk\vl\x41\x7e\101\7\?" })");
  const std::string expected = std::string("a\nb\tc\rd\\e\"f'g") + '\0' + "h\ai\bj\fk\vlA~A\a?";
  EXPECT_EQ(as<ast::StringLiteral>(body_expr(program)).value, expected);
  EXPECT_EQ(as<ast::StringLiteral>(body_expr(parse_ok(R"(BEGIN { "" })"))).value, "");
  EXPECT_EQ(as<ast::StringLiteral>(body_expr(parse_ok(R"(BEGIN { "/* not a comment */ // nor this" })"))).value,
            "/* not a comment */ // nor this");
}

TEST(ParserLiterals, BadEscapesPointAtTheEscape) {
  EXPECT_EQ(errors_of(R"(BEGIN { x = "ab\qc"; })"), std::vector<std::string>{"D_STRING_ESCAPE@1:16"});
  EXPECT_EQ(errors_of(R"(BEGIN { x = "\xZ"; y = "\400"; })"),
            (std::vector<std::string>{"D_STRING_ESCAPE@1:14", "D_STRING_ESCAPE@1:25"}));
  EXPECT_EQ(errors_of(R"(BEGIN { x = '\q'; })"), std::vector<std::string>{"D_STRING_ESCAPE@1:14"});
}

TEST(ParserLiterals, UnterminatedStringPointsAtTheOpeningQuote) {
  const std::vector<std::string> errors = errors_of("BEGIN {\n  x = \"abc;\n  y = 1;\n}");
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0], "D_STRING_UNTERMINATED@2:7");
  EXPECT_EQ(errors_of("BEGIN { x = 'a; }").at(0), "D_STRING_UNTERMINATED@1:13");
  EXPECT_EQ(errors_of("BEGIN { x = \"abc\\").at(0), "D_STRING_UNTERMINATED@1:13");
}

// ----------------------------------------------------- comments and pragmas

TEST(ParserLexical, CommentsAnywhere) {
  const ast::Program program = parse_ok(
      "/* header\n   comment */\n// line comment\nBEGIN /* here */ { // there\n  x = /* inside */ 1; /* a\n b */ }\n"
      "sched:sched_switch /* before */ /pid /* mid */ == 1/ { }");
  ASSERT_EQ(program.clauses.size(), 2u);
  EXPECT_EQ(program.clauses[0].span.begin, (Position{4, 1}));
  EXPECT_EQ(program.clauses[0].body.size(), 1u);
  EXPECT_NE(program.clauses[1].predicate, nullptr);
}

TEST(ParserLexical, UnterminatedCommentPointsAtItsOpening) {
  EXPECT_EQ(errors_of("BEGIN { }\n  /* never\n closed"), std::vector<std::string>{"D_COMMENT_UNTERMINATED@2:3"});
  const std::vector<std::string> inside = errors_of("BEGIN { x = 1; /* oops }");
  ASSERT_FALSE(inside.empty());
  EXPECT_EQ(inside[0], "D_COMMENT_UNTERMINATED@1:16");
}

TEST(ParserLexical, InvalidCharacters) {
  EXPECT_EQ(errors_of("BEGIN { x = 1 ` 2; }"), (std::vector<std::string>{"D_CHAR_INVALID@1:15", "D_SYNTAX@1:17"}));
  EXPECT_EQ(errors_of("BEGIN { x = 1; ` }").at(0), "D_CHAR_INVALID@1:16");
  EXPECT_EQ(errors_of("BEGIN { x = \"é\"; y = 1; é }"), std::vector<std::string>{"D_CHAR_INVALID@1:26"});
  EXPECT_EQ(errors_of("` BEGIN { }"), std::vector<std::string>{"D_CHAR_INVALID@1:1"});
  EXPECT_EQ(errors_of(std::string("BEGIN { x = 1;\x01 }")), std::vector<std::string>{"D_CHAR_INVALID@1:15"});
}

TEST(ParserLexical, TabsCountAsOneColumn) {
  const ast::Program program = parse_ok("BEGIN\n{\n\t\tx = 1;\n}");
  EXPECT_EQ(program.clauses[0].body[0].span, span(3, 3, 3, 8));
  EXPECT_EQ(errors_of("BEGIN {\n\tx = ;\n}"), std::vector<std::string>{"D_SYNTAX@2:6"});
}

TEST(ParserPragmas, Options) {
  const ast::Program program = parse_ok(
      "#!/usr/sbin/dtrace -s\n#pragma D option quiet\n  #pragma D option bufsize=4m\nBEGIN { }\n"
      "#pragma D option strsize = 64\n#pragma   D   option   switchrate=10hz // a comment\n");
  ASSERT_EQ(program.pragmas.size(), 4u);
  EXPECT_EQ(program.pragmas[0].name, "quiet");
  EXPECT_EQ(program.pragmas[0].value, "");
  EXPECT_EQ(program.pragmas[0].span, span(2, 1, 2, 23));
  EXPECT_EQ(program.pragmas[1].name, "bufsize");
  EXPECT_EQ(program.pragmas[1].value, "4m");
  EXPECT_EQ(program.pragmas[1].span.begin, (Position{3, 3}));
  EXPECT_EQ(program.pragmas[2].name, "strsize");
  EXPECT_EQ(program.pragmas[2].value, "64");
  EXPECT_EQ(program.pragmas[3].name, "switchrate");
  EXPECT_EQ(program.pragmas[3].value, "10hz");
  EXPECT_EQ(program.clauses.size(), 1u);
  EXPECT_TRUE(parse_ok("#!/usr/bin/env bpftrace\nBEGIN { }").pragmas.empty());
}

TEST(ParserPragmas, EverythingElseIsDPragma) {
  EXPECT_EQ(errors_of("#include <linux/sched.h>\n#define X 1\n#pragma ident \"x\"\n#pragma D attributes "
                      "Stable/Stable/Common provider\n#pragma D\n#pragma D option\n#pragma D option a=b c\n"
                      "#pragma D option =1\nBEGIN {\n#pragma D option quiet\n}\n#!/bin/sh\nBEGIN { } # x"),
            (std::vector<std::string>{"D_PRAGMA@1:1", "D_PRAGMA@2:1", "D_PRAGMA@3:1", "D_PRAGMA@4:1", "D_PRAGMA@5:1",
                                      "D_PRAGMA@6:1", "D_PRAGMA@7:1", "D_PRAGMA@8:1", "D_PRAGMA@10:1",
                                      "D_PRAGMA@12:1", "D_PRAGMA@13:11"}));
}

// ------------------------------------------------------------ declarations

TEST(ParserDeclarations, ScalarsOfEveryScope) {
  const ast::Program program = parse_ok(
      "int x;\nuint64_t total, count;\nstring name;\nself int start;\nthis string s;\nunsigned long long big;\n"
      "u32 small;\nBEGIN { x = 1 }");
  ASSERT_EQ(program.declarations.size(), 8u);
  const auto& d = program.declarations;
  EXPECT_EQ(d[0].scope, ast::VariableScope::Global);
  EXPECT_EQ(d[0].type_name, "int");
  EXPECT_EQ(d[0].type, ValueType::integer(4, true));
  EXPECT_EQ(d[0].name, "x");
  EXPECT_EQ(d[0].span, span(1, 1, 1, 7));
  EXPECT_EQ(d[1].name, "total");
  EXPECT_EQ(d[2].name, "count");
  EXPECT_EQ(d[2].type, ValueType::uint64());
  EXPECT_EQ(d[2].span.begin, (Position{2, 1}));
  EXPECT_EQ(d[3].name, "name");
  EXPECT_EQ(d[3].type, ValueType::string());
  EXPECT_EQ(d[4].scope, ast::VariableScope::Thread);
  EXPECT_EQ(d[4].name, "start");
  EXPECT_EQ(d[4].span, span(4, 1, 4, 16));
  EXPECT_EQ(d[5].scope, ast::VariableScope::Clause);
  EXPECT_EQ(d[5].type, ValueType::string());
  EXPECT_EQ(d[6].type_name, "unsigned long long");
  EXPECT_EQ(d[6].type, ValueType::uint64());
  EXPECT_EQ(d[7].type_name, "u32");
  EXPECT_EQ(d[7].type, ValueType::integer(4, false));
  EXPECT_EQ(program.clauses.size(), 1u);
}

TEST(ParserDeclarations, Errors) {
  EXPECT_EQ(errors_of("int x[string];\nBEGIN { }"), std::vector<std::string>{"D_SYNTAX@1:5"});
  EXPECT_EQ(errors_of("int 9lives;\nBEGIN { }"), std::vector<std::string>{"D_SYNTAX@1:5"});
  EXPECT_EQ(errors_of("int x y;\nBEGIN { }"), std::vector<std::string>{"D_SYNTAX@1:7"});
  // The clause after a bad declaration still parses.
  const Parsed parsed = parse_text("int x y;\nBEGIN { z = 1; }");
  EXPECT_EQ(parsed.program.clauses.size(), 1u);
}

// ------------------------------------------------ syntax errors and recovery

TEST(ParserErrors, MessagesSayWhatWasExpected) {
  Parsed parsed = parse_text("BEGIN { a = 1 b = 2; }");
  EXPECT_EQ(only_error(parsed).tag, "D_SYNTAX");
  EXPECT_EQ(only_error(parsed).span, span(1, 15, 1, 16));
  EXPECT_NE(only_error(parsed).message.find("expected ';' or '}' after statement"), std::string::npos)
      << only_error(parsed).message;
  parsed = parse_text("BEGIN { }\n}");
  EXPECT_NE(only_error(parsed).message.find("unexpected '}'"), std::string::npos) << only_error(parsed).message;
  EXPECT_EQ(only_error(parsed).span.begin, (Position{2, 1}));
  parsed = parse_text("BEGIN { x = (1 + 2; }");
  EXPECT_NE(only_error(parsed).message.find("')'"), std::string::npos) << only_error(parsed).message;
  parsed = parse_text("BEGIN { x = 1;");
  EXPECT_NE(only_error(parsed).message.find("end of input"), std::string::npos) << only_error(parsed).message;
  parsed = parse_text("sched:sched_switch ( { }");
  EXPECT_NE(only_error(parsed).message.find("expected '{'"), std::string::npos) << only_error(parsed).message;
}

TEST(ParserErrors, SeveralIndependentErrorsInOneRun) {
  const std::string text =
      "BEGIN { x = ; y = 1; }\n"           // 1: missing operand
      "tick-1s { a = 1 b = 2; c = 3 }\n"  // 2: missing ';'
      "END { printf(\"%d\\n\", ); }\n"    // 3: missing argument
      "syscall:::entry /pid == / { }\n"   // 4: bad predicate
      "sched:sched_switch { q = 08; r = 1 +; }\n";  // 5: octal and syntax
  EXPECT_EQ(errors_of(text), (std::vector<std::string>{"D_SYNTAX@1:13", "D_SYNTAX@2:17", "D_SYNTAX@3:22",
                                                       "D_SYNTAX@4:25", "D_INTEGER_INVALID@5:26",
                                                       "D_SYNTAX@5:37"}));
  const Parsed parsed = parse_text(text);
  EXPECT_EQ(parsed.program.clauses.size(), 5u);
  // The good statements around the bad ones survive.
  EXPECT_EQ(parsed.program.clauses[0].body.size(), 1u);
  EXPECT_EQ(parsed.program.clauses[1].body.size(), 1u);  // c = 3
}

TEST(ParserErrors, ErrorInsideAnIfBlockRecoversAtItsBrace) {
  const Parsed parsed = parse_text("BEGIN { if (x) { a = ; } b = 1; }\nEND { c = 2; }");
  EXPECT_EQ(parsed.diagnostics.error_count(), 1u);
  ASSERT_EQ(parsed.program.clauses.size(), 2u);
  EXPECT_EQ(parsed.program.clauses[0].body.size(), 2u);
}

TEST(ParserErrors, DeepNestingIsCutOffWithOneError) {
  const std::string parens = "BEGIN { x = " + std::string(100000, '(') + "1" + std::string(100000, ')') + "; }";
  EXPECT_EQ(errors_of(parens).size(), 1u);
  const std::string unclosed = "BEGIN { x = " + std::string(100000, '(') + "1; }";
  EXPECT_FALSE(errors_of(unclosed).empty());
  const std::string negations = "BEGIN { x = " + std::string(50000, '-') + "1; y = " + std::string(300, '!') + "1; }";
  EXPECT_EQ(errors_of(negations).size(), 2u);
  std::string sum = "BEGIN { x = a";
  for (int i = 0; i < 100000; ++i) sum += "+a";
  EXPECT_EQ(errors_of(sum + "; }").size(), 1u);
  std::string ifs = "BEGIN { ";
  for (int i = 0; i < 1000; ++i) ifs += "if (x) { ";
  ifs += std::string(1000, '}') + " }";
  EXPECT_EQ(errors_of(ifs).size(), 1u);
  // 200 levels is fine.
  EXPECT_TRUE(errors_of("BEGIN { x = " + std::string(200, '(') + "1" + std::string(200, ')') + "; }").empty());
}

TEST(ParserErrors, NeverCrashesOnGarbage) {
  const std::vector<std::string> pieces{
      "BEGIN", " ", "\n", "{", "}", "(", ")", "[", "]", ";", ",", "/", "*", "x", "@", "@a", "$1", "$x", "self", "->",
      "this", "args", ".", "if", "else", "int", "unsigned", "string", "\"s\\n", "\"", "'", "'a'", "0x", "08", "123",
      "#pragma D option q=1\n", "#", "/*", "*/", "//", "tick-1s", "sched:sched_*", "?", ":", "=", "+=", "++", "~",
      "!", "-", "<<", ">>=", "\t", "\xff", std::string(1, '\0'), "&&", "^^", "(int)", "printf(", "\\", "`", ":/x"};
  std::mt19937 random(20240601);
  for (int iteration = 0; iteration < 3000; ++iteration) {
    std::string text;
    const std::size_t length = random() % 40;
    for (std::size_t i = 0; i < length; ++i) {
      if (random() % 8 == 0) text += static_cast<char>(random() % 256);
      else text += pieces[random() % pieces.size()];
    }
    Parsed parsed = parse_text(text);
    (void)ast::dump(parsed.program);
    for (const Diagnostic& diagnostic : parsed.diagnostics.all()) {
      EXPECT_GE(diagnostic.span.begin.line, 1u) << text;
      EXPECT_GE(diagnostic.span.begin.column, 1u) << text;
      EXPECT_FALSE(diagnostic.tag.empty());
    }
  }
}

TEST(ParserErrors, EmptyProgramIsNotAnError) {
  const Parsed parsed = parse_text("  \n// nothing here\n/* at all */\n");
  EXPECT_FALSE(parsed.diagnostics.has_errors());
  EXPECT_TRUE(parsed.program.clauses.empty());
  EXPECT_TRUE(parse_text("").program.clauses.empty());
}

TEST(ParserConcurrency, ParsesRunConcurrently) {
  const std::string text =
      "sched:sched_switch /args->prev_pid != 0/ { @[args->prev_comm] = count(); self->t = timestamp; }\n"
      "tick-1s { printa(@); trunc(@, 5); x = ((a + b) * c) / 2 ? d : e; }";
  const std::string expected = ast::dump(parse_ok(text));
  std::vector<std::string> results(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) results[t] = ast::dump(parse_text(text).program);
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::string& result : results) EXPECT_EQ(result, expected);
}

// ------------------------------------------------------------------- dump

TEST(ParserDump, WholeProgram) {
  const ast::Program program = parse_ok(
      "#pragma D option quiet\n"
      "self int start;\n"
      "sched:sched_switch, tick-1s\n"
      "/args.prev_pid == 0 && $1/\n"
      "{\n"
      "  @[comm] = count();\n"
      "  if (x) { self->t++; } else { this->u = (u8)\"a\\n\"; }\n"
      "}\n");
  EXPECT_EQ(ast::dump(program),
            "pragma quiet @1:1\n"
            "declaration self int start @2:1\n"
            "clause sched:sched_switch, tick-1s @3:1\n"
            "  tick tick-1s 1000000000ns\n"
            "  predicate\n"
            "    binary &&\n"
            "      binary ==\n"
            "        field prev_pid (args.)\n"
            "        integer 0\n"
            "      macro $1\n"
            "  body\n"
            "    assign =\n"
            "      index\n"
            "        aggregation @\n"
            "        identifier comm\n"
            "      call count\n"
            "    if\n"
            "      identifier x\n"
            "      then\n"
            "        postfix ++\n"
            "          variable self->t\n"
            "      else\n"
            "        assign =\n"
            "          variable this->u\n"
            "          cast u8 (uint8_t)\n"
            "            string \"a\\n\"\n");
}

// ------------------------------------------------------- real-world scripts

struct Script {
  const char* name;
  const char* text;
  std::size_t clauses;
};

const Script scripts[] = {
    {"dtrace syscall count by process",
     "#!/usr/sbin/dtrace -s\n"
     "#pragma D option quiet\n"
     "syscall:::entry\n"
     "{\n"
     "\t@num[execname] = count();\n"
     "}\n"
     "dtrace:::END\n"
     "{\n"
     "\tprinta(\"%-20s %@10d\\n\", @num);\n"
     "}\n",
     2},
    {"dtrace read latency with self->ts",
     "syscall::read:entry\n"
     "/execname == \"postgres\"/\n"
     "{\n"
     "\tself->ts = timestamp;\n"
     "}\n"
     "\n"
     "syscall::read:return\n"
     "/self->ts/\n"
     "{\n"
     "\t@lat[\"read (ns)\"] = quantize(timestamp - self->ts);\n"
     "\tself->ts = 0;\n"
     "}\n",
     2},
    {"dtrace sched switch quantize",
     "sched:::sched_switch\n"
     "/args->prev_pid != 0/\n"
     "{\n"
     "\t@[args->prev_comm] = lquantize(args->prev_prio, 0, 140, 10);\n"
     "}\n",
     1},
    {"dtrace tick printa trunc",
     "#pragma D option quiet\n"
     "#pragma D option aggsortrev\n"
     "sched:sched_wakeup { @wakeups[args->comm, args->pid] = count(); }\n"
     "tick-1s\n"
     "{\n"
     "\tprinta(\"%-16s %6d %@8d\\n\", @wakeups);\n"
     "\ttrunc(@wakeups, 10);\n"
     "\tclear(@wakeups);\n"
     "\tprintf(\"%Y\\n\", walltimestamp);\n"
     "}\n"
     "tick-10s { exit(0); }\n",
     3},
    {"dtrace this-> and ternary",
     "irq:irq_handler_entry\n"
     "{\n"
     "\tthis->irq = args->irq;\n"
     "\t@[this->irq > 15 ? \"high\" : \"low\"] = count();\n"
     "\t@bytes = sum(this->irq * 2);\n"
     "}\n",
     1},
    {"dtrace block io latency",
     "block:block_rq_issue\n"
     "{\n"
     "\tstart[args->dev, args->sector] = timestamp;\n"
     "}\n"
     "block:block_rq_complete\n"
     "/start[args->dev, args->sector]/\n"
     "{\n"
     "\t@[\"block latency (us)\"] = quantize((timestamp - start[args->dev, args->sector]) / 1000);\n"
     "\tstart[args->dev, args->sector] = 0;\n"
     "}\n",
     2},
    {"dtrace BEGIN banner and avg",
     "BEGIN\n"
     "{\n"
     "\tprintf(\"Tracing... Hit Ctrl-C to end.\\n\");\n"
     "}\n"
     "sched:sched_stat_runtime\n"
     "{\n"
     "\t@avg[args->comm] = avg(args->runtime);\n"
     "\t@max[args->comm] = max(args->runtime);\n"
     "\t@min[args->comm] = min(args->runtime);\n"
     "\t@sd[args->comm] = stddev(args->runtime);\n"
     "}\n"
     "END\n"
     "{\n"
     "\tnormalize(@avg, 1000);\n"
     "\tprinta(@avg);\n"
     "}\n",
     3},
    {"dtrace speculation",
     "syscalls:sys_enter_openat\n"
     "{\n"
     "\tself->spec = speculation();\n"
     "\tspeculate(self->spec);\n"
     "\tprintf(\"%s\\n\", stringof(args->filename));\n"
     "}\n"
     "syscalls:sys_exit_openat\n"
     "/self->spec && args->ret < 0/\n"
     "{\n"
     "\tcommit(self->spec);\n"
     "\tself->spec = 0;\n"
     "}\n"
     "syscalls:sys_exit_openat\n"
     "/self->spec/\n"
     "{\n"
     "\tdiscard(self->spec);\n"
     "\tself->spec = 0;\n"
     "}\n",
     3},
    {"dtrace glob and stack",
     "sched:sched_wak*, sched:sched_[sw]*\n"
     "/pid == $target || execname ~ \"kworker*\"/\n"
     "{\n"
     "\t@[probename, stack()] = count();\n"
     "}\n",
     1},
    {"bpftrace syscall count",
     "#!/usr/bin/env bpftrace\n"
     "tracepoint:raw_syscalls:sys_enter\n"
     "{\n"
     "  @[comm] = count();\n"
     "}\n"
     "interval:s:5 { print(@); clear(@); }\n",
     2},
    {"bpftrace latency with @start[tid]",
     "tracepoint:syscalls:sys_enter_read\n"
     "{\n"
     "  @start[tid] = nsecs;\n"
     "}\n"
     "\n"
     "tracepoint:syscalls:sys_exit_read\n"
     "/@start[tid]/\n"
     "{\n"
     "  @usecs = hist((nsecs - @start[tid]) / 1000);\n"
     "  delete(@start[tid]);\n"
     "}\n"
     "END { clear(@start); }\n",
     3},
    {"bpftrace scratch variables and if",
     "t:sched:sched_switch\n"
     "{\n"
     "  $prev = args.prev_pid;\n"
     "  if ($prev == 0) {\n"
     "    @idle++;\n"
     "  } else if ($prev < 100) {\n"
     "    @low[args.prev_comm] = count();\n"
     "  } else {\n"
     "    @other = lhist($prev, 0, 10000, 100);\n"
     "  }\n"
     "}\n",
     1},
    {"bpftrace openat with str",
     "tracepoint:syscalls:sys_enter_openat\n"
     "/comm != \"bpftrace\"/\n"
     "{\n"
     "  printf(\"%-6d %-16s %s\\n\", pid, comm, str(args.filename));\n"
     "}\n",
     1},
    {"bpftrace interval and exit",
     "BEGIN { printf(\"Tracing block I/O sizes... Hit Ctrl-C to end.\\n\"); }\n"
     "tracepoint:block:block_rq_issue { @bytes = hist(args.bytes); @total += args.bytes; }\n"
     "interval:1s { printf(\"%d bytes\\n\", @total); @total = 0; }\n"
     "interval:s:60 { exit(); }\n",
     4},
    {"bpftrace casts and shifts",
     "tracepoint:irq:softirq_entry\n"
     "{\n"
     "  @vec[(uint32)args.vec] = count();\n"
     "  @bits = sum((u64)1 << (args.vec & 0x1f));\n"
     "  @neg = min(-(int64)args.vec);\n"
     "}\n",
     1},
    {"dtrace declarations and tick-N hz",
     "self uint64_t ts;\n"
     "int64_t total;\n"
     "timer:hrtimer_expire_entry { self->ts = timestamp; total++; }\n"
     "timer:hrtimer_expire_exit /self->ts/ { @ns = sum(timestamp - self->ts); self->ts = 0; }\n"
     "profile:::tick-100hz { @ticks = count(); }\n"
     "tick-1000 { x = 1 }\n",
     4},
};

TEST(ParserScripts, RealWorldScriptsParse) {
  for (const Script& script : scripts) {
    SCOPED_TRACE(script.name);
    const ast::Program program = parse_ok(script.text);
    EXPECT_EQ(program.clauses.size(), script.clauses);
    for (const ast::Clause& clause : program.clauses) {
      EXPECT_FALSE(clause.probes.empty());
      EXPECT_GE(clause.span.begin.line, 1u);
      EXPECT_TRUE(clause.span.end.line > clause.span.begin.line ||
                  clause.span.end.column > clause.span.begin.column);
      for (const ast::Statement& statement : clause.body) {
        EXPECT_TRUE(statement.span.begin.line >= clause.span.begin.line);
        EXPECT_TRUE(statement.span.end.line <= clause.span.end.line);
      }
    }
  }
}

TEST(ParserScripts, ShapeOfTheLatencyScript) {
  const ast::Program program = parse_ok(scripts[1].text);
  ASSERT_EQ(program.clauses.size(), 2u);
  const ast::Clause& second = program.clauses[1];
  EXPECT_EQ(second.probes[0].text, "syscall::read:return");
  EXPECT_EQ(as<ast::Variable>(*second.predicate).scope, ast::VariableScope::Thread);
  ASSERT_EQ(second.body.size(), 2u);
  const auto& assign = as<ast::Assign>(*std::get<ast::ExpressionStatement>(second.body[0].node).expression);
  const auto& quantize = as<ast::Call>(*assign.value);
  EXPECT_EQ(quantize.name, "quantize");
  ASSERT_EQ(quantize.arguments.size(), 1u);
  EXPECT_EQ(as<ast::Binary>(*quantize.arguments[0]).op, ast::BinaryOp::Subtract);
  EXPECT_EQ(second.body[0].span, span(10, 2, 10, 52));
}

}  // namespace
}  // namespace probity::compiler
