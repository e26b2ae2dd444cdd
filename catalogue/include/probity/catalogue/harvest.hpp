// Harvesting event layouts from a live tracefs, parsed with libtraceevent.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "probity/catalogue/model.hpp"

struct tep_format_field;
struct tep_event;

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

// The tables of the event's print format that name an integer field's values
// (__print_symbolic, __print_flags), in field order, as libtraceevent parsed
// them: shared by the harvest and the consumer, which decodes with the running
// kernel's own tables. A field printed with two different tables has none.
std::vector<FieldValueNames> value_names(const tep_event* event);

}  // namespace probity::catalogue
