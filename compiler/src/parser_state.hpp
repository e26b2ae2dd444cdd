// Shared between the Flex scanner (lexer.l), the Bison grammar (parser.yy)
// and parse.cpp: the state of one parse, the semantic values the grammar
// passes around, and the helpers that turn token text into AST pieces.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "probity/compiler/ast.hpp"
#include "probity/compiler/diagnostic.hpp"
#include "probity/compiler/source.hpp"

namespace probity::compiler::detail {

// Deeper expression trees or if-nesting are rejected: later passes recurse
// over the tree, and fuzzed input must not overflow their stacks.
inline constexpr std::uint32_t max_nesting_depth = 256;

// An expression with the height of its tree.
struct ExprValue {
  ast::ExprPtr expr;
  std::uint32_t depth = 0;
};

struct ExprListValue {
  ast::ExprList list;
  std::uint32_t depth = 0;
};

struct StatementValue {
  ast::Statement statement;
  std::uint32_t depth = 0;  // if-nesting
  bool keep = true;         // false when it was dropped after an error
};

struct StatementsValue {
  ast::StatementList list;
  std::uint32_t depth = 0;
};

struct TypeValue {
  std::string name;  // normalised
  ValueType type;
};

struct NameAt {
  std::string name;
  Span span;
};

struct ParserState {
  ParserState(const SourceFile& source_file, Diagnostics& sink) : source(source_file), diagnostics(sink) {}

  const SourceFile& source;
  Diagnostics& diagnostics;
  ast::Program program;

  // Scanner state (the scanner itself is reentrant; this is its "extra").
  void* scanner = nullptr;
  Position position;        // of the next character to scan
  Span token;               // of the token just scanned
  int brace_depth = 0;      // inside a clause body
  int comment_return = 0;   // start condition to resume after a comment
  Span comment_open;        // of the "/*" that opened the current comment

  // Reported once per statement or predicate, not once per level.
  bool depth_error_reported = false;

  void error(std::string tag, Span span, std::string message, std::string hint) {
    diagnostics.error(std::move(tag), span, std::move(message), std::move(hint));
  }
};

// How an identifier-like word is treated by the scanner.
enum class WordKind : std::uint8_t { Identifier, If, Else, Self, This, IntegerWord, TypeName };
WordKind classify_word(std::string_view word);

// parse.cpp: token text to values, reporting lexical errors.
ast::IntegerLiteral scan_integer(ParserState& state, std::string_view text, Span span);
ast::IntegerLiteral scan_character(ParserState& state, std::string_view text, Span span);
// `text` includes the quotes; `span` starts at the opening quote.
std::string scan_string(ParserState& state, std::string_view text, Span span);
// A line starting with '#'.
void scan_directive(ParserState& state, std::string_view line, Span span, bool at_file_scope);

// parse.cpp: grammar helpers.
ast::ProbeDescription make_probe(ParserState& state, std::string text, Span span);
TypeValue resolve_integer_words(ParserState& state, const std::vector<std::string>& words, Span span);
TypeValue resolve_type_name(std::string_view name);

// lexer.l: the scanner over `text` (copied), bound to `state`.
void* open_scanner(ParserState& state, std::string_view text);
void close_scanner(void* scanner);

}  // namespace probity::compiler::detail
