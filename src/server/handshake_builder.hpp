// Builds a socket's handshake record from the request that opened its connection.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "sio/engine/request.hpp"
#include "sio/server/handshake.hpp"

namespace sio {

Handshake buildHandshake(std::shared_ptr<const engine::Request> request, Value auth);

// The time as JavaScript's Date.prototype.toString() writes it (in UTC), e.g.
// "Sat Nov 21 2026 22:00:00 GMT+0000 (Coordinated Universal Time)".
std::string jsDateString(std::chrono::system_clock::time_point time);

}  // namespace sio
