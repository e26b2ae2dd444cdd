#include "probity/compiler/diagnostic.hpp"

#include <algorithm>

#include "probity/compiler/diagnostic_tags.hpp"
#include "probity/io/text_wrap.hpp"

namespace probity::compiler {

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

const DiagnosticTag* find_diagnostic_tag(std::string_view tag) {
  for (const DiagnosticTag& known : diagnostic_tags) {
    if (known.tag == tag) return &known;
  }
  return nullptr;
}

namespace {

// `text` after `first` on one line, or wrapped to `width` with continuation
// lines indented by `indent` spaces.
std::string paragraph(const std::string& first, const std::string& text, std::size_t indent, std::size_t width) {
  if (width == 0) return first + text + "\n";
  return io::wrap_lines(text, first, std::string(indent, ' '), width);
}

}  // namespace

std::string render(const Diagnostic& diagnostic, const SourceFile& source, const RenderOptions& options) {
  const std::size_t width = options.width;
  const Position begin = diagnostic.span.begin;
  // Line 0: about the command line (-x), not the source.
  std::string location = begin.line == 0
                             ? std::string("probity: command line")
                             : source.name + ":" + std::to_string(begin.line) + ":" + std::to_string(begin.column);
  std::string message = diagnostic.message;
  if (!diagnostic.tag.empty()) message += " [" + diagnostic.tag + "]";
  std::string out = paragraph(location + ": " + std::string(to_string(diagnostic.severity)) + ": ", message, 4, width);
  const std::string_view line = source.line_text(begin.line);
  if (begin.line >= 1 && (diagnostic.details.empty() || options.verbose)) {
    out += "    ";
    out += line;
    out += "\n    ";
    // Keep tabs so the caret lines up under tab-indented source.
    for (std::uint32_t column = 1; column < begin.column && column - 1 < line.size(); ++column) {
      out += line[column - 1] == '\t' ? '\t' : ' ';
    }
    out += '^';
    const Position end = diagnostic.span.end;
    if (end.line == begin.line && end.column > begin.column + 1) {
      const std::uint32_t last = std::min<std::uint32_t>(end.column - 1, static_cast<std::uint32_t>(line.size()));
      for (std::uint32_t column = begin.column + 1; column <= last; ++column) out += '~';
    }
    out += "\n";
  }
  for (const std::string& note : diagnostic.notes) out += paragraph("  note: ", note, 8, width);
  if (!diagnostic.hint.empty()) out += paragraph("  hint: ", diagnostic.hint, 8, width);
  if (options.verbose) {
    for (const std::string& detail : diagnostic.details) out += paragraph("  note: ", detail, 8, width);
  }
  return out;
}

Diagnostic& Diagnostics::error(std::string tag, Span span, std::string message, std::string hint) {
  diagnostics_.push_back({Severity::Error, std::move(tag), span, std::move(message), std::move(hint), {}, {}});
  return diagnostics_.back();
}

Diagnostic& Diagnostics::warning(std::string tag, Span span, std::string message, std::string hint) {
  diagnostics_.push_back({Severity::Warning, std::move(tag), span, std::move(message), std::move(hint), {}, {}});
  return diagnostics_.back();
}

void Diagnostics::add(Diagnostic diagnostic) { diagnostics_.push_back(std::move(diagnostic)); }

bool Diagnostics::has_errors() const { return error_count() > 0; }

std::size_t Diagnostics::error_count() const {
  return static_cast<std::size_t>(std::count_if(diagnostics_.begin(), diagnostics_.end(), [](const Diagnostic& d) {
    return d.severity == Severity::Error;
  }));
}

namespace {
std::string first_message(const std::vector<Diagnostic>& diagnostics) {
  return diagnostics.empty() ? std::string("compilation failed") : diagnostics.front().message;
}
}  // namespace

CompileError::CompileError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(first_message(diagnostics)), diagnostics_(std::move(diagnostics)) {}

}  // namespace probity::compiler
