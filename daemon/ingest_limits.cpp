#include "daemon/ingest_limits.h"

#include <algorithm>

namespace floorwatch::daemon {
namespace {
// Connections come and go (collector restarts get new routing ids): forget idle buckets
// once there are this many, so the map stays small.
constexpr std::size_t kPeersBeforeCleanup = 1024;
}  // namespace

IngestAdmission::Verdict IngestAdmission::admit(std::string_view peer, std::size_t frame_bytes,
                                                std::chrono::steady_clock::time_point now) {
  if (frame_bytes > limits_.max_frame_bytes) return Verdict::Oversized;
  const double rate = limits_.max_bytes_per_second_per_source;
  if (rate <= 0) return Verdict::Admit;
  if (buckets_.size() >= kPeersBeforeCleanup) {
    // A full bucket has not spent anything for a second at least: nothing to remember.
    std::erase_if(buckets_, [&](const auto& entry) {
      return now - entry.second.refilled_at > std::chrono::seconds(1);
    });
  }
  auto [found, inserted] = buckets_.try_emplace(std::string(peer));
  Bucket& bucket = found->second;
  // The burst is one second of traffic, but never less than one whole frame of the maximum
  // size: otherwise a large legitimate batch could never pass.
  const double capacity = std::max(rate, static_cast<double>(limits_.max_frame_bytes));
  if (inserted) {
    bucket.tokens = capacity;
  } else {
    const double elapsed = std::chrono::duration<double>(now - bucket.refilled_at).count();
    bucket.tokens = std::min(capacity, bucket.tokens + std::max(0.0, elapsed) * rate);
  }
  bucket.refilled_at = now;
  const auto cost = static_cast<double>(frame_bytes);
  if (bucket.tokens < cost) return Verdict::RateLimited;
  bucket.tokens -= cost;
  return Verdict::Admit;
}

std::string_view to_string(IngestAdmission::Verdict verdict) {
  switch (verdict) {
    case IngestAdmission::Verdict::Admit:
      return "admitted";
    case IngestAdmission::Verdict::Oversized:
      return "oversized";
    case IngestAdmission::Verdict::RateLimited:
      return "rate_limited";
  }
  return "unknown";
}

}  // namespace floorwatch::daemon
