// The server count of the Redis adapters (pub/sub and streams 0.3): how many connections subscribe
// to a channel (PUBSUB NUMSUB or SHARDNUMSUB), summed over every master of a Redis Cluster (each
// node counts only its own clients). At least 1: this node, when Redis cannot be asked.
#pragma once

#include <functional>
#include <string>

#include "sio/redis/client.hpp"

namespace sio::adapters {

// `subcommand` is "NUMSUB" or "SHARDNUMSUB".
void countSubscribers(redis::Client& client, const char* subcommand, const std::string& channel,
                      std::function<void(size_t)> done);

}  // namespace sio::adapters
