// sio-bench: reading the two packets of the hot path without building a Value: the
// broadcast event `2["b",<seq>,<ts>]` (numbers found by scanning) and the `op` ack
// `3<id>[{"ok":…}]`. Anything that does not match the fast shape falls back to the
// project's decoder (sio/protocol/decoder.hpp), so unusual but valid JSON still counts.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sio::bench {

struct BroadcastEvent {
  uint64_t seq = 0;
  uint64_t timestampNs = 0;
};

// Decodes a packet with the full decoder; nothing when it is not the event `event` with
// two leading non-negative integer arguments.
std::optional<BroadcastEvent> decodeBroadcastSlow(std::string_view packet, std::string_view event);

// `packet` starts with the Socket.IO type digit. `prefix` is `2["<event>",`.
inline std::optional<BroadcastEvent> scanBroadcast(std::string_view packet, std::string_view prefix,
                                                   std::string_view event) {
  if (packet.size() > prefix.size() && packet.compare(0, prefix.size(), prefix) == 0) {
    const char* p = packet.data() + prefix.size();
    const char* end = packet.data() + packet.size();
    BroadcastEvent out;
    auto first = std::from_chars(p, end, out.seq);
    if (first.ec == std::errc() && first.ptr < end && *first.ptr == ',') {
      auto second = std::from_chars(first.ptr + 1, end, out.timestampNs);
      if (second.ec == std::errc() && second.ptr < end &&
          (*second.ptr == ']' || *second.ptr == ','))
        return out;
    }
  }
  if (packet.empty() || packet[0] != '2') return std::nullopt;
  return decodeBroadcastSlow(packet, event);
}

struct OpAck {
  uint64_t id = 0;
  bool ok = false;
  std::string error;  // when !ok
};

// `packet` is `3<id>[…]`; nothing when it is not an ack.
std::optional<OpAck> scanOpAck(std::string_view packet);

}  // namespace sio::bench
