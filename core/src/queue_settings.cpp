#include "floorwatch/core/queue_settings.h"

#include <array>

namespace floorwatch::core {
namespace {

struct FormulaNames {
  std::string_view name;
  std::string_view description;
};
constexpr std::array<FormulaNames, 5> kFormulaNames{{
    {"answered_only", "answered only"},
    {"abandons_positive", "abandons within target count as met"},
    {"abandons_negative", "all abandons count as missed"},
    {"abandons_ignored", "abandons within target ignored"},
    {"short_abandons_excluded", "short abandons excluded"},
}};

}  // namespace

std::string_view to_string(ServiceLevelFormula formula) {
  return kFormulaNames[static_cast<std::size_t>(formula)].name;
}

std::string_view describe(ServiceLevelFormula formula) {
  return kFormulaNames[static_cast<std::size_t>(formula)].description;
}

std::optional<ServiceLevelFormula> parse_service_level_formula(std::string_view text) {
  for (std::size_t i = 0; i < kFormulaNames.size(); ++i) {
    if (kFormulaNames[i].name == text) return static_cast<ServiceLevelFormula>(i);
  }
  return std::nullopt;
}

}  // namespace floorwatch::core
