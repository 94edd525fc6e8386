// One Engine.IO session (Node's engine.io `Socket`): the write buffer and its flushes, the
// heartbeat (v4: the server pings, the client pongs; v3: the other way round), the upgrade
// from polling to WebSocket, and the close with Node's reasons. Runs on the io_context thread;
// transports report to it as their TransportListener. The heartbeat's and the upgrade's
// decisions are SessionHeartbeat's and SessionUpgrade's; the session keeps their deadlines
// as entries of its io_context's timer wheel (no timer of its own).
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <vector>

#include "session_heartbeat.hpp"
#include "session_upgrade.hpp"
#include "sio/engine/options.hpp"
#include "sio/engine/server.hpp"
#include "sio/engine/socket.hpp"
#include "sio/engine/timer_wheel.hpp"
#include "transport.hpp"

namespace sio::engine {

class ContextTimerWheel;

class Session final : public Socket,
                      public TransportListener,
                      public std::enable_shared_from_this<Session> {
 public:
  // Told once the session has ended, with its reason and description.
  using ClosedHook = std::function<void(const std::string& id, std::string_view reason,
                                        std::string_view description)>;
  // What every session of a server shares, held once per server rather than in each
  // session: the options, the server's counters (messages, bytes, upgrades), the
  // io_context's timer wheel and the hook told when a session ends.
  struct Shared {
    Shared(boost::asio::io_context& io, std::shared_ptr<const ServerOptions> options,
           std::shared_ptr<ServerStats> stats, ClosedHook onClosed);
    std::shared_ptr<const ServerOptions> options;
    std::shared_ptr<ServerStats> stats;
    ContextTimerWheel& timers;
    ClosedHook onClosed;
    // The slow-consumer bound in force: maxBufferedBytes, never under one packet of the
    // largest size a client may send (0: none).
    size_t outboundBound;
  };
  // The description of a session closed because its client does not read.
  static constexpr std::string_view kSlowConsumer = "slow consumer";

  Session(std::string id, Request request, std::shared_ptr<const Shared> shared,
          std::shared_ptr<Transport> transport);
  ~Session() override;

  // Sends the open packet and starts the heartbeat.
  void open();
  // Starts probing `transport` as an upgrade of the current one.
  void maybeUpgrade(std::shared_ptr<Transport> transport);
  bool upgrading() const { return upgrade() != nullptr; }
  Transport& transport() { return *transport_; }

  // Socket
  const std::string& id() const override { return id_; }
  const Request& request() const override { return request_; }
  std::string_view transportName() const override { return transport_->name(); }
  int protocol() const override { return heartbeat_.protocol(); }
  ReadyState readyState() const override { return state_; }
  bool upgraded() const override { return upgraded_; }
  bool writable() const override;
  void onMessage(MessageHandler handler) override { onMessage_ = std::move(handler); }
  void onClose(CloseHandler handler) override { onClose_ = std::move(handler); }
  void onUpgrade(UpgradeHandler handler) override;
  void send(Packet message, bool compress = true) override;
  void sendShared(const SharedBytes& data, bool binary, bool compress) override;
  void prefetchSend(int stage) const override;
  void close() override;
  void closeNow(std::string_view reason) override;

  // TransportListener
  void onTransportPacket(Transport& transport, Packet packet) override;
  void onTransportParseError(Transport& transport) override;
  void onTransportError(Transport& transport, std::string_view message) override;
  void onTransportClose(Transport& transport) override;
  void onTransportDrain(Transport& transport) override;
  void onTransportReady(Transport& transport) override;

 private:
  // Where a packet of `size` bytes goes now: nowhere (the session is closing, or the
  // packet would break the slow-consumer bound, which closes it), straight to the
  // transport, or into the write buffer.
  enum class Route { Drop, Transport, Buffer };
  Route route(size_t size);
  void countSent(size_t bytes);  // the server's counters of messages and bytes sent
  void sendPacket(Packet packet, bool compress);
  void buffer(Packet packet, size_t size, bool compress);
  void closeSlowConsumer();
  void flush();
  void applyHeartbeat(SessionHeartbeat::Action action);
  void armHeartbeatTimer();
  void onProbePacket(Packet packet);
  void applyUpgrade(SessionUpgrade::Action action);
  void armUpgradeTimer();
  void dropProbe();
  void completeUpgrade();
  void endUpgrade();
  void sendNoopForFastUpgrade();
  void closeTransport();
  void finish(std::string_view reason, std::string_view description = {});
  void onHeartbeatDeadline();
  void onUpgradeDeadline();
  bool isProbe(const Transport& transport) const {
    auto* upgrade = this->upgrade();
    return upgrade && &transport == upgrade->probe.get();
  }

  // An upgrade under way (held only then): the WebSocket being probed, the upgrade's state
  // and its deadline.
  struct UpgradeInProgress {
    UpgradeInProgress(std::shared_ptr<Transport> probe, std::chrono::milliseconds timeout,
                      Session* session)
        : probe(std::move(probe)),
          state(timeout),
          deadline(&TimerWheel::Entry::member<&Session::onUpgradeDeadline>, session) {}
    std::shared_ptr<Transport> probe;
    SessionUpgrade state;
    TimerWheel::Entry deadline;  // at state.deadline()
  };

  // What a session holds only at times, allocated on first use and kept: packets waiting
  // for the transport (a polling session's between polls; a WebSocket session's only while
  // the kernel refuses bytes), an upgrade and its handlers (polling only). An idle
  // WebSocket session has none.
  struct Extras {
    std::vector<Packet> writeBuffer;
    size_t bufferedBytes = 0;  // of writeBuffer
    std::unique_ptr<UpgradeInProgress> upgrade;
    std::vector<UpgradeHandler> onUpgrade;  // every one is called
  };
  Extras& extras();
  bool hasBuffered() const { return extras_ && !extras_->writeBuffer.empty(); }
  size_t bufferedBytes() const { return extras_ ? extras_->bufferedBytes : 0; }
  UpgradeInProgress* upgrade() const { return extras_ ? extras_->upgrade.get() : nullptr; }
  void dropBuffered();

  std::string id_;
  Request request_;
  std::shared_ptr<const Shared> shared_;  // the server's options, counters, timers, hook
  std::shared_ptr<Transport> transport_;
  SessionHeartbeat heartbeat_;           // also the Engine.IO revision: 4, or 3 (the client pings)
  TimerWheel::Entry heartbeatDeadline_;  // at heartbeat_.deadline()
  MessageHandler onMessage_;
  CloseHandler onClose_;
  std::unique_ptr<Extras> extras_;
  // The small state last, packed together (no padding between flags).
  ReadyState state_ = ReadyState::Opening;
  bool upgraded_ = false;
  bool closeAfterDrain_ = false;  // close() was called with packets still buffered
  bool forcedClose_ = false;      // the server asked the transport to close
  bool abortTransport_ = false;   // the end tears the transport down (no graceful close)
  bool compressBuffer_ = false;   // of the write buffer
};

}  // namespace sio::engine
