// libFuzzer target for the D compiler: lexer, parser, every pass, lowering,
// and the compiled-object round trip. The first byte picks the -x options so
// that policy and option paths are fuzzed too; the rest is the program.
//
// Invariants checked (a violation aborts, which libFuzzer reports):
//   - compile() never throws and never crashes, whatever the input;
//   - every diagnostic carries a known tag and renders;
//   - a failed compilation has at least one error, a successful one none;
//   - a compiled program survives encode_object/decode_object unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "probity/catalogue/index.hpp"
#include "probity/compiler/compile.hpp"
#include "probity/compiler/diagnostic_tags.hpp"
#include "probity/compiler/object.hpp"

namespace {

using namespace probity;

const catalogue::Catalogue& target_catalogue() {
  static const catalogue::Catalogue catalogue = [] {
    const char* index = std::getenv("PROBITY_INDEX");
    return catalogue::Index::open(index != nullptr ? index : PROBITY_INDEX_FILE).load("6.18.44-fc-v657");
  }();
  return catalogue;
}

compiler::CompileOptions options_for(std::uint8_t selector) {
  compiler::CompileOptions options;
  switch (selector % 4) {
    case 0: break;
    case 1: options.options = {{"allow", "hot,sensitive"}}; break;
    case 2: options.options = {{"amin", "Private"}, {"allow", "hot"}, {"quiet", ""}}; break;
    default:
      options.options = {{"strsize", "64"}, {"aggsortkey", ""}};
      options.macro_arguments = {"42", "\"bash\"", "x"};
      break;
  }
  return options;
}

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "compile_fuzzer: %s\n", what.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const compiler::SourceFile source{"fuzz.d", std::string(reinterpret_cast<const char*>(data) + 1, size - 1)};
  const compiler::CompileResult result = compiler::compile(source, target_catalogue(), options_for(data[0]));

  std::size_t errors = 0;
  for (const compiler::Diagnostic& diagnostic : result.diagnostics) {
    if (compiler::find_diagnostic_tag(diagnostic.tag) == nullptr) fail("unknown diagnostic tag \"" + diagnostic.tag + "\"");
    if (diagnostic.severity == compiler::Severity::Error) ++errors;
    if (compiler::render(diagnostic, source).empty()) fail("a diagnostic rendered as nothing");
  }
  if (!result.ok()) {
    if (errors == 0) fail("compilation failed without an error");
    return 0;
  }
  if (errors != 0) fail("a program compiled despite errors");

  const compiler::Program& program = *result.program;
  (void)compiler::stability_report(program, true);
  (void)compiler::filter_report(program);
  const std::vector<std::uint8_t> bytes = compiler::encode_object(program);
  const compiler::Program decoded = compiler::decode_object(bytes, program.source_name);
  if (!(decoded == program)) fail("the decoded object differs from the compiled program");
  return 0;
}
