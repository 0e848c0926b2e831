#pragma once
// Writes one line per notification to a log sink (floorwatchd passes spdlog). Never fails.
#include "alerts/notifiers/notifier.h"

namespace floorwatch::alerts {

/// `alert 7 firing tier=floor-lead alertname=... queue=sales severity=critical summary="..."`
std::string log_line(const Notification& notification);

/// Thread-safe if the sink is.
class LogNotifier final : public Notifier {
 public:
  explicit LogNotifier(LogSink sink = {});
  DeliveryOutcome deliver(const Notification& notification) override;

 private:
  LogSink sink_;
};

}  // namespace floorwatch::alerts
