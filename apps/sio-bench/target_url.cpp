// sio-bench: parsing the --publish-url / --receive-url values into host, port and path.
// ws:// and http:// are the same here (the client always upgrades to WebSocket); a path
// other than / replaces /socket.io/ and gets a trailing slash.
#include "target_url.hpp"

#include <charconv>

namespace sio::bench {

std::optional<TargetUrl> parseTargetUrl(std::string_view url, std::string* error) {
  auto fail = [&](std::string message) -> std::optional<TargetUrl> {
    if (error) *error = std::move(message) + ": " + std::string(url);
    return std::nullopt;
  };
  TargetUrl target;
  if (auto scheme = url.find("://"); scheme != std::string_view::npos) {
    std::string_view name = url.substr(0, scheme);
    if (name == "wss" || name == "https") return fail("TLS is not supported");
    if (name != "ws" && name != "http") return fail("unknown scheme");
    url.remove_prefix(scheme + 3);
  }
  std::string_view authority = url.substr(0, url.find('/'));
  if (authority.size() < url.size()) {
    std::string path(url.substr(authority.size()));
    if (path.size() > 1) target.path = path.back() == '/' ? path : path + "/";
  }
  if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    std::string_view port = authority.substr(colon + 1);
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
      return fail("bad port");
    target.port = uint16_t(value);
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) return fail("no host");
  target.host = std::string(authority);
  return target;
}

}  // namespace sio::bench
