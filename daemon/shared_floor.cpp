#include "daemon/shared_floor.h"

namespace floorwatch::daemon {

core::FloorSnapshot SharedFloor::snapshot(const core::SnapshotOptions& options) {
  std::lock_guard lock(mutex_);
  // Read the clock inside the lock: an event applied just before cannot be "in the future".
  return state_.snapshot(clock_.now(), options);
}

core::FloorSnapshot SharedFloor::snapshot(core::Timestamp now,
                                          const core::SnapshotOptions& options) {
  std::lock_guard lock(mutex_);
  return state_.snapshot(now, options);
}

void SharedFloor::advance() {
  advance(clock_.now());
}

void SharedFloor::advance(core::Timestamp now) {
  std::lock_guard lock(mutex_);
  state_.advance(now);
}

}  // namespace floorwatch::daemon
