#include "daemon/metrics_exporter.h"

#include "daemon/callback_metrics.h"

#include <algorithm>
#include <limits>
#include <optional>

#include "daemon/group_metrics.h"

namespace floorwatch::daemon {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

using LabelList = std::vector<ClientMetric::Label>;

MetricFamily family(std::string name, std::string help, MetricType type) {
  MetricFamily result;
  result.name = std::move(name);
  result.help = std::move(help);
  result.type = type;
  return result;
}

LabelList with(LabelList labels, std::string name, std::string value) {
  labels.push_back({std::move(name), std::move(value)});
  return labels;
}

void add_gauge(MetricFamily& target, LabelList labels, double value) {
  ClientMetric metric;
  metric.label = std::move(labels);
  metric.gauge.value = value;
  target.metric.push_back(std::move(metric));
}

void add_optional_gauge(MetricFamily& target, LabelList labels, std::optional<double> value) {
  if (value) add_gauge(target, std::move(labels), *value);
}

void add_counter(MetricFamily& target, LabelList labels, double value) {
  ClientMetric metric;
  metric.label = std::move(labels);
  metric.counter.value = value;
  target.metric.push_back(std::move(metric));
}

// Indexes of the families built per queue; keeps the loop below readable.
enum Family : std::size_t {
  kCallsWaiting,
  kOldestWait,
  kAgents,
  kOfferedTotal,
  kAnsweredTotal,
  kAnsweredWithinTargetTotal,
  kAbandonedTotal,
  kAbandonedShortTotal,
  kAbandonedWithinTargetTotal,
  kExitedTotal,
  kWaitHistogram,
  kServiceLevel,
  kServiceLevelNumerator,
  kServiceLevelDenominator,
  kAsa,
  kAht,
  kAbandonRatio,
  kOffered,
  kAnswered,
  kAbandoned,
  kMaxWait,
  kOccupancy,
  kEstimatedWait,
  kAgentsRequired,
  kPredictedServiceLevel,
  kPatience,
  kStaffingModel,
  kInfo,
  kAnswerTarget,
  kServiceLevelTarget,
  kCallbacksOpen,
  kCallbackOldestAge,
  kFamilyCount,
};

std::vector<MetricFamily> empty_families() {
  std::vector<MetricFamily> f(kFamilyCount);
  const auto G = MetricType::Gauge;
  const auto C = MetricType::Counter;
  f[kCallsWaiting] = family("floorwatch_queue_calls_waiting", "Calls waiting in the queue now", G);
  f[kOldestWait] = family("floorwatch_queue_oldest_wait_seconds",
                          "How long the longest-waiting call has waited, at scrape time; 0 when "
                          "nobody waits",
                          G);
  f[kAgents] = family("floorwatch_queue_agents", "Member agents of the queue by state", G);
  f[kOfferedTotal] = family("floorwatch_queue_offered_total",
                            "Calls that entered the queue since the daemon started", C);
  f[kAnsweredTotal] = family("floorwatch_queue_answered_total", "Calls answered", C);
  f[kAnsweredWithinTargetTotal] =
      family("floorwatch_queue_answered_within_target_total",
             "Calls answered with a wait at or under the answer target", C);
  f[kAbandonedTotal] =
      family("floorwatch_queue_abandoned_total", "Calls whose caller hung up while waiting", C);
  f[kAbandonedShortTotal] =
      family("floorwatch_queue_abandoned_short_total",
             "Abandoned calls that waited less than short_abandon_seconds", C);
  f[kAbandonedWithinTargetTotal] =
      family("floorwatch_queue_abandoned_within_target_total",
             "Abandoned calls that waited at or under the answer target", C);
  f[kExitedTotal] = family("floorwatch_queue_exited_total",
                           "Calls that left the queue unanswered without hanging up, by reason", C);
  f[kWaitHistogram] =
      family("floorwatch_queue_wait_seconds", "Waits of answered calls", MetricType::Histogram);
  f[kServiceLevel] = family("floorwatch_queue_service_level_ratio",
                            "Service level in the window, by the queue's formula "
                            "(floorwatch_queue_info); absent when its denominator is 0",
                            G);
  f[kServiceLevelNumerator] =
      family("floorwatch_queue_service_level_numerator",
             "The numerator of the queue's service-level formula over the window", G);
  f[kServiceLevelDenominator] =
      family("floorwatch_queue_service_level_denominator",
             "The denominator of the queue's service-level formula over the window", G);
  f[kAsa] = family("floorwatch_queue_asa_seconds",
                   "Average speed of answer of calls answered in the window", G);
  f[kAht] = family("floorwatch_queue_aht_seconds",
                   "Average handle time (talk + wrap-up) of calls whose handling ended in the "
                   "window",
                   G);
  f[kAbandonRatio] = family("floorwatch_queue_abandon_ratio",
                            "Abandoned / (answered + abandoned + exited) in the window", G);
  f[kOffered] = family("floorwatch_queue_offered", "Calls that entered the queue in the window", G);
  f[kAnswered] = family("floorwatch_queue_answered", "Calls answered in the window", G);
  f[kAbandoned] = family("floorwatch_queue_abandoned", "Calls abandoned in the window", G);
  f[kMaxWait] = family("floorwatch_queue_max_wait_seconds",
                       "Longest wait of a call that left the queue in the window", G);
  f[kOccupancy] = family("floorwatch_queue_occupancy_ratio",
                         "(ringing + busy + wrap-up) / staffed member agents, now", G);
  f[kEstimatedWait] = family("floorwatch_queue_estimated_wait_seconds",
                             "Estimated wait for a caller joining the queue now", G);
  f[kAgentsRequired] = family("floorwatch_queue_agents_required",
                              "Agents needed to meet the service-level target at the last 30 "
                              "minutes' arrival rate and handle time "
                              "(model: floorwatch_queue_staffing_model_info)",
                              G);
  f[kPredictedServiceLevel] = family("floorwatch_queue_predicted_service_level_ratio",
                                     "Service level expected with the agents staffed now "
                                     "(model: floorwatch_queue_staffing_model_info)",
                                     G);
  f[kPatience] = family("floorwatch_queue_patience_seconds",
                        "Callers' mean patience: abandons over the waits of every caller who left "
                        "the queue in the last 60 minutes (else today); absent below 20 abandons",
                        G);
  f[kStaffingModel] = family("floorwatch_queue_staffing_model_info",
                             "Always 1; `model` names what agents_required and "
                             "predicted_service_level used: erlang_a (measured patience) or "
                             "erlang_c",
                             G);
  f[kInfo] = family("floorwatch_queue_info",
                    "Always 1; labels name the queue's channel and service-level formula", G);
  f[kAnswerTarget] = family("floorwatch_queue_answer_target_seconds",
                            "Answer target (the X of 'Y% answered within X seconds')", G);
  f[kServiceLevelTarget] = family("floorwatch_queue_service_level_target_ratio",
                                  "Service-level target (the Y of 'Y% within X seconds')", G);
  f[kCallbacksOpen] = family("floorwatch_queue_callbacks_open",
                             "Callers owed a call-back whose latest abandon was in this queue: "
                             "not yet called back nor answered since",
                             G);
  f[kCallbackOldestAge] = family("floorwatch_queue_callback_oldest_age_seconds",
                                 "Time since the first abandon of the oldest open call-back "
                                 "(0 when none is open)",
                                 G);
  return f;
}

std::optional<double> count_value(std::int64_t count) {
  return static_cast<double>(count);
}

}  // namespace

std::vector<MetricFamily> build_floor_families(const core::FloorSnapshot& snapshot,
                                               const Identity& identity) {
  std::vector<MetricFamily> f = empty_families();
  const LabelList identity_labels{{"site", identity.site}, {"daemon", identity.daemon}};

  for (const core::QueueSnapshot& queue : snapshot.queues) {
    const LabelList labels = with(identity_labels, "queue", queue.name);
    const core::OutcomeCounters& lifetime = queue.lifetime;

    add_gauge(f[kCallsWaiting], labels, static_cast<double>(queue.calls_waiting));
    add_gauge(f[kOldestWait], labels, queue.oldest_wait_seconds.value_or(0.0));
    for (std::size_t s = 0; s < core::kAgentStatusCount; ++s) {
      const auto state = static_cast<core::AgentStatus>(s);
      add_gauge(f[kAgents], with(labels, "state", std::string(core::to_string(state))),
                static_cast<double>(queue.agents_by_state[s]));
    }

    add_counter(f[kOfferedTotal], labels, static_cast<double>(lifetime.offered));
    add_counter(f[kAnsweredTotal], labels, static_cast<double>(lifetime.answered));
    add_counter(f[kAnsweredWithinTargetTotal], labels,
                static_cast<double>(lifetime.answered_within_target));
    add_counter(f[kAbandonedTotal], labels, static_cast<double>(lifetime.abandoned));
    add_counter(f[kAbandonedShortTotal], labels, static_cast<double>(lifetime.abandoned_short));
    add_counter(f[kAbandonedWithinTargetTotal], labels,
                static_cast<double>(lifetime.abandoned_within_target));
    for (std::size_t r = 0; r < core::kExitReasonCount; ++r) {
      const auto reason = static_cast<core::ExitReason>(r);
      add_counter(f[kExitedTotal], with(labels, "reason", std::string(core::to_string(reason))),
                  static_cast<double>(lifetime.exited_by_reason[r]));
    }

    // The snapshot counts per bucket; Prometheus buckets count everything at or below `le`.
    ClientMetric histogram;
    histogram.label = labels;
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b < queue.wait_bucket_counts.size(); ++b) {
      cumulative += static_cast<std::uint64_t>(queue.wait_bucket_counts[b]);
      const double upper = b < core::kWaitBucketsSeconds.size()
                               ? core::kWaitBucketsSeconds[b]
                               : std::numeric_limits<double>::infinity();
      histogram.histogram.bucket.push_back({cumulative, upper});
    }
    histogram.histogram.sample_count = cumulative;
    histogram.histogram.sample_sum = static_cast<double>(lifetime.answered_wait_sum_ms) / 1000.0;
    f[kWaitHistogram].metric.push_back(std::move(histogram));

    for (const core::WindowKind kind : core::kAllWindows) {
      const core::WindowFigures& figures = queue.window(kind);
      const LabelList window_labels = with(labels, "window", std::string(core::to_string(kind)));
      add_optional_gauge(f[kServiceLevel], window_labels, figures.service_level);
      // Always present, 0 included: sites and queues are summed before dividing.
      const core::ServiceLevelTerms terms =
          core::service_level_terms(figures.counts, queue.settings.formula);
      add_gauge(f[kServiceLevelNumerator], window_labels, static_cast<double>(terms.numerator));
      add_gauge(f[kServiceLevelDenominator], window_labels, static_cast<double>(terms.denominator));
      add_optional_gauge(f[kAsa], window_labels, figures.average_speed_of_answer_seconds);
      add_optional_gauge(f[kAht], window_labels, figures.average_handle_time_seconds);
      add_optional_gauge(f[kAbandonRatio], window_labels, figures.abandon_ratio);
      add_optional_gauge(f[kOffered], window_labels, count_value(figures.counts.offered));
      add_optional_gauge(f[kAnswered], window_labels, count_value(figures.counts.answered));
      add_optional_gauge(f[kAbandoned], window_labels, count_value(figures.counts.abandoned));
      add_optional_gauge(f[kMaxWait], window_labels, figures.max_wait_seconds);
    }

    add_optional_gauge(f[kOccupancy], labels, queue.occupancy);
    add_optional_gauge(f[kEstimatedWait], labels, queue.estimated_wait_seconds);
    if (queue.agents_required)
      add_gauge(f[kAgentsRequired], labels, static_cast<double>(*queue.agents_required));
    add_optional_gauge(f[kPredictedServiceLevel], labels, queue.predicted_service_level);
    add_optional_gauge(f[kPatience], labels, queue.mean_patience_seconds);
    if (queue.agents_required || queue.predicted_service_level)
      add_gauge(f[kStaffingModel],
                with(labels, "model", std::string(core::to_string(queue.staffing_model))), 1);
    add_gauge(f[kInfo],
              with(with(labels, "channel", std::string(core::to_string(queue.settings.channel))),
                   "formula", std::string(core::to_string(queue.settings.formula))),
              1);
    add_gauge(f[kAnswerTarget], labels, core::to_seconds(queue.settings.answer_target));
    add_gauge(f[kServiceLevelTarget], labels, queue.settings.service_level_target);
    add_gauge(f[kCallbacksOpen], labels, static_cast<double>(queue.callbacks_open));
    add_gauge(f[kCallbackOldestAge], labels,
              queue.oldest_callback_since
                  ? std::max(0.0, core::to_seconds(snapshot.now - *queue.oldest_callback_since))
                  : 0.0);
  }

  std::erase_if(f, [](const MetricFamily& family) { return family.metric.empty(); });
  for (MetricFamily& group_family : build_group_families(snapshot.groups, identity_labels))
    f.push_back(std::move(group_family));
  return f;
}

std::vector<MetricFamily> FloorCollectable::Collect() const {
  // The reader's own moment: with a running clock, live waits are exact at scrape time.
  const core::FloorSnapshot snapshot =
      views_.current()->to_snapshot(std::chrono::steady_clock::now());
  std::vector<MetricFamily> families = build_floor_families(snapshot, identity_);
  for (MetricFamily& family : build_callback_families(snapshot.callback_counters, identity_))
    families.push_back(std::move(family));
  return families;
}

MetricsExporter::MetricsExporter(const std::string& listen, const FloorViewPublisher& views,
                                 const Identity& identity,
                                 std::shared_ptr<prometheus::Registry> self_metrics)
    : host_(listen.substr(0, listen.rfind(':'))),
      floor_collectable_(std::make_shared<FloorCollectable>(views, identity)),
      self_metrics_(std::move(self_metrics)),
      exposer_(listen, 2) {
  exposer_.RegisterCollectable(floor_collectable_);
  exposer_.RegisterCollectable(self_metrics_);
}

std::string MetricsExporter::listening_address() const {
  const auto ports = exposer_.GetListeningPorts();
  return host_ + ":" + (ports.empty() ? std::string("?") : std::to_string(ports.front()));
}

}  // namespace floorwatch::daemon
