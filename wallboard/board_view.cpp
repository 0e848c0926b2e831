#include "wallboard/board_view.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <stdexcept>

#include "wallboard/feed_sync.h"
#include "wallboard/queue_callers.h"

namespace floorwatch::wallboard {
namespace {

// Every non-ASCII glyph the board draws; only these are rasterised besides Latin-1.
constexpr const char* kSymbols =
    "\u2713\u25B2\u2716\u26A0\u25CF\u25CC\u21BB\u2014\u00B7\u2026\u25B6\u266A";
constexpr Rgba kHeaderFill{24, 28, 34};
constexpr Rgba kNeutralFill{48, 56, 66};
constexpr Rgba kOnColourText{16, 20, 24};  // dark text on ok/warning/critical fills
constexpr Rgba kCriticalFlash{150, 40, 0};
constexpr Rgba kAcknowledgedFill{70, 80, 95};
constexpr Rgba kSparklineFill{24, 29, 36};

enum class Align { Left, Center, Right };

ImU32 colour(Rgba c) {
  return IM_COL32(c.r, c.g, c.b, c.a);
}
ImVec2 top_left(const Rect& r) {
  return {r.x, r.y};
}
ImVec2 bottom_right(const Rect& r) {
  return {r.right(), r.bottom()};
}

// An opaque filled rectangle, optionally with rounded corners. Plain triangles: the board
// redraws only the damaged rectangles (partial_redraw.h), where scissored glClear calls cost
// llvmpipe far more than shading the few pixels left (docs/benchmarks.md, 2026-12-07).
void fill_rect(ImDrawList* draw, const Rect& r, Rgba c, float rounding = 0) {
  if (r.empty()) return;
  draw->AddRectFilled(top_left(r), bottom_right(r), colour(c),
                      std::min({rounding, r.w / 2, r.h / 2}));
}

// Draws `text` in `r`, vertically centred, at `size` px (never above the rasterised size, so
// glyphs are only ever scaled down), shrunk further until it fits the width.
void text_in(ImDrawList* draw, ImFont* font, float size, const Rect& r, Rgba c,
             std::string_view text, Align align = Align::Left) {
  if (text.empty() || r.empty()) return;
  size = std::min({size, font->FontSize, r.h});
  ImVec2 extent = font->CalcTextSizeA(size, FLT_MAX, 0, text.data(), text.data() + text.size());
  if (extent.x > r.w && extent.x > 0) {
    size *= r.w / extent.x;
    extent = font->CalcTextSizeA(size, FLT_MAX, 0, text.data(), text.data() + text.size());
  }
  float x = r.x;
  if (align == Align::Center) x = r.x + (r.w - extent.x) / 2;
  if (align == Align::Right) x = r.right() - extent.x;
  const float y = r.y + (r.h - extent.y) / 2;
  draw->AddText(font, size, {std::round(x), std::round(y)}, colour(c), text.data(),
                text.data() + text.size());
}

// Whether text_in() would draw `text` in `r` at no less than `min_scale` of `size`: below that
// the small print is no longer readable from across the floor.
bool fits_in(ImFont* font, float size, const Rect& r, std::string_view text,
             float min_scale = 0.85f) {
  size = std::min({size, font->FontSize, r.h});
  const ImVec2 extent =
      font->CalcTextSizeA(size, FLT_MAX, 0, text.data(), text.data() + text.size());
  return extent.x * min_scale <= r.w;
}

std::string with_icon(Level level, const std::string& text) {
  const std::string_view icon = level_icon(level);
  return icon.empty() ? text : std::string(icon) + " " + text;
}

Rgba text_colour(bool stale) {
  return stale ? Palette::stale_text : Palette::text;
}
Rgba dim_colour(bool stale) {
  return stale ? Palette::stale_text : Palette::dim_text;
}
// A level shown as coloured text (figures on the tile background).
Rgba level_text_colour(Level level, bool stale) {
  if (stale) return Palette::stale_text;
  return level == Level::Neutral ? Palette::text : level_colour(level, false);
}

struct Frame {
  const ViewInput& in;
  ImDrawList* draw;
  EpochMs now_utc;
  bool stale;
  float unit;
  std::vector<Region>& regions;
};

void draw_header(Frame& f, const Rect& r) {
  const BoardModel& model = f.in.model;
  fill_rect(f.draw, r, kHeaderFill);
  const Rect inner = r.inset(std::round(r.h * 0.15f));
  std::string title = !f.in.options.title.empty() ? f.in.options.title
                      : !model.site.empty()       ? model.site
                                                  : "floorwatch";
  text_in(f.draw, f.in.fonts.large, f.in.fonts.sizes.large, inner.columns(0.0f, 0.42f),
          Palette::text, title);
  const Rect middle = inner.columns(0.43f, 0.62f);
  if (f.in.sound_note.empty()) {
    text_in(f.draw, f.in.fonts.body, f.in.fonts.sizes.body, middle, Palette::dim_text,
            std::string(page_title(f.in.page)), Align::Center);
  } else {
    // A muted board says so where everyone looks, so nobody wonders why it stayed quiet.
    text_in(f.draw, f.in.fonts.body, f.in.fonts.sizes.body, middle.rows(0.0f, 0.5f),
            Palette::dim_text, std::string(page_title(f.in.page)), Align::Center);
    text_in(f.draw, f.in.fonts.body, f.in.fonts.sizes.body, middle.rows(0.5f, 1.0f),
            Palette::warning, "\u266A " + std::string(f.in.sound_note), Align::Center);
    f.regions.push_back({"sound_note", middle.rows(0.5f, 1.0f)});
  }
  const std::string clock =
      model.has_data ? format_time_of_day(f.now_utc, model.utc_offset_seconds) : "--:--:--";
  text_in(f.draw, f.in.fonts.large, f.in.fonts.sizes.large, inner.columns(0.63f, 0.78f),
          model.has_data && !f.stale ? Palette::text : Palette::stale_text, clock, Align::Right);
  const ConnectionDisplay connection = connection_display(
      model, f.in.now,
      std::chrono::milliseconds(static_cast<int>(f.in.options.stale_after_seconds * 1000)));
  text_in(f.draw, f.in.fonts.bold, f.in.fonts.sizes.body, inner.columns(0.80f, 1.0f),
          level_colour(connection.level, false), connection.text, Align::Right);
  f.regions.push_back({"header", r});
}

void draw_stale_banner(Frame& f, const Rect& r) {
  fill_rect(f.draw, r, Palette::warning);
  const std::string text =
      f.in.model.has_data
          ? "\u26A0 NO DATA FOR " + format_age(seconds_without_data(f.in.model, f.in.now)) +
                " \u2014 the figures below are NOT live; reconnecting to floorwatchd"
          : "\u26A0 WAITING FOR floorwatchd \u2014 no figures yet";
  text_in(f.draw, f.in.fonts.bold, f.in.fonts.sizes.body, r.inset(r.h * 0.2f), kOnColourText, text,
          Align::Center);
  f.regions.push_back({"stale_banner", r});
}

std::optional<std::string> draw_alert_banner(Frame& f, const Rect& r) {
  std::optional<std::string> acknowledge;
  const auto alerts = banner_alerts(f.in.model);
  const std::size_t lines = std::min<std::size_t>(alerts.size(), 3);
  const float pad = std::round(r.h * 0.04f / static_cast<float>(lines));
  const float line_h = (r.h - pad) / static_cast<float>(lines);
  // Critical alerts flash twice a second; the icon and the word stay, so the flash is not the
  // only signal.
  const bool flash_phase =
      std::chrono::duration_cast<std::chrono::milliseconds>(f.in.now.time_since_epoch()).count() /
          500 % 2 ==
      1;
  for (std::size_t i = 0; i < lines; ++i) {
    const AlertView& alert = *alerts[i];
    const Rect line{r.x, r.y + pad / 2 + line_h * static_cast<float>(i), r.w, line_h - pad / 2};
    const bool firing = alert.state == AlertState::Firing;
    const Level level = alert.severity == AlertSeverity::Critical  ? Level::Critical
                        : alert.severity == AlertSeverity::Warning ? Level::Warning
                                                                   : Level::Neutral;
    Rgba fill = firing ? level_colour(level == Level::Neutral ? Level::Warning : level, false)
                       : kAcknowledgedFill;
    if (firing && level == Level::Critical && flash_phase) fill = kCriticalFlash;
    if (f.stale) fill = Palette::stale_fill;
    fill_rect(f.draw, line, fill);
    const Rect inner = line.inset(line.h * 0.12f);
    std::string text = std::string(level_icon(level == Level::Neutral ? Level::Warning : level)) +
                       (alert.severity == AlertSeverity::Critical  ? " CRITICAL"
                        : alert.severity == AlertSeverity::Warning ? " WARNING"
                                                                   : " INFO");
    if (!alert.queue.empty()) text += " \u00B7 " + alert.queue;
    text += " \u00B7 " + (alert.summary.empty() ? alert.rule : alert.summary);
    text += " \u00B7 since " +
            format_time_of_day(alert.since, f.in.model.utc_offset_seconds).substr(0, 5);
    const Rgba text_fill = f.stale ? Palette::stale_text : firing ? kOnColourText : Palette::text;
    text_in(f.draw, f.in.fonts.bold, f.in.fonts.sizes.body, inner.columns(0.0f, 0.74f), text_fill,
            text);
    const Rect action = inner.columns(0.76f, 1.0f);
    // A stale board must not offer to acknowledge what it can no longer see live.
    if (firing && f.stale) {
      text_in(f.draw, f.in.fonts.body, f.in.fonts.sizes.body, action, text_fill,
              "ack when live again", Align::Right);
    } else if (firing) {
      ImGui::SetCursorScreenPos(top_left(action));
      ImGui::PushFont(f.in.fonts.bold);
      ImGui::PushID(alert.id.c_str());
      if (ImGui::Button("\u2713 Acknowledge (A)", {action.w, action.h})) acknowledge = alert.id;
      f.regions.push_back({"ack_button", action});
      ImGui::PopID();
      ImGui::PopFont();
    } else {
      text_in(f.draw, f.in.fonts.body, f.in.fonts.sizes.body, action, text_fill,
              "acknowledged by " + alert.acknowledged_by, Align::Right);
    }
  }
  if (alerts.size() > lines || !f.in.model.ack_status.empty()) {
    std::string note = f.in.model.ack_status;
    if (alerts.size() > lines)
      note = "+" + std::to_string(alerts.size() - lines) + " more  " + note;
    const Rect bottom{r.x + r.w * 0.5f, r.bottom() - f.in.fonts.sizes.small * 1.1f, r.w * 0.49f,
                      f.in.fonts.sizes.small};
    text_in(f.draw, f.in.fonts.small, f.in.fonts.sizes.small, bottom, Palette::text, note,
            Align::Right);
  }
  // The keyboard (or a remote's OK key) acknowledges the first firing alert.
  if (!acknowledge && !f.stale &&
      (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_A), false) ||
       ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false))) {
    for (const AlertView* alert : alerts)
      if (alert->state == AlertState::Firing) {
        acknowledge = alert->id;
        break;
      }
  }
  f.regions.push_back({"alert_banner", r});
  return acknowledge;
}

void draw_sparkline(Frame& f, const QueueView& queue, const Rect& r) {
  fill_rect(f.draw, r, f.stale ? Palette::stale_fill : kSparklineFill, r.h * 0.08f);
  const Rect plot = r.inset(std::round(r.h * 0.1f));
  // The y axis runs from a floor below both the target and the worst interval up to 100 %, so
  // the usual 70-100 % band is not squashed into the top of the plot.
  double floor_level = std::max(0.0, queue.service_level_target - 0.2);
  for (const ServiceLevelPoint& point : queue.service_level_history)
    if (point.service_level) floor_level = std::min(floor_level, *point.service_level);
  floor_level = std::floor(floor_level * 10.0) / 10.0;
  auto y_of = [&](double fraction) {
    const double share =
        (std::clamp(fraction, 0.0, 1.0) - floor_level) / std::max(0.1, 1.0 - floor_level);
    return plot.bottom() - static_cast<float>(share) * plot.h;
  };
  // Target line, dashed so it reads without colour.
  const float target_y = y_of(queue.service_level_target);
  const float dash = std::max(4.0f, plot.w / 60);
  for (float x = plot.x; x < plot.right(); x += 2 * dash)
    f.draw->AddLine({x, target_y}, {std::min(x + dash, plot.right()), target_y},
                    colour(dim_colour(f.stale)), std::max(1.0f, f.unit * 2));
  // One slot per interval since the first one of the day (quiet intervals leave a gap in x),
  // at least 16 slots so the first hours do not stretch across the tile.
  const auto& points = queue.service_level_history;
  const EpochMs step = static_cast<EpochMs>(std::max(1, f.in.model.interval_minutes)) * 60'000;
  const EpochMs first = points.empty() ? 0 : points.front().interval_start;
  const EpochMs last = points.empty() ? 0 : points.back().interval_start;
  const double slots = std::max<double>(16.0, static_cast<double>((last - first) / step) + 1.0);
  std::vector<ImVec2> line;
  for (const ServiceLevelPoint& point : points) {
    if (!point.service_level) continue;
    const double slot = static_cast<double>((point.interval_start - first) / step);
    line.push_back(
        {plot.x + plot.w * static_cast<float>(slot / (slots - 1)), y_of(*point.service_level)});
  }
  const Rgba line_colour = f.stale ? Palette::stale_text : Palette::accent;
  if (line.size() >= 2)
    f.draw->AddPolyline(line.data(), static_cast<int>(line.size()), colour(line_colour), 0,
                        std::max(1.5f, f.unit * 3));
  if (!line.empty())
    f.draw->AddCircleFilled(line.back(), std::max(2.0f, f.unit * 5), colour(line_colour));
  text_in(f.draw, f.in.fonts.small, f.in.fonts.sizes.small,
          plot.rows(0.55f, 1.0f).columns(0.5f, 1.0f), dim_colour(f.stale),
          "SL by interval \u00B7 - - target", Align::Right);
}

// A tile's oldest wait, in a box coloured by how close it is to the answer target ("—" when
// nobody waits).
void draw_oldest_wait(Frame& f, const Rect& box_rect, std::optional<double> wait,
                      double answer_target_seconds, float rounding, const std::string& region) {
  const BoardFonts& fonts = f.in.fonts;
  const bool stale = f.stale;
  const Level wait_lvl = wait ? wait_level(*wait, answer_target_seconds) : Level::Neutral;
  const Rgba box =
      wait ? level_colour(wait_lvl, stale) : (stale ? Palette::stale_fill : kNeutralFill);
  fill_rect(f.draw, box_rect, box, rounding);
  const Rgba on_box = stale ? Palette::stale_text : wait ? kOnColourText : Palette::dim_text;
  const Rect box_inner = box_rect.inset(box_rect.h * 0.06f);
  text_in(f.draw, fonts.bold, fonts.sizes.large, box_inner.rows(0.0f, 0.66f), on_box,
          wait ? with_icon(wait_lvl, format_duration(*wait)) : "\u2014", Align::Center);
  text_in(f.draw, fonts.small, fonts.sizes.small, box_inner.rows(0.66f, 1.0f), on_box,
          wait ? "oldest wait \u00B7 " + std::string(level_word(wait_lvl)) : "nobody waiting",
          Align::Center);
  f.regions.push_back({region + ":oldest", box_rect});
}

// A tile's two service-level rows (interval, today) against the target, with icon and word.
void draw_service_levels(Frame& f, const Rect& area, const WindowView& interval,
                         const WindowView& today, double target, const std::string& region) {
  const BoardFonts& fonts = f.in.fonts;
  const Rect rows[2] = {area.rows(0.0f, 0.5f), area.rows(0.5f, 1.0f)};
  const WindowView* windows[2] = {&interval, &today};
  const char* labels[2] = {"SL interval", "SL today"};
  for (int i = 0; i < 2; ++i) {
    const Level lvl = service_level_level(windows[i]->service_level, target);
    text_in(f.draw, fonts.body, fonts.sizes.body, rows[i].columns(0.0f, 0.42f), dim_colour(f.stale),
            labels[i]);
    text_in(f.draw, fonts.bold, fonts.sizes.large, rows[i].columns(0.42f, 1.0f),
            level_text_colour(lvl, f.stale),
            with_icon(lvl, format_percent(windows[i]->service_level)), Align::Right);
  }
  f.regions.push_back({region + ":service_level", area});
}

void draw_tile(Frame& f, const QueueView& queue, const Rect& r) {
  const BoardFonts& fonts = f.in.fonts;
  const TileLayout t = layout_tile(r);
  const bool stale = f.stale;
  const float rounding = std::round(std::min(r.w, r.h) * 0.03f);
  fill_rect(f.draw, r, stale ? Rgba{40, 40, 40} : Palette::tile, rounding);
  const std::string region = "tile:" + queue.name;
  f.regions.push_back({region, r});

  // Title, with an alert badge (icon + word) and a border when an alert fires for this queue.
  const AlertView* alert = alert_for_queue(f.in.model, queue.name);
  Rect title = t.title;
  if (alert) {
    const Level level =
        alert->severity == AlertSeverity::Critical ? Level::Critical : Level::Warning;
    const Rgba c = level_colour(level, stale);
    f.draw->AddRect(top_left(r), bottom_right(r), colour(c), rounding, 0,
                    std::max(2.0f, f.unit * 6));
    text_in(f.draw, fonts.bold, fonts.sizes.body, t.title.columns(0.62f, 1.0f),
            level_text_colour(level, stale), with_icon(level, "ALERT"), Align::Right);
    title = t.title.columns(0.0f, 0.6f);
  }
  text_in(f.draw, fonts.large, fonts.sizes.large, title, text_colour(stale), queue.name);

  // Calls waiting: the number seen from across the room.
  text_in(f.draw, fonts.huge, fonts.sizes.huge, t.waiting.rows(0.0f, 0.8f), text_colour(stale),
          std::to_string(queue.calls_waiting), Align::Center);
  text_in(f.draw, fonts.small, fonts.sizes.small, t.waiting.rows(0.8f, 1.0f), dim_colour(stale),
          "calls waiting", Align::Center);
  f.regions.push_back({region + ":waiting", t.waiting});

  // Oldest wait, ticking, in a box coloured by how close it is to the answer target.
  draw_oldest_wait(f, t.oldest, oldest_wait_seconds(queue, f.now_utc), queue.answer_target_seconds,
                   rounding * 0.6f, region);

  // Who breaches next: the daemon's forecast, counted down here; then the 30 s horizon.
  const NextBreach next = next_breach(queue, f.now_utc);
  const int breaching = callers_breaching_within(queue, f.now_utc, 30);
  const int over = callers_over_target(queue, f.now_utc);
  std::string breach_text = with_icon(next.level, next.text) + "  \u00B7  ";
  breach_text += breaching > 0
                     ? with_icon(Level::Warning, std::to_string(breaching) + " breach < 30 s")
                     : "0 breach < 30 s";
  if (over > 0) breach_text += "  " + with_icon(Level::Critical, std::to_string(over) + " over");
  const Level breach_level = over > 0                                        ? Level::Critical
                             : breaching > 0 || next.level == Level::Warning ? Level::Warning
                                                                             : Level::Neutral;
  text_in(f.draw, fonts.body, fonts.sizes.body, t.breach, level_text_colour(breach_level, stale),
          breach_text, Align::Center);
  f.regions.push_back({region + ":breach", t.breach});

  // Service level, interval and today, against the target; the formula in small print.
  draw_service_levels(f, t.service_level, queue.interval, queue.today, queue.service_level_target,
                      region);
  text_in(f.draw, fonts.small, fonts.sizes.small, t.formula, dim_colour(stale),
          formula_small_print(queue), Align::Right);

  // The figures row: call-backs owed on the left, ASA and abandoned today on the right.
  const Rect callbacks = t.figures.columns(0.0f, 0.46f);
  const Level callbacks_lvl = callbacks_level(queue);
  text_in(f.draw, fonts.body, fonts.sizes.body, callbacks, level_text_colour(callbacks_lvl, stale),
          with_icon(callbacks_lvl, callbacks_text(queue, f.now_utc)));
  f.regions.push_back({region + ":callbacks", callbacks});
  text_in(f.draw, fonts.body, fonts.sizes.body, t.figures.columns(0.5f, 1.0f), text_colour(stale),
          "ASA " + format_seconds(queue.today.asa_seconds) + "  \u00B7  abandoned " +
              std::to_string(queue.today.abandoned),
          Align::Right);
  text_in(f.draw, fonts.body, fonts.sizes.body, t.agents, text_colour(stale),
          std::to_string(queue.agents_available) + " avail \u00B7 " +
              std::to_string(queue.agents_busy) + " busy \u00B7 " +
              std::to_string(queue.agents_wrapup) + " wrap \u00B7 " +
              std::to_string(queue.agents_paused) + " paused",
          Align::Right);
  const Level staff = staffing_level(queue.agents_required, queue.staffed_agents);
  text_in(f.draw, fonts.body, fonts.sizes.body, t.staffing, level_text_colour(staff, stale),
          with_icon(staff, staffing_text(queue)), Align::Right);
  text_in(f.draw, fonts.body, fonts.sizes.body, t.forecast, dim_colour(stale), forecast_text(queue),
          Align::Right);
  f.regions.push_back({region + ":forecast", t.forecast});

  draw_sparkline(f, queue, t.sparkline);
}

// A group's tile: its own figures (its formula over its own counters), drawn like a queue's
// where they mean the same; the members in small print.
void draw_group_tile(Frame& f, const GroupView& group, const Rect& r) {
  const BoardFonts& fonts = f.in.fonts;
  const TileLayout t = layout_tile(r);
  const bool stale = f.stale;
  const float rounding = std::round(std::min(r.w, r.h) * 0.03f);
  fill_rect(f.draw, r, stale ? Rgba{40, 40, 40} : Palette::tile, rounding);
  const std::string region = "group:" + group.name;
  f.regions.push_back({region, r});
  text_in(f.draw, fonts.large, fonts.sizes.large, t.title, text_colour(stale),
          group.name + " (group)");
  text_in(f.draw, fonts.huge, fonts.sizes.huge, t.waiting.rows(0.0f, 0.8f), text_colour(stale),
          std::to_string(group.calls_waiting), Align::Center);
  text_in(f.draw, fonts.small, fonts.sizes.small, t.waiting.rows(0.8f, 1.0f), dim_colour(stale),
          "calls waiting in the group", Align::Center);
  f.regions.push_back({region + ":waiting", t.waiting});

  draw_oldest_wait(f, t.oldest, oldest_wait_seconds(group, f.now_utc), group.answer_target_seconds,
                   rounding * 0.6f, region);

  draw_service_levels(f, t.service_level, group.interval, group.today, group.service_level_target,
                      region);
  text_in(f.draw, fonts.small, fonts.sizes.small, t.formula, dim_colour(stale),
          group_small_print(group), Align::Right);
  text_in(f.draw, fonts.body, fonts.sizes.body, t.figures, text_colour(stale),
          "ASA " + format_seconds(group.today.asa_seconds) + "  \u00B7  abandoned " +
              std::to_string(group.today.abandoned),
          Align::Right);
  text_in(f.draw, fonts.body, fonts.sizes.body, t.agents, dim_colour(stale),
          "answered " + std::to_string(group.today.answered) + " of " +
              std::to_string(group.today.offered) + " offered today",
          Align::Right);
}

void draw_queues_page(Frame& f, const Rect& page) {
  const auto tiles = tiles_in_order(f.in.model, f.in.options.queues);
  const auto groups = group_tiles_in_order(f.in.model, f.in.options.queues);
  if (tiles.empty() && groups.empty()) {
    text_in(f.draw, f.in.fonts.large, f.in.fonts.sizes.large, page, dim_colour(f.stale),
            f.in.model.has_data ? "No queues to show" : "Waiting for the first snapshot\u2026",
            Align::Center);
    return;
  }
  const auto rects = tile_rects(page, tiles.size() + groups.size(), std::round(14 * f.unit));
  for (std::size_t i = 0; i < tiles.size(); ++i) draw_tile(f, *tiles[i], rects[i]);
  for (std::size_t i = 0; i < groups.size(); ++i)
    draw_group_tile(f, *groups[i], rects[tiles.size() + i]);
}

// Returns how many screens the list needs: the most urgent agents (longest pause or wrap-up)
// come first, and the rest follow on the next screens of the rotation, never cut off.
std::size_t draw_agents_page(Frame& f, const Rect& page) {
  const BoardFonts& fonts = f.in.fonts;
  const auto agents = agents_in_order(f.in.model, f.in.options.queues);
  const Rect list_area = page.rows(0.0f, 0.96f);
  const ListLayout list =
      list_layout(list_area, fonts.sizes.body * 1.5f, 900 * f.unit, agents.size());
  const std::size_t per_screen = std::max<std::size_t>(list.visible, 1);
  const std::size_t parts = std::max<std::size_t>(1, (agents.size() + per_screen - 1) / per_screen);
  const std::size_t part = std::min(f.in.part, parts - 1);
  const std::size_t first = part * per_screen;
  const std::size_t shown = std::min(per_screen, agents.size() - std::min(first, agents.size()));
  for (std::size_t i = 0; i < shown; ++i) {
    const AgentView& agent = *agents[first + i];
    const Rect row = list.row(list_area, i).inset(2 * f.unit);
    const Level lvl = agent_level(agent, f.now_utc);
    if (lvl != Level::Neutral) fill_rect(f.draw, row, level_colour(lvl, f.stale), 4 * f.unit);
    const Rgba fg = lvl != Level::Neutral && !f.stale ? kOnColourText : text_colour(f.stale);
    const Rect inner = row.inset(row.h * 0.1f);
    text_in(f.draw, fonts.bold, fonts.sizes.body, inner.columns(0.0f, 0.26f), fg,
            with_icon(lvl, agent_label(agent)));
    text_in(f.draw, fonts.body, fonts.sizes.body, inner.columns(0.27f, 0.54f), fg,
            agent_activity(agent));
    const Rect today_column = inner.columns(0.55f, 0.86f);
    const auto today_fits = [&](std::string_view text) {
      return fits_in(fonts.small, fonts.sizes.small, today_column, text);
    };
    text_in(f.draw, fonts.small, fonts.sizes.small, today_column, fg,
            agent_today_text(agent, f.now_utc, today_fits));
    // The today column, so tests can find the figures a user reads ("agent_today:SIP/2503").
    f.regions.push_back({"agent_today:" + agent.agent, today_column});
    text_in(f.draw, fonts.bold, fonts.sizes.body, inner.columns(0.87f, 1.0f), fg,
            format_duration(agent_seconds(agent, f.now_utc)), Align::Right);
    // Where each agent's row is, so tests check its colour and icon ("agent:SIP/2503").
    f.regions.push_back({"agent:" + agent.agent, row});
  }
  if (agents.empty())
    text_in(f.draw, fonts.large, fonts.sizes.large, page, dim_colour(f.stale), "No agents",
            Align::Center);
  const std::string footer = "page " + std::to_string(part + 1) + "/" + std::to_string(parts) +
                             " \u00B7 " + std::to_string(agents.size()) + " agents";
  if (parts > 1) {
    const Rect footer_rect = page.rows(0.96f, 1.0f);
    text_in(f.draw, fonts.small, fonts.sizes.small, footer_rect, dim_colour(f.stale), footer,
            Align::Right);
    // Names the screen so tests can check the paging ("agents_page:2/3").
    f.regions.push_back(
        {"agents_page:" + std::to_string(part + 1) + "/" + std::to_string(parts), footer_rect});
  }
  f.regions.push_back({"agents", page});
  return parts;
}

// Returns how many screens the list needs: the most urgent callers come first, the rest follow
// on the next screens of the rotation (as the agents page).
std::size_t draw_callers_page(Frame& f, const Rect& page) {
  const BoardFonts& fonts = f.in.fonts;
  const auto rows = callers_in_order(f.in.model, f.in.options.queues);
  const Rect heading = page.rows(0.0f, 0.06f);
  const float columns[8] = {0.0f, 0.11f, 0.27f, 0.46f, 0.56f, 0.68f, 0.80f, 1.0f};
  const char* titles[7] = {"position", "queue", "caller", "waited", "answer", "breach", ""};
  for (int c = 0; c < 7; ++c)
    text_in(f.draw, fonts.small, fonts.sizes.small, heading.columns(columns[c], columns[c + 1]),
            dim_colour(f.stale), titles[c]);
  const Rect list_area{page.x, heading.bottom(), page.w, page.h * 0.96f - heading.h};
  const ListLayout list = list_layout(list_area, fonts.sizes.body * 1.5f, page.w, rows.size());
  const std::size_t per_screen = std::max<std::size_t>(list.visible, 1);
  const std::size_t parts = std::max<std::size_t>(1, (rows.size() + per_screen - 1) / per_screen);
  const std::size_t part = std::min(f.in.part, parts - 1);
  const std::size_t first = part * per_screen;
  const std::size_t shown = std::min(per_screen, rows.size() - std::min(first, rows.size()));
  for (std::size_t i = 0; i < shown; ++i) {
    const CallerRow& entry = rows[first + i];
    const WaitingCallerView& caller = *entry.caller;
    const Rect row = list.row(list_area, i).inset(2 * f.unit);
    const Level lvl = caller_level(caller, f.now_utc);
    const bool marked = lvl == Level::Critical;
    // Marked callers get a filled row; the icon and the word say the same without colour.
    if (marked)
      fill_rect(f.draw, row, level_colour(lvl, f.stale), 4 * f.unit);
    else if (i % 2 == 0)
      fill_rect(f.draw, row, Palette::tile);
    const Rgba fg = marked && !f.stale ? kOnColourText : text_colour(f.stale);
    const Rect inner = row.inset(row.h * 0.1f);
    const std::string cells[7] = {
        position_text(entry),
        entry.queue->name,
        caller.caller.empty() ? "(no caller id)" : caller.caller,
        format_duration(static_cast<double>(f.now_utc - caller.enqueued_at) / 1000.0),
        answer_text(caller, f.now_utc),
        breach_text(caller, f.now_utc),
        with_icon(lvl, std::string(caller_mark(caller, f.now_utc)))};
    for (int c = 0; c < 7; ++c)
      text_in(f.draw, c == 2 || c == 6 ? fonts.bold : fonts.body, fonts.sizes.body,
              inner.columns(columns[c], columns[c + 1]),
              marked || c != 6 ? fg : level_text_colour(lvl, f.stale), cells[c]);
    f.regions.push_back({"caller:" + caller.call, row});
  }
  if (rows.empty())
    text_in(f.draw, fonts.large, fonts.sizes.large, list_area, dim_colour(f.stale),
            "Nobody waiting", Align::Center);
  const Rect footer_rect = page.rows(0.96f, 1.0f);
  text_in(f.draw, fonts.small, fonts.sizes.small, footer_rect, dim_colour(f.stale),
          "page " + std::to_string(part + 1) + "/" + std::to_string(parts) + " \u00B7 " +
              std::to_string(rows.size()) + " callers \u00B7 most urgent first",
          Align::Right);
  f.regions.push_back(
      {"callers_page:" + std::to_string(part + 1) + "/" + std::to_string(parts), footer_rect});
  f.regions.push_back({"callers", page});
  return parts;
}

// The call-back worklist, oldest first: each caller owed a call, with a button (and the C key
// for the first row) that tells the daemon they were called back.
std::optional<std::uint64_t> draw_callbacks_page(Frame& f, const Rect& page) {
  std::optional<std::uint64_t> done;
  const BoardFonts& fonts = f.in.fonts;
  const auto& callbacks = f.in.model.callbacks;
  const Rect heading = page.rows(0.0f, 0.06f);
  const float columns[6] = {0.0f, 0.12f, 0.38f, 0.56f, 0.68f, 0.78f};
  const char* titles[5] = {"owed for", "caller", "queue", "attempts", "last hung up"};
  for (int c = 0; c < 5; ++c)
    text_in(f.draw, fonts.small, fonts.sizes.small, heading.columns(columns[c], columns[c + 1]),
            dim_colour(f.stale), titles[c]);
  text_in(f.draw, fonts.small, fonts.sizes.small, heading.columns(0.80f, 1.0f), dim_colour(f.stale),
          f.in.model.callback_status, Align::Right);
  const Rect list_area{page.x, heading.bottom(), page.w, page.h - heading.h};
  const ListLayout list = list_layout(list_area, fonts.sizes.body * 1.5f, page.w, callbacks.size());
  for (std::size_t i = 0; i < list.visible; ++i) {
    const CallbackView& c = callbacks[i];
    const Rect row = list.row(list_area, i).inset(2 * f.unit);
    if (i % 2 == 0) fill_rect(f.draw, row, Palette::tile);
    const Rgba fg = text_colour(f.stale);
    text_in(f.draw, fonts.bold, fonts.sizes.body, row.columns(columns[0], columns[1]), fg,
            format_duration(static_cast<double>(f.now_utc - c.first_abandoned_at) / 1000.0));
    text_in(f.draw, fonts.bold, fonts.sizes.body, row.columns(columns[1], columns[2]), fg,
            c.caller);
    text_in(f.draw, fonts.body, fonts.sizes.body, row.columns(columns[2], columns[3]), fg, c.queue);
    text_in(f.draw, fonts.body, fonts.sizes.body, row.columns(columns[3], columns[4]), fg,
            c.attempts > 1 ? "\u00D7" + std::to_string(c.attempts) : "1");
    text_in(f.draw, fonts.body, fonts.sizes.body, row.columns(columns[4], columns[5]), fg,
            format_time_of_day(c.last_abandoned_at, f.in.model.utc_offset_seconds).substr(0, 5));
    const std::string id = std::to_string(c.id);
    f.regions.push_back({"callback:" + id, row});
    // A stale board must not close what it can no longer see live.
    if (f.stale) continue;
    const Rect action = row.columns(0.80f, 1.0f).inset(row.h * 0.06f);
    ImGui::SetCursorScreenPos(top_left(action));
    ImGui::PushFont(fonts.bold);
    ImGui::PushID(id.c_str());
    if (ImGui::Button(i == 0 ? "\u2713 Called back (C)" : "\u2713 Called back",
                      {action.w, action.h}))
      done = c.id;
    ImGui::PopID();
    ImGui::PopFont();
    f.regions.push_back({"callback_button:" + id, action});
  }
  if (callbacks.empty())
    text_in(f.draw, fonts.large, fonts.sizes.large, list_area, dim_colour(f.stale),
            "No call-backs owed", Align::Center);
  // The keyboard (or a remote) closes the oldest one.
  if (!done && !f.stale && !callbacks.empty() &&
      ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_C), false))
    done = callbacks.front().id;
  f.regions.push_back({"callbacks", page});
  return done;
}

}  // namespace

BoardFonts build_fonts(const BoardOptions& options, const FontSizes& sizes) {
  for (const std::string& path : {options.font, options.bold_font})
    if (!std::ifstream(path)) throw std::runtime_error("cannot read font " + path);
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  // Glyph ranges must outlive the atlas build: keep them in statics.
  static ImVector<ImWchar> text_ranges;
  static const ImWchar digit_ranges[] = {0x0020, 0x003A, 0x2014, 0x2014, 0};
  if (text_ranges.empty()) {
    ImFontGlyphRangesBuilder builder;
    static const ImWchar latin1[] = {0x0020, 0x00FF, 0};
    builder.AddRanges(latin1);
    builder.AddText(kSymbols);
    builder.BuildRanges(&text_ranges);
  }
  ImFontConfig config;
  config.OversampleH = 2;
  config.OversampleV = 1;
  config.PixelSnapH = true;
  BoardFonts fonts;
  fonts.sizes = sizes;
  // AddFontFromFileTTF copies nothing until Build(); the file names outlive the call here.
  fonts.body =
      io.Fonts->AddFontFromFileTTF(options.font.c_str(), sizes.body, &config, text_ranges.Data);
  fonts.small =
      io.Fonts->AddFontFromFileTTF(options.font.c_str(), sizes.small, &config, text_ranges.Data);
  fonts.bold = io.Fonts->AddFontFromFileTTF(options.bold_font.c_str(), sizes.body, &config,
                                            text_ranges.Data);
  fonts.large = io.Fonts->AddFontFromFileTTF(options.bold_font.c_str(), sizes.large, &config,
                                             text_ranges.Data);
  ImFontConfig digits = config;
  digits.OversampleH = 1;  // big glyphs need no sub-pixel help, and the atlas stays small at 4K
  fonts.huge =
      io.Fonts->AddFontFromFileTTF(options.bold_font.c_str(), sizes.huge, &digits, digit_ranges);
  if (!fonts.body || !fonts.small || !fonts.bold || !fonts.large || !fonts.huge ||
      !io.Fonts->Build())
    throw std::runtime_error("cannot rasterise the fonts");
  return fonts;
}

void apply_board_style() {
  ImGui::StyleColorsDark();
  ImGuiStyle& style = ImGui::GetStyle();
  style.WindowPadding = {0, 0};
  style.WindowBorderSize = 0;
  style.FrameRounding = 6;
  style.Colors[ImGuiCol_Button] = ImColor(236, 240, 244, 235);
  style.Colors[ImGuiCol_ButtonHovered] = ImColor(255, 255, 255, 255);
  style.Colors[ImGuiCol_ButtonActive] = ImColor(200, 205, 210, 255);
  style.Colors[ImGuiCol_Text] = ImColor(16, 20, 24, 255);
}

ViewOutput draw_board(const ViewInput& in) {
  ViewOutput out;
  const bool stale =
      is_stale(in.model, in.now,
               std::chrono::milliseconds(static_cast<int>(in.options.stale_after_seconds * 1000)));
  const auto banner_lines = banner_alerts(in.model).size();
  const ScreenLayout screen = layout_screen(in.width, in.height, banner_lines, stale);

  ImGui::SetNextWindowPos({0, 0});
  ImGui::SetNextWindowSize({in.width, in.height});
  ImGui::Begin("board", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                   ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_NoScrollWithMouse);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  // No background rectangle: the frame loop clears to Palette::background, and with software
  // GL (Mesa llvmpipe) a full-screen fill costs as much as the rest of the board.

  Frame frame{in, draw, daemon_now(in.model, in.now), stale, screen.unit, out.regions};
  draw_header(frame, screen.header);
  if (!screen.stale_banner.empty()) draw_stale_banner(frame, screen.stale_banner);
  if (!screen.alert_banner.empty()) out.acknowledge = draw_alert_banner(frame, screen.alert_banner);
  switch (in.page) {
    case Page::Queues:
      draw_queues_page(frame, screen.page);
      break;
    case Page::Agents:
      out.parts = draw_agents_page(frame, screen.page);
      break;
    case Page::Abandons:
      out.callback_done = draw_callbacks_page(frame, screen.page);
      break;
    case Page::Callers:
      out.parts = draw_callers_page(frame, screen.page);
      break;
  }
  ImGui::End();
  return out;
}

}  // namespace floorwatch::wallboard
