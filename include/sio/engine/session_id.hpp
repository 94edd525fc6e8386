// Random ids (Engine.IO session ids, Socket.IO socket ids and private session ids):
// 15 bytes from the kernel's CSPRNG as 20 characters of URL-safe base64,
// the shape of Node's base64id.
#pragma once

#include <string>

namespace sio::engine {

std::string generateSessionId();

}  // namespace sio::engine
