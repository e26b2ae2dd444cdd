// Lexer (Flex) and parser (Bison) for D: text in, AST out.
#pragma once

#include "probity/compiler/ast.hpp"
#include "probity/compiler/diagnostic.hpp"
#include "probity/compiler/source.hpp"

namespace probity::compiler {

// Every lexical and syntax error goes to `diagnostics`; the parser recovers
// at clause and statement boundaries so one run reports several. The
// returned program holds whatever parsed cleanly.
ast::Program parse(const SourceFile& source, Diagnostics& diagnostics);

}  // namespace probity::compiler
