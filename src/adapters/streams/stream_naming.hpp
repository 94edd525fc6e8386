// Names the Redis Streams adapter uses (spec §1.3, §1.4): the stream of a namespace
// (Java-style string hash over UTF-16 code units, JS remainder — negative hashes included,
// as Node computes them), the public and private pub/sub channels, the session key.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sio::adapters::streams {

// h = int32(h * 31 + unit) over the UTF-16 code units of `text` (decoded from UTF-8).
int32_t javaHashCode(std::string_view utf8);

// `streamName` when count is 1, else `${streamName}-${hashCode(nsp) % count}` with JS's
// sign-of-dividend remainder (so `socket.io--3` for a negative hash).
std::string streamForNamespace(const std::string& streamName, int streamCount,
                               std::string_view nsp);

inline std::string publicChannel(const std::string& prefix, std::string_view nsp) {
  return prefix + "#" + std::string(nsp) + "#";
}
inline std::string privateChannel(const std::string& prefix, std::string_view nsp,
                                  std::string_view uid) {
  return prefix + "#" + std::string(nsp) + "#" + std::string(uid) + "#";
}

}  // namespace sio::adapters::streams
