// JavaScript's number rules shared by the msgpack encoder and decoder: the safe-integer
// range (Number.MAX_SAFE_INTEGER) and whether a double holds a safe integer.
#pragma once

#include <cmath>
#include <cstdint>

namespace sio::codec::msgpack_detail {

constexpr int64_t kMaxSafeInt = 9007199254740991;  // Number.MAX_SAFE_INTEGER
constexpr double kMaxSafe = 9007199254740991.0;

inline bool isSafeIntegral(double d) {
  return d >= -kMaxSafe && d <= kMaxSafe && d == std::trunc(d);
}

}  // namespace sio::codec::msgpack_detail
