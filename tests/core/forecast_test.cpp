// The next interval's forecast: same weekday, same local interval, recent weeks weighted more.
#include <catch2/catch.hpp>

#include "core_test_support.h"

#include "floorwatch/core/forecast.h"

using namespace floorwatch::core;
using namespace floorwatch::core::testing;

namespace {

HistoryInterval row(const std::string& start, std::int64_t offered, std::int64_t handled = 0,
                    double handle_seconds_each = 0) {
  HistoryInterval interval;
  interval.start = utc(start);
  interval.end = interval.start + minutes(30);
  interval.counts.offered = offered;
  interval.counts.handled = handled;
  interval.counts.handle_time_sum_ms =
      static_cast<std::int64_t>(static_cast<double>(handled) * handle_seconds_each * 1000.0);
  return interval;
}

SiteCalendar utc_calendar() {
  return SiteCalendar("UTC", 0, 30);
}

// Three Mondays before Monday 2026-11-30 at 10:30 UTC.
std::vector<HistoryInterval> three_mondays() {
  return {row("2026-11-23T10:30:00Z", 20, 20, 200), row("2026-11-16T10:30:00Z", 30, 30, 180),
          row("2026-11-09T10:30:00Z", 40, 40, 150)};
}

}  // namespace

TEST_CASE("week weights decay linearly from last week", "[core][forecast]") {
  CHECK(forecast_week_weight(1, 6) == 6);
  CHECK(forecast_week_weight(2, 6) == 5);
  CHECK(forecast_week_weight(6, 6) == 1);
  CHECK(forecast_week_weight(1, 1) == 1);
  CHECK_THROWS_AS(forecast_week_weight(0, 6), std::invalid_argument);
  CHECK_THROWS_AS(forecast_week_weight(7, 6), std::invalid_argument);
  CHECK_THROWS_AS(QueueHistory({}, utc_calendar(), 0), std::invalid_argument);
}

TEST_CASE("worked example: three Mondays, last week weighs most", "[core][forecast]") {
  const QueueHistory history(three_mondays(), utc_calendar(), 3);
  const auto forecast = history.forecast_interval(utc("2026-11-30T10:30:00Z"));
  REQUIRE(forecast);
  // Weights 3, 2, 1 for 1, 2, 3 weeks back: (3·20 + 2·30 + 1·40) / 6 = 160 / 6 = 26.67 calls.
  // Flipped weights would say (1·20 + 2·30 + 3·40) / 6 = 33.33; a plain mean 30.
  CHECK(forecast->offered == Approx(160.0 / 6));
  // AHT pools handle time over handled calls with the same weights:
  // (3·20·200 + 2·30·180 + 1·40·150) / (3·20 + 2·30 + 1·40) = 28,800 / 160 = 180 s.
  CHECK(forecast->handle_time_seconds == Approx(180.0));
  CHECK(forecast->weeks_used == 3);
  CHECK(forecast->end == utc("2026-11-30T11:00:00Z"));
}

TEST_CASE("a week without data is left out, a quiet interval counts 0", "[core][forecast]") {
  SECTION("no row of the queue that day (daemon off): the week is left out") {
    const QueueHistory history({row("2026-11-23T10:30:00Z", 20), row("2026-11-09T10:30:00Z", 40)},
                               utc_calendar(), 3);
    // (3·20 + 1·40) / (3 + 1) = 25.
    CHECK(history.forecast_interval(utc("2026-11-30T10:30:00Z"))->offered == Approx(25.0));
    CHECK(history.forecast_interval(utc("2026-11-30T10:30:00Z"))->weeks_used == 2);
  }
  SECTION("rows that day but none at 10:30: nobody called") {
    const QueueHistory history({row("2026-11-23T10:30:00Z", 20), row("2026-11-16T11:00:00Z", 5),
                                row("2026-11-09T10:30:00Z", 40)},
                               utc_calendar(), 3);
    // (3·20 + 2·0 + 1·40) / 6 = 16.67; no handled call at all: no AHT.
    const auto forecast = history.forecast_interval(utc("2026-11-30T10:30:00Z"));
    CHECK(forecast->offered == Approx(100.0 / 6));
    CHECK_FALSE(forecast->handle_time_seconds);
  }
  SECTION("only weeks within the look-back count") {
    const QueueHistory history(three_mondays(), utc_calendar(), 2);
    // Weights 2, 1: (2·20 + 1·30) / 3.
    CHECK(history.forecast_interval(utc("2026-11-30T10:30:00Z"))->offered == Approx(70.0 / 3));
  }
}

TEST_CASE("no history: no forecast, never 0", "[core][forecast]") {
  const QueueHistory empty({}, utc_calendar());
  CHECK(empty.empty());
  CHECK_FALSE(empty.forecast_interval(utc("2026-11-30T10:30:00Z")));
  CHECK_FALSE(forecast_queue(empty, utc("2026-11-30T10:10:00Z"), QueueSettings{}, std::nullopt));
  // History on other weekdays only: still no forecast for a Monday.
  const QueueHistory tuesdays({row("2026-11-24T10:30:00Z", 20)}, utc_calendar());
  CHECK_FALSE(tuesdays.forecast_interval(utc("2026-11-30T10:30:00Z")));
}

TEST_CASE("DST: the same local interval, not the same UTC instant", "[core][forecast]") {
  const SiteCalendar paris("Europe/Paris", 0, 30);
  SECTION("spring: a week back the clock was already summer time, two weeks back not") {
    // Sunday 2026-04-05 09:00 Paris (UTC+2) = 07:00Z. 2026-03-29 09:00 (UTC+2) = 07:00Z;
    // 2026-03-22 09:00 (UTC+1) = 08:00Z. The decoy at 07:00Z on 03-22 is 08:00 local.
    const QueueHistory history({row("2026-03-29T07:00:00Z", 10), row("2026-03-22T08:00:00Z", 40),
                                row("2026-03-22T07:00:00Z", 1000)},
                               paris, 2);
    // (2·10 + 1·40) / 3 = 20.
    CHECK(history.forecast_interval(utc("2026-04-05T07:00:00Z"))->offered == Approx(20.0));
  }
  SECTION("spring: an interval the clock skipped a week back leaves that week out") {
    // 02:00 Paris did not exist on 2026-03-29; the day has rows, but this is no quiet interval.
    const QueueHistory history({row("2026-03-29T07:00:00Z", 10), row("2026-03-22T01:00:00Z", 40)},
                               paris, 2);
    const auto forecast = history.forecast_interval(utc("2026-04-05T00:00:00Z"));  // 02:00 local
    REQUIRE(forecast);
    CHECK(forecast->weeks_used == 1);
    CHECK(forecast->offered == Approx(40.0));
  }
  SECTION("autumn: the repeated hour maps to its first pass") {
    // 2026-10-25 02:00 Paris happened at 00:00Z (summer time) and again at 01:00Z (winter).
    const QueueHistory history({row("2026-10-25T00:00:00Z", 10), row("2026-10-25T01:00:00Z", 30)},
                               paris, 1);
    // Sunday 2026-11-01 02:00 Paris = 01:00Z.
    CHECK(history.forecast_interval(utc("2026-11-01T01:00:00Z"))->offered == Approx(10.0));
  }
}

TEST_CASE("forecast_queue: next interval, rest of the day, agents needed", "[core][forecast]") {
  // Last Monday: 100 calls at 10:30 and 50 at 11:00, 180 s each. Look back 1 week.
  const QueueHistory history(
      {row("2026-11-23T10:30:00Z", 100, 100, 180), row("2026-11-23T11:00:00Z", 50, 50, 120)},
      utc_calendar(), 1);
  QueueSettings settings;
  settings.answer_target = seconds(20);
  settings.service_level_target = 0.8;
  const auto forecast =
      forecast_queue(history, utc("2026-11-30T10:10:00Z"), settings, std::nullopt);
  REQUIRE(forecast);
  CHECK(forecast->next.start == utc("2026-11-30T10:30:00Z"));
  CHECK(forecast->next.offered == Approx(100.0));
  // 100 calls × 180 s / 1800 s = 10 Erlangs; Erlang C at 80 % in 20 s: 13 agents give
  // 79.6 %, 14 give 88.8 % (1 − C(n, A)·e^{−(n−A)·20/180}).
  CHECK(forecast->agents_needed == 14);
  CHECK(forecast->staffing_model == StaffingModel::ErlangC);
  REQUIRE(forecast->rest_of_day);
  // 10:30 to midnight: 150 calls; AHT (100·180 + 50·120) / 150 = 160 s.
  CHECK(forecast->rest_of_day->offered == Approx(150.0));
  CHECK(forecast->rest_of_day->handle_time_seconds == Approx(160.0));
  CHECK(forecast->rest_of_day->intervals == 27);  // 10:30 … 23:30, all on a day with rows
  CHECK(forecast->rest_of_day->end == utc("2026-12-01T00:00:00Z"));

  SECTION("with measured patience Erlang A: callers who hang up need fewer agents") {
    const auto with_patience =
        forecast_queue(history, utc("2026-11-30T10:10:00Z"), settings, 120.0);
    CHECK(with_patience->staffing_model == StaffingModel::ErlangA);
    REQUIRE(with_patience->agents_needed);
    CHECK(*with_patience->agents_needed <= 14);
  }
  SECTION("the next interval is the day's last: the rest of the day is that interval") {
    const QueueHistory late({row("2026-11-23T23:30:00Z", 10, 10, 100)}, utc_calendar(), 1);
    const auto at_night = forecast_queue(late, utc("2026-11-30T23:10:00Z"), settings, std::nullopt);
    REQUIRE(at_night);
    CHECK(at_night->rest_of_day->intervals == 1);
    // In the day's last interval the next one is tomorrow's first: nothing left today.
    const auto last = forecast_queue(late, utc("2026-11-30T23:40:00Z"), settings, std::nullopt);
    CHECK_FALSE(last);  // and Tuesday 00:00 has no history either
  }
}

TEST_CASE("agents needed: no call expected needs nobody, no AHT gives no figure",
          "[core][forecast]") {
  StaffingModel model = StaffingModel::ErlangA;
  IntervalForecast quiet;
  quiet.start = utc("2026-11-30T10:30:00Z");
  quiet.end = quiet.start + minutes(30);
  CHECK(forecast_agents_needed(quiet, QueueSettings{}, std::nullopt, model) == 0);
  CHECK(model == StaffingModel::ErlangC);
  IntervalForecast no_aht = quiet;
  no_aht.offered = 12;
  CHECK_FALSE(forecast_agents_needed(no_aht, QueueSettings{}, std::nullopt, model));
}

TEST_CASE("MAPE: mean of |forecast − actual| / actual, intervals without calls left out",
          "[core][forecast]") {
  CHECK(absolute_percentage_error(45, 50) == Approx(0.1));
  CHECK(absolute_percentage_error(60, 50) == Approx(0.2));
  CHECK_FALSE(absolute_percentage_error(3, 0));
  ForecastAccuracy accuracy;
  CHECK_FALSE(accuracy.mape());
  accuracy.add(45, 50);  // 10 %
  accuracy.add(60, 50);  // 20 %
  accuracy.add(3, 0);    // undefined: skipped
  CHECK(accuracy.mape() == Approx(0.15));
  CHECK(accuracy.compared() == 2);
  CHECK(accuracy.skipped() == 1);
}
