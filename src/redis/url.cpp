// Redis URL parsing: scheme, optional credentials, host (IPv6 in brackets), port, db.
#include "sio/redis/url.hpp"

#include <charconv>

namespace sio::redis {
namespace {

std::optional<RedisUrl> fail(std::string* error, std::string message) {
  if (error) *error = std::move(message);
  return std::nullopt;
}

std::string percentDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out.push_back(char(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

}  // namespace

std::string RedisUrl::hostPort() const {
  bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::optional<RedisUrl> parseRedisUrl(std::string_view url, std::string* error) {
  RedisUrl parsed;
  if (url.rfind("redis://", 0) == 0) {
    url.remove_prefix(8);
  } else if (url.rfind("rediss://", 0) == 0) {
    url.remove_prefix(9);
    parsed.tls = true;
  } else {
    return fail(error, "the URL must start with redis:// or rediss://");
  }
  // Drop a query string or fragment (options there are not supported).
  url = url.substr(0, url.find_first_of("?#"));
  auto slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  std::string_view path =
      slash == std::string_view::npos ? std::string_view{} : url.substr(slash + 1);

  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view credentials = authority.substr(0, at);
    authority.remove_prefix(at + 1);
    auto colon = credentials.find(':');
    if (colon == std::string_view::npos) {
      parsed.password = percentDecode(credentials);  // redis://secret@host: a password alone
    } else {
      parsed.user = percentDecode(credentials.substr(0, colon));
      parsed.password = percentDecode(credentials.substr(colon + 1));
    }
  }

  std::string_view portText;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return fail(error, "unterminated IPv6 address");
    parsed.host = std::string(authority.substr(1, close - 1));
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return fail(error, "unexpected text after the IPv6 address");
      portText = rest.substr(1);
    }
  } else {
    auto colon = authority.find(':');
    if (colon != std::string_view::npos) {
      if (authority.find(':', colon + 1) != std::string_view::npos)
        return fail(error, "IPv6 addresses must be in brackets");
      portText = authority.substr(colon + 1);
      authority = authority.substr(0, colon);
    }
    if (!authority.empty()) parsed.host = std::string(authority);
  }
  if (parsed.host.empty()) return fail(error, "missing host");
  if (!portText.empty()) {
    unsigned port = 0;
    auto [end, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), port);
    if (ec != std::errc{} || end != portText.data() + portText.size() || port == 0 || port > 65535)
      return fail(error, "invalid port '" + std::string(portText) + "'");
    parsed.port = static_cast<uint16_t>(port);
  }
  if (!path.empty()) {
    int db = 0;
    auto [end, ec] = std::from_chars(path.data(), path.data() + path.size(), db);
    if (ec != std::errc{} || end != path.data() + path.size() || db < 0)
      return fail(error, "invalid database '" + std::string(path) + "'");
    parsed.db = db;
  }
  return parsed;
}

}  // namespace sio::redis
