// sio-bench: one session of the `churn` workload, a client that comes and goes without
// finishing what a well-behaved one would, each kind on a real TCP connection of its own:
// unfinished handshakes, cut upgrades, vanishing WebSockets, abandoned polling sessions,
// and (for contrast) clean sessions that join and leave rooms and namespaces.
// `done` is called once (an empty error when the session went as the kind intends).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "target_url.hpp"

namespace sio::bench {

enum class ChurnKind { Handshake, UpgradeCut, Vanish, PollingTimeout, Rooms };

// In the order a full run takes them.
const std::vector<ChurnKind>& allChurnKinds();
std::string_view churnKindName(ChurnKind kind);
// Nothing when `name` is not a kind.
std::optional<ChurnKind> churnKindNamed(std::string_view name);

class ChurnSession {
 public:
  using Done = std::function<void(std::string_view error)>;
  virtual ~ChurnSession() = default;
  virtual void start() = 0;
};

// `index` (0, 1, 2, …) picks the variant where a kind alternates (handshake: half a request
// or an abandoned Engine.IO session; upgrade-cut: where the upgrade is cut; vanish: FIN or
// reset). `endpoint` and `url` must outlive the session; destroying it ends its connection.
std::unique_ptr<ChurnSession> makeChurnSession(ChurnKind kind, uint64_t index,
                                               boost::asio::io_context& io,
                                               const boost::asio::ip::tcp::endpoint& endpoint,
                                               const TargetUrl& url, ChurnSession::Done done);

// The kinds over HTTP first (churn_polling_sessions.cpp) and over WebSocket
// (churn_websocket_sessions.cpp), which makeChurnSession dispatches to.
std::unique_ptr<ChurnSession> makeHandshakeSession(uint64_t index, boost::asio::io_context& io,
                                                   const boost::asio::ip::tcp::endpoint& endpoint,
                                                   const TargetUrl& url, ChurnSession::Done done);
std::unique_ptr<ChurnSession> makeUpgradeCutSession(uint64_t index, boost::asio::io_context& io,
                                                    const boost::asio::ip::tcp::endpoint& endpoint,
                                                    const TargetUrl& url, ChurnSession::Done done);
std::unique_ptr<ChurnSession> makePollingTimeoutSession(
    boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
    const TargetUrl& url, ChurnSession::Done done);
std::unique_ptr<ChurnSession> makeVanishSession(uint64_t index, boost::asio::io_context& io,
                                                const boost::asio::ip::tcp::endpoint& endpoint,
                                                const TargetUrl& url, ChurnSession::Done done);
std::unique_ptr<ChurnSession> makeRoomsSession(boost::asio::io_context& io,
                                               const boost::asio::ip::tcp::endpoint& endpoint,
                                               const TargetUrl& url, ChurnSession::Done done);

}  // namespace sio::bench
