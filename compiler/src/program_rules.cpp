// The rules a Program's values must keep, written once: the compiler applies
// them to what a script says, and the object reader to what a compiled object
// says, with the same words.
#include "probity/compiler/program.hpp"

#include <algorithm>
#include <cstdint>

namespace probity::compiler {
namespace {

// "8192 (8k)": bytes as written, and in the largest unit that divides them.
std::string size_text(std::uint64_t value) {
  static constexpr std::pair<std::uint64_t, char> units[] = {
      {kib * kib * kib * kib, 't'}, {kib * kib * kib, 'g'}, {kib * kib, 'm'}, {kib, 'k'}};
  for (const auto& [unit, suffix] : units) {
    if (value >= unit && value % unit == 0) return std::to_string(value) + " (" + std::to_string(value / unit) + suffix + ")";
  }
  return std::to_string(value);
}

}  // namespace

std::optional<std::string> aggregation_parameters_problem(AggregatingFunction function,
                                                          const std::vector<std::int64_t>& parameters,
                                                          std::string_view name) {
  const std::string function_name(name);
  if (function == AggregatingFunction::Lquantize) {
    if (parameters.size() != 3) return function_name + "() needs a low bound, a high bound and a step";
    const std::int64_t low = parameters[0], high = parameters[1], step = parameters[2];
    // DTrace's limits (dt_cg.c): 32-bit bounds, a 16-bit step, at least one level.
    if (low < INT32_MIN || low > INT32_MAX) return function_name + "() lower bound must be a 32-bit quantity";
    if (high < INT32_MIN || high > INT32_MAX) return function_name + "() upper bound must be a 32-bit quantity";
    if (step <= 0) return function_name + "() step must be positive";
    if (step > UINT16_MAX) return function_name + "() step must be a 16-bit quantity (at most 65535)";
    if (high <= low) return function_name + "() upper bound must be greater than the lower bound";
    // high - low in unsigned arithmetic: exact, where the signed one could overflow.
    const std::uint64_t span = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(low);
    if (span / static_cast<std::uint64_t>(step) == 0) {
      return function_name + "() step is larger than upper bound - lower bound: there would be no level";
    }
    if (span / static_cast<std::uint64_t>(step) > 10000) return function_name + "() would have more than 10000 buckets";
  } else if (function == AggregatingFunction::Llquantize) {
    if (parameters.size() != 4) return function_name + "() needs a factor, a low and a high magnitude and steps";
    const std::int64_t factor = parameters[0], low = parameters[1], high = parameters[2], steps = parameters[3];
    if (factor < 2) return function_name + "() factor must be at least 2";
    if (factor > UINT16_MAX) return function_name + "() factor must be a 16-bit quantity (at most 65535)";
    if (low < 0) return function_name + "() low magnitude must not be negative";
    if (high < low) return function_name + "() high magnitude must not be below the low magnitude";
    if (high > UINT16_MAX) return function_name + "() high magnitude must be a 16-bit quantity (at most 65535)";
    if (steps < 1 || (steps % factor != 0 && factor % steps != 0)) {
      return function_name + "() steps must divide or be a multiple of the factor";
    }
    if (steps > UINT16_MAX) return function_name + "() steps must be a 16-bit quantity (at most 65535)";
    if (steps > factor) {
      // As DTrace: the steps of a magnitude must fall on whole values of
      // the first magnitude shown, factor^(low + 1) (factor^2 for low 0).
      long double first = 1;
      for (std::int64_t magnitude = 0; magnitude <= std::max<std::int64_t>(low, 1) && first <= 9.2e18L; ++magnitude) {
        first *= static_cast<long double>(factor);
      }
      if (first > 9.2e18L || static_cast<std::uint64_t>(first) % static_cast<std::uint64_t>(steps) != 0) {
        return function_name + "() steps must divide factor^(low + 1) (factor^2 when low is 0) when steps > factor";
      }
    }
    long double power = 1;
    for (std::int64_t magnitude = 0; magnitude <= high; ++magnitude) {
      power *= static_cast<long double>(factor);
      if (power > 9.2e18L) return function_name + "() factor^(high + 1) does not fit in 64 bits";
    }
  } else if (!parameters.empty()) {
    return function_name + "() takes no parameters";
  }
  return std::nullopt;
}

std::optional<std::string> setting_problem(const SettingRange& range, std::uint64_t value) {
  if (value >= range.minimum && value <= range.maximum) return std::nullopt;
  return std::string(range.name) + " " + size_text(value) + " is " +
         (value < range.minimum ? "below the minimum " + size_text(range.minimum)
                                : "above the maximum " + size_text(range.maximum)) +
         ": " + std::string(range.why);
}

std::optional<std::string> settings_problem(const Settings& settings) {
  for (const SettingRange& range : setting_ranges) {
    if (auto problem = setting_problem(range, settings.*range.value)) return problem;
  }
  if (settings.bufsize % kib != 0) {
    return "bufsize " + std::to_string(settings.bufsize) + " is not a whole number of KiB";
  }
  return std::nullopt;
}

}  // namespace probity::compiler
