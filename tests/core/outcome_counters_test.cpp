// Service-level formulas and the "within target" rules, on worked examples a supervisor can
// check with pen and paper. Notation as in docs/metrics.md: A answered, A_in answered with
// wait <= target, Ab abandoned, Ab_in abandoned with wait <= target, Ab_short abandoned with
// wait < short_abandon, X exited.
#include <catch2/catch.hpp>

#include "core_test_support.h"

#include <tuple>

#include "floorwatch/core/outcome_counters.h"
#include "floorwatch/core/queue_settings.h"

using namespace floorwatch::core;
using namespace floorwatch::core::testing;

namespace {

/// An 80/20 queue: answer target 20 s, short abandons under 5 s.
QueueSettings eighty_twenty() {
  QueueSettings settings;
  settings.answer_target = seconds(20);
  settings.service_level_target = 0.80;
  settings.short_abandon = seconds(5);
  return settings;
}

/// Cisco's worked example (docs/metrics.md): 100 offered; 70 answered within the 20 s target,
/// 20 answered after it, 10 abandoned within it (4 of them short, under 5 s).
///   A = 90, A_in = 70, Ab = 10, Ab_in = 10, Ab_short = 4, X = 0.
OutcomeCounters cisco_example() {
  const auto settings = eighty_twenty();
  return sum_of({times(100, classify_enqueue()), times(70, classify_answer(seconds(15), settings)),
                 times(20, classify_answer(seconds(60), settings)),
                 times(6, classify_abandon(seconds(12), settings)),
                 times(4, classify_abandon(seconds(3), settings))});
}

/// A small hour with exits and an abandon over target:
///   6 answered at 10 s, 2 answered at 40 s          -> A = 8, A_in = 6
///   abandons at 2 s (short), 15 s, 50 s (over)      -> Ab = 3, Ab_in = 2, Ab_short = 1
///   exits: timeout after 300 s, no_agents at 0 s    -> X = 2
OutcomeCounters mixed_example() {
  const auto settings = eighty_twenty();
  return sum_of({times(13, classify_enqueue()), times(6, classify_answer(seconds(10), settings)),
                 times(2, classify_answer(seconds(40), settings)),
                 classify_abandon(seconds(2), settings), classify_abandon(seconds(15), settings),
                 classify_abandon(seconds(50), settings),
                 classify_exit(seconds(300), ExitReason::Timeout),
                 classify_exit(seconds(0), ExitReason::NoAgents)});
}

}  // namespace

TEST_CASE("the worked example's raw components", "[core][outcome_counters]") {
  const auto counts = cisco_example();
  CHECK(counts.offered == 100);
  CHECK(counts.answered == 90);
  CHECK(counts.answered_within_target == 70);
  CHECK(counts.abandoned == 10);
  CHECK(counts.abandoned_within_target == 10);
  CHECK(counts.abandoned_short == 4);
  CHECK(counts.exited() == 0);
}

TEST_CASE("all five service-level formulas on the worked example", "[core][outcome_counters]") {
  // A = 90, A_in = 70, Ab = 10, Ab_in = 10, Ab_short = 4, X = 0.
  auto [formula, expected] = GENERATE(table<ServiceLevelFormula, double>({
      // A_in / A = 70 / 90
      {ServiceLevelFormula::AnsweredOnly, 70.0 / 90.0},
      // (A_in + Ab_in) / (A + Ab) = 80 / 100
      {ServiceLevelFormula::AbandonsPositive, 0.80},
      // A_in / (A + Ab + X) = 70 / 100
      {ServiceLevelFormula::AbandonsNegative, 0.70},
      // A_in / (A + Ab + X - Ab_in) = 70 / 90 (Cisco: 77.8 %)
      {ServiceLevelFormula::AbandonsIgnored, 70.0 / 90.0},
      // A_in / (A + Ab + X - Ab_short) = 70 / 96
      {ServiceLevelFormula::ShortAbandonsExcluded, 70.0 / 96.0},
  }));
  CAPTURE(to_string(formula));
  const auto level = service_level(cisco_example(), formula);
  REQUIRE(level.has_value());
  CHECK(*level == Approx(expected).margin(1e-9));
}

TEST_CASE("all five formulas with exits and an abandon over target", "[core][outcome_counters]") {
  // A = 8, A_in = 6, Ab = 3, Ab_in = 2, Ab_short = 1, X = 2.
  auto [formula, expected] = GENERATE(table<ServiceLevelFormula, double>({
      {ServiceLevelFormula::AnsweredOnly, 6.0 / 8.0},            // 6 / 8
      {ServiceLevelFormula::AbandonsPositive, 8.0 / 11.0},       // (6 + 2) / (8 + 3)
      {ServiceLevelFormula::AbandonsNegative, 6.0 / 13.0},       // 6 / (8 + 3 + 2)
      {ServiceLevelFormula::AbandonsIgnored, 6.0 / 11.0},        // 6 / (13 - 2)
      {ServiceLevelFormula::ShortAbandonsExcluded, 6.0 / 12.0},  // 6 / (13 - 1)
  }));
  CAPTURE(to_string(formula));
  const auto counts = mixed_example();
  CHECK(counts.exited() == 2);
  const auto level = service_level(counts, formula);
  REQUIRE(level.has_value());
  CHECK(*level == Approx(expected).margin(1e-9));
}

TEST_CASE("each formula's numerator and denominator, the terms sites are summed by",
          "[core][outcome_counters]") {
  // A = 8, A_in = 6, Ab = 3, Ab_in = 2, Ab_short = 1, X = 2 (the mixed example above).
  auto [formula, numerator, denominator] =
      GENERATE(table<ServiceLevelFormula, std::int64_t, std::int64_t>({
          {ServiceLevelFormula::AnsweredOnly, 6, 8},
          {ServiceLevelFormula::AbandonsPositive, 8, 11},
          {ServiceLevelFormula::AbandonsNegative, 6, 13},
          {ServiceLevelFormula::AbandonsIgnored, 6, 11},
          {ServiceLevelFormula::ShortAbandonsExcluded, 6, 12},
      }));
  CAPTURE(to_string(formula));
  const ServiceLevelTerms terms = service_level_terms(mixed_example(), formula);
  CHECK(terms.numerator == numerator);
  CHECK(terms.denominator == denominator);
}

TEST_CASE("a formula with a zero denominator is omitted, a zero numerator is 0",
          "[core][outcome_counters]") {
  SECTION("nothing happened: every figure is absent") {
    const OutcomeCounters nothing;
    for (auto formula :
         {ServiceLevelFormula::AnsweredOnly, ServiceLevelFormula::AbandonsPositive,
          ServiceLevelFormula::AbandonsNegative, ServiceLevelFormula::AbandonsIgnored,
          ServiceLevelFormula::ShortAbandonsExcluded}) {
      CAPTURE(to_string(formula));
      CHECK_FALSE(service_level(nothing, formula).has_value());
    }
    CHECK_FALSE(average_speed_of_answer_seconds(nothing).has_value());
    CHECK_FALSE(average_handle_time_seconds(nothing).has_value());
    CHECK_FALSE(abandon_ratio(nothing).has_value());
    CHECK_FALSE(max_wait_seconds(nothing).has_value());
  }

  SECTION("only two short abandons (3 s each): A = 0, Ab = Ab_in = Ab_short = 2") {
    const auto settings = eighty_twenty();
    const auto counts =
        sum_of({times(2, classify_enqueue()), times(2, classify_abandon(seconds(3), settings))});
    auto [formula, expected] = GENERATE(table<ServiceLevelFormula, std::optional<double>>({
        {ServiceLevelFormula::AnsweredOnly, std::nullopt},          // 0 / 0
        {ServiceLevelFormula::AbandonsPositive, 1.0},               // (0 + 2) / (0 + 2)
        {ServiceLevelFormula::AbandonsNegative, 0.0},               // 0 / 2
        {ServiceLevelFormula::AbandonsIgnored, std::nullopt},       // 0 / (2 - 2)
        {ServiceLevelFormula::ShortAbandonsExcluded, std::nullopt}  // 0 / (2 - 2)
    }));
    CAPTURE(to_string(formula));
    const auto level = service_level(counts, formula);
    REQUIRE(level.has_value() == expected.has_value());
    if (expected) CHECK(*level == Approx(*expected).margin(1e-12));
    CHECK_FALSE(average_speed_of_answer_seconds(counts).has_value());
    CHECK(abandon_ratio(counts) == Approx(1.0));  // 2 / (0 + 2 + 0)
  }
}

TEST_CASE("averages, abandon ratio and max wait", "[core][outcome_counters]") {
  SECTION("worked example") {
    const auto counts = cisco_example();
    // ASA = (70 x 15 s + 20 x 60 s) / 90 = 2250 / 90 = 25 s
    REQUIRE(average_speed_of_answer_seconds(counts).has_value());
    CHECK(*average_speed_of_answer_seconds(counts) == Approx(25.0));
    // Ab / (A + Ab + X) = 10 / 100
    REQUIRE(abandon_ratio(counts).has_value());
    CHECK(*abandon_ratio(counts) == Approx(0.10));
    // Longest wait of any call that left the queue: the 60 s answers.
    REQUIRE(max_wait_seconds(counts).has_value());
    CHECK(*max_wait_seconds(counts) == Approx(60.0));
  }

  SECTION("mixed example: exits count in the abandon ratio's denominator and in max wait") {
    const auto counts = mixed_example();
    // ASA = (6 x 10 + 2 x 40) / 8 = 17.5 s
    CHECK(*average_speed_of_answer_seconds(counts) == Approx(17.5));
    // 3 / (8 + 3 + 2)
    CHECK(*abandon_ratio(counts) == Approx(3.0 / 13.0));
    // The timeout exit waited 300 s, longer than any answer or abandon.
    CHECK(*max_wait_seconds(counts) == Approx(300.0));
  }

  SECTION("AHT is the mean handle time of handled calls") {
    // Two calls handled in 215 s and 185 s: AHT = 400 / 2 = 200 s.
    const auto counts =
        sum_of({classify_handle_end(seconds(215)), classify_handle_end(seconds(185))});
    CHECK(counts.handled == 2);
    REQUIRE(average_handle_time_seconds(counts).has_value());
    CHECK(*average_handle_time_seconds(counts) == Approx(200.0));
    CHECK_FALSE(average_speed_of_answer_seconds(counts).has_value());
  }

  SECTION("ASA keeps milliseconds") {
    const auto settings = eighty_twenty();
    const auto counts = sum_of(
        {classify_answer(Duration{1'500}, settings), classify_answer(Duration{2'001}, settings)});
    CHECK(*average_speed_of_answer_seconds(counts) == Approx(1.7505));
  }
}

TEST_CASE("classify: a wait equal to the answer target is within target (<=)",
          "[core][outcome_counters]") {
  const auto settings = eighty_twenty();  // target 20 s
  auto [wait, within] = GENERATE(table<Duration, bool>({
      {Duration{0}, true},
      {Duration{19'999}, true},
      {Duration{20'000}, true},   // exactly the target: counts as within
      {Duration{20'001}, false},  // one millisecond over
      {Duration{600'000}, false},
  }));
  CAPTURE(wait.count());

  const auto answer = classify_answer(wait, settings);
  CHECK(answer.answered == 1);
  CHECK(answer.answered_within_target == (within ? 1 : 0));
  CHECK(answer.answered_wait_sum_ms == wait.count());
  CHECK(answer.max_wait_ms == wait.count());
  CHECK(answer.offered == 0);  // offered is counted once, at enqueue time
  CHECK(answer.abandoned == 0);

  const auto abandon = classify_abandon(wait, settings);
  CHECK(abandon.abandoned == 1);
  CHECK(abandon.abandoned_within_target == (within ? 1 : 0));
  CHECK(abandon.answered == 0);
  CHECK(abandon.offered == 0);
  CHECK(abandon.max_wait_ms == wait.count());
}

TEST_CASE("classify: a wait equal to short_abandon is not short (<)", "[core][outcome_counters]") {
  const auto settings = eighty_twenty();  // short abandons: under 5 s
  auto [wait, is_short] = GENERATE(table<Duration, bool>({
      {Duration{0}, true},
      {Duration{4'999}, true},
      {Duration{5'000}, false},  // exactly the threshold: a real abandon
      {Duration{5'001}, false},
  }));
  CAPTURE(wait.count());
  const auto abandon = classify_abandon(wait, settings);
  CHECK(abandon.abandoned == 1);
  CHECK(abandon.abandoned_short == (is_short ? 1 : 0));
  // An answer is never a short abandon, however fast.
  CHECK(classify_answer(wait, settings).abandoned_short == 0);
}

TEST_CASE("classify: enqueue, exit and handle end", "[core][outcome_counters]") {
  const auto enqueue = classify_enqueue();
  CHECK(enqueue.offered == 1);
  CHECK(enqueue.answered == 0);
  CHECK(enqueue.max_wait_ms == -1);  // nobody left the queue yet

  const auto exit = classify_exit(seconds(42), ExitReason::Transfer);
  CHECK(exit.exited() == 1);
  CHECK(exit.exited_by_reason[index_of(ExitReason::Transfer)] == 1);
  CHECK(exit.exited_by_reason[index_of(ExitReason::Timeout)] == 0);
  CHECK(exit.abandoned == 0);  // an exit is not an abandon: the caller did not hang up
  CHECK(exit.answered == 0);
  CHECK(exit.offered == 0);
  CHECK(exit.max_wait_ms == 42'000);

  const auto handled = classify_handle_end(seconds(215));
  CHECK(handled.handled == 1);
  CHECK(handled.handle_time_sum_ms == 215'000);
  CHECK(handled.answered == 0);
  CHECK(handled.max_wait_ms == -1);  // handle time is not a wait
}

TEST_CASE("counters add and subtract exactly; max wait takes the max and is not subtracted",
          "[core][outcome_counters]") {
  const auto settings = eighty_twenty();
  const auto first = sum_of({classify_enqueue(), classify_answer(seconds(30), settings)});
  const auto second =
      sum_of({classify_enqueue(), classify_abandon(seconds(3), settings),
              classify_exit(seconds(10), ExitReason::Key), classify_handle_end(seconds(100))});

  OutcomeCounters total = first;
  total += second;
  CHECK(total.offered == 2);
  CHECK(total.answered == 1);
  CHECK(total.answered_within_target == 0);
  CHECK(total.abandoned == 1);
  CHECK(total.abandoned_within_target == 1);
  CHECK(total.abandoned_short == 1);
  CHECK(total.exited_by_reason[index_of(ExitReason::Key)] == 1);
  CHECK(total.answered_wait_sum_ms == 30'000);
  CHECK(total.handled == 1);
  CHECK(total.handle_time_sum_ms == 100'000);
  CHECK(total.max_wait_ms == 30'000);  // max(30 s, 3 s, 10 s)

  // A rolling window drops `first` again: every sum is back to `second`'s, while max wait is
  // left for the window to recompute from the buckets it still holds.
  total -= first;
  CHECK(total.offered == second.offered);
  CHECK(total.answered == 0);
  CHECK(total.abandoned == second.abandoned);
  CHECK(total.abandoned_short == second.abandoned_short);
  CHECK(total.exited_by_reason == second.exited_by_reason);
  CHECK(total.answered_wait_sum_ms == 0);
  CHECK(total.handled == second.handled);
  CHECK(total.handle_time_sum_ms == second.handle_time_sum_ms);
  CHECK(total.max_wait_ms == 30'000);

  // Adding an empty counter changes nothing, including max wait (-1 means "none").
  OutcomeCounters unchanged = second;
  unchanged += OutcomeCounters{};
  CHECK(unchanged == second);
}

TEST_CASE("queue settings defaults and formula names", "[core][outcome_counters]") {
  const QueueSettings defaults;
  CHECK(defaults.answer_target == seconds(90));
  CHECK(defaults.service_level_target == 0.80);
  CHECK(defaults.short_abandon == seconds(5));
  CHECK(defaults.formula == ServiceLevelFormula::ShortAbandonsExcluded);

  auto [formula, name] = GENERATE(table<ServiceLevelFormula, std::string>({
      {ServiceLevelFormula::AnsweredOnly, "answered_only"},
      {ServiceLevelFormula::AbandonsPositive, "abandons_positive"},
      {ServiceLevelFormula::AbandonsNegative, "abandons_negative"},
      {ServiceLevelFormula::AbandonsIgnored, "abandons_ignored"},
      {ServiceLevelFormula::ShortAbandonsExcluded, "short_abandons_excluded"},
  }));
  CHECK(to_string(formula) == name);
  CHECK(parse_service_level_formula(name) == formula);
  CHECK_FALSE(describe(formula).empty());
  CHECK_FALSE(parse_service_level_formula("sl2").has_value());
  CHECK(describe(ServiceLevelFormula::ShortAbandonsExcluded) == "short abandons excluded");
}

TEST_CASE("abandoned and exited waits are summed for the callers' patience",
          "[core][outcome_counters][patience]") {
  const auto settings = eighty_twenty();
  const OutcomeCounters total = sum_of(
      {classify_answer(seconds(10), settings), classify_abandon(seconds(40), settings),
       classify_abandon(seconds(80), settings), classify_exit(seconds(90), ExitReason::Timeout)});
  CHECK(total.abandoned_wait_sum_ms == 120'000);
  CHECK(total.exited_wait_sum_ms == 90'000);
  CHECK(total_leave_wait(total) == seconds(220));

  ByteWriter out;
  save(out, total);
  ByteReader in(out.bytes());
  CHECK(load_outcome_counters(in) == total);
  CHECK(in.at_end());
}
