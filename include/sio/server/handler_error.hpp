// What happens when user code run by the server throws: an event handler, a catch-all
// listener, a middleware, a `connection` or disconnect handler, an ack callback, a
// server-side listener. By default the exception is contained at the dispatch boundary:
// logged at `error` with the event name, passed to the server's onError hooks, and only
// the socket concerned is disconnected ("server handler error"). Rethrow keeps Node's
// behaviour: the exception propagates out of io.run(), as an uncaught exception ends a
// Node process.
#pragma once

#include <functional>
#include <string>

#include "sio/adapter/types.hpp"

namespace sio {

enum class HandlerErrorPolicy {
  // Log, call the hooks, disconnect only the socket concerned (none for callbacks that
  // belong to no socket: a broadcast's ack, a serverSideEmit listener or ack).
  DisconnectSocket,
  // Let the exception propagate out of io.run() (Node: the process ends).
  Rethrow,
};

// The reason a socket disconnected for a contained handler error gets in its disconnect
// handlers (the client sees "io server disconnect", as for socket.disconnect()).
inline constexpr const char* kHandlerErrorReason = "server handler error";

struct HandlerError {
  SocketId socket;  // empty when the code belongs to no socket
  std::string nsp;
  // The event name (event handlers, catch-all listeners, packet middlewares, server-side
  // listeners), or "connection", "middleware" (connection middleware), "ack",
  // "disconnecting", "disconnect", "error" (the socket's error handlers), "namespace" (a
  // dynamic namespace matcher), "fetchSockets".
  std::string event;
  std::string message;  // what(), or "unknown exception" for anything not a std::exception
};

using HandlerErrorHook = std::function<void(const HandlerError& error)>;

}  // namespace sio
