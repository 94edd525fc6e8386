// Fuzz target: Engine.IO packet and payload decoding (polling POST bodies and WebSocket
// text frames). Anything decoded must re-encode to a payload that decodes the same.
#include <cstdint>
#include <cstdlib>

#include "sio/engine/packet.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  sio::engine::decodePacket(input);
  auto packets = sio::engine::decodePayload(input);
  if (!packets) return 0;
  auto again = sio::engine::decodePayload(sio::engine::encodePayload(*packets));
  if (!again || again->size() != packets->size()) std::abort();
  for (size_t i = 0; i < packets->size(); ++i)
    if ((*again)[i].view() != (*packets)[i].view() || (*again)[i].type != (*packets)[i].type)
      std::abort();
  return 0;
}
