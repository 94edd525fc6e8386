// Fuzz target: the sharded Redis adapter's messages (JSON, or notepack msgpack when they
// carry binary), which anyone can SPUBLISH on `prefix#nsp#…`. Nothing may crash; what
// decodes must re-encode and decode to the same message.
#include <cstdint>
#include <cstdlib>

#include "sharded_codec.hpp"

using namespace sio;
using namespace sio::adapters::pubsub;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto message = decodeShardedMessage(input);
  if (!message) return 0;
  auto again = decodeShardedMessage(encodeShardedMessage(*message));
  if (!again || again->uid != message->uid || again->nsp != message->nsp ||
      again->type != message->type || again->data.has_value() != message->data.has_value())
    std::abort();
  ShardedChannels channels("socket.io", message->nsp);
  for (auto mode :
       {sio::adapters::SubscriptionMode::Static, sio::adapters::SubscriptionMode::Dynamic,
        sio::adapters::SubscriptionMode::DynamicPrivate})
    if (channels.forMessage(*message, mode).rfind(channels.main, 0) != 0) std::abort();
  return 0;
}
