// The reasons a Socket.IO socket disconnects, spelled exactly as Node's socket.io gives
// them to `disconnect` handlers: the Engine.IO session's own reasons (transport close,
// ping timeout, …; see sio/engine/close_reason.hpp) and the server's, listed here. Which
// of them leave a session that connection state recovery may restore is socket.io's
// RECOVERABLE_DISCONNECT_REASONS.
#pragma once

#include <algorithm>
#include <array>
#include <string_view>

#include "sio/engine/close_reason.hpp"

namespace sio::disconnect_reason {

inline constexpr std::string_view kServerNamespaceDisconnect = "server namespace disconnect";
inline constexpr std::string_view kClientNamespaceDisconnect = "client namespace disconnect";
inline constexpr std::string_view kServerShuttingDown = "server shutting down";
inline constexpr std::string_view kForcedServerClose = "forced server close";

// After one of these the session is kept for recovery; after the others (the namespace
// left on purpose by either side, a parse error, a handler error) it is not.
inline constexpr std::array<std::string_view, 6> kRecoverable = {
    engine::close_reason::kTransportError,
    engine::close_reason::kTransportClose,
    engine::close_reason::kForcedClose,
    engine::close_reason::kPingTimeout,
    kServerShuttingDown,
    kForcedServerClose,
};

inline bool isRecoverable(std::string_view reason) {
  return std::find(kRecoverable.begin(), kRecoverable.end(), reason) != kRecoverable.end();
}

}  // namespace sio::disconnect_reason
