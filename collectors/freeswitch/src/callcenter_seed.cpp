#include "floorwatch/freeswitch/callcenter_seed.h"

#include <charconv>

namespace floorwatch::freeswitch {
namespace {

std::vector<std::string> split(std::string_view line, char separator) {
  std::vector<std::string> fields;
  std::size_t at = 0;
  while (true) {
    const std::size_t end = line.find(separator, at);
    fields.emplace_back(line.substr(at, end == std::string_view::npos ? end : end - at));
    if (end == std::string_view::npos) return fields;
    at = end + 1;
  }
}

std::string_view trim_cr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// Column lookups of one table, failing with the column's name.
class Columns {
 public:
  Columns(const ApiTable& table, std::string_view what) : table_(table), what_(what) {}
  std::optional<std::size_t> need(std::string_view name, std::string& error) const {
    auto index = table_.column(name);
    if (!index) error = std::string(what_) + ": no column \"" + std::string(name) + "\"";
    return index;
  }
  static std::optional<std::int64_t> number(const std::string& text) {
    std::int64_t value = 0;
    if (text.empty()) return 0;
    const auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (status != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    // Epoch seconds and durations: negative or beyond year 5138 is garbage (and would
    // overflow milliseconds).
    if (value < 0 || value > 100'000'000'000) return std::nullopt;
    return value;
  }

 private:
  const ApiTable& table_;
  std::string_view what_;
};

}  // namespace

std::optional<std::size_t> ApiTable::column(std::string_view name) const {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == name) return i;
  return std::nullopt;
}

std::optional<ApiTable> parse_api_table(std::string_view reply, std::string_view merge_column,
                                        std::string& error) {
  std::vector<std::string_view> lines;
  for (std::size_t at = 0; at < reply.size();) {
    std::size_t end = reply.find('\n', at);
    if (end == std::string_view::npos) end = reply.size();
    if (const auto line = trim_cr(reply.substr(at, end - at)); !line.empty()) lines.push_back(line);
    at = end + 1;
  }
  if (!lines.empty() && lines.front().substr(0, 4) == "-ERR") {
    error = std::string(lines.front());
    return std::nullopt;
  }
  if (lines.empty() || lines.back() != "+OK") {
    error = "the reply does not end with +OK";
    return std::nullopt;
  }
  ApiTable table;
  if (lines.size() == 1) return table;  // no rows: mod_callcenter prints no header either
  table.columns = split(lines.front(), '|');
  const auto merge_at = table.column(merge_column);
  for (std::size_t i = 1; i + 1 < lines.size(); ++i) {
    auto fields = split(lines[i], '|');
    if (fields.size() > table.columns.size() && merge_at) {
      const std::size_t surplus = fields.size() - table.columns.size();
      for (std::size_t k = 1; k <= surplus; ++k) fields[*merge_at] += "|" + fields[*merge_at + k];
      fields.erase(fields.begin() + static_cast<long>(*merge_at) + 1,
                   fields.begin() + static_cast<long>(*merge_at + surplus) + 1);
    }
    if (fields.size() != table.columns.size()) {
      table.row_errors.push_back("row " + std::to_string(i) + ": " + std::to_string(fields.size()) +
                                 " fields, the header has " + std::to_string(table.columns.size()));
      continue;
    }
    table.rows.push_back(std::move(fields));
  }
  return table;
}

bool read_queue_list(const ApiTable& table, CallcenterSnapshot& snapshot, std::string& error) {
  if (table.rows.empty()) return true;
  const auto name = Columns(table, "queue list").need("name", error);
  if (!name) return false;
  for (const auto& row : table.rows) snapshot.queues.push_back(row[*name]);
  return true;
}

bool read_members(const ApiTable& table, CallcenterSnapshot& snapshot, std::string& error) {
  if (table.rows.empty()) return true;
  const Columns columns(table, "queue list members");
  const auto queue = columns.need("queue", error), uuid = columns.need("uuid", error),
             session = columns.need("session_uuid", error),
             joined = columns.need("joined_epoch", error), state = columns.need("state", error);
  if (!queue || !uuid || !session || !joined || !state) return false;
  const auto cid = table.column("cid_number"), agent = table.column("serving_agent"),
             bridged = table.column("bridge_epoch");
  for (const auto& row : table.rows) {
    CallcenterSnapshot::Member member{row[*queue],          row[*uuid],  row[*session],
                                      cid ? row[*cid] : "", row[*state], agent ? row[*agent] : ""};
    if (member.uuid.empty() || member.queue.empty()) {
      error = "queue list members: a row without uuid or queue";
      continue;
    }
    const auto joined_epoch = Columns::number(row[*joined]);
    const auto bridge_epoch =
        bridged ? Columns::number(row[*bridged]) : std::optional<std::int64_t>(0);
    if (!joined_epoch || !bridge_epoch) {
      error =
          "queue list members: member " + member.uuid + ": joined_epoch/bridge_epoch not a number";
      continue;
    }
    member.joined_epoch = *joined_epoch;
    member.bridge_epoch = *bridge_epoch;
    snapshot.members.push_back(std::move(member));
  }
  return true;
}

bool read_agents(const ApiTable& table, CallcenterSnapshot& snapshot, std::string& error) {
  if (table.rows.empty()) return true;
  const Columns columns(table, "agent list");
  const auto name = columns.need("name", error), status = columns.need("status", error),
             state = columns.need("state", error);
  if (!name || !status || !state) return false;
  const auto wrap = table.column("wrap_up_time"), ready = table.column("ready_time"),
             ended = table.column("last_bridge_end");
  for (const auto& row : table.rows) {
    CallcenterSnapshot::Agent agent{row[*name], row[*status], row[*state]};
    if (agent.name.empty()) {
      error = "agent list: a row without name";
      continue;
    }
    const auto number = [&](std::optional<std::size_t> at) {
      return at ? Columns::number(row[*at]) : std::optional<std::int64_t>(0);
    };
    const auto wrap_up = number(wrap), ready_time = number(ready), last_end = number(ended);
    if (!wrap_up || !ready_time || !last_end) {
      error = "agent list: agent " + agent.name + ": wrap_up_time/ready_time not a number";
      continue;
    }
    agent.wrap_up_time = *wrap_up;
    agent.ready_time = *ready_time;
    agent.last_bridge_end = *last_end;
    snapshot.agents.push_back(std::move(agent));
  }
  return true;
}

bool read_tiers(const ApiTable& table, CallcenterSnapshot& snapshot, std::string& error) {
  if (table.rows.empty()) return true;
  const Columns columns(table, "tier list");
  const auto queue = columns.need("queue", error), agent = columns.need("agent", error);
  if (!queue || !agent) return false;
  for (const auto& row : table.rows) {
    if (row[*queue].empty() || row[*agent].empty()) {
      error = "tier list: a row without queue or agent";
      continue;
    }
    snapshot.tiers.emplace_back(row[*queue], row[*agent]);
  }
  return true;
}

}  // namespace floorwatch::freeswitch
