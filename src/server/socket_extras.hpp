// What a socket holds only once it is used: the next emit's timeout (an emit with a
// timeout awaits an ack, which lives here too), catch-all and outgoing listeners, packet
// middlewares, lifecycle handlers, the acks it awaits, the session id for recovery and the
// restored session it connects with. Most sockets never set any of them, so Socket keeps
// them out of line, allocated on first use: an idle socket pays one pointer instead of a
// dozen empty containers.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sio/server/socket.hpp"

namespace sio {

struct SocketExtras {
  std::string pid;                            // the private session id (connection state recovery)
  std::unique_ptr<RestoredSession> previous;  // until onConnect (a restored session)
  std::optional<std::chrono::milliseconds> nextTimeout;  // set by timeout() for the next emit
  std::vector<AnyHandler> anyListeners;
  std::vector<AnyHandler> anyOutgoingListeners;
  std::vector<Socket::PacketMiddleware> middlewares;
  std::vector<DisconnectHandler> onDisconnecting;
  std::vector<DisconnectHandler> onDisconnect;
  std::vector<ErrorHandler> onError;
  std::vector<std::function<void(std::string_view)>> onTransportUpgrade;
  std::unordered_map<uint64_t, std::function<void(Args)>> acks;
  std::unordered_map<uint64_t, std::shared_ptr<boost::asio::steady_timer>> ackTimers;

  // Drops every handler (they often hold the socket) and the acks that can never come
  // now; those with a timeout end when it fires.
  void dropHandlers() {
    anyListeners.clear();
    anyOutgoingListeners.clear();
    middlewares.clear();
    onDisconnecting.clear();
    onDisconnect.clear();
    onError.clear();
    onTransportUpgrade.clear();
    std::erase_if(acks, [this](const auto& entry) { return !ackTimers.count(entry.first); });
  }
};

}  // namespace sio
