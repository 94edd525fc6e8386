// sio-bench: where a Socket.IO server is, from a ws://, wss:// (not supported), http:// URL
// or a bare host:port. The path defaults to /socket.io/; the WebSocket target gets the
// Engine.IO query (EIO=4&transport=websocket).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sio::bench {

struct TargetUrl {
  std::string host;
  uint16_t port = 80;
  std::string path = "/socket.io/";

  std::string hostHeader() const { return host + ":" + std::to_string(port); }
  std::string websocketTarget() const { return path + "?EIO=4&transport=websocket"; }
  std::string text() const { return "ws://" + hostHeader() + path; }
};

// Nothing (and `error` set) when the URL is malformed or uses TLS.
std::optional<TargetUrl> parseTargetUrl(std::string_view url, std::string* error);

}  // namespace sio::bench
