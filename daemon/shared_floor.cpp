#include "daemon/shared_floor.h"

namespace floorwatch::daemon {

core::FloorSnapshot SharedFloor::snapshot(const core::SnapshotOptions& options) {
  std::lock_guard lock(mutex_);
  // Read the clock inside the lock: an event applied just before cannot be "in the future".
  return state_.snapshot(clock_.now(), options);
}

void SharedFloor::advance() {
  std::lock_guard lock(mutex_);
  state_.advance(clock_.now());
}

}  // namespace floorwatch::daemon
