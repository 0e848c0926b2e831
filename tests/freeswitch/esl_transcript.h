#pragma once
// Byte-exact ESL transcripts of mod_callcenter traffic, built from FreeSWITCH's source because
// no public, licensed capture of `callcenter::info` frames exists (tests/freeswitch/data/
// SOURCES.md). Each builder lists the headers the module's event constructor adds, in its
// order (mod_callcenter.c @ cc93a683, lines cited per function), after the core headers of
// switch_event_prep (switch_event.c:1986-2002); member and bridge events carry a subset of the
// caller's or agent's channel data (switch_channel_event_set_data). Values are encoded like
// switch_url_encode (switch_utils.h:47) and framed like mod_event_socket.c:1449:
// "Content-Length: N\nContent-Type: text/event-plain\n\n" + N bytes. Self-contained (no
// floorwatch code), so the tests check the decoder against an independent encoder.
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

namespace floorwatch::test::esl {

using Headers = std::vector<std::pair<std::string, std::string>>;

/// switch_url_encode: the unsafe set of switch_utils.h plus bytes < 0x20 and > 0x7E; an existing
/// %XX is kept (double_encode false).
inline std::string encode(const std::string& value) {
  static const std::string unsafe = "\r\n #%&+:;<=>?@[\\]^`{|}\"";
  auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    const bool encoded = c == '%' && i + 2 < value.size() && hex(value[i + 1]) && hex(value[i + 2]);
    if (!encoded &&
        (c < 0x20 || c > 0x7E || unsafe.find(static_cast<char>(c)) != std::string::npos)) {
      char buffer[4];
      std::snprintf(buffer, sizeof buffer, "%%%02X", c);
      out += buffer;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

/// One frame around an event-plain body (switch_event_serialize: encoded header lines, "\n").
inline std::string frame(const Headers& headers) {
  std::string body;
  for (const auto& [name, value] : headers) body += name + ": " + encode(value) + "\n";
  body += "\n";
  return "Content-Length: " + std::to_string(body.size()) + "\nContent-Type: text/event-plain\n\n" +
         body;
}

/// An api/response frame (mod_event_socket.c api_exec: Content-Type then Content-Length).
inline std::string api_response(const std::string& body) {
  return "Content-Type: api/response\nContent-Length: " + std::to_string(body.size()) + "\n\n" +
         body;
}

/// Whether the caller's channel is still up when a member event fires.
enum class Caller { Up, HungUp, NoChannelData };

/// A FreeSWITCH box: the core headers every event gets, with a running Event-Sequence.
class Box {
 public:
  /// Core headers (switch_event.c:1986-2002) of an event fired at `micros` (epoch µs).
  Headers core(const std::string& name, std::int64_t micros, const std::string& function,
               int line) {
    const std::time_t seconds = static_cast<std::time_t>(micros / 1'000'000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char local[32], gmt[64];
    std::strftime(local, sizeof local, "%Y-%m-%d %H:%M:%S", &utc);  // the box runs on UTC
    std::strftime(gmt, sizeof gmt, "%a, %d %b %Y %H:%M:%S GMT", &utc);
    Headers h{{"Event-Name", name},
              {"Core-UUID", "6b2e0c3e-1c52-4e5e-9f5a-3f0d3a1b7c11"},
              {"FreeSWITCH-Hostname", "fs1.example.net"},
              {"FreeSWITCH-Switchname", "fs1.example.net"},
              {"FreeSWITCH-IPv4", "192.0.2.10"},
              {"FreeSWITCH-IPv6", "::1"},
              {"Event-Date-Local", local},
              {"Event-Date-GMT", gmt},
              {"Event-Date-Timestamp", std::to_string(micros)},
              {"Event-Calling-File",
               name == "CUSTOM" ? "mod_callcenter.c" : "switch_core_state_machine.c"},
              {"Event-Calling-Function", function},
              {"Event-Calling-Line-Number", std::to_string(line)},
              {"Event-Sequence", std::to_string(++sequence_)}};
    if (name == "CUSTOM") h.emplace_back("Event-Subclass", "callcenter::info");
    return h;
  }

 private:
  std::int64_t sequence_ = 51'000;
};

/// A caller in a queue: the ids and the caller id every member event repeats.
struct Member {
  std::string queue;         ///< "support@default"
  std::string uuid;          ///< CC-Member-UUID: the queue membership
  std::string session_uuid;  ///< CC-Member-Session-UUID: the caller's channel
  std::string cid_number;
  std::string cid_name = "Caller";
};

inline std::int64_t us(std::int64_t seconds, int micros = 250'000) {
  return seconds * 1'000'000 + micros;
}

inline void append(Headers& to, const Headers& more) {
  to.insert(to.end(), more.begin(), more.end());
}

/// A subset of switch_channel_event_set_data for the caller's channel (CUSTOM events always
/// carry the channel variables too, switch_channel.c:2759-2800).
inline Headers caller_channel(const Member& m, Caller caller, std::int64_t joined) {
  if (caller == Caller::NoChannelData) return {};
  const bool up = caller == Caller::Up;
  Headers h{{"Channel-State", up ? "CS_EXECUTE" : "CS_HANGUP"},
            {"Channel-Call-State", up ? "ACTIVE" : "HANGUP"},
            {"Channel-State-Number", up ? "4" : "10"},
            {"Channel-Name", "sofia/external/" + m.cid_number + "@198.51.100.7"},
            {"Unique-ID", m.session_uuid},
            {"Call-Direction", "inbound"},
            {"Presence-Call-Direction", "inbound"},
            {"Channel-HIT-Dialplan", "true"},
            {"Answer-State", up ? "answered" : "hangup"}};
  if (!up) h.emplace_back("Hangup-Cause", "NORMAL_CLEARING");
  append(h, {{"Caller-Direction", "inbound"},
             {"Caller-Caller-ID-Name", m.cid_name},
             {"Caller-Caller-ID-Number", m.cid_number},
             {"Caller-Destination-Number", "7000"},
             {"Caller-Unique-ID", m.session_uuid},
             {"Caller-Context", "public"},
             {"variable_direction", "inbound"},
             {"variable_uuid", m.session_uuid},
             {"variable_current_application", "callcenter"},
             {"variable_current_application_data", m.queue},
             {"variable_cc_queue", m.queue},
             {"variable_cc_member_uuid", m.uuid},
             {"variable_cc_queue_joined_epoch", std::to_string(joined)}});
  return h;
}

inline Headers member_ids(const Member& m) {
  return {{"CC-Member-UUID", m.uuid},
          {"CC-Member-Session-UUID", m.session_uuid},
          {"CC-Member-CID-Name", m.cid_name},
          {"CC-Member-CID-Number", m.cid_number}};
}

/// member-queue-start / -resume (mod_callcenter.c:3113-3121), fired right after the join.
inline std::string member_queue_start(Box& box, const Member& m, std::int64_t joined,
                                      bool resume = false) {
  Headers h = box.core("CUSTOM", us(joined, 120'000), "cc_member_thread_run", 3113);
  append(h, {{"CC-Queue", m.queue},
             {"CC-Action", resume ? "member-queue-resume" : "member-queue-start"}});
  append(h, member_ids(m));
  append(h, caller_channel(m, Caller::Up, joined));
  return frame(h);
}

/// members-count (mod_callcenter.c:857-887).
inline std::string members_count(Box& box, const std::string& queue, int count, std::int64_t at) {
  Headers h = box.core("CUSTOM", us(at, 130'000), "cc_queue_count", 878);
  append(h, {{"CC-Queue", queue},
             {"CC-Action", "members-count"},
             {"CC-Count", std::to_string(count)},
             {"CC-Selection", "Single-Queue"}});
  return frame(h);
}

/// agent-status-change (mod_callcenter.c:1043-1047).
inline std::string agent_status_change(Box& box, const std::string& agent,
                                       const std::string& status, std::int64_t at) {
  Headers h = box.core("CUSTOM", us(at, 300'000), "cc_agent_update", 1043);
  append(h,
         {{"CC-Agent", agent}, {"CC-Action", "agent-status-change"}, {"CC-Agent-Status", status}});
  return frame(h);
}

/// agent-state-change (mod_callcenter.c:1067-1071 and 1160-1164).
inline std::string agent_state_change(Box& box, const std::string& agent, const std::string& state,
                                      std::int64_t at, int micros = 400'000) {
  Headers h = box.core("CUSTOM", us(at, micros), "cc_agent_update", 1067);
  append(h, {{"CC-Agent", agent}, {"CC-Action", "agent-state-change"}, {"CC-Agent-State", state}});
  return frame(h);
}

/// agent-offering (mod_callcenter.c:1717-1732).
inline std::string agent_offering(Box& box, const Member& m, const std::string& agent,
                                  std::int64_t at) {
  Headers h = box.core("CUSTOM", us(at, 500'000), "outbound_agent_thread_run", 1721);
  append(h, {{"CC-Queue", m.queue},
             {"CC-Action", "agent-offering"},
             {"CC-Agent", agent},
             {"CC-Agent-Type", "callback"},
             {"CC-Agent-System", "single_box"}});
  append(h, member_ids(m));
  h.emplace_back("CC-Member-DNIS", "7000");
  return frame(h);
}

/// The agent leg's channel data on bridge events (a subset).
inline Headers agent_channel(const std::string& agent, const std::string& agent_uuid) {
  return {{"Channel-State", "CS_EXCHANGE_MEDIA"},
          {"Channel-Call-State", "ACTIVE"},
          {"Unique-ID", agent_uuid},
          {"Call-Direction", "outbound"},
          {"Answer-State", "answered"},
          {"Caller-Destination-Number", agent},
          {"variable_cc_agent", agent},
          {"variable_cc_side", "agent"}};
}

/// Times of one answered call, epoch seconds.
struct Answer {
  std::string agent;       ///< "1001@default"
  std::string agent_uuid;  ///< the agent leg's channel
  std::int64_t joined, called, answered;
};

/// bridge-agent-start (mod_callcenter.c:1934-1952).
inline std::string bridge_agent_start(Box& box, const Member& m, const Answer& a) {
  Headers h = box.core("CUSTOM", us(a.answered, 600'000), "outbound_agent_thread_run", 1938);
  append(h, {{"CC-Queue", m.queue},
             {"CC-Action", "bridge-agent-start"},
             {"CC-Agent", a.agent},
             {"CC-Agent-System", "single_box"},
             {"CC-Agent-UUID", a.agent_uuid},
             {"CC-Agent-Called-Time", std::to_string(a.called)},
             {"CC-Agent-Answered-Time", std::to_string(a.answered)},
             {"CC-Member-Joined-Time", std::to_string(a.joined)}});
  append(h, member_ids(m));
  h.emplace_back("CC-Member-DNIS", "7000");
  append(h, agent_channel(a.agent, a.agent_uuid));
  return frame(h);
}

/// bridge-agent-end (mod_callcenter.c:2062-2080).
inline std::string bridge_agent_end(Box& box, const Member& m, const Answer& a,
                                    std::int64_t terminated, bool bridged = true) {
  Headers h = box.core("CUSTOM", us(terminated, 100'000), "outbound_agent_thread_run", 2063);
  append(h, {{"CC-Queue", m.queue},
             {"CC-Action", "bridge-agent-end"},
             {"CC-Hangup-Cause", "NORMAL_CLEARING"},
             {"CC-Agent", a.agent},
             {"CC-Agent-System", "single_box"},
             {"CC-Agent-UUID", a.agent_uuid},
             {"CC-Agent-Bridged", bridged ? "true" : "false"},
             {"CC-Agent-Called-Time", std::to_string(a.called)},
             {"CC-Agent-Answered-Time", std::to_string(a.answered)},
             {"CC-Member-Joined-Time", std::to_string(a.joined)},
             {"CC-Bridge-Terminated-Time", std::to_string(terminated)}});
  append(h, member_ids(m));
  append(h, agent_channel(a.agent, a.agent_uuid));
  return frame(h);
}

/// member-queue-end with CC-Cause Terminated (mod_callcenter.c:2098-2121).
inline std::string member_queue_end_terminated(Box& box, const Member& m, const Answer& a,
                                               std::int64_t leaving) {
  Headers h = box.core("CUSTOM", us(leaving, 150'000), "outbound_agent_thread_run", 2099);
  append(h, {{"CC-Queue", m.queue},
             {"CC-Action", "member-queue-end"},
             {"CC-Hangup-Cause", "NORMAL_CLEARING"},
             {"CC-Cause", "Terminated"},
             {"CC-Agent", a.agent},
             {"CC-Agent-System", "single_box"},
             {"CC-Agent-UUID", a.agent_uuid},
             {"CC-Agent-Called-Time", std::to_string(a.called)},
             {"CC-Agent-Answered-Time", std::to_string(a.answered)},
             {"CC-Member-Leaving-Time", std::to_string(leaving)},
             {"CC-Member-Joined-Time", std::to_string(a.joined)}});
  append(h, member_ids(m));
  append(h, caller_channel(m, Caller::HungUp, a.joined));
  return frame(h);
}

/// member-queue-end with CC-Cause Cancel (mod_callcenter.c:3274-3287): no CC-Agent, no
/// CC-Hangup-Cause; the reason is in CC-Cancel-Reason (not "CC-Cause-Reason" as the docs say).
inline std::string member_queue_end_cancel(Box& box, const Member& m, std::int64_t joined,
                                           std::int64_t leaving, const std::string& reason,
                                           Caller caller) {
  Headers h = box.core("CUSTOM", us(leaving, 200'000), "cc_member_thread_run", 3275);
  append(h, {{"CC-Queue", m.queue},
             {"CC-Action", "member-queue-end"},
             {"CC-Member-Leaving-Time", std::to_string(leaving)},
             {"CC-Member-Joined-Time", std::to_string(joined)},
             {"CC-Cause", "Cancel"},
             {"CC-Cancel-Reason", reason}});
  append(h, member_ids(m));
  append(h, caller_channel(m, caller, joined));
  return frame(h);
}

/// bridge-agent-fail (mod_callcenter.c:2200-2213): ORIGINATOR_CANCEL when the caller hung up
/// while the agent rang (3271), LOSE_RACE for the other agents of ring-all (1927).
inline std::string bridge_agent_fail(Box& box, const Member& m, const std::string& agent,
                                     std::int64_t joined, std::int64_t called, std::int64_t aborted,
                                     const std::string& cause) {
  Headers h = box.core("CUSTOM", us(aborted, 700'000), "outbound_agent_thread_run", 2200);
  append(h, {{"CC-Queue", m.queue},
             {"CC-Action", "bridge-agent-fail"},
             {"CC-Hangup-Cause", cause},
             {"CC-Agent", agent},
             {"CC-Agent-System", "single_box"},
             {"CC-Agent-Called-Time", std::to_string(called)},
             {"CC-Agent-Aborted-Time", std::to_string(aborted)}});
  append(h, member_ids(m));
  h.emplace_back("CC-Member-Joined-Time", std::to_string(joined));
  return frame(h);
}

/// CHANNEL_HANGUP_COMPLETE of the caller's channel (a subset of its headers).
inline std::string channel_hangup_complete(Box& box, const Member& m, std::int64_t at) {
  Headers h = box.core("CHANNEL_HANGUP_COMPLETE", us(at, 900'000),
                       "switch_core_session_reporting_state", 1003);
  append(h, {{"Channel-State", "CS_REPORTING"},
             {"Channel-Call-State", "HANGUP"},
             {"Unique-ID", m.session_uuid},
             {"Call-Direction", "inbound"},
             {"Answer-State", "hangup"},
             {"Hangup-Cause", "NORMAL_CLEARING"},
             {"Caller-Caller-ID-Number", m.cid_number},
             {"variable_hangup_cause", "NORMAL_CLEARING"}});
  return frame(h);
}

// callcenter_config list replies (list_result_callback: header line, rows, "+OK"; no rows ->
// only "+OK"). Columns as in the module's CREATE TABLE statements (members/agents/tiers).

inline std::string table(const std::string& header, const std::vector<std::string>& rows) {
  if (rows.empty()) return "+OK\n";
  std::string text = header + "\n";
  for (const auto& row : rows) text += row + "\n";
  return text + "+OK\n";
}

inline std::string queue_list(const std::vector<std::string>& queues) {
  std::vector<std::string> rows;
  for (const auto& q : queues)
    rows.push_back(q +
                   "|longest-idle-agent|local_stream://"
                   "moh|system|false|0|true|60|false|0|0|5||3|1|0|false|On Break");
  return table(
      "name|strategy|moh_sound|time_base_score|tier_rules_apply|tier_rule_wait_second|"
      "tier_rule_no_agent_no_wait|discard_abandoned_after|abandoned_resume_allowed|"
      "max_wait_time|max_wait_time_with_no_agent|max_wait_time_with_no_agent_time_reached|"
      "record_template|calls_answered|calls_abandoned|ring_progressively_delay|"
      "skip_agents_with_external_calls|agent_no_answer_status",
      rows);
}

/// One `queue list members` row: state Waiting/Trying/Answered/Abandoned.
inline std::string member_row(const Member& m, std::int64_t joined, const std::string& state,
                              const std::string& serving_agent = "", std::int64_t bridged = 0) {
  return m.queue + "|single_box|" + m.uuid + "|" + m.session_uuid + "|" + m.cid_number + "|" +
         m.cid_name + "|" + std::to_string(joined) + "|" + std::to_string(joined) + "|0|" +
         std::to_string(bridged) + "|0|0|0|" + serving_agent + "|" +
         (serving_agent.empty() ? "" : "single_box") + "|" + state;
}

inline std::string members_list(const std::vector<std::string>& rows) {
  return table(
      "queue|instance_id|uuid|session_uuid|cid_number|cid_name|system_epoch|joined_epoch|"
      "rejoined_epoch|bridge_epoch|abandoned_epoch|base_score|skill_score|serving_agent|"
      "serving_system|state",
      rows);
}

/// One `agent list` row.
inline std::string agent_row(const std::string& name, const std::string& status,
                             const std::string& state, int wrap_up_time,
                             std::int64_t ready_time = 0, const std::string& contact = "") {
  return name + "|single_box||callback|" +
         (contact.empty() ? "[call_timeout=20]user/" + name.substr(0, name.find('@')) : contact) +
         "|" + status + "|" + state + "|3|" + std::to_string(wrap_up_time) +
         "|10|60|0|0|0|0|0|0|0|0|" + std::to_string(ready_time) + "|0";
}

inline std::string agent_list(const std::vector<std::string>& rows) {
  return table(
      "name|instance_id|uuid|type|contact|status|state|max_no_answer|wrap_up_time|"
      "reject_delay_time|busy_delay_time|no_answer_delay_time|last_bridge_start|"
      "last_bridge_end|last_offered_call|last_status_change|no_answer_count|"
      "calls_answered|talk_time|ready_time|external_calls_count",
      rows);
}

inline std::string tier_list(const std::vector<std::pair<std::string, std::string>>& tiers) {
  std::vector<std::string> rows;
  for (const auto& [queue, agent] : tiers) rows.push_back(queue + "|" + agent + "|Ready|1|1");
  return table("queue|agent|state|level|position", rows);
}

}  // namespace floorwatch::test::esl
