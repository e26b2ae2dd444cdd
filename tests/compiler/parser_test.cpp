// The parser: probes, predicates, statements and expressions.
#include "probity/compiler/parse.hpp"

#include <gtest/gtest.h>

#include <string>

#include "compiler/parser_test_support.hpp"

namespace probity::compiler {
namespace {

using namespace parser_testing;

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

}  // namespace
}  // namespace probity::compiler
