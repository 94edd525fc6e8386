// The server side of the Socket.IO Admin UI (@socket.io/admin-ui 0.5.1, Node's
// `instrument(io, options)`): a namespace ("/admin") that the official UI connects to, with
// its login, its configuration, the server's stats every 2 s, the sockets of every
// namespace and, in development mode, every connection, room change and event as it
// happens; plus the UI's actions (join, leave, disconnect, emit) unless read-only. Stats and
// updates go through the adapter, so a UI connected to any node of a cluster (C++ or
// Node.js nodes running instrument()) sees every node.
//
//   sio::instrument(server, {.auth = sio::AdminUiBasicAuth{"admin", hash}});
//   // hash: sio::adminUiHashPassword("secret"), or any bcrypt hash ($2a$, $2b$, $2y$)
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "sio/server/admin_ui_store.hpp"

namespace sio {

class Server;

// `auth: false`: anyone who reaches the namespace is let in.
struct AdminUiNoAuth {};
// `auth: {type: "basic", username, password}`: the UI sends both; `password` is stored as a
// bcrypt hash, never in clear.
struct AdminUiBasicAuth {
  std::string username;
  std::string password;  // bcrypt hash: "$2a$", "$2b$" or "$2y$", cost 04 to 31
};
using AdminUiAuth = std::variant<AdminUiNoAuth, AdminUiBasicAuth>;

// Development: every connection, disconnection, room change and event is sent to the UI
// (and sockets carry their client id and transport in data._admin). Production: stats and
// aggregated counts only, for the sake of performance.
enum class AdminUiMode { Development, Production };

struct AdminUiOptions {
  // Required, as in Node: AdminUiNoAuth{} or AdminUiBasicAuth{...}; unset throws.
  std::optional<AdminUiAuth> auth;
  std::string namespaceName = "/admin";
  // No actions: the UI can look, not join, leave, disconnect or emit.
  bool readonly = false;
  // This node's name in the UI's server list (default: the host name).
  std::optional<std::string> serverId;
  // Login sessions (default: AdminUiInMemoryStore).
  std::shared_ptr<AdminUiStore> store;
  AdminUiMode mode = AdminUiMode::Development;
};

// Serves the Admin UI namespace on `server` for as long as the server lives (stopped by its
// close()). Call it before listening, after setting the adapter. Throws
// std::invalid_argument when `auth` is unset or its password is not a bcrypt hash.
void instrument(Server& server, AdminUiOptions options);

// A bcrypt hash ("$2b$", `cost` from 4 to 31) of `password`, for AdminUiBasicAuth (what
// `bcrypt.hashSync(password, 10)` gives in Node). Throws std::invalid_argument for a cost
// out of range, std::runtime_error when the system cannot hash.
std::string adminUiHashPassword(std::string_view password, int cost = 10);

}  // namespace sio
