#pragma once
// What the board decides, as pure functions of the model and "now": thresholds -> levels ->
// colours and icons, number formatting, tile and agent order, page rotation. Tested without GL.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wallboard/board_model.h"

namespace floorwatch::wallboard {

/// How good a figure is. Never shown by colour alone: each level has an icon and a word.
enum class Level { Neutral, Ok, Warning, Critical };

/// An 8-bit RGBA colour (converted to ImGui's by the view).
struct Rgba {
  std::uint8_t r = 0, g = 0, b = 0, a = 255;
  bool operator==(const Rgba&) const = default;
};

/// Colour-blind-safe palette (Okabe & Ito) on a dark background; stale data is grey.
struct Palette {
  static constexpr Rgba background{16, 20, 24};
  static constexpr Rgba tile{32, 38, 46};
  static constexpr Rgba text{236, 240, 244};
  static constexpr Rgba dim_text{150, 160, 170};
  static constexpr Rgba ok{0, 158, 115};       // bluish green
  static constexpr Rgba warning{230, 159, 0};  // orange
  static constexpr Rgba critical{213, 94, 0};  // vermillion
  static constexpr Rgba accent{86, 180, 233};  // sky blue
  static constexpr Rgba stale_text{120, 120, 120};
  static constexpr Rgba stale_fill{58, 58, 58};
};

/// Fill colour for a level; every level is grey when the data is stale.
Rgba level_colour(Level level, bool stale);
/// Icon drawn next to a coloured figure (DejaVu Sans glyphs): ✓ ▲ ✖, nothing for neutral.
std::string_view level_icon(Level level);
/// Word for the same, e.g. "over target".
std::string_view level_word(Level level);

/// Oldest wait against the answer target: ok below 75 %, warning up to the target, critical
/// once it is over the target (the caller has breached).
Level wait_level(double wait_seconds, double answer_target_seconds);
/// Service level against its target: ok at or above, warning within 5 points below, critical
/// further below; neutral when there is no figure yet.
Level service_level_level(std::optional<double> service_level, double target);
/// Staffed agents against the requirement: ok when enough, warning one short,
/// critical more; neutral without a requirement.
Level staffing_level(std::optional<int> required, std::int64_t staffed);

/// "m:ss" below an hour, "h:mm:ss" above; negative waits (clock skew) show as 0:00.
std::string format_duration(double seconds);
/// "87 %" or "—" when there is no figure.
std::string format_percent(std::optional<double> fraction);
/// "23 s" or "—".
std::string format_seconds(std::optional<double> seconds);
/// The formula in small print: "80/90 · short abandons excluded".
std::string formula_small_print(const QueueView& queue);
/// The staffing row: "needed 9 (EA 4:10) / staffed 6" with Erlang A and the measured patience,
/// "needed 9 (EC) / staffed 6" with Erlang C, "needed — / staffed 6" with nothing to staff for.
std::string staffing_text(const QueueView& queue);
/// The forecast row: "next 30 min: ~48 calls, need 9"; "next 30 min: ~48 calls" without a
/// staffing figure; "no forecast" when the daemon has none (no history for the queue).
std::string forecast_text(const QueueView& queue);
/// The tile's call-back line: "3 call-backs · 12:05" (the oldest one's age at `now`),
/// "no call-backs" when none is open. Warning while any is open: someone should be calling.
std::string callbacks_text(const QueueView& queue, EpochMs now);
Level callbacks_level(const QueueView& queue);
std::string formula_small_print(const QueueView& queue);
/// Local wall time "14:05:09" for a UTC time and a zone offset.
std::string format_time_of_day(EpochMs utc, std::int32_t utc_offset_seconds);
/// "37 s", "4 min 05 s", "2 h 03 min": how long the board has had no data.
std::string format_age(double seconds);

/// Seconds the queue's oldest caller has waited at `now`; nullopt when nobody waits.
std::optional<double> oldest_wait_seconds(const QueueView& queue, EpochMs now);
/// Callers not yet over the target who will be within `horizon_seconds`.
int callers_breaching_within(const QueueView& queue, EpochMs now, double horizon_seconds = 30);
/// Callers already waiting longer than the target.
int callers_over_target(const QueueView& queue, EpochMs now);

/// Alerts shown in the banner (firing first, then acknowledged; most severe first).
std::vector<const AlertView*> banner_alerts(const BoardModel& model);
/// True while an unacknowledged alert fires (rotation holds, critical ones flash).
bool any_alert_firing(const BoardModel& model);
/// The most severe firing alert for a queue, if any.
const AlertView* alert_for_queue(const BoardModel& model, const std::string& queue);

/// Queues in tile order: `filter` (the board's `queues:`, in that order; empty = all by name),
/// then queues with firing alerts move first (critical before warning).
std::vector<const QueueView*> tiles_in_order(const BoardModel& model,
                                             const std::vector<std::string>& filter);
/// Group tiles, after the queues': the groups named in `filter` in that order (empty = all by
/// name).
std::vector<const GroupView*> group_tiles_in_order(const BoardModel& model,
                                                   const std::vector<std::string>& filter);
/// The group's formula in small print: "80/60 · short abandons excluded · support, vip".
std::string group_small_print(const GroupView& group);
/// Seconds the group's oldest caller has waited at `now`; nullopt when nobody waits.
std::optional<double> oldest_wait_seconds(const GroupView& group, EpochMs now);

/// Agents in board order: paused and wrap-up first (longest first, so the longest pause is
/// visible), then ringing, busy, available (each longest first), offline last. Only members
/// of `queues` when it is not empty.
std::vector<const AgentView*> agents_in_order(const BoardModel& model,
                                              const std::vector<std::string>& queues);
/// "paused", "wrap-up", ...
std::string_view agent_state_word(AgentState state);
/// Level of an agent's time in state against the limits the daemon sent (core::agent_level:
/// the daemon's `agent_limits:`, the same rule its `agents_over_limit` alerts use).
Level agent_level(const AgentView& agent, EpochMs now);
/// The agent's today figures at `now` (the running spell added): core::day_at.
core::AgentDay agent_today(const AgentView& agent, EpochMs now);
/// Whether a text fits where it is to be drawn (the view measures it with its font).
using TextFits = std::function<bool(std::string_view text)>;
/// The agents page's today column: "12 calls · AHT 4:30 · occ 78 % · paused 35:00 (lunch
/// 30:00, break 5:00)"; "0 calls" and "occ —" before there is anything to divide. Time paused
/// is split by reason, largest first ("(lunch)" alone for a single reason, none when the only
/// one is ""); while the text does not `fits`, the smallest reasons give way to "+N more", then
/// all of them to "(N reasons)". Without `fits` every reason is shown.
std::string agent_today_text(const AgentView& agent, EpochMs now, const TextFits& fits = {});
/// Today's time paused by reason at `now`, largest first (ties by reason), in seconds; the
/// reason "" reads "no reason".
std::vector<std::pair<std::string, double>> paused_by_reason_largest_first(
    const core::AgentDay& today);
/// What the agents page calls an agent: the configured name, else the id ("SIP/2503").
const std::string& agent_label(const AgentView& agent);
/// What the agent is doing, for the agents page: on a call, its queue and caller ("busy ·
/// sales · +46701234567"); otherwise the state, its reason and the agent's queues
/// ("paused (lunch) · sales, support").
std::string agent_activity(const AgentView& agent);
/// The agents page's time column: talk time on a call, else time in the state, in seconds.
double agent_seconds(const AgentView& agent, EpochMs now);

/// Pages of the board, in rotation order.
enum class Page { Queues, Agents, Abandons, Callers };
std::string_view page_title(Page page);
std::optional<Page> parse_page(std::string_view text);

/// Page rotation: advances every `period`, holds on the queues page (where alerts show) while
/// an alert fires. Plain value type; `advance` is pure apart from updating itself.
struct PageRotation {
  std::vector<Page> pages{Page::Queues, Page::Agents, Page::Abandons, Page::Callers};
  std::chrono::milliseconds period{20'000};
  std::size_t index = 0;
  SteadyTime shown_since{};
  /// How many screens the current page needs (a long agent list is paged, never cut off);
  /// the view reports it after each frame. Each screen is shown for one `period`.
  std::size_t parts = 1;

  Page current() const { return pages.empty() ? Page::Queues : pages[index % pages.size()]; }
  /// Moves on when due (after `parts` periods); returns the page to show at `now`.
  Page advance(SteadyTime now, bool alert_firing);
  /// Which screen of the current page to show at `now`: 0 .. parts-1.
  std::size_t part(SteadyTime now) const;
};

/// What the header says about the connection.
struct ConnectionDisplay {
  std::string text;  ///< e.g. "● LIVE", "✖ NO DATA 37 s"
  Level level = Level::Neutral;
};
ConnectionDisplay connection_display(const BoardModel& model, SteadyTime now,
                                     std::chrono::milliseconds silence_limit);

}  // namespace floorwatch::wallboard
