// The in-memory adapter with connection state recovery (socket.io-adapter's
// SessionAwareAdapter): every broadcast EVENT without ack and not volatile gets an offset
// appended as its last argument and is kept for maxDisconnectionDuration; sessions of
// disconnected sockets are kept as long, and restoring one gives back its rooms, data and
// the packets it missed after the client's last offset.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <unordered_map>

#include "sio/adapter/adapter.hpp"

namespace sio {

class SessionAwareAdapter : public Adapter {
 public:
  explicit SessionAwareAdapter(AdapterHost& nsp);
  ~SessionAwareAdapter() override;

  void init() override;
  void close() override;
  void broadcast(protocol::Packet packet, const BroadcastOptions& opts) override;
  void persistSession(SessionToPersist session) override;
  void restoreSession(const std::string& pid, const std::string& offset,
                      RestoreCallback done) override;

 private:
  using Clock = std::chrono::steady_clock;
  struct StoredPacket {
    std::string offset;
    BroadcastOptions opts;
    Value data;
    Clock::time_point emittedAt;
  };
  struct StoredSession {
    SessionToPersist session;
    Clock::time_point disconnectedAt;
  };

  void scheduleCleanup();
  void cleanup();
  std::string nextOffset();

  std::chrono::milliseconds maxDisconnectionDuration_;
  std::unordered_map<std::string, StoredSession> sessions_;
  std::deque<StoredPacket> packets_;
  uint64_t offsetCounter_ = 0;
  boost::asio::steady_timer cleanupTimer_;
};

}  // namespace sio
