#pragma once
// The daemon's ROUTER sockets (ingest, control, feed snapshots): binding with the shared
// options, and replying along a request's routing envelope.
#include <string>
#include <vector>

#include <zmq.hpp>

#include "security/socket_security.h"

namespace floorwatch::daemon {

/// A bound ROUTER: CURVE per `security` (ZAP domain `name`), router_mandatory (an unroutable
/// reply fails loudly), both high-water marks, no linger. Throws zmq::error_t.
zmq::socket_t bind_router(zmq::context_t& context, const std::string& endpoint, int high_water_mark,
                          const security::ServerSecurity& security, const char* name);

/// Sends `payload` back along the envelope of `request` (identity frames, and the empty
/// delimiter a REQ peer adds). False when the peer is gone or its queue is full; `why_not`
/// then says which (peer_gone, peer_queue_full, send_error). Never blocks.
bool reply(zmq::socket_t& socket, std::vector<zmq::message_t>& request, zmq::message_t& payload,
           std::string& why_not);
bool reply(zmq::socket_t& socket, std::vector<zmq::message_t>& request, const std::string& payload,
           std::string& why_not);

}  // namespace floorwatch::daemon
