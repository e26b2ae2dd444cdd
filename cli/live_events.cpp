#include "live_events.hpp"

#include <system_error>

namespace probity::cli {

std::optional<bool> LiveEvents::has(const std::string& provider, const std::string& event) {
  if (!located_) {
    located_ = true;
    try {
      events_dir_ = catalogue::tracing_dir() / "events";
    } catch (const catalogue::TracefsError& error) {
      problem_ = error.what();
    }
  }
  if (!events_dir_) return std::nullopt;

  auto known = by_provider_.find(provider);
  if (known == by_provider_.end()) {
    std::set<std::string> names;
    std::error_code error;
    for (std::filesystem::directory_iterator it(*events_dir_ / provider, error), end; !error && it != end;
         it.increment(error)) {
      if (it->is_directory(error)) names.insert(it->path().filename().string());
    }
    // A provider the running kernel lacks is simply absent (ENOENT): no events.
    if (error && error != std::errc::no_such_file_or_directory) {
      problem_ = "cannot read tracefs at " + (*events_dir_ / provider).string() + ": " + error.message();
      return std::nullopt;
    }
    known = by_provider_.emplace(provider, std::move(names)).first;
  }
  return known->second.contains(event);
}

}  // namespace probity::cli
