// Fuzz target: event-socket bytes in chunks chosen by the input -> EslFramer -> EslEvent.
// Invariants: no crash or sanitizer report; the framer never holds more than one frame's
// worth of bytes (a refused body is skipped, not buffered); a frame's body is what its
// Content-Length said.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "floorwatch/freeswitch/esl_event.h"
#include "floorwatch/freeswitch/esl_framer.h"

using namespace floorwatch::freeswitch;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 64;
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  EslFramer framer;
  while (!bytes.empty()) {
    framer.feed(bytes.substr(0, chunk));
    bytes.remove_prefix(std::min(chunk, bytes.size()));
    while (auto frame = framer.next()) {
      const auto length = frame->header("Content-Length");
      if (!length && !frame->body.empty()) std::abort();
      std::string error;
      if (auto event = EslEvent::parse(std::move(frame->body), &error)) {
        for (std::size_t i = 0; i < event->size(); ++i) event->get(event->at(i).first);
        event->body();
      }
    }
    if (framer.buffered_bytes() > EslFramer::kMaxHeaderBytes + EslFramer::kMaxBodyBytes + 64)
      std::abort();
  }
  return 0;
}
