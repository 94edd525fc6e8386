// Engine.IO session logic, following Node's engine.io 6.6 `Socket`: packets are buffered
// and flushed whenever the transport is writable; the server pings every pingInterval and
// closes the session when no pong comes within pingTimeout (v3: the client pings, the
// server answers pong and closes the session when no ping comes within pingInterval +
// pingTimeout); an upgrade answers the probe, nudges the polling side with noops and
// switches transports on `5`. SessionHeartbeat and SessionUpgrade decide; this file keeps
// their wheel entries at their deadlines and carries out what they answer.
#include "session.hpp"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "sio/engine/close_reason.hpp"
#include "sio/engine/context_timer_wheel.hpp"
#include "wire_format.hpp"

namespace sio::engine {
namespace {

SessionHeartbeat::TimePoint now() {
  return SessionHeartbeat::Clock::now();
}

std::string openPacketJson(const std::string& id, bool offerWebSocket,
                           const ServerOptions& options) {
  std::string json = "{\"sid\":\"" + id + "\",\"upgrades\":[";
  if (offerWebSocket) json += "\"websocket\"";
  json += "],\"pingInterval\":" + std::to_string(options.pingInterval.count());
  json += ",\"pingTimeout\":" + std::to_string(options.pingTimeout.count());
  json += ",\"maxPayload\":" + std::to_string(options.maxHttpBufferSize) + "}";
  return json;
}

}  // namespace

Session::Shared::Shared(boost::asio::io_context& io, std::shared_ptr<const ServerOptions> options,
                        std::shared_ptr<ServerStats> stats, ClosedHook onClosed)
    : options(std::move(options)),
      stats(stats ? std::move(stats) : std::make_shared<ServerStats>()),
      timers(ContextTimerWheel::of(io)),
      onClosed(std::move(onClosed)),
      outboundBound(this->options->maxBufferedBytes ? std::max(this->options->maxBufferedBytes,
                                                               this->options->maxHttpBufferSize)
                                                    : 0) {}

Session::Session(std::string id, Request request, std::shared_ptr<const Shared> shared,
                 std::shared_ptr<Transport> transport)
    : id_(std::move(id)),
      request_(std::move(request)),
      shared_(std::move(shared)),
      transport_(std::move(transport)),
      heartbeat_(protocolOf(request_), shared_->options->pingInterval,
                 shared_->options->pingTimeout),
      heartbeatDeadline_(&TimerWheel::Entry::member<&Session::onHeartbeatDeadline>, this) {}

Session::~Session() = default;

// The wheel calls these only while their entry, a member, is alive (destroying it unlinks
// it); the session is kept alive while they run.
void Session::onHeartbeatDeadline() {
  auto self = weak_from_this().lock();
  if (self) applyHeartbeat(heartbeat_.onTimer(now()));
}

void Session::onUpgradeDeadline() {
  auto self = weak_from_this().lock();
  if (!self) return;
  if (auto* upgrade = this->upgrade()) applyUpgrade(upgrade->state.onTimer(now()));
}

void Session::open() {
  transport_->setListener(weak_from_this());
  state_ = ReadyState::Open;
  const ServerOptions& options = *shared_->options;
  const auto& transports = options.transports;
  bool offerWebSocket =
      options.allowUpgrades && transport_->name() == "polling" &&
      std::find(transports.begin(), transports.end(), "websocket") != transports.end();
  // the same open packet for v3 (engine.io sends maxPayload to v3 clients too)
  sendPacket(makePacket(PacketType::Open, openPacketJson(id_, offerWebSocket, options)), false);
  heartbeat_.start(now());
  armHeartbeatTimer();
}

Session::Extras& Session::extras() {
  if (!extras_) extras_ = std::make_unique<Extras>();
  return *extras_;
}

void Session::dropBuffered() {
  if (!extras_) return;
  std::vector<Packet>().swap(extras_->writeBuffer);
  extras_->bufferedBytes = 0;
}

void Session::onUpgrade(UpgradeHandler handler) {
  extras().onUpgrade.push_back(std::move(handler));
}

bool Session::writable() const {
  return state_ == ReadyState::Open && transport_->writable() && !hasBuffered();
}

void Session::countSent(size_t bytes) {
  ServerStats& stats = *shared_->stats;
  ++stats.messagesSent;
  stats.bytesSent += bytes;
}

void Session::send(Packet message, bool compress) {
  countSent(message.view().size());
  sendPacket(std::move(message), compress);
}

Session::Route Session::route(size_t size) {
  if (state_ == ReadyState::Closing || state_ == ReadyState::Closed) return Route::Drop;
  if (size_t bound = shared_->outboundBound) {
    size_t queued = bufferedBytes() + transport_->bufferedBytes();
    if (queued > 0 && queued + size > bound) {
      closeSlowConsumer();
      return Route::Drop;
    }
  }
  // nothing waits before it: straight to the transport, which queues it for this turn
  if (!hasBuffered() && state_ == ReadyState::Open && transport_->writable())
    return Route::Transport;
  return Route::Buffer;
}

void Session::sendPacket(Packet packet, bool compress) {
  size_t size = packet.view().size() + 1;
  switch (route(size)) {
    case Route::Drop:
      return;
    case Route::Transport:
      return transport_->sendOne(std::move(packet), compress);
    case Route::Buffer:
      return buffer(std::move(packet), size, compress);
  }
}

void Session::sendShared(const SharedBytes& data, bool binary, bool compress) {
  size_t size = data ? data->size() : 0;
  countSent(size);
  switch (route(size + 1)) {
    case Route::Drop:
      return;
    case Route::Transport:
      return transport_->sendShared(data, binary, compress);
    case Route::Buffer:
      return buffer(Packet{PacketType::Message, data, binary}, size + 1, compress);
  }
}

void Session::prefetchSend(int stage) const {
  if (stage == 1) {
    __builtin_prefetch(&state_);
    __builtin_prefetch(&transport_);
    __builtin_prefetch(&extras_);
    return;
  }
  // The transport's first lines (its state and queue): read by bufferedBytes(), writable()
  // and sendShared(); the control block of make_shared sits just before it.
  const char* transport = reinterpret_cast<const char*>(transport_.get());
  for (int line = -1; line < 6; ++line) __builtin_prefetch(transport + 64 * line);
}

void Session::buffer(Packet packet, size_t size, bool compress) {
  Extras& extras = this->extras();
  extras.bufferedBytes += size;
  compressBuffer_ = compressBuffer_ || compress;
  extras.writeBuffer.push_back(std::move(packet));
  flush();
}

// A client that does not read: its queue is dropped now and the session ends, though not
// from inside this call (the caller may be a broadcast walking the sockets). The transport
// is aborted at once (not closed gracefully), which frees its buffers and descriptor.
void Session::closeSlowConsumer() {
  state_ = ReadyState::Closing;
  dropBuffered();
  abortTransport_ = true;
  transport_->clearListener();
  transport_->abort();  // reports nothing, so it is safe here; finish() follows
  boost::asio::post(shared_->timers.executor(), [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->finish(close_reason::kTransportError, kSlowConsumer);
  });
}

void Session::flush() {
  if (state_ == ReadyState::Closed || !transport_->writable() || !hasBuffered()) return;
  auto batch = std::move(extras_->writeBuffer);
  extras_->writeBuffer.clear();
  extras_->bufferedBytes = 0;
  bool compress = compressBuffer_;
  compressBuffer_ = false;
  auto keepAlive = shared_from_this();  // the transport may report a close while sending
  transport_->send(std::move(batch), compress);
  if (closeAfterDrain_ && state_ == ReadyState::Closing) {
    closeAfterDrain_ = false;
    closeTransport();
  }
}

// Carries out the heartbeat's answer: a ping or a pong, or the end of the session; then
// waits for its next deadline.
void Session::applyHeartbeat(SessionHeartbeat::Action action) {
  if (!action.closeReason.empty()) {
    // A write still stuck in the transport would hold a graceful close: tear it down.
    if (action.closeReason == close_reason::kPingTimeout && transport_->bufferedBytes() > 0)
      abortTransport_ = true;
    return finish(action.closeReason, action.closeDescription);
  }
  if (action.sendPing) sendPacket(makePacket(PacketType::Ping), false);
  if (action.sendPong) sendPacket(makePacket(PacketType::Pong), false);
  armHeartbeatTimer();
}

void Session::armHeartbeatTimer() {
  auto deadline = heartbeat_.deadline();
  if (!deadline) return heartbeatDeadline_.cancel();
  shared_->timers.schedule(heartbeatDeadline_, *deadline);
}

void Session::onTransportPacket(Transport& transport, Packet packet) {
  if (isProbe(transport)) return onProbePacket(std::move(packet));
  if (&transport != transport_.get() || state_ != ReadyState::Open) return;
  switch (packet.type) {
    case PacketType::Ping:  // v3 only: v4 clients never ping
      applyHeartbeat(heartbeat_.onPing(now()));
      break;
    case PacketType::Pong:  // v4 only
      applyHeartbeat(heartbeat_.onPong(now()));
      break;
    case PacketType::Message:
      ++shared_->stats->messagesReceived;
      shared_->stats->bytesReceived += packet.view().size();
      if (onMessage_) onMessage_(packet);
      break;
    case PacketType::Close:  // the client leaves (WebSocket; polling reports a close)
      finish(close_reason::kTransportClose);
      break;
    default:
      break;
  }
}

void Session::onTransportParseError(Transport& transport) {
  if (isProbe(transport)) {
    transport.close();
    endUpgrade();
  } else if (&transport == transport_.get()) {
    finish(close_reason::kParseError);
  }
}

void Session::onTransportError(Transport& transport, std::string_view message) {
  if (isProbe(transport)) {
    transport.close();
    endUpgrade();
  } else if (&transport == transport_.get()) {
    finish(close_reason::kTransportError, message);
  }
}

void Session::onTransportClose(Transport& transport) {
  if (isProbe(transport)) {
    endUpgrade();
  } else if (&transport == transport_.get()) {
    finish(forcedClose_ ? close_reason::kForcedClose : close_reason::kTransportClose);
  }
}

void Session::onTransportDrain(Transport&) {}

void Session::onTransportReady(Transport& transport) {
  if (&transport != transport_.get()) return;
  flush();
  if (auto* upgrade = this->upgrade()) applyUpgrade(upgrade->state.onPollReady(now()));
}

void Session::maybeUpgrade(std::shared_ptr<Transport> transport) {
  auto& upgrade = extras().upgrade;
  upgrade = std::make_unique<UpgradeInProgress>(std::move(transport),
                                                shared_->options->upgradeTimeout, this);
  auto probe = upgrade->probe;
  probe->setListener(weak_from_this());
  upgrade->state.begin(now());
  armUpgradeTimer();
  probe->start();
}

void Session::onProbePacket(Packet packet) {
  applyUpgrade(upgrade()->state.onProbePacket(packet, state_ == ReadyState::Closed, now()));
}

// Carries out the upgrade's answer, then waits for its next deadline.
void Session::applyUpgrade(SessionUpgrade::Action action) {
  if (auto* upgrade = this->upgrade(); action.answerProbe && upgrade)
    upgrade->probe->send({makePacket(PacketType::Pong, "probe")}, false);
  if (action.nudgePoll) sendNoopForFastUpgrade();
  if (action.complete) return completeUpgrade();
  if (action.dropProbe) return dropProbe();
  armUpgradeTimer();
}

void Session::armUpgradeTimer() {
  auto* upgrade = this->upgrade();
  if (!upgrade) return;
  auto deadline = upgrade->state.deadline();
  if (!deadline) return upgrade->deadline.cancel();
  shared_->timers.schedule(upgrade->deadline, *deadline);
}

// The upgrade is abandoned (upgrade timeout, or a packet other than `2probe` and `5`).
void Session::dropProbe() {
  auto* upgrade = this->upgrade();
  if (!upgrade) return;
  auto probe = upgrade->probe;
  endUpgrade();
  probe->close();
}

// While a probe is answered, a pending poll is released with a noop (at once, then every
// 100 ms: SessionUpgrade), so the client can pause polling and send `5`.
void Session::sendNoopForFastUpgrade() {
  if (transport_->name() == "polling" && transport_->writable())
    transport_->send({makePacket(PacketType::Noop)}, false);
}

void Session::completeUpgrade() {
  auto* upgrade = this->upgrade();
  if (!upgrade) return;
  auto next = upgrade->probe;
  endUpgrade();
  auto previous = std::exchange(transport_, next);
  previous->discard();
  previous->clearListener();
  previous->close();
  upgraded_ = true;
  ++shared_->stats->upgrades;
  if (extras_ && !extras_->onUpgrade.empty()) {
    auto upgradeHandlers = extras_->onUpgrade;  // a handler may add another, or close this session
    for (auto& handler : upgradeHandlers) handler(transport_->name());
  }
  flush();
  if (state_ == ReadyState::Closing) closeTransport();
}

// The upgrade's state is freed after the current handler: this may run inside its deadline's
// own callback.
void Session::endUpgrade() {
  if (!upgrade()) return;
  auto ended = std::move(extras_->upgrade);
  ended->probe.reset();
  ended->deadline.cancel();
  boost::asio::post(shared_->timers.executor(), [ended = std::move(ended)] {});
}

void Session::close() {
  if (state_ != ReadyState::Open) return;
  state_ = ReadyState::Closing;
  if (hasBuffered()) {
    closeAfterDrain_ = true;
    return;
  }
  closeTransport();
}

void Session::closeNow(std::string_view reason) {
  finish(reason);
}

void Session::closeTransport() {
  forcedClose_ = true;
  auto keepAlive = shared_from_this();
  transport_->close();
}

// Ends the session once: cancels its deadlines, lets the transport go and tells the
// application and the server.
void Session::finish(std::string_view reason, std::string_view description) {
  if (state_ == ReadyState::Closed) return;
  auto keepAlive = shared_from_this();
  state_ = ReadyState::Closed;
  heartbeat_.stop();
  heartbeatDeadline_.cancel();
  if (auto* upgrade = this->upgrade()) {
    auto probe = upgrade->probe;
    endUpgrade();
    probe->clearListener();
    probe->close();
  }
  dropBuffered();
  transport_->clearListener();
  if (abortTransport_)
    transport_->abort();
  else
    transport_->close();
  auto handler = std::move(onClose_);
  onMessage_ = nullptr;
  if (extras_) std::vector<UpgradeHandler>().swap(extras_->onUpgrade);
  if (handler) handler(reason, description);
  if (shared_->onClosed) shared_->onClosed(id_, reason, description);  // once: state_ is Closed
}

}  // namespace sio::engine
