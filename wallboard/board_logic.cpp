#include "wallboard/board_logic.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "wallboard/feed_sync.h"

namespace floorwatch::wallboard {
namespace {

// agent_today() hands the board's state to the core as is.
static_assert(static_cast<int>(AgentState::Wrapup) == static_cast<int>(core::AgentStatus::Wrapup) &&
              static_cast<int>(AgentState::Offline) ==
                  static_cast<int>(core::AgentStatus::Offline));

int severity_rank(AlertSeverity severity) {
  switch (severity) {
    case AlertSeverity::Critical:
      return 0;
    case AlertSeverity::Warning:
      return 1;
    case AlertSeverity::Info:
      return 2;
  }
  return 3;
}

double wait_at(EpochMs enqueued_at, EpochMs now) {
  return std::max<double>(0.0, static_cast<double>(now - enqueued_at) / 1000.0);
}

}  // namespace

Rgba level_colour(Level level, bool stale) {
  if (stale) return Palette::stale_fill;
  switch (level) {
    case Level::Ok:
      return Palette::ok;
    case Level::Warning:
      return Palette::warning;
    case Level::Critical:
      return Palette::critical;
    case Level::Neutral:
      return Palette::tile;
  }
  return Palette::tile;
}

std::string_view level_icon(Level level) {
  switch (level) {
    case Level::Ok:
      return "\u2713";  // ✓
    case Level::Warning:
      return "\u25B2";  // ▲
    case Level::Critical:
      return "\u2716";  // ✖
    case Level::Neutral:
      return "";
  }
  return "";
}

std::string_view level_word(Level level) {
  switch (level) {
    case Level::Ok:
      return "on target";
    case Level::Warning:
      return "near target";
    case Level::Critical:
      return "over target";
    case Level::Neutral:
      return "";
  }
  return "";
}

Level wait_level(double wait_seconds, double answer_target_seconds) {
  if (answer_target_seconds <= 0) return Level::Neutral;
  if (wait_seconds > answer_target_seconds) return Level::Critical;
  if (wait_seconds >= 0.75 * answer_target_seconds) return Level::Warning;
  return Level::Ok;
}

Level service_level_level(std::optional<double> service_level, double target) {
  if (!service_level) return Level::Neutral;
  // Compare in whole tenths of a percent so 0.8 computed as 0.79999... still meets 80 %.
  const double value = std::round(*service_level * 1000.0);
  const double goal = std::round(target * 1000.0);
  if (value >= goal) return Level::Ok;
  if (value >= goal - 50) return Level::Warning;
  return Level::Critical;
}

Level staffing_level(std::optional<int> required, std::int64_t staffed) {
  if (!required) return Level::Neutral;
  if (staffed >= *required) return Level::Ok;
  if (staffed == *required - 1) return Level::Warning;
  return Level::Critical;
}

std::string format_duration(double seconds) {
  const auto total = static_cast<std::int64_t>(std::max(0.0, std::floor(seconds)));
  char text[32];
  if (total >= 3600)
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", static_cast<long long>(total / 3600),
                  static_cast<long long>(total / 60 % 60), static_cast<long long>(total % 60));
  else
    std::snprintf(text, sizeof text, "%lld:%02lld", static_cast<long long>(total / 60),
                  static_cast<long long>(total % 60));
  return text;
}

std::string callbacks_text(const QueueView& queue, EpochMs now) {
  if (queue.callbacks_open <= 0) return "no call-backs";
  std::string text = std::to_string(queue.callbacks_open) +
                     (queue.callbacks_open == 1 ? " call-back" : " call-backs");
  if (queue.oldest_callback_since)
    text += " \u00B7 " +
            format_duration(static_cast<double>(now - *queue.oldest_callback_since) / 1000.0);
  return text;
}

Level callbacks_level(const QueueView& queue) {
  return queue.callbacks_open > 0 ? Level::Warning : Level::Neutral;
}

std::string format_percent(std::optional<double> fraction) {
  if (!fraction) return "\u2014";
  char text[16];
  std::snprintf(text, sizeof text, "%.0f %%", std::round(*fraction * 100.0));
  return text;
}

std::string format_seconds(std::optional<double> seconds) {
  if (!seconds) return "\u2014";
  char text[24];
  std::snprintf(text, sizeof text, "%.0f s", std::round(*seconds));
  return text;
}

std::string formula_small_print(const QueueView& queue) {
  char text[160];
  std::snprintf(text, sizeof text, "%.0f/%.0f \u00B7 %s",
                std::round(queue.service_level_target * 100), queue.answer_target_seconds,
                queue.formula_description.c_str());
  return text;
}

std::string staffing_text(const QueueView& queue) {
  const std::string staffed = " / staffed " + std::to_string(queue.staffed_agents);
  if (!queue.agents_required) return "needed \u2014" + staffed;
  // A short marker keeps the row's font size: the tile has no room for the model's full name.
  const std::string model = queue.staffing_model == StaffingModel::ErlangA
                                ? "EA " + format_duration(queue.mean_patience_seconds.value_or(0))
                                : std::string("EC");
  return "needed " + std::to_string(*queue.agents_required) + " (" + model + ")" + staffed;
}

std::string forecast_text(const QueueView& queue) {
  if (!queue.forecast) return "no forecast";
  const ForecastView& f = *queue.forecast;
  const long long minutes = std::max<long long>(0, (f.interval_end - f.interval_start) / 60000);
  std::string text = "next " + std::to_string(minutes) + " min: ~" +
                     std::to_string(std::llround(f.offered)) + " calls";
  if (f.agents_needed) text += ", need " + std::to_string(*f.agents_needed);
  return text;
}

std::string format_time_of_day(EpochMs utc, std::int32_t utc_offset_seconds) {
  const std::int64_t local_seconds = utc / 1000 + utc_offset_seconds - (utc % 1000 < 0 ? 1 : 0);
  const std::int64_t of_day = ((local_seconds % 86400) + 86400) % 86400;
  char text[16];
  std::snprintf(text, sizeof text, "%02lld:%02lld:%02lld", static_cast<long long>(of_day / 3600),
                static_cast<long long>(of_day / 60 % 60), static_cast<long long>(of_day % 60));
  return text;
}

std::string format_age(double seconds) {
  const auto total = static_cast<std::int64_t>(std::max(0.0, std::floor(seconds)));
  char text[32];
  if (total < 60)
    std::snprintf(text, sizeof text, "%lld s", static_cast<long long>(total));
  else if (total < 3600)
    std::snprintf(text, sizeof text, "%lld min %02lld s", static_cast<long long>(total / 60),
                  static_cast<long long>(total % 60));
  else
    std::snprintf(text, sizeof text, "%lld h %02lld min", static_cast<long long>(total / 3600),
                  static_cast<long long>(total / 60 % 60));
  return text;
}

std::optional<double> oldest_wait_seconds(const QueueView& queue, EpochMs now) {
  if (!queue.oldest_enqueued_at || queue.calls_waiting == 0) return std::nullopt;
  return wait_at(*queue.oldest_enqueued_at, now);
}

int callers_breaching_within(const QueueView& queue, EpochMs now, double horizon_seconds) {
  int count = 0;
  for (const EpochMs enqueued_at : queue.waiting_enqueued_at) {
    const double wait = wait_at(enqueued_at, now);
    if (wait <= queue.answer_target_seconds && wait > queue.answer_target_seconds - horizon_seconds)
      ++count;
  }
  return count;
}

int callers_over_target(const QueueView& queue, EpochMs now) {
  int count = 0;
  for (const EpochMs enqueued_at : queue.waiting_enqueued_at)
    if (wait_at(enqueued_at, now) > queue.answer_target_seconds) ++count;
  return count;
}

std::vector<const AlertView*> banner_alerts(const BoardModel& model) {
  std::vector<const AlertView*> shown;
  for (const AlertView& alert : model.alerts)
    if (alert.state == AlertState::Firing || alert.state == AlertState::Acknowledged)
      shown.push_back(&alert);
  std::stable_sort(shown.begin(), shown.end(), [](const AlertView* a, const AlertView* b) {
    const bool a_firing = a->state == AlertState::Firing;
    const bool b_firing = b->state == AlertState::Firing;
    if (a_firing != b_firing) return a_firing;
    if (a->severity != b->severity) return severity_rank(a->severity) < severity_rank(b->severity);
    return a->since < b->since;
  });
  return shown;
}

bool any_alert_firing(const BoardModel& model) {
  return std::any_of(model.alerts.begin(), model.alerts.end(),
                     [](const AlertView& a) { return a.state == AlertState::Firing; });
}

const AlertView* alert_for_queue(const BoardModel& model, const std::string& queue) {
  const AlertView* worst = nullptr;
  for (const AlertView& alert : model.alerts) {
    if (alert.queue != queue || alert.state != AlertState::Firing) continue;
    if (!worst || severity_rank(alert.severity) < severity_rank(worst->severity)) worst = &alert;
  }
  return worst;
}

std::vector<const GroupView*> group_tiles_in_order(const BoardModel& model,
                                                   const std::vector<std::string>& filter) {
  std::vector<const GroupView*> tiles;
  if (filter.empty()) {
    for (const GroupView& group : model.groups) tiles.push_back(&group);
    return tiles;
  }
  for (const std::string& name : filter) {
    auto it = std::find_if(model.groups.begin(), model.groups.end(),
                           [&](const GroupView& g) { return g.name == name; });
    if (it != model.groups.end()) tiles.push_back(&*it);
  }
  return tiles;
}

std::string group_small_print(const GroupView& group) {
  char text[160];
  std::snprintf(text, sizeof text, "%.0f/%.0f \u00B7 %s \u00B7 ",
                std::round(group.service_level_target * 100), group.answer_target_seconds,
                group.formula_description.c_str());
  std::string members;
  for (const std::string& queue : group.queues) members += (members.empty() ? "" : ", ") + queue;
  return text + members;
}

std::optional<double> oldest_wait_seconds(const GroupView& group, EpochMs now) {
  if (!group.oldest_enqueued_at || group.calls_waiting == 0) return std::nullopt;
  return wait_at(*group.oldest_enqueued_at, now);
}

std::vector<const QueueView*> tiles_in_order(const BoardModel& model,
                                             const std::vector<std::string>& filter) {
  std::vector<const QueueView*> tiles;
  if (filter.empty()) {
    for (const QueueView& queue : model.queues) tiles.push_back(&queue);
  } else {
    for (const std::string& name : filter) {
      auto it = std::find_if(model.queues.begin(), model.queues.end(),
                             [&](const QueueView& q) { return q.name == name; });
      if (it != model.queues.end()) tiles.push_back(&*it);
    }
  }
  auto rank = [&](const QueueView* queue) {
    const AlertView* alert = alert_for_queue(model, queue->name);
    return alert ? severity_rank(alert->severity) : 99;
  };
  std::stable_sort(tiles.begin(), tiles.end(),
                   [&](const QueueView* a, const QueueView* b) { return rank(a) < rank(b); });
  return tiles;
}

std::vector<const AgentView*> agents_in_order(const BoardModel& model,
                                              const std::vector<std::string>& queues) {
  auto group = [](AgentState state) {
    switch (state) {
      case AgentState::Paused:
      case AgentState::Wrapup:
        return 0;
      case AgentState::Ringing:
        return 1;
      case AgentState::Busy:
        return 2;
      case AgentState::Available:
        return 3;
      case AgentState::Offline:
        return 4;
    }
    return 5;
  };
  std::vector<const AgentView*> agents;
  for (const AgentView& agent : model.agents) {
    const bool member =
        queues.empty() || std::any_of(agent.queues.begin(), agent.queues.end(), [&](const auto& q) {
          return std::find(queues.begin(), queues.end(), q) != queues.end();
        });
    if (member) agents.push_back(&agent);
  }
  std::stable_sort(agents.begin(), agents.end(), [&](const AgentView* a, const AgentView* b) {
    if (group(a->state) != group(b->state)) return group(a->state) < group(b->state);
    return a->state_since < b->state_since;  // longest in state first
  });
  return agents;
}

std::string_view agent_state_word(AgentState state) {
  switch (state) {
    case AgentState::Available:
      return "available";
    case AgentState::Ringing:
      return "ringing";
    case AgentState::Busy:
      return "busy";
    case AgentState::Wrapup:
      return "wrap-up";
    case AgentState::Paused:
      return "paused";
    case AgentState::Offline:
      return "offline";
  }
  return "?";
}

Level agent_level(const AgentView& agent, EpochMs now) {
  switch (core::agent_level(agent.limit, core::from_epoch_ms(agent.state_since),
                            core::from_epoch_ms(now))) {
    case core::AgentLevel::Normal:
      return Level::Neutral;
    case core::AgentLevel::Warning:
      return Level::Warning;
    case core::AgentLevel::Critical:
      return Level::Critical;
  }
  return Level::Neutral;
}

core::AgentDay agent_today(const AgentView& agent, EpochMs now) {
  // The board's states are the core's, in the same order (feed.proto's AgentState).
  return core::day_at(agent.today, static_cast<core::AgentStatus>(agent.state), agent.reason,
                      core::from_epoch_ms(now));
}

std::vector<std::pair<std::string, double>> paused_by_reason_largest_first(
    const core::AgentDay& today) {
  std::vector<std::pair<std::string, double>> reasons;
  for (const auto& [reason, length] : today.paused_by_reason)
    if (length > core::Duration::zero())
      reasons.emplace_back(reason.empty() ? "no reason" : reason, core::to_seconds(length));
  std::stable_sort(reasons.begin(), reasons.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return reasons;
}

namespace {

// " (lunch 30:00, break 5:00)" with the first `shown` reasons and "+N more" for the rest;
// "(N reasons)" when none is shown.
std::string paused_split_text(const std::vector<std::pair<std::string, double>>& reasons,
                              std::size_t shown) {
  if (shown == 0) return " (" + std::to_string(reasons.size()) + " reasons)";
  std::string text = " (";
  for (std::size_t i = 0; i < shown; ++i) {
    if (i > 0) text += ", ";
    text += reasons[i].first;
    // A single reason is the whole pause: its time is already there.
    if (reasons.size() > 1) text += " " + format_duration(reasons[i].second);
  }
  if (shown < reasons.size()) text += ", +" + std::to_string(reasons.size() - shown) + " more";
  return text + ")";
}

// "paused 35:00" and as much of its split by reason as `fits` the whole text.
std::string with_paused_split(const std::string& before, const core::AgentDay& today,
                              const TextFits& fits) {
  const std::string paused =
      before + " \u00B7 paused " + format_duration(core::to_seconds(today.paused));
  const auto reasons = paused_by_reason_largest_first(today);
  // Nothing to split: paused only without a reason.
  if (reasons.empty() || (reasons.size() == 1 && today.paused_by_reason.count("") == 1))
    return paused;
  for (std::size_t shown = reasons.size(); shown > 0; --shown) {
    std::string text = paused + paused_split_text(reasons, shown);
    if (!fits || fits(text)) return text;
  }
  if (reasons.size() == 1) return paused;
  return paused + paused_split_text(reasons, 0);
}

}  // namespace

std::string agent_today_text(const AgentView& agent, EpochMs now, const TextFits& fits) {
  const core::AgentDay today = agent_today(agent, now);
  std::string text = std::to_string(today.calls_handled) + " calls";
  if (const auto aht = core::average_handle_time_seconds(today))
    text += " \u00B7 AHT " + format_duration(*aht);
  text += " \u00B7 occ " + format_percent(core::occupancy(today));
  if (today.paused > core::Duration::zero()) return with_paused_split(text, today, fits);
  return text;
}

std::string_view page_title(Page page) {
  switch (page) {
    case Page::Queues:
      return "Queues";
    case Page::Agents:
      return "Agents";
    case Page::Abandons:
      return "Call-backs";
    case Page::Callers:
      return "Waiting callers";
  }
  return "";
}

std::optional<Page> parse_page(std::string_view text) {
  if (text == "queues") return Page::Queues;
  if (text == "agents") return Page::Agents;
  if (text == "abandons" || text == "abandoned") return Page::Abandons;
  if (text == "callers") return Page::Callers;
  return std::nullopt;
}

Page PageRotation::advance(SteadyTime now, bool alert_firing) {
  if (pages.empty()) return Page::Queues;
  if (alert_firing) {
    // Hold on the page where alerts show; rotation resumes a full period after they stop.
    auto queues_page = std::find(pages.begin(), pages.end(), Page::Queues);
    if (queues_page != pages.end()) index = static_cast<std::size_t>(queues_page - pages.begin());
    shown_since = now;
    return current();
  }
  if (shown_since == SteadyTime{}) shown_since = now;
  if (now - shown_since >= period * static_cast<long>(std::max<std::size_t>(parts, 1))) {
    index = (index + 1) % pages.size();
    shown_since = now;
    parts = 1;  // the view says how many screens the new page needs after its first frame
  }
  return current();
}

std::size_t PageRotation::part(SteadyTime now) const {
  if (parts <= 1 || period.count() <= 0 || shown_since == SteadyTime{}) return 0;
  const auto shown = std::chrono::duration_cast<std::chrono::milliseconds>(now - shown_since);
  return std::min(parts - 1, static_cast<std::size_t>(shown / period));
}

const std::string& agent_label(const AgentView& agent) {
  return agent.name.empty() ? agent.agent : agent.name;
}

std::string agent_activity(const AgentView& agent) {
  std::string text(agent_state_word(agent.state));
  if (!agent.reason.empty()) text += " (" + agent.reason + ")";
  if (!agent.call.empty()) {
    if (!agent.call_queue.empty()) text += " \u00B7 " + agent.call_queue;
    if (!agent.caller.empty()) text += " \u00B7 " + agent.caller;
    return text;
  }
  for (std::size_t i = 0; i < agent.queues.size(); ++i)
    text += (i == 0 ? " \u00B7 " : ", ") + agent.queues[i];
  return text;
}

double agent_seconds(const AgentView& agent, EpochMs now) {
  const EpochMs since = !agent.call.empty() && agent.call_answered_at != 0 ? agent.call_answered_at
                                                                           : agent.state_since;
  return static_cast<double>(now - since) / 1000.0;
}

ConnectionDisplay connection_display(const BoardModel& model, SteadyTime now,
                                     std::chrono::milliseconds silence_limit) {
  if (!model.has_data) return {"\u25CC CONNECTING", Level::Warning};  // ◌
  if (is_stale(model, now, silence_limit))
    return {"\u2716 NO DATA " + format_age(seconds_without_data(model, now)), Level::Critical};
  // Following one daemon of a pair: name it, so the floor knows which one it is reading.
  const std::string from = model.daemons_configured > 1 && !model.daemon.empty()
                               ? " \u00B7 " + model.daemon  // ·
                               : "";
  if (model.feed_state != FeedState::Live) {
    // With a partner, both reasons move the board to it (FeedSync::fail_over).
    const bool switching = model.last_resync_reason == to_string(ResyncReason::Failover) ||
                           model.last_resync_reason == to_string(ResyncReason::SnapshotTimeout);
    if (switching && model.daemons_configured > 1)
      return {"\u21BB SWITCHING DAEMON", Level::Warning};
    return {"\u21BB RE-SYNCING" + from, Level::Warning};  // ↻
  }
  return {"\u25CF LIVE" + from, Level::Ok};  // ●
}

}  // namespace floorwatch::wallboard
