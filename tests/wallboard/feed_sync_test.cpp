// The board side of the clone protocol without sockets: snapshot + deltas in sequence, re-sync
// on a gap, a lost delta, a daemon restart or silence, and "stale" when nothing arrives.
#include <catch2/catch.hpp>

#include "wallboard/board_logic.h"
#include "wallboard/feed_messages.h"
#include "wallboard/feed_sync.h"

using namespace floorwatch::wallboard;
using namespace std::chrono_literals;

namespace {

constexpr std::uint64_t kEpoch = 42;
const SteadyTime t0 = SteadyTime{} + 1000h;

int waiting_in_sales(const FeedSync& sync) {
  for (const QueueView& q : sync.model().queues)
    if (q.name == "sales") return static_cast<int>(q.calls_waiting);
  return -1;
}

// A board that has asked for its snapshot and received it at seq 5.
FeedSync synced_board() {
  FeedSync sync;
  sync.start(t0);
  REQUIRE(sync.take_snapshot_request());
  sync.on_snapshot(test::snapshot(kEpoch, 5, 2), t0);
  REQUIRE(sync.model().feed_state == FeedState::Live);
  return sync;
}

}  // namespace

SCENARIO("a board syncs from a snapshot and follows the deltas", "[wallboard][feed]") {
  GIVEN("a board that just started") {
    FeedSync sync;
    sync.start(t0);
    THEN("it asks for a snapshot once and shows nothing yet") {
      CHECK(sync.take_snapshot_request());
      CHECK_FALSE(sync.take_snapshot_request());
      CHECK(sync.model().feed_state == FeedState::Connecting);
      CHECK(is_stale(sync.model(), t0, 3s));
    }
    WHEN("deltas arrive before the snapshot, some older and some newer than it") {
      sync.take_snapshot_request();
      sync.on_published(test::delta(kEpoch, 5, 9), t0);  // already inside the snapshot
      sync.on_published(test::delta(kEpoch, 6, 3), t0);
      sync.on_published(test::delta(kEpoch, 7, 4), t0);
      CHECK(sync.model().queues.empty());
      sync.on_snapshot(test::snapshot(kEpoch, 5, 2), t0 + 10ms);
      THEN("the snapshot is applied, then only the newer deltas, in order") {
        CHECK(sync.model().feed_state == FeedState::Live);
        CHECK(sync.model().seq == 7);
        CHECK(waiting_in_sales(sync) == 4);
        CHECK(sync.model().site == "stockholm");
        CHECK_FALSE(is_stale(sync.model(), t0 + 10ms, 3s));
      }
    }
  }
  GIVEN("a live board at seq 5") {
    FeedSync sync = synced_board();
    WHEN("the next delta arrives") {
      const auto version = sync.version();
      sync.on_published(test::delta(kEpoch, 6, 7), t0 + 1s);
      THEN("it is applied and the frame loop sees a new version") {
        CHECK(waiting_in_sales(sync) == 7);
        CHECK(sync.model().seq == 6);
        CHECK(sync.version() != version);
        CHECK(sync.model().updates_applied == 2);
      }
    }
    WHEN("a delta is missed (seq 6 never arrives)") {
      sync.on_published(test::delta(kEpoch, 7, 7), t0 + 1s);
      THEN("the board does not apply 7 and asks for a new snapshot by itself") {
        CHECK(waiting_in_sales(sync) == 2);
        CHECK(sync.model().feed_state == FeedState::Syncing);
        CHECK(sync.model().last_resync_reason == "sequence_gap");
        CHECK(sync.take_snapshot_request());
        AND_THEN("the next snapshot brings it back, still showing the old data meanwhile") {
          sync.on_published(test::delta(kEpoch, 8, 8), t0 + 1100ms);
          sync.on_snapshot(test::snapshot(kEpoch, 7, 7), t0 + 1200ms);
          CHECK(sync.model().feed_state == FeedState::Live);
          CHECK(sync.model().seq == 8);
          CHECK(waiting_in_sales(sync) == 8);
          CHECK(sync.model().resyncs == 1);
        }
      }
    }
    WHEN("a heartbeat says the daemon is further than the board (a delta was dropped)") {
      sync.on_published(test::heartbeat(kEpoch, 6), t0 + 1s);
      THEN("the board re-syncs") {
        CHECK(sync.model().last_resync_reason == "heartbeat_ahead");
        CHECK(sync.take_snapshot_request());
      }
    }
    WHEN("the daemon restarts: a new epoch whose seq starts again at 1") {
      sync.on_published(test::delta(43, 1, 0), t0 + 1s);
      THEN("the board does not ignore it as old, it re-syncs") {
        CHECK(sync.model().last_resync_reason == "new_epoch");
        CHECK(sync.take_snapshot_request());
      }
    }
    WHEN("a duplicate of an applied delta arrives") {
      sync.on_published(test::delta(kEpoch, 5, 99), t0 + 1s);
      THEN("nothing changes") {
        CHECK(waiting_in_sales(sync) == 2);
        CHECK(sync.model().feed_state == FeedState::Live);
      }
    }
    WHEN("garbage arrives on the feed") {
      sync.on_published("not a protobuf message \xff\xff", t0 + 1s);
      THEN("it is counted and ignored") {
        CHECK(sync.malformed_messages() == 1);
        CHECK(sync.model().feed_state == FeedState::Live);
      }
    }
  }
}

SCENARIO("heartbeats keep a board live; silence greys it out and it re-syncs",
         "[wallboard][feed]") {
  GIVEN("a live board") {
    FeedSync sync = synced_board();
    WHEN("heartbeats arrive every second") {
      for (int s = 1; s <= 10; ++s) {
        sync.on_published(test::heartbeat(kEpoch, 5), t0 + std::chrono::seconds(s));
        sync.on_tick(t0 + std::chrono::seconds(s) + 500ms);
      }
      THEN("it stays live and fresh") {
        CHECK(sync.model().feed_state == FeedState::Live);
        CHECK_FALSE(is_stale(sync.model(), t0 + 10s + 500ms, 3s));
      }
    }
    WHEN("nothing arrives for more than 3 s") {
      sync.on_tick(t0 + 2900ms);
      CHECK_FALSE(is_stale(sync.model(), t0 + 2900ms, 3s));
      sync.on_tick(t0 + 3100ms);
      THEN("the data is stale, the board says for how long, and it asks for a snapshot") {
        CHECK(is_stale(sync.model(), t0 + 3100ms, 3s));
        CHECK(seconds_without_data(sync.model(), t0 + 37s) == Approx(37));
        CHECK(sync.model().last_resync_reason == "silence");
        CHECK(sync.take_snapshot_request());
        AND_THEN("an unanswered request is repeated until the daemon is back") {
          sync.on_tick(t0 + 4s);
          CHECK_FALSE(sync.take_snapshot_request());
          sync.on_tick(t0 + 5200ms);
          CHECK(sync.take_snapshot_request());
          CHECK(sync.model().last_resync_reason == "snapshot_timeout");
          sync.on_snapshot(test::snapshot(kEpoch, 9, 1), t0 + 6s);
          CHECK_FALSE(is_stale(sync.model(), t0 + 6s, 3s));
          CHECK(waiting_in_sales(sync) == 1);
        }
      }
    }
  }
}

TEST_CASE("the board's clock follows the daemon's, frozen during replays", "[wallboard][feed]") {
  const std::int64_t daemon_ms = 1'795'510'800'000;
  SECTION("wall clock: extrapolated between messages so clocks tick without traffic") {
    FeedSync sync = synced_board();
    CHECK(daemon_now(sync.model(), t0 + 2500ms) == daemon_ms + 2500);
  }
  SECTION("event clock (replay): never ahead of the last event") {
    FeedSync sync;
    sync.start(t0);
    sync.on_snapshot(test::snapshot(kEpoch, 1, 0, /*clock_runs=*/false), t0);
    CHECK(daemon_now(sync.model(), t0 + 2500ms) == daemon_ms);
  }
}

TEST_CASE("the board learns which model staffed each queue, and the patience it used",
          "[wallboard][feed]") {
  floorwatch::v1::FeedMessage message = test::header(kEpoch, 5);
  floorwatch::v1::FeedSnapshot& s = *message.mutable_snapshot();
  floorwatch::v1::FeedQueue measured = test::queue("sales", 0);
  measured.set_agents_required(9);
  measured.set_staffed_agents(6);
  measured.set_staffing_model(floorwatch::v1::STAFFING_MODEL_ERLANG_A);
  measured.set_mean_patience_seconds(250);
  *s.add_queues() = measured;
  floorwatch::v1::FeedQueue older_daemon =
      test::queue("support", 0);  // sends no model: always Erlang C
  older_daemon.set_agents_required(4);
  older_daemon.set_staffed_agents(4);
  *s.add_queues() = older_daemon;

  FeedSync sync;
  sync.start(t0);
  REQUIRE(sync.take_snapshot_request());
  sync.on_snapshot(message.SerializeAsString(), t0);
  REQUIRE(sync.model().queues.size() == 2);
  const QueueView& sales = sync.model().queues[0];
  CHECK(sales.staffing_model == StaffingModel::ErlangA);
  CHECK(sales.mean_patience_seconds == 250);
  CHECK(staffing_text(sales) == "needed 9 (EA 4:10) / staffed 6");
  const QueueView& support = sync.model().queues[1];
  CHECK(support.staffing_model == StaffingModel::ErlangC);
  CHECK_FALSE(support.mean_patience_seconds.has_value());
  CHECK(staffing_text(support) == "needed 4 (EC) / staffed 4");
}

TEST_CASE("the board learns each queue's forecast; an older daemon's queue has none",
          "[wallboard][feed][forecast]") {
  floorwatch::v1::FeedMessage message = test::header(kEpoch, 5);
  floorwatch::v1::FeedSnapshot& s = *message.mutable_snapshot();
  floorwatch::v1::FeedQueue sales = test::queue("sales", 0);
  floorwatch::v1::FeedForecast& f = *sales.mutable_forecast();
  f.set_interval_start_ms(1'795'510'800'000);
  f.set_interval_end_ms(1'795'510'800'000 + 30 * 60'000);
  f.set_offered(48.2);
  f.set_agents_needed(9);
  f.set_rest_of_day_offered(410);
  *s.add_queues() = sales;
  *s.add_queues() = test::queue("support", 0);  // no history, or a daemon from before forecasts

  FeedSync sync;
  sync.start(t0);
  REQUIRE(sync.take_snapshot_request());
  sync.on_snapshot(message.SerializeAsString(), t0);
  REQUIRE(sync.model().queues.size() == 2);
  const QueueView& with = sync.model().queues[0];
  REQUIRE(with.forecast);
  CHECK(with.forecast->offered == Approx(48.2));
  CHECK(with.forecast->agents_needed == 9);
  CHECK(with.forecast->rest_of_day_offered == Approx(410));
  CHECK_FALSE(with.forecast->handle_time_seconds);
  CHECK(forecast_text(with) == "next 30 min: ~48 calls, need 9");
  CHECK_FALSE(sync.model().queues[1].forecast);
  CHECK(forecast_text(sync.model().queues[1]) == "no forecast");
}

SCENARIO("a board following an HA pair moves to the partner before its data goes stale",
         "[wallboard][feed][failover]") {
  FeedTimings timings;
  timings.failover_after = default_failover_after(timings.silence_limit);
  REQUIRE(timings.failover_after < timings.silence_limit);
  FeedSync sync(timings);
  sync.start(t0);
  REQUIRE(sync.take_snapshot_request());
  CHECK_FALSE(sync.take_switch_request());  // the first daemon is followed at start
  sync.on_snapshot(test::snapshot(kEpoch, 5, 2), t0);
  sync.on_published(test::heartbeat(kEpoch, 5), t0 + 1s);

  GIVEN("the daemon followed dies (no heartbeat after t0+1s)") {
    sync.on_tick(t0 + 1s + timings.failover_after - 100ms);
    CHECK_FALSE(sync.take_switch_request());
    sync.on_tick(t0 + 1s + timings.failover_after + 100ms);
    THEN("the board switches while the figures shown are still fresh") {
      const SteadyTime switched = t0 + 1s + timings.failover_after + 100ms;
      CHECK(sync.take_switch_request());
      CHECK(sync.take_snapshot_request());
      CHECK(sync.model().last_resync_reason == "failover");
      CHECK(sync.model().failovers == 1);
      CHECK_FALSE(is_stale(sync.model(), switched, timings.silence_limit));
      AND_THEN("the partner's snapshot (another epoch) makes the board live again") {
        sync.on_snapshot(test::snapshot(kEpoch + 1, 80, 2), switched + 5ms);
        CHECK(sync.model().feed_state == FeedState::Live);
        CHECK(sync.model().epoch == kEpoch + 1);
        CHECK_FALSE(is_stale(sync.model(), switched + 5ms, timings.silence_limit));
        sync.on_published(test::delta(kEpoch + 1, 81, 6), switched + 10ms);
        CHECK(waiting_in_sales(sync) == 6);
      }
      AND_THEN("a partner that does not answer either hands the board back") {
        sync.on_tick(switched + timings.snapshot_timeout + 100ms);
        CHECK(sync.take_switch_request());
        CHECK(sync.model().last_resync_reason == "snapshot_timeout");
        CHECK(sync.model().failovers == 2);
      }
    }
  }
  GIVEN("a board with one daemon") {
    FeedSync single;
    single.start(t0);
    single.take_snapshot_request();
    single.on_snapshot(test::snapshot(kEpoch, 5, 2), t0);
    single.on_tick(t0 + 2500ms);
    single.on_tick(t0 + 3100ms);
    THEN("it never asks to switch") {
      CHECK_FALSE(single.take_switch_request());
      CHECK(single.model().last_resync_reason == "silence");
    }
  }
}
