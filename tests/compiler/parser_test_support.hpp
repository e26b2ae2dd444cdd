// What the parser's tests share: parsing a text, its diagnostics as
// "TAG@line:column", the dump of one expression.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "probity/compiler/diagnostic_tags.hpp"
#include "probity/compiler/parse.hpp"

namespace probity::compiler::parser_testing {

struct Parsed {
  ast::Program program;
  Diagnostics diagnostics;
};

inline Parsed parse_text(const std::string& text) {
  Parsed parsed;
  const SourceFile source{"test.d", text};
  parsed.program = parse(source, parsed.diagnostics);
  return parsed;
}

inline std::string rendered(const Parsed& parsed, const std::string& text) {
  const SourceFile source{"test.d", text};
  std::string out;
  for (const Diagnostic& diagnostic : parsed.diagnostics.all()) out += render(diagnostic, source);
  return out;
}

// Parses a program that must be free of errors.
inline ast::Program parse_ok(const std::string& text) {
  Parsed parsed = parse_text(text);
  EXPECT_FALSE(parsed.diagnostics.has_errors()) << "in:\n" << text << "\n" << rendered(parsed, text);
  return std::move(parsed.program);
}

// "TAG@line:column" for every diagnostic, in order.
inline std::vector<std::string> errors_of(const std::string& text) {
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

inline const Diagnostic& only_error(const Parsed& parsed) {
  EXPECT_EQ(parsed.diagnostics.all().size(), 1u);
  static const Diagnostic none{};
  return parsed.diagnostics.all().empty() ? none : parsed.diagnostics.all().front();
}

// The dump of one expression statement, without indentation.
inline std::string dump_expr(const std::string& expression) {
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

inline const ast::Expr& body_expr(const ast::Program& program, std::size_t clause = 0, std::size_t statement = 0) {
  const ast::Statement& stmt = program.clauses.at(clause).body.at(statement);
  return *std::get<ast::ExpressionStatement>(stmt.node).expression;
}

template <class Node>
inline const Node& as(const ast::Expr& expr) {
  const Node* node = std::get_if<Node>(&expr.node);
  EXPECT_NE(node, nullptr);
  static const Node empty{};
  return node == nullptr ? empty : *node;
}

inline Span span(std::uint32_t line, std::uint32_t column, std::uint32_t end_line, std::uint32_t end_column) {
  return Span{{line, column}, {end_line, end_column}};
}

}  // namespace probity::compiler::parser_testing
