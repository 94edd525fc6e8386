// Redis Cluster hash slots: CRC16 (the XMODEM variant the cluster uses) of the key, or of
// its hash tag, modulo 16384. A hash tag is the part between the first `{` and the first
// `}` after it, when that part is not empty; it lets related keys share a slot.
// Used by the cluster client (src/redis/cluster_client.cpp) to route commands.
#pragma once

#include <cstdint>
#include <string_view>

namespace sio::redis {

inline constexpr int kClusterSlots = 16384;

// CRC16-CCITT as XMODEM computes it: polynomial 0x1021, initial value 0, no reflection.
uint16_t crc16(std::string_view bytes);

// The part of `key` that is hashed: its hash tag when it has one, else the whole key.
std::string_view hashTag(std::string_view key);

// The cluster slot of `key`, 0 ... 16383.
int keySlot(std::string_view key);

}  // namespace sio::redis
