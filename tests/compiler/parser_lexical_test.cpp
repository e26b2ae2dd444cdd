// The parser: literals, comments, pragmas, declarations, syntax errors and
// their recovery, concurrency, and the AST dump.
#include "probity/compiler/parse.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "compiler/parser_test_support.hpp"

namespace probity::compiler {
namespace {

using namespace parser_testing;

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

}  // namespace
}  // namespace probity::compiler
