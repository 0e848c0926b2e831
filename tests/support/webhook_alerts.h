#pragma once
// The `alerts:` section the daemon's alert tests share: one webhook notifier that a test's
// HttpReceiver listens for, one tier told at once, and the rules under test. Kept in one
// place so a change to the alerts config format is made once, not in every test.
#include <string>

namespace floorwatch::test {

/// Notifier `floor-chat` at `webhook_url` (`notifier_settings` appended inside its braces,
/// e.g. ", timeout: 1s"), policy `default` with tier `floor-lead` after 0 s (`tier_settings`
/// appended, e.g. ", repeat: 2s"), then `rules`: the YAML list under `rules:`.
inline std::string webhook_alerts_yaml(const std::string& webhook_url, const std::string& rules,
                                       const std::string& notifier_settings = "",
                                       const std::string& tier_settings = "") {
  return "alerts:\n"
         "  notifiers:\n"
         "    floor-chat: {type: webhook, url: \"" +
         webhook_url + "\"" + notifier_settings +
         "}\n"
         "  escalation_policies:\n"
         "    default:\n"
         "      - {name: floor-lead, after: 0s, notifiers: [floor-chat]" +
         tier_settings +
         "}\n"
         "  rules:\n" +
         rules;
}

/// Rule `OldestWaitTooLong` (critical): a caller waiting more than `seconds`.
inline std::string oldest_wait_rule(int seconds) {
  return "    - name: OldestWaitTooLong\n"
         "      expr: oldest_wait_seconds > " +
         std::to_string(seconds) +
         "\n"
         "      severity: critical\n";
}

}  // namespace floorwatch::test
