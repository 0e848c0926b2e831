#include "floorwatch/core/delivery_tracker.h"

namespace floorwatch::core {

DeliveryTracker::Verdict DeliveryTracker::check(const std::string& source, std::uint64_t session,
                                                std::uint64_t seq) const {
  const std::uint64_t done = applied(source, session);
  if (seq <= done) return Verdict::Duplicate;
  if (seq > done + 1) return Verdict::Gap;
  return Verdict::Apply;
}

void DeliveryTracker::mark_applied(const std::string& source, std::uint64_t session,
                                   std::uint64_t seq) {
  auto& done = applied_[{source, session}];
  if (seq > done) done = seq;
}

std::uint64_t DeliveryTracker::applied(const std::string& source, std::uint64_t session) const {
  auto it = applied_.find({source, session});
  return it == applied_.end() ? 0 : it->second;
}

void DeliveryTracker::restore(const std::string& source, std::uint64_t session,
                              std::uint64_t applied_seq) {
  applied_[{source, session}] = applied_seq;
}

}  // namespace floorwatch::core
