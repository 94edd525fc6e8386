// Connection state recovery in memory: offsets are `<counter>` strings unique to this
// adapter; a cleanup timer drops sessions and packets older than maxDisconnectionDuration.
#include "sio/adapter/session_aware_adapter.hpp"

namespace sio {
namespace {

constexpr auto kCleanupInterval = std::chrono::seconds(60);

bool shouldInclude(const std::vector<Room>& sessionRooms, const BroadcastOptions& opts) {
  bool included = opts.rooms.empty();
  for (const auto& room : sessionRooms) {
    if (opts.except.contains(room)) return false;
    if (opts.rooms.contains(room)) included = true;
  }
  return included;
}

}  // namespace

SessionAwareAdapter::SessionAwareAdapter(AdapterHost& nsp)
    : Adapter(nsp),
      maxDisconnectionDuration_(nsp.maxDisconnectionDuration()),
      cleanupTimer_(nsp.executor()) {}

SessionAwareAdapter::~SessionAwareAdapter() = default;

void SessionAwareAdapter::init() {
  scheduleCleanup();
}

void SessionAwareAdapter::close() {
  cleanupTimer_.cancel();
}

void SessionAwareAdapter::scheduleCleanup() {
  cleanupTimer_.expires_after(kCleanupInterval);
  cleanupTimer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto self = std::static_pointer_cast<SessionAwareAdapter>(weak.lock())) {
      self->cleanup();
      self->scheduleCleanup();
    }
  });
}

void SessionAwareAdapter::cleanup() {
  auto threshold = Clock::now() - maxDisconnectionDuration_;
  std::erase_if(sessions_,
                [&](const auto& entry) { return entry.second.disconnectedAt < threshold; });
  while (!packets_.empty() && packets_.front().emittedAt < threshold) packets_.pop_front();
}

std::string SessionAwareAdapter::nextOffset() {
  return std::to_string(++offsetCounter_);
}

void SessionAwareAdapter::broadcast(protocol::Packet packet, const BroadcastOptions& opts) {
  bool storable = packet.type == protocol::PacketType::Event && !packet.id &&
                  !opts.flags.isVolatile && packet.data && packet.data->isArray();
  if (storable) {
    std::string offset = nextOffset();
    packet.data->push(offset);
    packets_.push_back(StoredPacket{offset, opts, *packet.data, Clock::now()});
  }
  Adapter::broadcast(std::move(packet), opts);
}

void SessionAwareAdapter::persistSession(SessionToPersist session) {
  auto pid = session.pid;
  sessions_[pid] = StoredSession{std::move(session), Clock::now()};
}

void SessionAwareAdapter::restoreSession(const std::string& pid, const std::string& offset,
                                         RestoreCallback done) {
  auto it = sessions_.find(pid);
  if (it == sessions_.end()) {
    ++restoreFailures_.unknownSession;
    return done(std::nullopt);
  }
  if (it->second.disconnectedAt + maxDisconnectionDuration_ < Clock::now()) {
    sessions_.erase(it);
    ++restoreFailures_.unknownSession;
    return done(std::nullopt);
  }
  auto from = std::find_if(packets_.begin(), packets_.end(),
                           [&](const StoredPacket& packet) { return packet.offset == offset; });
  if (from == packets_.end()) {
    ++restoreFailures_.offsetNotFound;
    return done(std::nullopt);
  }
  RestoredSession restored;
  static_cast<SessionToPersist&>(restored) = it->second.session;
  for (auto packet = std::next(from); packet != packets_.end(); ++packet)
    if (shouldInclude(restored.rooms, packet->opts)) restored.missedPackets.push_back(packet->data);
  done(std::move(restored));
}

}  // namespace sio
