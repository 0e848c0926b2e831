// The /metrics families built from a hand-made snapshot: names, labels, omitted figures and
// the cumulative histogram, checked through the real text format and promtool.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <prometheus/text_serializer.h>

#include "daemon/metrics_exporter.h"
#include "support/prometheus_text.h"
#include "support/promtool.h"

using namespace floorwatch;
using namespace std::chrono_literals;
using test::find_sample;

namespace {

const daemon::Identity kIdentity{"stockholm", "fw-a"};

// Queue "sales": 3 calls answered, with waits 4 s, 12 s and 700 s; one caller waiting since
// 75 s before `now`. Queue "quiet": configured, no traffic at all.
core::FloorSnapshot hand_made_snapshot() {
  core::FloorSnapshot snapshot;
  snapshot.now = core::from_epoch_ms(1'795'510'800'000);

  core::QueueSnapshot sales;
  sales.name = "sales";
  sales.settings.answer_target = 20s;
  sales.settings.formula = core::ServiceLevelFormula::AnsweredOnly;
  sales.calls_waiting = 1;
  sales.oldest_wait_seconds = 75.0;
  sales.agents_by_state = {2, 0, 3, 1, 0, 4};  // available, ringing, busy, wrapup, paused, offline
  sales.lifetime.offered = 4;
  sales.lifetime.answered = 3;
  sales.lifetime.answered_within_target = 2;
  sales.lifetime.exited_by_reason[static_cast<std::size_t>(core::ExitReason::Timeout)] = 0;
  sales.lifetime.answered_wait_sum_ms = 4'000 + 12'000 + 700'000;
  // Buckets (5,10,15,20,...,600,1200,+Inf): 4 s -> le=5, 12 s -> le=15, 700 s -> le=1200.
  sales.wait_bucket_counts[0] = 1;
  sales.wait_bucket_counts[2] = 1;
  sales.wait_bucket_counts[13] = 1;
  auto& today = sales.windows[static_cast<std::size_t>(core::WindowKind::Today)];
  today.counts.offered = 4;
  today.counts.answered = 3;
  today.service_level = 2.0 / 3.0;
  today.average_speed_of_answer_seconds = 716.0 / 3.0;
  sales.occupancy = 4.0 / 6.0;
  sales.agents_required = 5;
  sales.mean_patience_seconds = 250.0;  // measured: agents_required is Erlang A's
  sales.staffing_model = core::StaffingModel::ErlangA;

  core::QueueSnapshot quiet;
  quiet.name = "quiet";
  snapshot.queues = {quiet, sales};
  return snapshot;
}

std::string exposition(const std::vector<prometheus::MetricFamily>& families) {
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace

TEST_CASE("figures with a zero denominator have no sample at all", "[daemon][metrics]") {
  const auto text = exposition(daemon::build_floor_families(hand_made_snapshot(), kIdentity));
  const auto samples = test::parse_exposition(text);
  INFO(text);
  // quiet has counts (0) but no ratio, average or prediction.
  CHECK(find_sample(samples, "floorwatch_queue_offered_total", {{"queue", "quiet"}}) == 0);
  CHECK(find_sample(samples, "floorwatch_queue_offered",
                    {{"queue", "quiet"}, {"window", "today"}}) == 0);
  for (const char* name :
       {"floorwatch_queue_service_level_ratio", "floorwatch_queue_asa_seconds",
        "floorwatch_queue_aht_seconds", "floorwatch_queue_abandon_ratio",
        "floorwatch_queue_max_wait_seconds", "floorwatch_queue_occupancy_ratio",
        "floorwatch_queue_agents_required", "floorwatch_queue_predicted_service_level_ratio",
        "floorwatch_queue_estimated_wait_seconds"}) {
    INFO(name);
    CHECK_FALSE(find_sample(samples, name, {{"queue", "quiet"}}));
  }
  // sales has a today service level but none for the 15m window (left empty above).
  CHECK(find_sample(samples, "floorwatch_queue_service_level_ratio",
                    {{"queue", "sales"}, {"window", "today"}}) == Approx(2.0 / 3.0));
  CHECK_FALSE(find_sample(samples, "floorwatch_queue_service_level_ratio",
                          {{"queue", "sales"}, {"window", "15m"}}));
  CHECK(find_sample(samples, "floorwatch_queue_agents_required", {{"queue", "sales"}}) == 5);
  CHECK(text.find("NaN") == std::string::npos);
  CHECK(text.find("Nan") == std::string::npos);
  // Nobody waits in quiet: oldest wait is 0, not absent (it is a live gauge, not a ratio).
  CHECK(find_sample(samples, "floorwatch_queue_oldest_wait_seconds", {{"queue", "quiet"}}) == 0);
  CHECK(find_sample(samples, "floorwatch_queue_oldest_wait_seconds", {{"queue", "sales"}}) == 75);
}

TEST_CASE("the measured patience and the staffing model behind agents_required",
          "[daemon][metrics][patience]") {
  core::FloorSnapshot snapshot = hand_made_snapshot();
  core::QueueSnapshot support;  // busy, but too few abandons yet: Erlang C
  support.name = "support";
  support.agents_required = 14;
  support.predicted_service_level = 0.79;
  snapshot.queues.push_back(support);
  const auto text = exposition(daemon::build_floor_families(snapshot, kIdentity));
  const auto samples = test::parse_exposition(text);
  INFO(text);

  CHECK(find_sample(samples, "floorwatch_queue_patience_seconds", {{"queue", "sales"}}) == 250);
  CHECK_FALSE(find_sample(samples, "floorwatch_queue_patience_seconds", {{"queue", "support"}}));
  CHECK(find_sample(samples, "floorwatch_queue_staffing_model_info",
                    {{"queue", "sales"}, {"model", "erlang_a"}}) == 1);
  CHECK_FALSE(find_sample(samples, "floorwatch_queue_staffing_model_info",
                          {{"queue", "sales"}, {"model", "erlang_c"}}));
  CHECK(find_sample(samples, "floorwatch_queue_staffing_model_info",
                    {{"queue", "support"}, {"model", "erlang_c"}}) == 1);
  // The series dashboards and rules already read keep their labels: no model label on them.
  for (const auto& sample : samples)
    if (sample.name == "floorwatch_queue_agents_required") CHECK(sample.labels.count("model") == 0);
  // Nothing predicted for "quiet": no model to name.
  for (const char* model : {"erlang_a", "erlang_c"})
    CHECK_FALSE(find_sample(samples, "floorwatch_queue_staffing_model_info",
                            {{"queue", "quiet"}, {"model", model}}));
}

TEST_CASE("the wait histogram is cumulative with +Inf equal to the count", "[daemon][metrics]") {
  const auto samples = test::parse_exposition(
      exposition(daemon::build_floor_families(hand_made_snapshot(), kIdentity)));
  const std::map<std::string, double> expected{
      // waits 4, 12, 700: counted at every bound at or above them.
      {"5", 1}, {"10", 1}, {"15", 2}, {"20", 2}, {"600", 2}, {"1200", 3}, {"+Inf", 3}};
  for (const auto& [le, count] : expected) {
    INFO("le=" << le);
    CHECK(find_sample(samples, "floorwatch_queue_wait_seconds_bucket",
                      {{"queue", "sales"}, {"le", le}}) == count);
  }
  CHECK(find_sample(samples, "floorwatch_queue_wait_seconds_count", {{"queue", "sales"}}) == 3);
  CHECK(find_sample(samples, "floorwatch_queue_wait_seconds_sum", {{"queue", "sales"}}) ==
        Approx(716));
}

TEST_CASE("every series names site and daemon; queue series their queue", "[daemon][metrics]") {
  const auto samples = test::parse_exposition(
      exposition(daemon::build_floor_families(hand_made_snapshot(), kIdentity)));
  REQUIRE(samples.size() > 50);
  for (const auto& sample : samples) {
    INFO(sample.name);
    CHECK(sample.labels.at("site") == "stockholm");
    CHECK(sample.labels.at("daemon") == "fw-a");
    CHECK(sample.labels.count("queue") == 1);
  }
  // All six agent states and all four exit reasons exist even at 0.
  for (const char* state : {"available", "ringing", "busy", "wrapup", "paused", "offline"})
    CHECK(find_sample(samples, "floorwatch_queue_agents", {{"queue", "quiet"}, {"state", state}}) ==
          0);
  CHECK(find_sample(samples, "floorwatch_queue_agents", {{"queue", "sales"}, {"state", "busy"}}) ==
        3);
  for (const char* reason : {"timeout", "no_agents", "key", "transfer"})
    CHECK(find_sample(samples, "floorwatch_queue_exited_total",
                      {{"queue", "sales"}, {"reason", reason}}) == 0);
  CHECK(find_sample(samples, "floorwatch_queue_info",
                    {{"queue", "sales"}, {"formula", "answered_only"}, {"channel", "voice"}}) == 1);
  CHECK(find_sample(samples, "floorwatch_queue_answer_target_seconds", {{"queue", "sales"}}) == 20);
  CHECK(find_sample(samples, "floorwatch_queue_service_level_target_ratio", {{"queue", "quiet"}}) ==
        Approx(0.8));
}

TEST_CASE("the exposition passes promtool check metrics", "[daemon][metrics][process]") {
  daemon::SelfMetrics self(kIdentity, "0.1.0");
  self.event_received("pbx1", core::from_epoch_ms(1'795'510'800'000));
  auto families = daemon::build_floor_families(hand_made_snapshot(), kIdentity);
  for (auto& family : self.registry()->Collect()) families.push_back(std::move(family));
  const test::TempDir dir;
  auto [status, output] = test::promtool_check(dir, exposition(families));
  INFO(output);
  CHECK(status == 0);
}

TEST_CASE("self metrics pre-create every reject reason at 0", "[daemon][metrics]") {
  daemon::SelfMetrics self(kIdentity, "9.9.9");
  self.event_rejected(core::RejectReason::UnknownCall);
  const auto samples = test::parse_exposition(exposition(self.registry()->Collect()));
  for (std::size_t i = 0; i < core::kRejectReasonCount; ++i) {
    const auto reason = std::string(core::to_string(static_cast<core::RejectReason>(i)));
    INFO(reason);
    CHECK(find_sample(samples, "floorwatch_events_rejected_total",
                      {{"reason", reason}, {"site", "stockholm"}, {"daemon", "fw-a"}}) ==
          (reason == "unknown_call" ? 1 : 0));
  }
  CHECK(find_sample(samples, "floorwatch_build_info", {{"version", "9.9.9"}}) == 1);
}

TEST_CASE("each window exports its formula's numerator and denominator, 0 included",
          "[daemon][metrics][sites]") {
  core::FloorSnapshot snapshot = hand_made_snapshot();
  auto& today = snapshot.queues[1].windows[static_cast<std::size_t>(core::WindowKind::Today)];
  today.counts.answered_within_target = 2;
  today.counts.abandoned = 1;  // answered_only leaves abandons out of both terms
  const auto samples =
      test::parse_exposition(exposition(daemon::build_floor_families(snapshot, kIdentity)));
  const std::map<std::string, std::string> sales_today{{"queue", "sales"}, {"window", "today"}};
  CHECK(find_sample(samples, "floorwatch_queue_service_level_numerator", sales_today) == 2);
  CHECK(find_sample(samples, "floorwatch_queue_service_level_denominator", sales_today) == 3);
  // No call in the window: the terms are 0 (summable), while the ratio is absent.
  const std::map<std::string, std::string> quiet_15m{{"queue", "quiet"}, {"window", "15m"}};
  CHECK(find_sample(samples, "floorwatch_queue_service_level_numerator", quiet_15m) == 0);
  CHECK(find_sample(samples, "floorwatch_queue_service_level_denominator", quiet_15m) == 0);
  CHECK_FALSE(find_sample(samples, "floorwatch_queue_service_level_ratio", quiet_15m));
}
