// CallcenterMapper::seed: the floor read with `callcenter_config` after a (re)connect, merged
// with what the mapper already believes. Events are not replayed by FreeSWITCH, so this is the
// only way to learn of callers who joined, and calls that ended, while the link was down.
#include <algorithm>
#include <set>

#include "agent_tracker.h"
#include "floorwatch/freeswitch/callcenter_mapper.h"

namespace floorwatch::freeswitch {
namespace {

core::Timestamp from_seconds(std::int64_t seconds) {
  return core::Timestamp{std::chrono::seconds(seconds)};
}

bool is_present(const CallcenterSnapshot::Member& member) {
  return member.state == "Waiting" || member.state == "Trying" || member.state == "Answered";
}

}  // namespace

std::vector<core::Event> CallcenterMapper::seed(const CallcenterSnapshot& snapshot,
                                                core::Timestamp now, bool reconcile) {
  std::vector<core::Event> out;
  std::set<std::string> listed;
  for (const auto& member : snapshot.members) {
    if (!is_present(member)) continue;  // `Abandoned` rows only wait to be resumed
    listed.insert(member.uuid);
    seed_member(member, now, out);
  }
  if (reconcile) {
    std::vector<std::string> vanished;
    for (const auto& [uuid, call] : calls_)
      if (!listed.count(uuid) && !call.deciding) vanished.push_back(uuid);
    std::sort(vanished.begin(), vanished.end());  // the same order on every run
    for (const auto& uuid : vanished) {
      // Ended while we were away, outcome unknown: closed now so it does not wait forever.
      ++stats_.calls_closed_after_gap;
      OpenCall& call = calls_.at(uuid);
      if (call.answered) {
        complete(out, uuid, call, now);
      } else {
        leave(out, uuid, now, core::ExitReason::Transfer);
      }
    }
  }
  std::map<std::string, std::vector<std::string>> queues_of;
  for (const auto& [queue, agent] : snapshot.tiers)
    queues_of[renamed(agent)].push_back(renamed(queue));
  for (const auto& agent : snapshot.agents) {
    const std::string& name = renamed(agent.name);
    agents_->seed(name, agent.status, agent.state, agent.wrap_up_time, agent.ready_time,
                  queues_of[name], now, out);
  }
  return out;
}

void CallcenterMapper::seed_member(const CallcenterSnapshot::Member& member, core::Timestamp now,
                                   std::vector<core::Event>& out) {
  auto it = calls_.find(member.uuid);
  if (it == calls_.end()) {
    // A call that ended while the snapshot was on its way is not brought back.
    if (recently_finished(member.uuid)) return;
    ++stats_.seeded_calls;
    OpenCall& call = calls_[member.uuid];
    call = OpenCall{renamed(member.queue), member.session_uuid, from_seconds(member.joined_epoch)};
    core::Event event;
    event.type = core::EventType::CallEnqueued;
    event.ts = call.last;
    event.call = member.uuid;
    event.queue = call.queue;
    event.caller = member.cid_number;
    out.push_back(std::move(event));
    it = calls_.find(member.uuid);
  }
  OpenCall& call = it->second;
  if (member.state == "Answered" && !call.answered && !member.serving_agent.empty()) {
    const auto answered = member.bridge_epoch > 0 ? from_seconds(member.bridge_epoch) : now;
    answer(out, member.uuid, call, answered, renamed(member.serving_agent));
  }
}

}  // namespace floorwatch::freeswitch
