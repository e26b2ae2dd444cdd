// Harvesting event layouts from a live tracefs, parsed with libtraceevent.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "probity/catalogue/model.hpp"

struct tep_format_field;

namespace probity::catalogue {

// tracefs is missing, not mounted, or not readable. what() is one line that
// says what is wrong and how to fix it.
class TracefsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The tracefs mount point (mounting it when possible, as libtracefs does);
// throws TracefsError when there is none or it cannot be read.
std::filesystem::path tracing_dir();

// Every event of the running kernel, layouts exactly as its format files say.
// Throws TracefsError; an event whose format libtraceevent cannot parse is an
// error naming its format file, never silently left out.
KernelSnapshot harvest_live(const std::filesystem::path& tracing = tracing_dir());

// The layouts of a libtraceevent field list (tep_event::format.fields or
// .common_fields), exactly as a harvest records them: the one rule for
// turning a parsed format into FieldLayouts, shared with the consumer's
// check of the live kernel before it enables anything.
std::vector<FieldLayout> field_layouts(const tep_format_field* first);

}  // namespace probity::catalogue
