// Fuzz target: the classic Redis adapter's broadcast payloads ([uid, packet, opts] in
// notepack msgpack), which anyone with access to the Redis can PUBLISH on `key#nsp#…`.
// Nothing may crash; what decodes must re-encode and decode to the same message.
#include <cstdint>
#include <cstdlib>

#include "classic_codec.hpp"

using namespace sio;
using namespace sio::adapters;
using namespace sio::adapters::pubsub;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  static const RedisAdapterParser parser = notepackParser();
  auto message = decodeBroadcast(input, parser);
  if (!message) return 0;
  auto again = decodeBroadcast(encodeBroadcast(*message, parser), parser);
  if (!again || again->uid != message->uid || again->nsp != message->nsp ||
      *again->data->find("opts") != *message->data->find("opts"))
    std::abort();
  // the channel of a broadcast to any room parses back to that room
  ClassicChannels channels("socket.io", message->nsp);
  for (const auto& room : again->data->find("opts")->find("rooms")->asArray())
    if (channels.roomOf(channels.room(room.asString())) != room.asString()) std::abort();
  return 0;
}
