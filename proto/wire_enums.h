#pragma once
// Enum mappings between core and the floorwatch.v1 schema, shared by the ingest codec and the
// wallboard feed. Separate from wire_codec.h so that header stays free of generated code.
#include <optional>

#include "floorwatch/core/event.h"
#include "floorwatch/v1/ingest.pb.h"

namespace floorwatch::wire {

v1::EventType to_proto(core::EventType type);
v1::Channel to_proto(core::Channel channel);
v1::ExitReason to_proto(core::ExitReason reason);
v1::AgentState to_proto(core::AgentStatus status);
std::optional<core::EventType> from_proto(v1::EventType type);
std::optional<core::Channel> from_proto(v1::Channel channel);
std::optional<core::ExitReason> from_proto(v1::ExitReason reason);
std::optional<core::AgentStatus> from_proto(v1::AgentState state);

}  // namespace floorwatch::wire
