// Redis connection URLs: `redis://[[user]:password@]host[:port][/db]` and `rediss://…`
// (TLS), as node-redis and ioredis read them (percent-decoded user and password, IPv6 in
// brackets, port 6379 by default, db 0 by default).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sio::redis {

struct RedisUrl {
  std::string host = "127.0.0.1";
  uint16_t port = 6379;
  std::string user;      // empty: the default user
  std::string password;  // empty: no AUTH
  int db = 0;
  bool tls = false;

  std::string hostPort() const;
};

// Parses a URL; nullopt (with `error` filled when given) when it is not a Redis URL.
std::optional<RedisUrl> parseRedisUrl(std::string_view url, std::string* error = nullptr);

}  // namespace sio::redis
