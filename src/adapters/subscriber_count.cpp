// PUBSUB NUMSUB / SHARDNUMSUB on every master, replies [channel, count] summed (see
// subscriber_count.hpp); malformed replies count as 0.
#include "subscriber_count.hpp"

namespace sio::adapters {

void countSubscribers(redis::Client& client, const char* subcommand, const std::string& channel,
                      std::function<void(size_t)> done) {
  client.sendToMasters(
      redis::Command{"PUBSUB", subcommand, channel},
      [done = std::move(done)](std::error_code ec, std::vector<redis::Reply> replies) {
        size_t total = 0;
        if (!ec)
          for (const auto& reply : replies)
            if (reply.isArray() && reply.elements.size() == 2 && reply.elements[1].isInteger() &&
                reply.elements[1].integer > 0)
              total += size_t(reply.elements[1].integer);
        done(total == 0 ? 1 : total);
      });
}

}  // namespace sio::adapters
