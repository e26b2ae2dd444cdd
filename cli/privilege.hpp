// Whether this process may start a trace.
#pragma once

namespace probity::cli {

// Throws CliError (one line) when this process may not trace: not root and
// no write access to tracefs.
void require_tracing_privilege();

}  // namespace probity::cli
