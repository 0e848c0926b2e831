#pragma once
// Flood bounds on the ingest socket: an oversized frame is dropped unread, and each collector
// connection gets a byte-rate token bucket. A frame over the limit is not applied and not
// acked, so the collector resends it later: a flood slows down, nothing is lost.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

namespace floorwatch::daemon {

/// `ingest:` limits (docs/configuration.md). Plain value type.
struct IngestLimits {
  std::size_t max_frame_bytes = 4 * 1024 * 1024;  ///< larger frames are dropped and counted
  /// Per collector connection; 0 = unlimited. Bursts up to one second's worth pass at once.
  double max_bytes_per_second_per_source = 0;
};

/// Decides per frame. Not thread-safe: the daemon loop owns it.
class IngestAdmission {
 public:
  enum class Verdict { Admit, Oversized, RateLimited };

  explicit IngestAdmission(IngestLimits limits) : limits_(limits) {}
  /// `peer`: the ROUTER routing id of the connection the frame came from.
  Verdict admit(std::string_view peer, std::size_t frame_bytes,
                std::chrono::steady_clock::time_point now);
  const IngestLimits& limits() const { return limits_; }
  std::size_t tracked_peers() const { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point refilled_at{};
  };
  IngestLimits limits_;
  std::unordered_map<std::string, Bucket> buckets_;
};

std::string_view to_string(IngestAdmission::Verdict verdict);

}  // namespace floorwatch::daemon
