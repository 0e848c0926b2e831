// floorwatch-wallboard: the floor display. Connects to floorwatchd's live feed, draws the board
// with Dear ImGui (GLFW + OpenGL 3) and idles between updates. With --screenshot it renders off
// the live feed, writes a PNG and exits (tests, docs).
// Exit status: 0 ok, 1 runtime failure (no display, no GL), 2 bad options, 3 screenshot timeout.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <optional>
#include <thread>
#include <tuple>

#include <CLI/CLI.hpp>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <imgui_impl_opengl3_loader.h>

#include "wallboard/board_options.h"
#include "wallboard/board_sound.h"
#include "wallboard/board_view.h"
#include "wallboard/feed_client.h"
#include "wallboard/frame_memory.h"
#include "wallboard/frame_pacer.h"
#include "wallboard/input_frames.h"
#include "wallboard/partial_redraw.h"
#include "wallboard/png_image.h"

namespace fw = floorwatch::wallboard;
using namespace std::chrono_literals;

namespace {

std::atomic<bool> stop_requested{false};
extern "C" void request_stop(int) {
  stop_requested.store(true);
}

std::string state_word(const fw::BoardModel& model, bool stale) {
  if (stale && model.has_data) return "stale";
  switch (model.feed_state) {
    case fw::FeedState::Connecting:
      return "connecting";
    case fw::FeedState::Syncing:
      return "syncing";
    case fw::FeedState::Live:
      return "live";
  }
  return "?";
}

// One line per connection-state change on stdout: what tests and operators wait for.
class StatusLine {
 public:
  void report(const fw::BoardModel& model, bool stale) {
    const std::string state = state_word(model, stale);
    if (state == last_) return;
    last_ = state;
    std::printf("wallboard: state=%s seq=%llu updates=%llu resyncs=%llu reason=%s\n", state.c_str(),
                static_cast<unsigned long long>(model.seq),
                static_cast<unsigned long long>(model.updates_applied),
                static_cast<unsigned long long>(model.resyncs), model.last_resync_reason.c_str());
    std::fflush(stdout);
  }

 private:
  std::string last_;
};

// The framebuffer as an image (read before the swap, rows flipped: GL's origin is bottom-left).
fw::Image read_framebuffer(int width, int height) {
  fw::Image image;
  image.width = width;
  image.height = height;
  image.rgba.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4);
  std::vector<std::uint8_t> upside_down(image.rgba.size());
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, upside_down.data());
  const std::size_t row = static_cast<std::size_t>(width) * 4;
  for (int y = 0; y < height; ++y)
    std::copy_n(upside_down.data() + static_cast<std::size_t>(height - 1 - y) * row, row,
                image.rgba.data() + static_cast<std::size_t>(y) * row);
  return image;
}

// Seconds to sleep: until the next whole second of the board clock (so clocks tick on time),
// sooner while a critical alert flashes; deltas wake the loop earlier (glfwPostEmptyEvent).
double seconds_until_next_wake(const fw::BoardModel& model, fw::SteadyTime now, bool flashing) {
  double wait = 1.0;
  if (model.clock_runs && model.has_data) {
    const auto into_second = ((fw::daemon_now(model, now) % 1000) + 1000) % 1000;
    wait = static_cast<double>(1000 - into_second) / 1000.0 + 0.005;
  }
  if (flashing) wait = std::min(wait, 0.25);
  return std::clamp(wait, 0.01, 1.0);
}

bool critical_firing(const fw::BoardModel& model) {
  for (const auto& alert : model.alerts)
    if (alert.state == fw::AlertState::Firing && alert.severity == fw::AlertSeverity::Critical)
      return true;
  return false;
}

// `--trace-agent`: after each presented frame, the traced agent's reason when it changed, with
// the monotonic time (what bench/frame_latency_bench.cpp compares with when it sent the event).
class PresentedTrace {
 public:
  explicit PresentedTrace(std::string agent) : agent_(std::move(agent)) {}
  /// `frame_start`: when this frame's loop pass began; `swap_start`: just before the swap;
  /// `redrawn`: the rectangles the frame drew.
  void after_swap(const fw::BoardModel& model, fw::SteadyTime frame_start,
                  fw::SteadyTime swap_start, const std::vector<fw::PixelRect>& redrawn) {
    if (agent_.empty()) return;
    const auto it = std::lower_bound(
        model.agents.begin(), model.agents.end(), agent_,
        [](const fw::AgentView& a, const std::string& id) { return a.agent < id; });
    if (it == model.agents.end() || it->agent != agent_ || it->reason == last_reason_) return;
    last_reason_ = it->reason;
    const auto now = std::chrono::steady_clock::now();
    const auto ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
    using Ms = std::chrono::duration<double, std::milli>;
    // applied_ns: when the feed client applied the newest message in this frame's model (the
    // traced change, unless another message came in after it).
    const auto applied_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                model.last_applied_at.time_since_epoch())
                                .count();
    const auto frame_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(frame_start.time_since_epoch())
            .count();
    long long redrawn_px = 0;
    for (const fw::PixelRect& r : redrawn) redrawn_px += r.area();
    std::printf(
        "presented agent=%s reason=%s steady_ns=%lld draw_ms=%.2f swap_ms=%.2f applied_ns=%lld "
        "frame_start_ns=%lld rects=%zu redrawn_px=%lld\n",
        agent_.c_str(), last_reason_.c_str(), static_cast<long long>(ns),
        Ms(swap_start - frame_start).count(), Ms(now - swap_start).count(),
        static_cast<long long>(applied_ns), static_cast<long long>(frame_ns), redrawn.size(),
        redrawn_px);
    std::fflush(stdout);
  }

 private:
  std::string agent_;
  std::string last_reason_;
};

// GLFW callbacks that note input or a window change for InputFrames (the window's user pointer).
// Installed before ImGui's backend, which chains to them from its own.
fw::InputFrames& input_frames_of(GLFWwindow* window) {
  return *static_cast<fw::InputFrames*>(glfwGetWindowUserPointer(window));
}
void install_input_callbacks(GLFWwindow* window, fw::InputFrames& frames) {
  glfwSetWindowUserPointer(window, &frames);
  glfwSetKeyCallback(window,
                     [](GLFWwindow* w, int, int, int, int) { input_frames_of(w).on_event(); });
  glfwSetCharCallback(window, [](GLFWwindow* w, unsigned) { input_frames_of(w).on_event(); });
  glfwSetMouseButtonCallback(window,
                             [](GLFWwindow* w, int, int, int) { input_frames_of(w).on_event(); });
  glfwSetScrollCallback(window,
                        [](GLFWwindow* w, double, double) { input_frames_of(w).on_event(); });
  glfwSetCursorPosCallback(window,
                           [](GLFWwindow* w, double, double) { input_frames_of(w).on_event(); });
  glfwSetCursorEnterCallback(window, [](GLFWwindow* w, int) { input_frames_of(w).on_event(); });
  glfwSetWindowFocusCallback(window, [](GLFWwindow* w, int) { input_frames_of(w).on_event(); });
  glfwSetWindowIconifyCallback(window, [](GLFWwindow* w, int) { input_frames_of(w).on_event(); });
  glfwSetWindowSizeCallback(window, [](GLFWwindow* w, int, int) { input_frames_of(w).on_event(); });
  glfwSetFramebufferSizeCallback(window,
                                 [](GLFWwindow* w, int, int) { input_frames_of(w).on_event(); });
}

// Screenshots check the partial redraw: the frame drawn whole must equal what the damaged
// rectangles drawn over the kept back buffer show. Prints the count of differing pixels.
void report_redraw_check(const ImDrawData& cut, std::vector<ImDrawList*>& uncut,
                         const fw::Image& shown, const fw::Presenter& presenter,
                         const fw::PartialRedraw& redraw, const float background[4]) {
  ImDrawData whole = cut;
  whole.CmdLists = uncut.data();
  whole.CmdListsCount = static_cast<int>(uncut.size());
  // The background first, as a whole frame starts (the cut frame painted its own in front).
  fw::clear_rects({fw::PixelRect{0, 0, shown.width, shown.height}}, shown.height, background);
  ImGui_ImplOpenGL3_RenderDrawData(&whole);
  const fw::Image reference = read_framebuffer(shown.width, shown.height);
  std::size_t differing = 0;
  for (std::size_t i = 0; i + 3 < shown.rgba.size(); i += 4)
    differing += !std::equal(shown.rgba.begin() + static_cast<std::ptrdiff_t>(i),
                             shown.rgba.begin() + static_cast<std::ptrdiff_t>(i) + 3,
                             reference.rgba.begin() + static_cast<std::ptrdiff_t>(i));
  for (ImDrawList* list : uncut) IM_DELETE(list);
  uncut.clear();
  std::printf("redraw check: mode=%s frames=%ld partial_frames=%ld differing_pixels=%zu\n",
              presenter.mode_name(), redraw.frames(), redraw.partial_frames(), differing);
}

// The board's frame loop: copy the model when the feed changed it, draw it, sleep until the
// next second (or the next delta).
int run_frame_loop(GLFWwindow* window, fw::FeedClient& client, const fw::BoardOptions& options,
                   fw::BoardSound& sound, fw::InputFrames& input_frames) {
  fw::BoardModel model;
  std::uint64_t seen_version = 0;
  fw::PageRotation rotation;
  rotation.pages = options.pages;
  rotation.period = std::chrono::seconds(options.rotate_seconds);
  fw::FontSizes built_sizes;
  fw::BoardFonts fonts;
  StatusLine status;
  const auto silence_limit =
      std::chrono::milliseconds(static_cast<int>(options.stale_after_seconds * 1000));
  const bool screenshot_mode = !options.screenshot.empty();
  const auto started = std::chrono::steady_clock::now();
  int frames_since_ready = 0;
  int fb_width = 0, fb_height = 0;
  fw::SteadyTime previous_frame{};

  PresentedTrace trace(options.trace_agent);
  fw::FramePacer pacer(30, 4);
  fw::Presenter presenter(window, !options.full_redraw);
  const auto bg = fw::Palette::background;
  fw::PartialRedraw redraw(IM_COL32(bg.r, bg.g, bg.b, 255));
  const float background[4] = {bg.r / 255.0f, bg.g / 255.0f, bg.b / 255.0f, 1.0f};
  std::printf("wallboard: redraw=%s\n", presenter.mode_name());
  std::fflush(stdout);
  while (!glfwWindowShouldClose(window) && !stop_requested.load()) {
    // A change while idle is drawn at once; a burst of deltas at most 30 frames a second (each
    // still shows the newest model).
    if (const auto wait = pacer.wait(std::chrono::steady_clock::now()); wait.count() > 0)
      std::this_thread::sleep_for(wait);
    const fw::SteadyTime now = std::chrono::steady_clock::now();
    pacer.drew(now);
    client.take_model_if_changed(model, seen_version);
    // The window's size, focus and pointer change only with an event (input_frames.h).
    const bool ask_window = input_frames.take();
    if (ask_window) glfwGetFramebufferSize(window, &fb_width, &fb_height);
    if (fb_width == 0 || fb_height == 0) {  // minimised
      input_frames.on_event();
      glfwWaitEventsTimeout(1.0);
      continue;
    }
    if (const fw::FontSizes wanted = fw::font_sizes_for(static_cast<float>(fb_height));
        !(wanted == built_sizes)) {
      fonts = fw::build_fonts(options, wanted);
      ImGui_ImplOpenGL3_DestroyFontsTexture();
      ImGui_ImplOpenGL3_CreateFontsTexture();
      built_sizes = wanted;
      redraw.invalidate();
    }
    const bool stale = fw::is_stale(model, now, silence_limit);
    const fw::Page page = rotation.advance(now, fw::any_alert_firing(model) && !stale);
    status.report(model, stale);
    const fw::SoundSilence silence = sound.update(model, now, stale);

    ImGui_ImplOpenGL3_NewFrame();
    if (ask_window) ImGui_ImplGlfw_NewFrame();
    // Our own clock: the backend's counts from its last call, which skipped frames leave behind.
    ImGui::GetIO().DeltaTime =
        previous_frame == fw::SteadyTime{}
            ? 1.0f / 60
            : std::max(1e-4f, std::chrono::duration<float>(now - previous_frame).count());
    previous_frame = now;
    ImGui::NewFrame();
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    const fw::ViewOutput drawn =
        fw::draw_board({model, options, fonts, now, page, display.x, display.y, rotation.part(now),
                        fw::silence_note(silence)});
    rotation.parts = drawn.parts;
    if (ImGui::GetIO().KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_Q))
      glfwSetWindowShouldClose(window, 1);
    if (!ImGui::GetIO().KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_M, false)) sound.toggle_mute();
    ImGui::Render();
    ImDrawData& draw_data = *ImGui::GetDrawData();
    if (drawn.acknowledge) client.acknowledge(*drawn.acknowledge);
    if (drawn.callback_done) client.callback_done(*drawn.callback_done);

    const bool ready = screenshot_mode && model.updates_applied >= options.after_updates &&
                       (!options.after_stale || stale);
    frames_since_ready = ready ? frames_since_ready + 1 : 0;
    // A couple of frames after the data is there, so ImGui's layout has settled.
    const bool shoot = frames_since_ready >= 3;
    std::vector<ImDrawList*> uncut;  // the frame as laid out, to check the partial redraw with
    if (shoot && presenter.mode() != fw::Presenter::Mode::Swap)
      for (int i = 0; i < draw_data.CmdListsCount; ++i)
        uncut.push_back(draw_data.CmdLists[i]->CloneOutput());
    const std::vector<fw::PixelRect> damage =
        redraw.restrict_to_damage(draw_data, fb_width, fb_height, presenter.buffer_age());
    glViewport(0, 0, fb_width, fb_height);
    if (!redraw.painted_background()) fw::clear_rects(damage, fb_height, background);
    if (!damage.empty()) ImGui_ImplOpenGL3_RenderDrawData(&draw_data);

    if (shoot) {
      const fw::Image image = read_framebuffer(fb_width, fb_height);
      if (!uncut.empty())
        report_redraw_check(draw_data, uncut, image, presenter, redraw, background);
      std::string error;
      if (!fw::write_png(options.screenshot, image, error)) {
        std::fprintf(stderr, "wallboard: %s\n", error.c_str());
        return 1;
      }
      for (const fw::Region& region : drawn.regions)
        std::printf("region %s %.0f %.0f %.0f %.0f\n", region.name.c_str(), region.rect.x,
                    region.rect.y, region.rect.w, region.rect.h);
      std::printf("screenshot %s %dx%d updates=%llu\n", options.screenshot.c_str(), fb_width,
                  fb_height, static_cast<unsigned long long>(model.updates_applied));
      std::fflush(stdout);
      return 0;
    }
    if (screenshot_mode &&
        now - started > std::chrono::duration<double>(options.screenshot_timeout_seconds)) {
      std::fprintf(stderr, "wallboard: screenshot timed out (updates=%llu, state=%s)\n",
                   static_cast<unsigned long long>(model.updates_applied),
                   state_word(model, stale).c_str());
      return 3;
    }
    const fw::SteadyTime swap_start = std::chrono::steady_clock::now();
    presenter.present(fb_width, fb_height, damage);
    trace.after_swap(model, now, swap_start, damage);
    const bool flashing = critical_firing(model) && !stale;
    double wait = seconds_until_next_wake(model, now, flashing);
    if (const auto repeat = sound.next_wake())
      wait = std::clamp(std::chrono::duration<double>(*repeat - now).count(), 0.01, wait);
    glfwWaitEventsTimeout(screenshot_mode && frames_since_ready > 0 ? 0.0 : wait);
  }
  return 0;
}

int run_board(const fw::BoardOptions& options,
              const std::map<fw::AlertSeverity, fw::WavSound>& sounds) {
  glfwSetErrorCallback(
      [](int code, const char* text) { std::fprintf(stderr, "glfw error %d: %s\n", code, text); });
  if (!glfwInit()) return 1;
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  GLFWmonitor* monitor = nullptr;
  int width = options.width, height = options.height;
  if (options.fullscreen && options.screenshot.empty()) {
    monitor = glfwGetPrimaryMonitor();
    if (const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr) {
      width = mode->width;
      height = mode->height;
    }
  }
  if (!options.screenshot.empty()) glfwWindowHint(GLFW_RESIZABLE, GLFW_FALSE);
  GLFWwindow* window = glfwCreateWindow(width, height, "floorwatch wallboard", monitor, nullptr);
  if (!window) {
    glfwTerminate();
    return 1;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(1);
  // A kiosk has no mouse to point with; touches and clicks still acknowledge.
  if (options.fullscreen) glfwSetInputMode(window, GLFW_CURSOR, GLFW_CURSOR_HIDDEN);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // nothing to remember between runs
  if (options.fullscreen) io.ConfigFlags |= ImGuiConfigFlags_NoMouseCursorChange;
  fw::apply_board_style();
  fw::InputFrames input_frames;
  install_input_callbacks(window, input_frames);
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 330");

  int status = 0;
  {
    fw::FeedTimings timings;
    timings.silence_limit =
        std::chrono::milliseconds(static_cast<int>(options.stale_after_seconds * 1000));
    // The feed thread wakes the frame loop the moment a delta is applied.
    fw::FeedClient client(options.daemons, options.name, timings, [] { glfwPostEmptyEvent(); });
    fw::BoardSound sound(options.sound, sounds);
    try {
      status = run_frame_loop(window, client, options, sound, input_frames);
    } catch (const std::exception& error) {
      std::fprintf(stderr, "wallboard: %s\n", error.what());
      status = 1;
    }
  }
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  fw::keep_freed_memory_for_reuse();
  CLI::App app{"floorwatch-wallboard: the contact-centre floor display"};
  std::string config_path, board, name, feed, snapshot, control, queues, pages, title,
      curve_server_keys, size = "1920x1080";
  std::optional<int> rotate_seconds;
  std::optional<double> stale_after;
  fw::BoardOptions cli;
  bool fullscreen = false, no_sound = false;
  app.add_option("--config", config_path,
                 "floorwatch.yaml: `boards:`, `feed:` and `control:` (wallboard/README.md)");
  app.add_option("--board", board,
                 "which entry of `boards:` (default: the first); also the board's name");
  app.add_option("--name", name,
                 "the board's name, sent as `by` when it acknowledges (default: host name)");
  app.add_option("--feed", feed,
                 "the daemon's feed PUB endpoint (default tcp://127.0.0.1:5573); an HA pair: "
                 "both, comma-separated, in the same order for every endpoint option");
  app.add_option("--snapshot", snapshot,
                 "the daemon's feed snapshot endpoint (default tcp://127.0.0.1:5572), or a list");
  app.add_option("--control", control,
                 "the daemon's control endpoint, for acknowledgements (default "
                 "tcp://127.0.0.1:5571), or a list");
  app.add_option("--curve-server-key", curve_server_keys,
                 "the daemon's public certificate (NAME.key): turns CURVE on; a list for a "
                 "pair whose daemons have their own keys");
  app.add_option("--curve-key", cli.curve_key_file,
                 "this board's secret certificate (NAME.key_secret)");
  app.add_option("--queues", queues, "tiles to show, in order: a,b,c (default: every queue)");
  app.add_option("--pages", pages,
                 "pages to rotate through: queues,agents,abandons,callers (default: all)");
  app.add_option("--title", title, "header title (default: the site name)");
  app.add_option("--rotate-seconds", rotate_seconds, "seconds per page (default 20)");
  app.add_option("--stale-after", stale_after,
                 "seconds without data before the board greys out (default 3)");
  app.add_flag("--fullscreen,--kiosk", fullscreen,
               "full screen on the primary monitor, cursor hidden");
  app.add_flag("--no-sound", no_sound, "never play alert sounds (the config's `sound:`)");
  app.add_option("--font", cli.font, "regular TTF font");
  app.add_option("--bold-font", cli.bold_font, "bold TTF font");
  app.add_option("--screenshot", cli.screenshot, "render off the live feed, write this PNG, exit");
  app.add_option("--size", size, "window size WIDTHxHEIGHT (default 1920x1080)");
  app.add_option("--after-updates", cli.after_updates,
                 "screenshot after this many feed updates (default 1)");
  app.add_flag("--after-stale", cli.after_stale, "screenshot once the data has gone stale");
  app.add_option("--trace-agent", cli.trace_agent,
                 "print when a change of this agent's reason was first presented (benchmarks)");
  app.add_flag("--full-redraw", cli.full_redraw,
               "draw every frame whole (default: only what changed, when the driver keeps the "
               "back buffer)");
  app.add_option("--timeout", cli.screenshot_timeout_seconds,
                 "give up a screenshot after N seconds (exit 3)");
  CLI11_PARSE(app, argc, argv);

  fw::BoardOptions options = cli;
  std::map<fw::AlertSeverity, fw::WavSound> sounds;
  try {
    char host[256] = {};
    options.name = gethostname(host, sizeof host - 1) == 0 && host[0] ? host : "wallboard";
    if (!config_path.empty())
      fw::load_config_file(config_path, board, options);
    else if (!board.empty())
      options.name = board;
    // The command line wins over the file.
    if (!name.empty()) options.name = name;
    fw::set_daemon_endpoints(options, fw::split_list(feed), fw::split_list(snapshot),
                             fw::split_list(control), "--feed/--snapshot/--control");
    if (!curve_server_keys.empty())
      options.curve_server_key_files = fw::split_list(curve_server_keys);
    if (!cli.curve_key_file.empty()) options.curve_key_file = cli.curve_key_file;
    fw::load_board_keys(options);
    if (!queues.empty()) options.queues = fw::split_list(queues);
    if (!title.empty()) options.title = title;
    if (!pages.empty()) {
      options.pages.clear();
      for (const std::string& page : fw::split_list(pages)) {
        const auto parsed = fw::parse_page(page);
        if (!parsed)
          throw fw::BoardConfigError("--pages: unknown page \"" + page +
                                     "\" (allowed: queues, agents, abandons, callers)");
        options.pages.push_back(*parsed);
      }
    }
    if (rotate_seconds) options.rotate_seconds = std::max(1, *rotate_seconds);
    if (stale_after) options.stale_after_seconds = std::max(1.0, *stale_after);
    if (fullscreen) options.fullscreen = true;
    std::tie(options.width, options.height) = fw::parse_size(size);
    // A screenshot run (tests, docs) is silent.
    if (no_sound || !options.screenshot.empty()) options.sound.enabled = false;
    if (options.sound.enabled) sounds = fw::load_alert_sounds(options.sound);
  } catch (const fw::BoardConfigError& error) {
    std::fprintf(stderr, "wallboard: config error: %s\n", error.what());
    return 2;
  } catch (const fw::WavError& error) {
    std::fprintf(stderr, "wallboard: config error: sound: %s\n", error.what());
    return 2;
  }

  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  for (const fw::FeedEndpoints& daemon : options.daemons)
    std::printf("wallboard: board=%s feed=%s snapshot=%s control=%s\n", options.name.c_str(),
                daemon.publish.c_str(), daemon.snapshot.c_str(), daemon.control.c_str());
  std::fflush(stdout);
  return run_board(options, sounds);
}
