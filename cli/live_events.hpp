// Which events the running kernel has, read from tracefs once per provider.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include "probity/catalogue/harvest.hpp"

namespace probity::cli {

class LiveEvents {
 public:
  // Looks tracefs up lazily, on the first question.
  LiveEvents() = default;

  // nullopt when tracefs cannot be read; problem() then says why.
  std::optional<bool> has(const std::string& provider, const std::string& event);
  const std::string& problem() const { return problem_; }

 private:
  bool located_ = false;
  std::optional<std::filesystem::path> events_dir_;
  std::string problem_;
  std::map<std::string, std::set<std::string>, std::less<>> by_provider_;
};

}  // namespace probity::cli
