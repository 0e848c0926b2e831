#include "alerts/notifiers/log_notifier.h"

#include <cstdio>

namespace floorwatch::alerts {

std::string log_line(const Notification& notification) {
  std::string line = "alert " + std::to_string(notification.alert_id) + " " +
                     std::string(to_string(notification.kind)) + " tier=" + notification.tier;
  for (const auto& [name, value] : notification.labels) line += " " + name + "=" + value;
  for (const auto& [name, value] : notification.annotations)
    if (!value.empty()) line += " " + name + "=\"" + value + "\"";
  return line;
}

LogNotifier::LogNotifier(LogSink sink) : sink_(std::move(sink)) {
  if (!sink_) sink_ = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
}

DeliveryOutcome LogNotifier::deliver(const Notification& notification) {
  if (notification.kind == NotificationKind::Refresh) return DeliveryOutcome{true, false, {}};
  sink_(log_line(notification));
  return DeliveryOutcome{true, false, {}};
}

}  // namespace floorwatch::alerts
