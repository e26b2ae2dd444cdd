// Kernel state a process must remove even when it ends without unwinding its
// stack: exit() (atexit) and std::terminate. Each owner registers a noexcept
// teardown while it holds the state and unregisters it when done. Internal to
// the consumer.
#pragma once

namespace probity::consumer::detail {

using ExitTeardown = void (*)(void* owner) noexcept;

// Runs `teardown(owner)` at exit() or on std::terminate unless unregistered
// first; teardowns run newest first. The hooks are installed by the first
// registration, so they run after those of state registered before it with
// its own hooks (atexit and set_terminate chain in reverse order).
void register_exit_teardown(ExitTeardown teardown, void* owner);
void unregister_exit_teardown(void* owner) noexcept;

}  // namespace probity::consumer::detail
