// Fuzz target: AmiFramer over bytes cut into chunks at input-chosen places (TCP delivers any
// split). Invariants: no crash or sanitizer report, the same messages whatever the split, and
// the partial-line buffer stays within its limit.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "floorwatch/asterisk/ami_framer.h"

using namespace floorwatch::asterisk;

namespace {

std::vector<std::vector<std::pair<std::string, std::string>>> frame(std::string_view bytes,
                                                                    std::size_t chunk) {
  AmiFramer framer;
  std::vector<std::vector<std::pair<std::string, std::string>>> messages;
  for (std::size_t at = 0; at < bytes.size(); at += chunk) {
    framer.feed(bytes.substr(at, chunk));
    if (framer.buffered_bytes() > AmiFramer::kMaxLineBytes + chunk) std::abort();
    while (auto message = framer.next()) messages.push_back(message->fields());
  }
  return messages;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 17;  // the first byte picks the TCP segment size
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (frame(bytes, chunk) != frame(bytes, bytes.size() + 1)) std::abort();
  return 0;
}
