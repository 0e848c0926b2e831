// Change tracking for readers that keep what they saw (the alert engine): a snapshot can list
// only the queues whose figures changed since an earlier revision, and those figures are exactly
// the complete snapshot's. Also the rolling windows' max wait, now kept without a scan.
#include <catch2/catch.hpp>

#include "core_test_support.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <random>

#include "floorwatch/core/floor_state.h"
#include "floorwatch/core/windows.h"

using namespace floorwatch::core;
using namespace floorwatch::core::testing;

namespace {

std::vector<std::string> names_of(const FloorSnapshot& snapshot) {
  std::vector<std::string> names;
  for (const auto& queue : snapshot.queues) names.push_back(queue.name);
  return names;
}

SnapshotOptions changed_since(std::uint64_t revision) {
  SnapshotOptions options;
  options.changed_since = revision;
  return options;
}

FloorConfig three_queues() {
  FloorConfig config;
  config.queues["billing"] = QueueSettings{};
  config.queues["sales"] = QueueSettings{};
  config.queues["support"] = QueueSettings{};
  return config;
}

// Every figure a reader of a kept queue relies on; the live oldest_wait_seconds is left out on
// purpose (it moves with time: readers derive it from oldest_enqueued_at).
void check_same_figures(const QueueSnapshot& x, const QueueSnapshot& y) {
  CAPTURE(x.name);
  CHECK(x.name == y.name);
  CHECK(x.calls_waiting == y.calls_waiting);
  CHECK(x.oldest_enqueued_at == y.oldest_enqueued_at);
  CHECK(x.agents_by_state == y.agents_by_state);
  CHECK(x.staffed_agents == y.staffed_agents);
  CHECK(x.lifetime == y.lifetime);
  for (auto kind : kAllWindows) {
    CAPTURE(to_string(kind));
    CHECK(x.window(kind).counts == y.window(kind).counts);
    CHECK(x.window(kind).service_level == y.window(kind).service_level);
    CHECK(x.window(kind).max_wait_seconds == y.window(kind).max_wait_seconds);
  }
  CHECK(x.occupancy == y.occupancy);
  CHECK(x.estimated_wait_seconds == y.estimated_wait_seconds);
  CHECK(x.agents_required == y.agents_required);
  CHECK(x.predicted_service_level == y.predicted_service_level);
}

}  // namespace

TEST_CASE("a snapshot of changed queues lists only the queues touched since a revision",
          "[core][floor_state][changes]") {
  FloorState floor(three_queues());
  const auto t0 = utc("2026-11-24T09:00:00Z");
  const FloorSnapshot first = floor.snapshot(t0);
  CHECK(names_of(first) == std::vector<std::string>{"billing", "sales", "support"});
  CHECK_FALSE(first.only_changed_since.has_value());

  FloorSnapshot later = floor.snapshot(t0 + seconds(1), changed_since(first.revision));
  CHECK(later.queues.empty());
  CHECK(later.only_changed_since == first.revision);
  CHECK(later.revision == first.revision);

  REQUIRE(floor.apply(enqueued(t0 + seconds(2), "c1", "sales")).applied);
  later = floor.snapshot(t0 + seconds(3), changed_since(first.revision));
  CHECK(names_of(later) == std::vector<std::string>{"sales"});
  CHECK(later.queues.front().calls_waiting == 1);
  CHECK(later.revision > first.revision);

  SECTION("a rejected event changes nothing") {
    REQUIRE_FALSE(floor.apply(enqueued(t0 + seconds(4), "c1", "support")).applied);  // duplicate
    CHECK(floor.snapshot(t0 + seconds(5), changed_since(later.revision)).queues.empty());
  }
  SECTION("a queue first seen in an event appears as changed") {
    REQUIRE(floor.apply(enqueued(t0 + seconds(4), "c2", "returns")).applied);
    CHECK(names_of(floor.snapshot(t0 + seconds(5), changed_since(later.revision))) ==
          std::vector<std::string>{"returns"});
  }
  SECTION("a revision the state never had gets every queue") {
    const FloorSnapshot odd = floor.snapshot(t0 + seconds(5), changed_since(later.revision + 99));
    CHECK(names_of(odd) == std::vector<std::string>{"billing", "sales", "support"});
    CHECK_FALSE(odd.only_changed_since.has_value());
  }
}

TEST_CASE("an agent changing state or queues changes every queue it belongs to",
          "[core][floor_state][changes]") {
  FloorState floor(three_queues());
  const auto t0 = utc("2026-11-24T09:00:00Z");
  REQUIRE(floor
              .apply(agent_state(t0, "ann", AgentStatus::Available,
                                 std::vector<std::string>{"sales", "support"}))
              .applied);
  const FloorSnapshot first = floor.snapshot(t0);

  REQUIRE(floor.apply(agent_state(t0 + seconds(1), "ann", AgentStatus::Paused)).applied);
  FloorSnapshot later = floor.snapshot(t0 + seconds(1), changed_since(first.revision));
  REQUIRE(names_of(later) == std::vector<std::string>{"sales", "support"});
  CHECK(later.queues[0].agents_by_state[index_of(AgentStatus::Paused)] == 1);
  CHECK(later.queues[0].staffed_agents == 0);

  REQUIRE(floor
              .apply(agent_state(t0 + seconds(2), "ann", AgentStatus::Paused,
                                 std::vector<std::string>{"billing"}))
              .applied);
  const FloorSnapshot moved = floor.snapshot(t0 + seconds(2), changed_since(later.revision));
  REQUIRE(names_of(moved) == std::vector<std::string>{"billing", "sales", "support"});
  CHECK(moved.queues[0].agents_by_state[index_of(AgentStatus::Paused)] == 1);  // billing
  CHECK(moved.queues[1].agents_by_state == std::array<std::int64_t, kAgentStatusCount>{});
  CHECK(moved.agents_by_state[index_of(AgentStatus::Paused)] == 1);  // the site: still one

  SECTION("the same state again (a new reason) changes only what its red limit counts") {
    // Paused has a red limit (20 min by default): the new reason restarts the time in state,
    // so billing's agents_over_limit crossing moves; its other figures do not.
    REQUIRE(floor
                .apply(agent_state(t0 + seconds(3), "ann", AgentStatus::Paused, std::nullopt,
                                   "training"))
                .applied);
    const FloorSnapshot renamed = floor.snapshot(t0 + seconds(3), changed_since(moved.revision));
    REQUIRE(names_of(renamed) == std::vector<std::string>{"billing"});
    CHECK(renamed.queues[0].agent_limit_crossings.at(0).critical_at ==
          t0 + seconds(3) + minutes(20));
  }
  SECTION("a new reason in a state without a red limit changes no queue figure") {
    REQUIRE(floor.apply(agent_state(t0 + seconds(3), "ann", AgentStatus::Busy)).applied);
    const FloorSnapshot busy = floor.snapshot(t0 + seconds(3), changed_since(moved.revision));
    REQUIRE(
        floor
            .apply(agent_state(t0 + seconds(4), "ann", AgentStatus::Busy, std::nullopt, "outbound"))
            .applied);
    CHECK(floor.snapshot(t0 + seconds(4), changed_since(busy.revision)).queues.empty());
  }
}

TEST_CASE("time changes a queue only when an outcome leaves a window or a new interval begins",
          "[core][floor_state][changes]") {
  FloorState floor(three_queues());
  const auto t0 = utc("2026-11-24T09:00:00Z");
  REQUIRE(floor.apply(enqueued(t0, "c1", "sales")).applied);
  REQUIRE(floor.apply(abandoned(t0 + seconds(30), "c1")).applied);
  FloorSnapshot seen = floor.snapshot(t0 + seconds(30));

  // A caller waiting does not change any figure but the live wait.
  REQUIRE(floor.apply(enqueued(t0 + minutes(1), "c2", "support")).applied);
  seen = floor.snapshot(t0 + minutes(1));
  CHECK(floor.snapshot(t0 + minutes(10), changed_since(seen.revision)).queues.empty());

  // 09:15:00.000 + 1 ms: the enqueue at 09:00:00 has left the 15-minute window.
  const FloorSnapshot expired =
      floor.snapshot(t0 + minutes(15) + Duration{1}, changed_since(seen.revision));
  REQUIRE(names_of(expired) == std::vector<std::string>{"sales"});
  CHECK(expired.queues.front().window(WindowKind::Rolling15m).counts.offered == 0);
  CHECK(expired.queues.front().window(WindowKind::Rolling30m).counts.offered == 1);

  // 09:30: a new 30-minute interval empties every queue's interval window.
  const FloorSnapshot interval = floor.snapshot(t0 + minutes(30), changed_since(expired.revision));
  CHECK(names_of(interval) == std::vector<std::string>{"billing", "sales", "support"});
}

TEST_CASE("reconfigure and load change every queue; revisions from before load are not trusted",
          "[core][floor_state][changes]") {
  FloorState floor(three_queues());
  const auto t0 = utc("2026-11-24T09:00:00Z");
  REQUIRE(floor.apply(enqueued(t0, "c1", "sales")).applied);
  const FloorSnapshot seen = floor.snapshot(t0);

  SECTION("reconfigure") {
    FloorConfig config = three_queues();
    config.queues["sales"].answer_target = seconds(30);
    floor.reconfigure(config, t0);
    const FloorSnapshot after = floor.snapshot(t0, changed_since(seen.revision));
    CHECK(names_of(after) == std::vector<std::string>{"billing", "sales", "support"});
    CHECK(after.only_changed_since == seen.revision);
  }
  SECTION("load") {
    const std::string saved = floor.save();
    REQUIRE(floor.apply(enqueued(t0 + seconds(1), "c2", "support")).applied);
    const FloorSnapshot before_load = floor.snapshot(t0 + seconds(1));
    floor.load(saved);
    const FloorSnapshot after =
        floor.snapshot(t0 + seconds(2), changed_since(before_load.revision));
    CHECK(names_of(after) == std::vector<std::string>{"billing", "sales", "support"});
    CHECK_FALSE(after.only_changed_since.has_value());
    CHECK(after.queues[2].calls_waiting == 0);  // support's caller came after the save
    CHECK(floor.snapshot(t0 + seconds(3), changed_since(after.revision)).queues.empty());
  }
}

TEST_CASE("changed queues carry the figures of a complete snapshot, on a busy random floor",
          "[core][floor_state][changes]") {
  std::mt19937 random(20261203);
  const auto uniform = [&](int low, int high) {
    return std::uniform_int_distribution<int>(low, high)(random);
  };
  const auto t0 = utc("2026-11-24T09:20:00Z");
  std::vector<Event> events;
  for (int a = 0; a < 8; ++a)
    events.push_back(agent_state(
        t0, "agent-" + std::to_string(a), AgentStatus::Available,
        std::vector<std::string>{"q" + std::to_string(a % 4), "q" + std::to_string((a + 1) % 4)}));
  int call = 0;
  for (auto t = t0; t < t0 + minutes(40); t += Duration{uniform(200, 4000)}) {
    const std::string id = "c" + std::to_string(call++);
    events.push_back(enqueued(t, id, "q" + std::to_string(uniform(0, 4))));
    const auto left = t + Duration{uniform(100, 60'000)};
    if (uniform(0, 4) == 0) {
      events.push_back(abandoned(left, id));
      continue;
    }
    const std::string agent = "agent-" + std::to_string(uniform(0, 7));
    events.push_back(answered(left, id, agent));
    events.push_back(completed(left + Duration{uniform(1000, 90'000)}, id));
    const auto free_at = left + Duration{uniform(91'000, 120'000)};
    const AgentStatus next_state =
        uniform(0, 5) == 0 ? AgentStatus::Paused : AgentStatus::Available;
    std::optional<std::vector<std::string>> moved_to;  // now and then a new queue
    if (uniform(0, 9) == 0)
      moved_to = std::vector<std::string>{"q" + std::to_string(uniform(0, 4))};
    events.push_back(agent_state(free_at, agent, next_state, moved_to));
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return a.ts < b.ts; });

  FloorState floor(FloorConfig{});
  std::map<std::string, QueueSnapshot> kept;         // what a reader of changed queues holds
  std::map<std::string, AgentSnapshot> kept_agents;  // ... and of changed agents
  std::uint64_t revision = 0, agents_revision = 0;
  std::size_t next = 0, listed = 0, snapshots = 0, agents_listed = 0;
  for (auto now = t0; now < t0 + minutes(45); now += Duration{uniform(10, 20'000)}) {
    while (next < events.size() && events[next].ts <= now) floor.apply(events[next++]);
    const FloorSnapshot changed =
        floor.snapshot(now, snapshots == 0 ? SnapshotOptions{} : changed_since(revision));
    for (const auto& queue : changed.queues) kept[queue.name] = queue;
    revision = changed.revision;
    listed += changed.queues.size();
    ++snapshots;
    SnapshotOptions changed_agents;
    changed_agents.include_agents = true;
    if (snapshots > 1) changed_agents.agents_changed_since = agents_revision;
    const FloorSnapshot moved = floor.snapshot(now, changed_agents);
    CHECK(moved.agents_only_changed_since.has_value() == (snapshots > 1));
    for (const auto& agent : moved.agents) kept_agents[agent.agent] = agent;
    agents_revision = moved.agents_revision;
    agents_listed += moved.agents.size();

    SnapshotOptions with_agents;
    with_agents.include_agents = true;
    const FloorSnapshot complete = floor.snapshot(now, with_agents);
    CAPTURE(format_timestamp(now));
    REQUIRE(kept.size() == complete.queues.size());
    for (const auto& queue : complete.queues) check_same_figures(kept.at(queue.name), queue);
    // A reader of changed agents holds exactly the complete picture's agents.
    REQUIRE(kept_agents.size() == complete.agents.size());
    for (const auto& agent : complete.agents) CHECK(kept_agents.at(agent.agent) == agent);
    // The live member counts are what counting the agents' memberships gives.
    for (const auto& queue : complete.queues) {
      std::array<std::int64_t, kAgentStatusCount> counted{};
      for (const auto& agent : complete.agents)
        if (std::find(agent.queues.begin(), agent.queues.end(), queue.name) != agent.queues.end())
          ++counted[static_cast<std::size_t>(agent.state)];
      CHECK(queue.agents_by_state == counted);
    }
  }
  CHECK(listed < snapshots * kept.size());                // quiet spells did list fewer queues
  CHECK(agents_listed < snapshots * kept_agents.size());  // and fewer agents
}

TEST_CASE("a reader of changed agents gets one agent per change, and all of them when all moved",
          "[core][floor_state][changes][agents]") {
  FloorConfig config = three_queues();
  FloorState floor(config);
  const auto t0 = utc("2026-11-24T09:00:00Z");
  for (const char* id : {"ann", "bob", "cid"})
    REQUIRE(floor.apply(agent_state(t0, id, AgentStatus::Available)).applied);
  (void)floor.snapshot(t0);  // the first picture opens the day: every agent's today is new
  SnapshotOptions options;
  options.include_agents = true;
  options.agents_changed_since = floor.agents_revision();
  CHECK(floor.snapshot(t0, options).agents.empty());

  REQUIRE(floor.apply(agent_state(t0 + seconds(1), "bob", AgentStatus::Paused)).applied);
  FloorSnapshot one = floor.snapshot(t0 + seconds(1), options);
  REQUIRE(one.agents.size() == 1);
  CHECK(one.agents[0].agent == "bob");
  CHECK(one.agents[0].state == AgentStatus::Paused);
  CHECK(one.agents_only_changed_since == options.agents_changed_since);

  const auto all_of = [&](Timestamp now) {
    const FloorSnapshot picture = floor.snapshot(now, options);
    CHECK_FALSE(picture.agents_only_changed_since.has_value());
    return picture.agents.size();
  };
  options.agents_changed_since = one.agents_revision;
  SECTION("new names") {
    config.agent_names["cid"] = "Cid Ek";
    floor.reconfigure(config, t0 + seconds(2));
    CHECK(all_of(t0 + seconds(2)) == 3);
  }
  SECTION("a new day") {
    CHECK(all_of(utc("2026-11-25T00:00:00Z")) == 3);
  }
  SECTION("load") {
    floor.load(floor.save());
    CHECK(all_of(t0 + seconds(2)) == 3);
  }
  SECTION("a revision from another floor") {
    options.agents_changed_since = floor.agents_revision() + 5;
    CHECK(all_of(t0 + seconds(2)) == 3);
  }
}

TEST_CASE("a reader far behind still gets exactly the agents that changed",
          "[core][floor_state][changes][agents]") {
  FloorState floor(three_queues());
  const auto t0 = utc("2026-11-24T09:00:00Z");
  for (const char* id : {"ann", "bob", "cid", "dan"})
    REQUIRE(floor.apply(agent_state(t0, id, AgentStatus::Available)).applied);
  (void)floor.snapshot(t0);  // the first picture opens the day
  SnapshotOptions options;
  options.include_agents = true;
  options.agents_changed_since = floor.agents_revision();
  // ann changes once, then more changes than the engine remembers one by one (bob and cid),
  // then dan once.
  REQUIRE(floor.apply(agent_state(t0 + Duration{500}, "ann", AgentStatus::Paused)).applied);
  std::size_t changes = 0;
  for (auto t = t0 + seconds(1); changes < FloorState::kAgentChangeLog + 10; t += seconds(1)) {
    const bool even = changes % 2 == 0;
    REQUIRE(floor
                .apply(agent_state(t, even ? "bob" : "cid",
                                   even ? AgentStatus::Paused : AgentStatus::Available))
                .applied);
    ++changes;
  }
  REQUIRE(floor.apply(agent_state(t0 + seconds(9000), "dan", AgentStatus::Paused)).applied);
  const auto ids = [](const FloorSnapshot& picture) {
    std::vector<std::string> agents;
    for (const AgentSnapshot& a : picture.agents) agents.push_back(a.agent);
    return agents;
  };
  const FloorSnapshot behind = floor.snapshot(t0 + seconds(9000), options);
  CHECK(behind.agents_only_changed_since == options.agents_changed_since);
  CHECK(ids(behind) == std::vector<std::string>{"ann", "bob", "cid", "dan"});

  // A reader one change behind gets that one agent, in its latest state.
  options.agents_changed_since = floor.agents_revision();
  REQUIRE(floor.apply(agent_state(t0 + seconds(9001), "bob", AgentStatus::Available)).applied);
  const FloorSnapshot recent = floor.snapshot(t0 + seconds(9001), options);
  CHECK(ids(recent) == std::vector<std::string>{"bob"});
  CHECK(recent.agents[0].state == AgentStatus::Available);
}

TEST_CASE("rolling sums and max wait match a scan of the window, with late outcomes and expiries",
          "[core][windows][changes]") {
  std::mt19937 random(7);
  const auto uniform = [&](int low, int high) {
    return std::uniform_int_distribution<int>(low, high)(random);
  };
  const auto t0 = utc("2026-11-24T09:00:00Z");
  RollingWindows rolling;
  std::vector<std::pair<Timestamp, std::int64_t>> waits;  // every outcome ever added
  Timestamp now = t0;
  QueueSettings settings;
  for (int step = 0; step < 3000; ++step) {
    now += Duration{uniform(0, 5000)};
    // Mostly in order; one in five is late by up to 20 minutes; some never waited (enqueues).
    const Timestamp at = uniform(0, 4) == 0 ? now - Duration{uniform(0, 20 * 60'000)} : now;
    const bool waited = uniform(0, 3) != 0;
    const Duration wait{uniform(0, 300'000)};
    rolling.add(at, waited ? classify_answer(wait, settings) : classify_enqueue());
    if (waited) waits.emplace_back(at, wait.count());
    const bool moved = rolling.advance(now);
    (void)moved;
    for (std::size_t span = 0; span < RollingWindows::kSpans.size(); ++span) {
      // The window as the sums see it: (start, now] with start never moving back, an outcome
      // counted at its time rounded up to a whole second (the windows' 1 s resolution).
      std::int64_t expected = -1, answered = 0;
      const Timestamp start = now - RollingWindows::kSpans[span];
      for (const auto& [when, ms] : waits) {
        if (std::chrono::ceil<std::chrono::seconds>(when) <= start || when > now) continue;
        expected = std::max(expected, ms);
        ++answered;
      }
      // Late outcomes before the window's start were refused by add(): the scan agrees.
      REQUIRE(rolling.totals(span).max_wait_ms == expected);
      REQUIRE(rolling.totals(span).answered == answered);
    }
  }
}

TEST_CASE("advancing the rolling windows says whether an outcome left one",
          "[core][windows][changes]") {
  const auto t0 = utc("2026-11-24T09:00:00Z");
  RollingWindows rolling;
  rolling.add(t0, classify_enqueue());
  CHECK_FALSE(rolling.advance(t0 + minutes(14)));  // (08:59, 09:14]: still inside
  CHECK(rolling.advance(t0 + minutes(15)));        // (09:00, 09:15]: left 15m
  CHECK_FALSE(rolling.advance(t0 + minutes(20)));
  CHECK(rolling.advance(t0 + minutes(30)));  // left 30m
  CHECK(rolling.advance(t0 + minutes(60)));  // left 60m
  CHECK_FALSE(rolling.advance(t0 + minutes(90)));
}
