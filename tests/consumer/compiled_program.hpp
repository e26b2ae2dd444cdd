// The consumer tests' programs: compiled against the newest release of the
// shipped catalogue, no kernel needed.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "probity/catalogue/index.hpp"
#include "probity/compiler/compile.hpp"

namespace probity::consumer::test_support {

inline const catalogue::Catalogue& shipped() {
  static const catalogue::Catalogue catalogue = [] {
    const catalogue::Index index = catalogue::Index::open(PROBITY_INDEX_FILE);
    return index.load(index.releases().back());
  }();
  return catalogue;
}

// Throws when the test's own program does not compile, saying why.
inline compiler::Program compiled(const std::string& text,
                                  std::vector<std::pair<std::string, std::string>> options = {}) {
  compiler::CompileOptions compile_options;
  compile_options.options = std::move(options);
  compiler::CompileResult result = compiler::compile(compiler::SourceFile{"test.d", text}, shipped(), compile_options);
  if (!result.ok()) {
    std::string why;
    for (const auto& diagnostic : result.diagnostics) why += diagnostic.message + "\n";
    throw std::runtime_error("the test's program does not compile: " + why);
  }
  return std::move(*result.program);
}

}  // namespace probity::consumer::test_support
