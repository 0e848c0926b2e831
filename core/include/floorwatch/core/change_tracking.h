#pragma once
// The rule every reader of "what changed since" follows (queues, agents; engine and view).
#include <cstdint>
#include <optional>

namespace floorwatch::core {

/// Whether a reader that last saw revision `since` can be given only what changed after it: not
/// when it saw nothing, saw a picture older than `complete_since` (the last change to everything:
/// load(), a new day) or one newer than `revision` (not from this state).
inline bool only_changes_since(std::optional<std::uint64_t> since, std::uint64_t complete_since,
                               std::uint64_t revision) {
  return since && *since >= complete_since && *since <= revision;
}

}  // namespace floorwatch::core
