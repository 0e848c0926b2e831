#pragma once
// Asterisk's own service-level arithmetic (app_queue.c, formats §4), rebuilt from queue_log.
// Used to prove that floorwatch's `answered_only` formula reproduces Asterisk's SL and to show
// where SL2 and the floorwatch formulas differ. Pure.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "floorwatch/asterisk/queue_log_parser.h"

namespace floorwatch::asterisk {

/// One queue's in-memory counters as app_queue keeps them since its last restart. Plain value.
struct AsteriskQueueCounters {
  std::int64_t completed = 0;        ///< C: COMPLETE*, *TRANSFER
  std::int64_t completed_in_sl = 0;  ///< C_in: hold time <= servicelevel
  std::int64_t abandoned = 0;  ///< A: ABANDON, EXITWITHTIMEOUT, EXITEMPTY, WITHDRAW, SYSCOMPAT
  std::int64_t abandoned_in_sl = 0;  ///< A_in: wait <= servicelevel

  /// `ServicelevelPerf` / "SL:": 100 * C_in / C, and 0 (not "none") when C == 0.
  double service_level_percent() const;
  /// `ServicelevelPerf2` / "SL2:" (Asterisk 15+): 100 * (A_in + C_in) / (A + C), 0 when empty.
  double service_level2_percent() const;
  bool operator==(const AsteriskQueueCounters&) const = default;
};

/// Replays `records` the way app_queue counts (formats §4.6): counters restart at QUEUESTART,
/// a call counts when it finishes, "in SL" is `wait <= servicelevel` in whole seconds using the
/// logged hold/wait fields. EXITWITHKEY, AGENTDUMP, ring attempts and calls still talking are
/// not counted. Returns counters per queue.
std::map<std::string, AsteriskQueueCounters> asterisk_service_level(
    const std::vector<QueueLogRecord>& records, std::chrono::seconds servicelevel);

/// A percentage as Asterisk prints it (`%2.1f`), e.g. "66.7", to compare with QueueParams.
std::string format_asterisk_percent(double percent);

}  // namespace floorwatch::asterisk
