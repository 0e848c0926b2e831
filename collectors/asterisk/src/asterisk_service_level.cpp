#include "floorwatch/asterisk/asterisk_service_level.h"

#include <cstdio>
#include <optional>
#include <set>
#include <utility>

#include "text.h"

namespace floorwatch::asterisk {

double AsteriskQueueCounters::service_level_percent() const {
  return completed == 0 ? 0.0 : 100.0 * static_cast<double>(completed_in_sl) / completed;
}

double AsteriskQueueCounters::service_level2_percent() const {
  const std::int64_t total = abandoned + completed;
  return total == 0 ? 0.0 : 100.0 * static_cast<double>(abandoned_in_sl + completed_in_sl) / total;
}

std::string format_asterisk_percent(double percent) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%2.1f", percent);
  return buffer;
}

std::map<std::string, AsteriskQueueCounters> asterisk_service_level(
    const std::vector<QueueLogRecord>& records, std::chrono::seconds servicelevel) {
  using CallKey = std::pair<std::string, std::string>;  // (callid, queue)
  std::map<std::string, AsteriskQueueCounters> counters;
  std::map<CallKey, std::int64_t> entered_at;
  std::map<CallKey, std::int64_t> connect_holdtime;
  std::set<CallKey> counted;  // app_queue's starttime guard: one count per answered call
  const std::int64_t limit = servicelevel.count();

  const auto number = [](const QueueLogRecord& r, std::size_t index) {
    return text::parse_count(r.data_field(index));
  };
  for (const QueueLogRecord& r : records) {
    const CallKey key{r.callid, r.queue};
    const std::string& e = r.event;
    if (e == "QUEUESTART") {
      counters.clear();
      entered_at.clear();
      connect_holdtime.clear();
      counted.clear();
    } else if (e == "ENTERQUEUE") {
      entered_at[key] = r.epoch_seconds;
      counted.erase(key);
    } else if (e == "CONNECT") {
      if (const auto hold = number(r, 1)) connect_holdtime[key] = *hold;
      counted.erase(key);
    } else if (e == "COMPLETECALLER" || e == "COMPLETEAGENT" || e == "BLINDTRANSFER" ||
               e == "TRANSFER" || e == "ATTENDEDTRANSFER") {
      if (!counted.insert(key).second) continue;
      std::optional<std::int64_t> hold;
      if (const auto found = connect_holdtime.find(key); found != connect_holdtime.end()) {
        hold = found->second;  // the value closest to what app_queue compared (§4.2)
      } else if (e == "COMPLETECALLER" || e == "COMPLETEAGENT") {
        hold = number(r, 1);
      } else if (e == "ATTENDEDTRANSFER") {
        if (r.data.size() >= 3) hold = number(r, r.data.size() - 2);
      } else {
        hold = number(r, 3);
      }
      AsteriskQueueCounters& queue = counters[r.queue];
      ++queue.completed;
      if (hold && *hold <= limit) ++queue.completed_in_sl;
    } else if (e == "ABANDON" || e == "EXITWITHTIMEOUT" || e == "EXITEMPTY" || e == "WITHDRAW" ||
               e == "SYSCOMPAT") {
      std::optional<std::int64_t> wait = e == "SYSCOMPAT" ? std::nullopt : number(r, 3);
      if (!wait) {
        if (const auto found = entered_at.find(key); found != entered_at.end()) {
          wait = r.epoch_seconds - found->second;
        }
      }
      AsteriskQueueCounters& queue = counters[r.queue];
      ++queue.abandoned;
      if (wait && *wait <= limit) ++queue.abandoned_in_sl;
    }
  }
  return counters;
}

}  // namespace floorwatch::asterisk
