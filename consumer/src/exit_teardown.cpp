#include "exit_teardown.hpp"

#include <cstdlib>
#include <exception>
#include <mutex>
#include <utility>
#include <vector>

namespace probity::consumer::detail {
namespace {

struct Registry {
  std::mutex mutex;
  std::vector<std::pair<ExitTeardown, void*>> owners;
};

Registry& registry() {
  static Registry instance;
  return instance;
}

std::terminate_handler previous_terminate_handler = nullptr;

void run_exit_teardowns() noexcept {
  Registry& state = registry();
  std::unique_lock lock(state.mutex, std::try_to_lock);
  if (!lock.owns_lock()) return;
  for (auto it = state.owners.rbegin(); it != state.owners.rend(); ++it) it->first(it->second);
  state.owners.clear();
}

[[noreturn]] void terminate_after_teardowns() noexcept {
  run_exit_teardowns();
  if (previous_terminate_handler != nullptr) previous_terminate_handler();
  std::abort();
}

}  // namespace

void register_exit_teardown(ExitTeardown teardown, void* owner) {
  static std::once_flag hooks_installed;
  std::call_once(hooks_installed, [] {
    registry();  // constructed before the atexit hook, so destroyed after it
    std::atexit(run_exit_teardowns);
    previous_terminate_handler = std::set_terminate(terminate_after_teardowns);
  });
  Registry& state = registry();
  const std::lock_guard lock(state.mutex);
  state.owners.emplace_back(teardown, owner);
}

void unregister_exit_teardown(void* owner) noexcept {
  Registry& state = registry();
  const std::lock_guard lock(state.mutex);
  std::erase_if(state.owners, [owner](const auto& entry) { return entry.second == owner; });
}

}  // namespace probity::consumer::detail
