#include "wallboard/queue_callers.h"

#include <algorithm>

namespace floorwatch::wallboard {
namespace {

constexpr double kBreachSoonSeconds = 30;

double seconds_until(EpochMs at, EpochMs now) {
  return static_cast<double>(at - now) / 1000.0;
}

bool wanted(const std::vector<std::string>& queues, const std::string& name) {
  return queues.empty() || std::find(queues.begin(), queues.end(), name) != queues.end();
}

}  // namespace

std::vector<CallerRow> callers_in_order(const BoardModel& model,
                                        const std::vector<std::string>& queues) {
  std::vector<CallerRow> rows;
  for (const QueueView& queue : model.queues) {
    if (!wanted(queues, queue.name)) continue;
    for (std::size_t i = 0; i < queue.waiting_callers.size(); ++i)
      rows.push_back({&queue, &queue.waiting_callers[i], i + 1, queue.calls_waiting});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const CallerRow& a, const CallerRow& b) {
    return a.caller->breach_at < b.caller->breach_at;
  });
  return rows;
}

std::string position_text(const CallerRow& row) {
  return std::to_string(row.position) + " of " + std::to_string(row.of);
}

Level caller_level(const WaitingCallerView& caller, EpochMs now) {
  if (now > caller.breach_at || caller.breach_predicted) return Level::Critical;
  if (seconds_until(caller.breach_at, now) < kBreachSoonSeconds) return Level::Warning;
  return Level::Ok;
}

std::string_view caller_mark(const WaitingCallerView& caller, EpochMs now) {
  if (now > caller.breach_at) return "breached";
  if (caller.breach_predicted) return "will breach";
  if (seconds_until(caller.breach_at, now) < kBreachSoonSeconds) return "breach soon";
  return "on time";
}

std::string answer_text(const WaitingCallerView& caller, EpochMs now) {
  if (!caller.predicted_answer) return "no agent";
  const double seconds = seconds_until(*caller.predicted_answer, now);
  return seconds <= 0 ? "due" : "in " + format_duration(seconds);
}

std::string breach_text(const WaitingCallerView& caller, EpochMs now) {
  const double seconds = seconds_until(caller.breach_at, now);
  return seconds < 0 ? "breached" : "in " + format_duration(seconds);
}

NextBreach next_breach(const QueueView& queue, EpochMs now) {
  if (callers_over_target(queue, now) > 0) return {"breached", Level::Critical};
  std::optional<EpochMs> next;
  for (const WaitingCallerView& caller : queue.waiting_callers)
    if (caller.breach_predicted && (!next || caller.breach_at < *next)) next = caller.breach_at;
  if (!next) return {"no breach expected", Level::Neutral};
  return {"next breach " + format_duration(seconds_until(*next, now)), Level::Warning};
}

}  // namespace floorwatch::wallboard
