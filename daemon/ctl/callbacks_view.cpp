#include "daemon/ctl/callbacks_view.h"

#include <iomanip>
#include <sstream>

#include "daemon/ctl/top_view.h"

namespace floorwatch::ctl {

std::string format_callbacks(const nlohmann::json& reply) {
  std::ostringstream out;
  const auto closed = reply.value("closed", nlohmann::json::object());
  out << reply.value("open", 0) << " open call-backs (closed: " << closed.value("called_back", 0)
      << " called back, " << closed.value("answered", 0) << " answered, "
      << closed.value("dropped", 0) << " dropped; " << reply.value("without_number", 0)
      << " abandons without a number)\n";
  const auto entries = reply.value("callbacks", nlohmann::json::array());
  if (entries.empty()) return out.str();
  out << std::left << std::setw(8) << "ID" << std::setw(20) << "CALLER" << std::setw(16) << "QUEUE"
      << std::setw(10) << "ATTEMPTS"
      << "AGE\n";
  for (const auto& entry : entries) {
    out << std::left << std::setw(8) << entry.value("id", 0) << std::setw(20)
        << entry.value("caller", "") << std::setw(16) << entry.value("queue", "") << std::setw(10)
        << entry.value("attempts", 0) << format_wait(entry.value("age_seconds", nlohmann::json()))
        << "\n";
  }
  return out.str();
}

}  // namespace floorwatch::ctl
