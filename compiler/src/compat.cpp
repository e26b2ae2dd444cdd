#include "probity/compiler/compat.hpp"

#include "probity/compiler/admission.hpp"

namespace probity::compiler {
namespace {

std::string describe_layout_change(const FieldLayout& before, const FieldLayout& after) {
  std::string text;
  const auto add = [&](const std::string& part) { text += (text.empty() ? "" : ", ") + part; };
  if (before.type != after.type || before.kind != after.kind) add("retyped " + before.declaration() + " -> " + after.declaration());
  if (before.is_signed != after.is_signed && before.type == after.type) {
    add(std::string("now ") + (after.is_signed ? "signed" : "unsigned"));
  }
  if (before.size != after.size) add("resized " + std::to_string(before.size) + " -> " + std::to_string(after.size) + " bytes");
  if (before.offset != after.offset) {
    add("moved from offset " + std::to_string(before.offset) + " to " + std::to_string(after.offset));
  }
  return text;
}

}  // namespace

ReleaseVerdict check_script(const SourceFile& source, const catalogue::Catalogue& catalogue,
                            const CompileOptions& options) {
  CompileResult result = compile(source, catalogue, options);
  return {catalogue.release, result.ok(), std::move(result.diagnostics), {}};
}

ReleaseVerdict check_object(const Program& program, const catalogue::Catalogue& catalogue,
                            const catalogue::SitePolicy* site) {
  ReleaseVerdict verdict{catalogue.release, true, {}, {}};
  const auto problem = [&](std::string text) {
    verdict.problems.push_back(std::move(text));
    verdict.runs = false;
  };
  // As the consumer admits it on a kernel this catalogue describes.
  for (std::string& refusal : admission_problems(program, catalogue, site, "this release's catalogue")) {
    problem(std::move(refusal));
  }
  for (const EventUse& use : program.events) {
    const std::string name = use.provider + ":" + use.name;
    const catalogue::Event* event = catalogue.find_event(use.provider, use.name);
    if (event == nullptr) continue;  // admission said so
    for (const FieldLayout& expected : use.fields) {
      const catalogue::Field* field = event->find_field(expected.name);
      if (field == nullptr) {
        problem(name + ": field " + expected.name + " is missing");
      } else if (!catalogue::reads_the_same(field->layout, expected)) {
        problem(name + ": field " + expected.name + " " + describe_layout_change(expected, field->layout));
      }
    }
    for (const catalogue::Field& field : event->fields) {
      bool known = false;
      for (const FieldLayout& expected : use.fields) known = known || expected.name == field.layout.name;
      if (!known) problem(name + ": the record has a new field " + field.layout.declaration() + " (its layout changed)");
    }
  }
  return verdict;
}

}  // namespace probity::compiler
