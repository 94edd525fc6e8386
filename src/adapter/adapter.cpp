// In-memory adapter: room bookkeeping in two maps (room -> sockets, socket -> rooms) and
// local delivery. A broadcast is encoded once and the same shared frames are written to
// every selected socket. The classic adapter's requests answer from this node, the whole
// cluster of one.
#include "sio/adapter/adapter.hpp"

#include "sio/adapter/errors.hpp"

namespace sio {
namespace {

template <class Handlers, class... Args>
void notify(const Handlers& handlers, const Args&... args) {
  for (const auto& handler : handlers) handler(args...);
}

}  // namespace

void Adapter::addAll(const SocketId& id, const std::vector<Room>& rooms) {
  auto& joined = sids_[id];
  for (const auto& room : rooms) {
    joined.insert(room);
    auto [it, created] = rooms_.try_emplace(room);
    if (created) notify(onCreateRoom_, room);
    if (created) roomCreated(room);
    if (it->second.insert(id).second) notify(onJoinRoom_, room, id);
  }
}

void Adapter::del(const SocketId& id, const Room& room) {
  if (auto sid = sids_.find(id); sid != sids_.end()) sid->second.erase(room);
  auto it = rooms_.find(room);
  if (it == rooms_.end()) return;
  if (it->second.erase(id)) notify(onLeaveRoom_, room, id);
  if (it->second.empty()) {
    rooms_.erase(it);
    notify(onDeleteRoom_, room);
    roomDeleted(room);
  }
}

void Adapter::delAll(const SocketId& id) {
  auto sid = sids_.find(id);
  if (sid == sids_.end()) return;
  RoomSet joined = std::move(sid->second);
  sids_.erase(sid);
  for (const auto& room : joined) {
    auto it = rooms_.find(room);
    if (it == rooms_.end()) continue;
    if (it->second.erase(id)) notify(onLeaveRoom_, room, id);
    if (it->second.empty()) {
      rooms_.erase(it);
      notify(onDeleteRoom_, room);
      roomDeleted(room);
    }
  }
}

void Adapter::broadcast(protocol::Packet packet, const BroadcastOptions& opts) {
  packet.nsp = nsp_.name();
  auto encoded = nsp_.parser().encode(packet);
  apply(opts, [&](LocalSocket& socket) {
    socket.notifyOutgoing(packet);
    socket.writeEncoded(encoded, opts.flags);
  });
}

void Adapter::broadcastWithAck(protocol::Packet packet, const BroadcastOptions& opts,
                               std::function<void(size_t)> onClientCount,
                               std::function<void(Value)> onResponse) {
  packet.nsp = nsp_.name();
  packet.id = nsp_.nextAckId();  // one id for all: the namespace counter never repeats
  auto encoded = nsp_.parser().encode(packet);
  size_t clientCount = 0;
  apply(opts, [&](LocalSocket& socket) {
    ++clientCount;
    socket.expectAck(*packet.id, [onResponse](Args args) {
      onResponse(args.empty() ? Value() : std::move(args[0]));
    });
    socket.notifyOutgoing(packet);
    socket.writeEncoded(encoded, opts.flags);
  });
  onClientCount(clientCount);
}

std::vector<SocketDetails> Adapter::localSockets(const BroadcastOptions& opts) {
  std::vector<SocketDetails> found;
  apply(opts, [&](LocalSocket& socket) { found.push_back(socket.details()); });
  return found;
}

void Adapter::fetchSockets(const BroadcastOptions& opts, FetchCallback done) {
  done(localSockets(opts), std::nullopt);
}

void Adapter::addSockets(const BroadcastOptions& opts, const std::vector<Room>& rooms) {
  apply(opts, [&](LocalSocket& socket) { socket.join(rooms); });
}

void Adapter::delSockets(const BroadcastOptions& opts, const std::vector<Room>& rooms) {
  apply(opts, [&](LocalSocket& socket) {
    for (const auto& room : rooms) socket.leave(room);
  });
}

void Adapter::disconnectSockets(const BroadcastOptions& opts, bool close) {
  apply(opts, [&](LocalSocket& socket) { socket.disconnectByAdapter(close); });
}

void Adapter::serverSideEmit(Args, AckCallback ack) {
  if (ack) ack(std::nullopt, {});  // no other server to answer
}

// The requests, on one node: this node is the whole cluster.
void Adapter::requestAllRooms(Completion<std::set<Room>> done) {
  std::set<Room> rooms;
  for (const auto& [room, members] : rooms_) rooms.insert(room);
  done({}, std::move(rooms));
}

void Adapter::requestSockets(std::set<Room> rooms, Completion<std::set<SocketId>> done) {
  auto ids = sockets(RoomSet(std::vector<Room>(rooms.begin(), rooms.end())));
  done({}, std::set<SocketId>(ids.begin(), ids.end()));
}

void Adapter::requestRemoteJoin(SocketId id, Room room, Completion<> done) {
  LocalSocket* socket = nsp_.localSocket(id);
  if (!socket) return done(Errc::SocketNotFound);
  socket->join({room});
  done({});
}

void Adapter::requestRemoteLeave(SocketId id, Room room, Completion<> done) {
  LocalSocket* socket = nsp_.localSocket(id);
  if (!socket) return done(Errc::SocketNotFound);
  socket->leave(room);
  done({});
}

void Adapter::requestRemoteDisconnect(SocketId id, bool close, Completion<> done) {
  LocalSocket* socket = nsp_.localSocket(id);
  if (!socket) return done(Errc::SocketNotFound);
  socket->disconnectByAdapter(close);
  done({});
}

std::vector<SocketId> Adapter::sockets(const RoomSet& rooms) const {
  std::vector<SocketId> ids;
  if (rooms.empty()) {
    for (const auto& [id, joined] : sids_) ids.push_back(id);
    return ids;
  }
  std::unordered_set<SocketId> seen;
  for (const auto& room : rooms) {
    auto it = rooms_.find(room);
    if (it == rooms_.end()) continue;
    for (const auto& id : it->second)
      if (seen.insert(id).second) ids.push_back(id);
  }
  return ids;
}

const RoomSet* Adapter::socketRooms(const SocketId& id) const {
  auto it = sids_.find(id);
  return it == sids_.end() ? nullptr : &it->second;
}

size_t Adapter::roomSize(const Room& room) const {
  auto it = rooms_.find(room);
  return it == rooms_.end() ? 0 : it->second.size();
}

std::unordered_set<SocketId> Adapter::exceptSids(const RoomSet& except) const {
  std::unordered_set<SocketId> ids;
  for (const auto& room : except) {
    auto it = rooms_.find(room);
    if (it != rooms_.end()) ids.insert(it->second.begin(), it->second.end());
  }
  return ids;
}

void Adapter::apply(const BroadcastOptions& opts, const std::function<void(LocalSocket&)>& fn) {
  auto except = exceptSids(opts.except);
  // Collect first: a callback may change room membership (join, leave, disconnect).
  std::vector<SocketId> targets;
  if (opts.rooms.empty()) {
    targets.reserve(sids_.size());
    for (const auto& [id, joined] : sids_)
      if (except.empty() || !except.count(id)) targets.push_back(id);
  } else if (opts.rooms.size() == 1) {  // one room holds each socket once: no dedupe
    auto it = rooms_.find(*opts.rooms.begin());
    if (it != rooms_.end()) {
      targets.reserve(it->second.size());
      for (const auto& id : it->second)
        if (except.empty() || !except.count(id)) targets.push_back(id);
    }
  } else {
    std::unordered_set<SocketId> seen;
    for (const auto& room : opts.rooms) {
      auto it = rooms_.find(room);
      if (it == rooms_.end()) continue;
      for (const auto& id : it->second)
        if (!except.count(id) && seen.insert(id).second) targets.push_back(id);
    }
  }
  for (const auto& id : targets)
    if (auto* socket = nsp_.localSocket(id)) fn(*socket);
}

}  // namespace sio
