// The consumer: tracefs instance, per-CPU raw ring buffers, clause VM, output.
// Arrives with issue #4; it depends only on the compiler's output.
#pragma once

namespace probity::consumer {}
