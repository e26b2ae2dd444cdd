// Word wrapping for terminal text (shared with the command line's output).
#pragma once

#include "probity/io/text_wrap.hpp"

namespace probity::manual::detail {

using io::wrap;

}  // namespace probity::manual::detail
