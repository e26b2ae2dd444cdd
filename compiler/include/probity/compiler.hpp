// The D compiler: Flex lexer, Bison parser, AST passes, compiled objects.
// Arrives with issue #3; this library exists so the layout and the one-way
// data flow (catalogue -> compiler -> consumer) are fixed from the start.
#pragma once

namespace probity::compiler {}
