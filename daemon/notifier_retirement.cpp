#include "daemon/notifier_retirement.h"

#include <algorithm>
#include <string>

#include <spdlog/spdlog.h>

namespace floorwatch::daemon {

std::chrono::milliseconds retirement_budget(const alerts::NotificationDispatcher& dispatcher,
                                            const alerts::AlertsConfig& config) {
  std::chrono::milliseconds needed{0};
  const auto counters = dispatcher.counters();
  for (const alerts::NotifierConfig& notifier : config.notifiers) {
    const auto found = std::find_if(counters.begin(), counters.end(),
                                    [&](const auto& c) { return c.notifier == notifier.name; });
    const std::size_t notices = (found == counters.end() ? 0 : found->queued) + 1;  // + in flight
    needed = std::max(needed, alerts::retry_budget(notifier) * static_cast<long>(notices));
  }
  return std::min(needed, NotifierRetirement::kMaxRetirement);
}

void NotifierRetirement::retire(std::unique_ptr<alerts::NotificationDispatcher> dispatcher,
                                std::chrono::steady_clock::time_point deadline) {
  retiring_.push_back({std::move(dispatcher), deadline});
}

void NotifierRetirement::take_all(NotifierRetirement& other) {
  for (auto& retiring : other.retiring_) retiring_.push_back(std::move(retiring));
  other.retiring_.clear();
}

void NotifierRetirement::release(std::chrono::steady_clock::time_point now, AlertMetrics& metrics) {
  for (auto& retiring : retiring_) {
    if (retiring.stop_requested) continue;
    const bool done = retiring.dispatcher->wait_until_idle(std::chrono::milliseconds(0));
    if (!done && now < retiring.deadline) continue;
    if (!done)
      spdlog::warn(
          "alerts: notifiers of a previous config still had notices after their retry budget; "
          "stopping them (what is queued is dropped)");
    retiring.dispatcher->request_stop();
    retiring.stop_requested = true;
  }
  for (auto it = retiring_.begin(); it != retiring_.end();) {
    if (!it->stop_requested || !it->dispatcher->stopped()) {
      ++it;
      continue;
    }
    std::string summary;
    for (const auto& counters : it->dispatcher->counters())
      summary += " " + counters.notifier + ":delivered=" + std::to_string(counters.delivered) +
                 ",given_up=" + std::to_string(counters.given_up) +
                 ",dropped=" + std::to_string(counters.dropped);
    spdlog::info("alerts: notifiers of a previous config retired{}", summary);
    metrics.settle(it->dispatcher.get());
    it = retiring_.erase(it);  // its threads have ended: destroying it does not wait
  }
}

void NotifierRetirement::stop_all() {
  for (auto& retiring : retiring_) retiring.dispatcher->request_stop();
}

std::vector<const alerts::NotificationDispatcher*> NotifierRetirement::dispatchers() const {
  std::vector<const alerts::NotificationDispatcher*> result;
  for (const auto& retiring : retiring_) result.push_back(retiring.dispatcher.get());
  return result;
}

}  // namespace floorwatch::daemon
