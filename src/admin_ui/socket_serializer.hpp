// A socket as the Admin UI lists it (admin-ui's `serialize`): {id, clientId, transport,
// nsp, data, handshake: {address, headers, query, issued, secure, time, url, xdomain},
// rooms}. Made the same way for a socket of this node and for one fetched from another node
// (C++ or Node.js), from what fetchSockets carries: clientId and transport come from
// data._admin, which instrumented nodes put there, and data is shown without it.
#pragma once

#include <string>
#include <vector>

#include "sio/adapter/types.hpp"

namespace sio::admin_ui {

// The key of socket.data where instrumented nodes keep {clientId, transport}.
inline constexpr const char* kAdminDataKey = "_admin";

Value serializeSocket(const SocketId& id, const std::string& nsp, const Value& handshake,
                      const std::vector<Room>& rooms, const Value& data);

// socket.data without its `_admin` member (anything that is not an object, as it is).
Value dataWithoutAdmin(const Value& data);

}  // namespace sio::admin_ui
