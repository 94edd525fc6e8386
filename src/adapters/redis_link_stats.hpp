// What every Redis adapter adds to its cluster counters: the reconnections and the commands
// in flight of the Redis client it publishes through.
#pragma once

#include "sio/adapter/adapter.hpp"
#include "sio/redis/client.hpp"

namespace sio::adapters {

inline AdapterStats withRedisLink(AdapterStats stats, const redis::Client& client) {
  auto link = client.linkStats();
  stats.redisReconnects = link.reconnects;
  stats.redisCommandsInFlight = link.commandsInFlight;
  return stats;
}

}  // namespace sio::adapters
