#pragma once
// A minimal HTTP/1.1 POST over a plain POSIX socket, for notifiers: http:// only (no TLS),
// Content-Length bodies, `Connection: close`, one overall timeout per request. Blocking:
// call it from a notifier worker thread, never from the daemon loop.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace floorwatch::alerts {

/// The parts of an http:// URL. Plain value type.
struct HttpUrl {
  std::string host;  ///< name or address; [v6] brackets removed
  std::string port = "80";
  std::string path = "/";
};

/// nullopt unless `url` is http://HOST[:PORT][/PATH].
std::optional<HttpUrl> parse_http_url(std::string_view url);

struct HttpResponse {
  int status = 0;  ///< 0 when no response was read
  std::string body;
  std::string error;  ///< transport failure (connect refused, timeout, ...); empty otherwise
  bool success() const { return error.empty() && status >= 200 && status < 300; }
};

/// Sends `body` and reads the response, all within `timeout`. Never throws.
HttpResponse http_post(const HttpUrl& url, const std::string& content_type, const std::string& body,
                       std::chrono::milliseconds timeout);

}  // namespace floorwatch::alerts
