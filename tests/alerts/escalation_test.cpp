// "Should we notify this tier now?" as a pure function of progress, acks, silences and time.
#include <catch2/catch.hpp>

#include "alerts/escalation.h"

using namespace floorwatch;
using namespace floorwatch::alerts;
using namespace std::chrono_literals;

TEST_CASE("tier_notification_due decides from progress and time alone", "[alerts][escalation]") {
  const core::Timestamp fired = core::from_epoch_ms(1'795'424'400'000);
  const EscalationTier supervisor{"supervisor", 3min, {"pager"}, 10min};
  using Kind = std::optional<NotificationKind>;

  // minutes since firing, last notified (minutes since firing, -1 = never), ack, silenced,
  // expected.
  const auto [minutes, last_notified, acknowledged, silenced, expected] =
      GENERATE(table<int, int, bool, bool, Kind>({
          {0, -1, false, false, std::nullopt},  // not reached yet
          {2, -1, false, false, std::nullopt},
          {3, -1, false, false, NotificationKind::Firing},  // reached exactly at 3 min
          {7, -1, false, false, NotificationKind::Firing},  // late evaluation still sends once
          {3, -1, true, false, std::nullopt},               // acknowledged: escalation stops
          {3, -1, false, true, std::nullopt},               // silenced: held back
          {12, 3, false, false, std::nullopt},              // repeat not due before 13
          {13, 3, false, false, NotificationKind::Repeat},
          {40, 3, false, false, NotificationKind::Repeat},  // one repeat, not a burst
          {13, 3, true, false, std::nullopt},
      }));
  TierProgress progress;
  if (last_notified >= 0) {
    progress.first_notified_at = fired + std::chrono::minutes(last_notified);
    progress.last_notified_at = progress.first_notified_at;
    progress.notifications = 1;
  }
  CAPTURE(minutes, last_notified, acknowledged, silenced);
  CHECK(tier_notification_due(supervisor, progress, fired, acknowledged, silenced,
                              fired + std::chrono::minutes(minutes)) == expected);
}

TEST_CASE("a tier without repeat is told once", "[alerts][escalation]") {
  const core::Timestamp fired = core::from_epoch_ms(0);
  const EscalationTier manager{"operations-manager", 10min, {"pager"}, 0min};
  TierProgress progress;
  CHECK(next_tier_notification(manager, progress, fired) == fired + 10min);
  progress.first_notified_at = progress.last_notified_at = fired + 10min;
  progress.notifications = 1;
  CHECK_FALSE(next_tier_notification(manager, progress, fired).has_value());
  CHECK_FALSE(tier_notification_due(manager, progress, fired, false, false, fired + 5h));
}
