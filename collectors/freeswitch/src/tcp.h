#pragma once
// Blocking-free TCP helpers of the ESL client (POSIX sockets). Same rules as the AMI client's.
#include <string>
#include <string_view>

#include "floorwatch/core/time.h"

namespace floorwatch::freeswitch::tcp {

/// A non-blocking TCP connection to host:port within `timeout`, or -1 with `error` set.
int connect_to(const std::string& host, int port, core::Duration timeout, std::string& error);
/// Writes all of `bytes`, waiting at most `timeout` for room; false on error or timeout.
bool send_all(int fd, std::string_view bytes, core::Duration timeout);
/// Milliseconds for poll(2), clamped to [0, 60 s].
int poll_timeout_ms(core::Duration wait);

}  // namespace floorwatch::freeswitch::tcp
