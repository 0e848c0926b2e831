#pragma once
// The waiting-callers page and the tiles' "next breach": pure functions of the model and the
// board's clock, so the countdowns run between feed messages. The forecast itself is the
// daemon's (docs/metrics.md "Waiting callers"); the board only counts down to its times.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wallboard/board_logic.h"
#include "wallboard/board_model.h"

namespace floorwatch::wallboard {

/// One line of the waiting-callers page.
struct CallerRow {
  const QueueView* queue = nullptr;
  const WaitingCallerView* caller = nullptr;
  std::size_t position = 0;  ///< 1 = next to be answered in its queue
  std::int64_t of = 0;       ///< callers waiting in that queue
};

/// Every waiting caller of `queues` (empty = all), most urgent first: the earliest breach
/// (already breached ones first), then the queue's order.
std::vector<CallerRow> callers_in_order(const BoardModel& model,
                                        const std::vector<std::string>& queues);
/// "12 of 77".
std::string position_text(const CallerRow& row);
/// Critical when the caller has breached or will before an agent can take it, warning when
/// its breach is under 30 s away, ok otherwise.
Level caller_level(const WaitingCallerView& caller, EpochMs now);
/// The mark's word (shown with level_icon): "breached", "will breach", "breach soon", "on time".
std::string_view caller_mark(const WaitingCallerView& caller, EpochMs now);
/// The predicted answer, counting down: "in 1:30", "due" once its time has passed, "no agent"
/// when none can be foreseen.
std::string answer_text(const WaitingCallerView& caller, EpochMs now);
/// The breach, counting down: "in 0:23"; "breached" once over the target.
std::string breach_text(const WaitingCallerView& caller, EpochMs now);

/// The tile's next breach: "breached" while a caller is over the target, else "next breach
/// 0:23" to the earliest caller forecast to breach, else "no breach expected".
struct NextBreach {
  std::string text;
  Level level = Level::Neutral;
};
NextBreach next_breach(const QueueView& queue, EpochMs now);

}  // namespace floorwatch::wallboard
