#include "alerts/notifiers/notifier.h"

#include <stdexcept>

#include <date/date.h>

#include "alerts/notifiers/alertmanager_notifier.h"
#include "alerts/notifiers/log_notifier.h"
#include "alerts/notifiers/webhook_notifier.h"

namespace floorwatch::alerts {

std::string format_rfc3339(core::Timestamp at) {
  return date::format("%FT%TZ", at);
}

std::unique_ptr<Notifier> make_notifier(const NotifierConfig& config,
                                        const NotifierContext& context, LogSink log_sink) {
  switch (config.type) {
    case NotifierType::Alertmanager:
      return std::make_unique<AlertmanagerNotifier>(
          instance_urls(config), context,
          config.generator_url.empty() ? context.generator_url : config.generator_url,
          config.timeout, config.resend);
    case NotifierType::Webhook:
      return std::make_unique<WebhookNotifier>(config.url, context, config.timeout);
    case NotifierType::Log:
      return std::make_unique<LogNotifier>(std::move(log_sink));
  }
  throw std::invalid_argument("unknown notifier type");
}

}  // namespace floorwatch::alerts
