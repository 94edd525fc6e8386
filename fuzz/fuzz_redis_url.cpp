// Fuzz target: Redis URL parsing (from command lines and configuration).
#include <cstdint>
#include <string>

#include "sio/redis/url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string error;
  auto url = sio::redis::parseRedisUrl(std::string_view(reinterpret_cast<const char*>(data), size),
                                       &error);
  if (url) url->hostPort();
  return 0;
}
