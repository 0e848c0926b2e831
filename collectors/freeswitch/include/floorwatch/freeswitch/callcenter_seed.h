#pragma once
// Reading the floor after a (re)connect from mod_callcenter's `callcenter_config` API replies.
// Each list reply is plain text: a header line of column names joined by '|', one line per row,
// then "+OK" (list_result_callback in mod_callcenter.c; with no rows only "+OK"). Columns are
// found by name, so extra or reordered columns in other FreeSWITCH versions do not matter.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace floorwatch::freeswitch {

/// One parsed list reply. Plain value type.
struct ApiTable {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  /// Rows whose field count did not fit the header and could not be repaired; skipped.
  std::vector<std::string> row_errors;

  /// Index of `column`, or nullopt.
  std::optional<std::size_t> column(std::string_view name) const;
};

/// Parses a `callcenter_config ... list` reply. A row with more fields than the header is
/// repaired by joining the surplus into `merge_column` (an agent's contact may hold '|'), else
/// skipped and reported. nullopt (with `error`) when the reply is an error (`-ERR ...`) or does
/// not end with "+OK".
std::optional<ApiTable> parse_api_table(std::string_view reply, std::string_view merge_column,
                                        std::string& error);

/// The floor as the API lists it. Plain value type.
struct CallcenterSnapshot {
  /// A row of `queue list members <q>`.
  struct Member {
    std::string queue, uuid, session_uuid, cid_number, state, serving_agent;
    std::int64_t joined_epoch = 0, bridge_epoch = 0;
  };
  /// A row of `agent list`.
  struct Agent {
    std::string name, status, state;
    std::int64_t wrap_up_time = 0, ready_time = 0, last_bridge_end = 0;
  };
  std::vector<std::string> queues;
  std::vector<Member> members;
  std::vector<Agent> agents;
  std::vector<std::pair<std::string, std::string>> tiers;  ///< (queue, agent) of `tier list`
};

// Each adds one reply's rows to `snapshot`; false (with `error` naming the column or row) when
// a needed column is missing. Rows with a bad number are skipped and named in `error` too.
bool read_queue_list(const ApiTable& table, CallcenterSnapshot& snapshot, std::string& error);
bool read_members(const ApiTable& table, CallcenterSnapshot& snapshot, std::string& error);
bool read_agents(const ApiTable& table, CallcenterSnapshot& snapshot, std::string& error);
bool read_tiers(const ApiTable& table, CallcenterSnapshot& snapshot, std::string& error);

}  // namespace floorwatch::freeswitch
