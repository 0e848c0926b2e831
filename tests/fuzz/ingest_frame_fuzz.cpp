// Fuzz target: ingest frames as floorwatchd receives them from collectors. The input is split
// into frames (2-byte big-endian length, then the bytes); each frame is decoded as an
// EventBatch (proto/wire_codec), deduplicated by (source, session, seq) and its events applied
// to a live FloorState. Invariants: nothing crashes or trips a sanitizer, a decode failure
// names its field and reason, and the state's snapshot stays consistent.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "floorwatch/core/delivery_tracker.h"
#include "floorwatch/core/floor_state.h"
#include "wire_codec.h"

using namespace floorwatch;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  core::FloorConfig config;
  config.time_zone = "Europe/Stockholm";  // a DST zone: calendar edges get exercised
  config.interval_minutes = 15;
  config.queues["sales"].answer_target = core::Duration{20'000};
  core::FloorState floor(config);
  core::DeliveryTracker tracker;
  std::int64_t latest_ms = 0;

  std::size_t offset = 0;
  while (offset + 2 <= size) {
    const std::size_t length = (std::size_t{data[offset]} << 8) | data[offset + 1];
    offset += 2;
    const std::size_t take = std::min(length, size - offset);
    const std::string_view frame(reinterpret_cast<const char*>(data + offset), take);
    offset += take;

    auto batch = wire::decode_batch(frame);
    if (!batch) {
      if (batch.error().message.empty()) std::abort();
      continue;
    }
    for (const wire::DecodedEvent& decoded : batch.value().events) {
      const auto verdict = tracker.check(batch.value().source, batch.value().session, decoded.seq);
      if (verdict != core::DeliveryTracker::Verdict::Apply) continue;
      tracker.mark_applied(batch.value().source, batch.value().session, decoded.seq);
      if (!decoded.event) {
        if (decoded.event.error().message.empty()) std::abort();
        continue;
      }
      floor.apply(decoded.event.value());
      latest_ms = std::max(latest_ms, core::to_epoch_ms(decoded.event.value().ts));
    }
  }
  const core::FloorSnapshot snapshot = floor.snapshot(core::from_epoch_ms(latest_ms));
  for (const auto& queue : snapshot.queues)
    if (queue.calls_waiting < 0) std::abort();
  return 0;
}
