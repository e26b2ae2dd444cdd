// A probe's stability for a terminal: the one rendering probity man and
// probity -lv share.
#include <algorithm>
#include <cctype>

#include "entry.hpp"
#include "probity/manual/manual.hpp"
#include "text_wrap.hpp"

namespace probity::manual {
namespace {

using catalogue::Hazard;

// Labels padded so that the levels line up, as in DTrace: "Data Semantics:   ".
constexpr std::size_t label_width = 18;
// Levels padded so that the sources line up: "Stable    (catalogue)".
constexpr std::size_t level_width = 10;

std::string padded(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

// Builds the block in one of the two layouts; what goes in it is decided once, in stability_block.
class BlockWriter {
 public:
  BlockWriter(TerminalLayout layout, std::size_t width)
      : man_page_(layout == TerminalLayout::ManPage),
        step_(man_page_ ? "    " : "\t"),
        margin_(man_page_ ? "" : step_),
        width_(width) {}

  // A heading of the outermost level after a blank line; its lines go one step in.
  void section(std::string title) {
    if (man_page_) std::transform(title.begin(), title.end(), title.begin(), [](char c) {
        return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      });
    text_ += "\n" + margin_ + title + "\n";
    lines_ = margin_ + step_;
  }

  // A block of three components: inside probity man's STABILITY section, a
  // section of its own for -lv.
  void attributes(const std::string& title, const stability::Attributes& attributes,
                  const std::array<catalogue::AttributeSource, 3>* sources) {
    if (man_page_) {
      const std::string section_lines = margin_ + step_;
      text_ += section_lines + title + "\n";
      lines_ = section_lines + step_;
    } else {
      section(title);
    }
    const std::array<std::string, 3> levels = detail::components(attributes);
    for (std::size_t i = 0; i < levels.size(); ++i) {
      std::string line = lines_ + padded(std::string(detail::component_names[i]) + ":", label_width);
      line += sources == nullptr ? levels[i]
                                 : padded(levels[i], level_width) + "(" +
                                       std::string(catalogue::to_string((*sources)[i])) + ")";
      text_ += line + "\n";
    }
  }

  // A paragraph at the current lines' indent; `hanging` indents its later lines one step more.
  void paragraph(const std::string& text, bool hanging = true) {
    text_ += detail::wrap(text, lines_, hanging ? lines_ + step_ : lines_, width_);
  }
  // A paragraph after a lead word, its later lines under the text: "Why: ...".
  void labelled(const std::string& label, const std::string& text) {
    text_ += detail::wrap(label + text, lines_, lines_ + std::string(label.size(), ' '), width_);
  }

  bool man_page() const { return man_page_; }
  std::string take() { return std::move(text_); }

 private:
  bool man_page_;
  std::string step_;    // one level of indentation
  std::string margin_;  // where the outermost headings start
  std::size_t width_;
  std::string lines_;   // the indent of the current block's lines
  std::string text_;
};

}  // namespace

std::string stability_block(const catalogue::Event& event, TerminalLayout layout, std::size_t width) {
  BlockWriter out(layout, width);
  if (out.man_page()) out.section("Stability");
  out.attributes("Probe Description Attributes", event.stability.value, &event.stability.sources);
  if (!event.rationale.empty()) out.labelled("Why: ", event.rationale);
  if (!event.fields.empty()) out.attributes("Argument Attributes", detail::argument_attributes(event), nullptr);

  out.section("Hazard");
  if (event.hazard.level == Hazard::None) {
    out.paragraph("none");
  } else {
    const std::string level(catalogue::to_string(event.hazard.level));
    out.paragraph(level + ": " + event.hazard.reason);
    if (!event.hazard.reference.empty()) out.paragraph("see " + event.hazard.reference);
    out.paragraph(event.hazard.level == Hazard::Forbidden ? "No program can enable it, whatever its options."
                                                          : "A program must opt in with -x allow=" + level + ".",
                  false);
  }

  if (event.support.state != catalogue::Support::Unstated) {
    out.section("Vendor support");
    out.paragraph(event.support.vendor + ": " + std::string(catalogue::to_string(event.support.state)) +
                  (event.support.note.empty() ? "" : ": " + event.support.note));
  }
  return out.take();
}

}  // namespace probity::manual
