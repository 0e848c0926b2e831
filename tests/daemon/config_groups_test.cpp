// `groups:` in floorwatchd's config: members and the group's own settings, and every mistake
// named by FILE:LINE: key (docs/configuration.md, docs/metrics.md "Queue groups").
#include <catch2/catch.hpp>

#include "daemon/config.h"

using floorwatch::daemon::ConfigError;
using floorwatch::daemon::parse_config;
using namespace std::chrono_literals;

namespace {

constexpr const char* kQueues =
    "defaults:\n"                       // 1
    "  service_level_target: 0.9\n"     // 2
    "queues:\n"                         // 3
    "  support:\n"                      // 4
    "    answer_target_seconds: 60\n"   // 5
    "  support_vip:\n"                  // 6
    "    answer_target_seconds: 20\n";  // 7

std::string error_of(const std::string& groups) {
  try {
    parse_config(std::string(kQueues) + groups, "site.yaml");
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("groups: name member queues and the group's own target and formula",
          "[daemon][config][groups]") {
  const auto config = parse_config(std::string(kQueues) +
                                       "groups:\n"
                                       "  support_all:\n"
                                       "    queues: [support, support_vip]\n"
                                       "    answer_target_seconds: 30\n"
                                       "    service_level_formula: answered_only\n",
                                   "site.yaml");
  REQUIRE(config.floor.groups.size() == 1);
  const auto& group = config.floor.groups.at("support_all");
  CHECK(group.queues == std::vector<std::string>{"support", "support_vip"});
  CHECK(group.settings.answer_target == 30s);
  CHECK(group.settings.formula == floorwatch::core::ServiceLevelFormula::AnsweredOnly);
  CHECK(group.settings.service_level_target == 0.9);  // from defaults:, like a queue
}

TEST_CASE("every groups: mistake names the file, the line and the key",
          "[daemon][config][groups]") {
  // Lines 1-7 are kQueues; the group starts on line 8.
  auto [groups, expected_prefix, expected_words] =
      GENERATE(table<std::string, std::string, std::string>({
          {"groups: [support]\n", "site.yaml:8: groups:", "mapping of group names"},
          {"groups:\n  all:\n    answer_target_seconds: 30\n",
           "site.yaml:9: groups.all.queues:", "required"},
          {"groups:\n  all:\n    queues: [support, billing]\n",
           "site.yaml:10: groups.all.queues:", "\"billing\" is not a queue"},
          {"groups:\n  all:\n    queues: [support, support]\n",
           "site.yaml:10: groups.all.queues:", "listed twice"},
          {"groups:\n  all:\n    queues: []\n", "site.yaml:10: groups.all.queues:", "at least one"},
          {"groups:\n  support:\n    queues: [support_vip]\n",
           "site.yaml:9: groups.support:", "name of a queue"},
          {"groups:\n  all:\n    queues: [support]\n    answer_target: 30\n",
           "site.yaml:11: groups.all.answer_target:", "unknown key"},
          {"groups:\n  all:\n    queues: [support]\n    service_level_formula: avg\n",
           "site.yaml:11: groups.all.service_level_formula:", "unknown formula"},
      }));
  const std::string message = error_of(groups);
  INFO("groups:\n" << groups << "message: " << message);
  CHECK(message.rfind(expected_prefix, 0) == 0);
  CHECK(message.find(expected_words) != std::string::npos);
}
