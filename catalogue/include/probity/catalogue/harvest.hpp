// Harvesting event layouts from a live tracefs, parsed with libtraceevent.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

#include "probity/catalogue/model.hpp"

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

}  // namespace probity::catalogue
