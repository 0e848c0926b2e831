#include "alerts/alert_fingerprint.h"

#include <cstdint>
#include <cstdio>
#include <string_view>

namespace floorwatch::alerts {
namespace {

constexpr std::uint64_t kFnvOffset = 14695981039346656037ULL;
constexpr std::uint64_t kFnvPrime = 1099511628211ULL;

void mix(std::uint64_t& hash, std::string_view bytes) {
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= kFnvPrime;
  }
}

}  // namespace

std::string alert_fingerprint(const std::string& rule, const std::string& subject,
                              core::Timestamp active_since) {
  std::uint64_t hash = kFnvOffset;
  // Unit separators keep ("ab", "c") and ("a", "bc") apart.
  mix(hash, rule);
  mix(hash, "\x1f");
  mix(hash, subject);
  mix(hash, "\x1f");
  mix(hash, std::to_string(core::to_epoch_ms(active_since)));
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

}  // namespace floorwatch::alerts
