// In-memory adapter: room bookkeeping in two maps (room -> sockets, socket -> rooms, with
// a socket's own room as a flag on the socket while it is alone there) and local delivery. A
// broadcast is encoded once and the same shared frames are written to every selected socket. The
// classic adapter's requests answer from this node, the whole cluster of one.
#include "sio/adapter/adapter.hpp"

#include <array>
#include <string_view>
#include <vector>

#include "sio/adapter/errors.hpp"

namespace sio {
namespace {

template <class Handlers, class... Args>
void notify(const Handlers& handlers, const Args&... args) {
  for (const auto& handler : handlers) handler(args...);
}

// Loads the sockets a walk is about to reach, a few members ahead, object by object: the
// socket itself kAhead members ahead, then each stage of LocalSocket::prefetchWrite one
// member closer, so that each object is in the cache by the time the next stage (and in
// the end the delivery) reads it. Members of 10,000 sockets do not fit the cache; without
// this a delivery waits for each object of its chain in turn. It scouts the same members
// as the walk (the except list out, only those with a socket) with an iterator of its own,
// used only while the membership does not change (the walk stops using it then too).
template <class Map, class Except, class SocketOf>
class Prefetcher {
 public:
  Prefetcher(const Map& members, const Except& except, SocketOf socketOf)
      : scout_(members.begin()), end_(members.end()), except_(except), socketOf_(socketOf) {
    for (std::size_t i = 0; i < kAhead; ++i) scoutOne();
  }

  // The walk reached its next member with a socket: prefetch ahead of it.
  void next() {
    std::size_t current = reached_++;
    scoutOne();
    for (std::size_t distance = 1; distance <= kAhead; ++distance) {
      std::size_t position = current + distance;
      if (position >= scouted_) break;
      const LocalSocket* socket = ring_[position % ring_.size()];
      if (distance == kAhead) {
        __builtin_prefetch(socket);
        __builtin_prefetch(reinterpret_cast<const char*>(socket) + 48);
      } else {
        socket->prefetchWrite(static_cast<int>(kAhead - distance));
      }
    }
  }

 private:
  static constexpr std::size_t kAhead = LocalSocket::kPrefetchStages + 1;

  void scoutOne() {
    while (scout_ != end_) {
      const auto& [id, value] = *scout_;
      ++scout_;
      if (!except_.empty() && except_.count(id)) continue;
      if (LocalSocket* socket = socketOf_(value)) {
        ring_[scouted_++ % ring_.size()] = socket;
        return;
      }
    }
  }

  typename Map::const_iterator scout_, end_;
  const Except& except_;
  SocketOf socketOf_;
  std::array<const LocalSocket*, kAhead + 1> ring_{};  // positions reached+1 .. reached+kAhead
  std::size_t scouted_ = 0, reached_ = 0;
};

// The sockets one apply() walks. (A socket's implicit own room needs no walk: apply()
// reaches that one socket directly.) A walk of one room (or of every socket) goes through
// the adapter's own map in place: nothing is copied and no socket looked up. A walk of several
// rooms first collects pointers to the ids and sockets of the maps (each socket once). A
// change of membership during the walk (a callback that joins, leaves or disconnects a
// socket) first turns the targets not yet reached into copies of their ids, looked up as
// they are reached (a socket that left meanwhile may be gone), so the walk still reaches
// exactly the sockets selected when it began, as in Node.
class ApplyTargets {
 public:
  explicit ApplyTargets(const Adapter* adapter);
  ApplyTargets(const ApplyTargets&) = delete;
  ApplyTargets& operator=(const ApplyTargets&) = delete;
  ~ApplyTargets();

  void add(const SocketId& id, LocalSocket* socket) { refs_.push_back({&id, socket}); }

  // Calls `fn` for every member of `members` not in `except`, walking the map in place
  // while its membership stays as it is; then (after a change) for what the copies hold.
  // `socketOf(value)` is a member's socket (null: looked up by id).
  template <class Map, class Except, class SocketOf, class Fn>
  void walk(const Map& members, const Except& except, SocketOf socketOf, AdapterHost& host,
            const Fn& fn) {
    auto it = members.begin();
    auto end = members.end();
    copyLive_ = [&] {
      for (auto rest = it; rest != end; ++rest)
        if (except.empty() || !except.count(rest->first)) copies_.emplace_back(rest->first);
    };
    Prefetcher<Map, Except, SocketOf> ahead(members, except, socketOf);
    while (!copied_ && it != end) {
      const auto& [id, value] = *it;
      ++it;  // first: a change of membership in fn() copies from the next member on
      if (!except.empty() && except.count(id)) continue;
      LocalSocket* socket = socketOf(value);
      if (socket) {
        ahead.next();
      } else {
        socket = host.localSocket(SocketId(id));
      }
      if (socket) fn(*socket);
    }
    copyLive_ = nullptr;
    while (auto socket = next(host))
      if (*socket) fn(**socket);
  }

  // The next target's socket (null: gone), or nullopt at the end.
  std::optional<LocalSocket*> next(AdapterHost& host) {
    if (copied_) {
      if (next_ >= copies_.size()) return std::nullopt;
      return host.localSocket(copies_[next_++]);
    }
    if (next_ >= refs_.size()) return std::nullopt;
    const auto& ref = refs_[next_++];
    return ref.socket ? ref.socket : host.localSocket(*ref.id);
  }

  // The adapter's membership is about to change: keep what is left as copies.
  static void beforeMembershipChange(const Adapter* adapter);

 private:
  struct Ref {
    const SocketId* id;
    LocalSocket* socket;
  };

  void copyRemaining() {
    if (copied_) return;
    if (copyLive_) {
      copyLive_();
    } else {
      for (std::size_t i = next_; i < refs_.size(); ++i) copies_.push_back(*refs_[i].id);
    }
    refs_.clear();
    next_ = 0;
    copied_ = true;
  }

  const Adapter* adapter_;
  std::vector<Ref> refs_;
  std::function<void()> copyLive_;  // during walk(): copies the members not yet reached
  std::vector<SocketId> copies_;
  std::size_t next_ = 0;
  bool copied_ = false;
};

// The walks in progress on this thread (nested when a callback broadcasts).
thread_local std::vector<ApplyTargets*> walksInProgress;

ApplyTargets::ApplyTargets(const Adapter* adapter) : adapter_(adapter) {
  walksInProgress.push_back(this);
}

ApplyTargets::~ApplyTargets() {
  std::erase(walksInProgress, this);
}

void ApplyTargets::beforeMembershipChange(const Adapter* adapter) {
  for (auto* walk : walksInProgress)
    if (walk->adapter_ == adapter) walk->copyRemaining();
}

}  // namespace

void Adapter::addAll(const SocketId& id, const std::vector<Room>& rooms) {
  ApplyTargets::beforeMembershipChange(this);
  // Resolved once per join, not per delivery. The namespace removes a socket only after it
  // left every room (Socket::onClose), so a socket held here is alive.
  auto* socket = nsp_.localSocket(id);
  auto sid = findOrAddMember(id, socket);
  auto& member = sid->second;
  if (socket != member.socket) {
    changeSocket(sid, socket);  // another socket under this id now: its rooms point to it
    for (const auto& room : member.rooms) rooms_[room][id] = socket;
  }
  for (const auto& room : rooms) {
    if (room == id && !rooms_.count(room)) {  // its own room, alone there: a flag
      if (member.inOwnRoom) continue;
      member.inOwnRoom = true;
      notifyCreated(room);
      notify(onJoinRoom_, room, id);
      continue;
    }
    auto [it, created] = rooms_.try_emplace(room);
    if (created)
      if (auto owner = sids_.find(room); owner != sids_.end() && owner->second.inOwnRoom) {
        // a room named after a socket that is in it: that socket becomes explicit first
        owner->second.inOwnRoom = false;
        owner->second.rooms.insert(room);
        it->second.emplace(idOf(*owner), owner->second.socket);
        created = false;
      }
    member.rooms.insert(room);
    if (created) notifyCreated(room);
    if (it->second.try_emplace(id, member.socket).second) notify(onJoinRoom_, room, id);
  }
}

const SocketId& Adapter::idOf(const Members::value_type& member) const {
  if (member.second.socket) return member.second.socket->id();
  return *ownedIds_.find(member.first);
}

Adapter::Members::iterator Adapter::findOrAddMember(const SocketId& id, LocalSocket* socket) {
  if (auto it = sids_.find(id); it != sids_.end()) return it;
  std::string_view key = socket ? std::string_view(socket->id()) : *ownedIds_.insert(id).first;
  return sids_.emplace(key, Member{{}, socket, false}).first;
}

void Adapter::changeSocket(Members::iterator it, LocalSocket* socket) {
  LocalSocket* before = it->second.socket;
  if (!socket && before) ownedIds_.insert(before->id());
  auto node = sids_.extract(it);  // the member stays where it is; only its key changes
  node.key() =
      socket ? std::string_view(socket->id()) : std::string_view(*ownedIds_.find(node.key()));
  node.mapped().socket = socket;
  sids_.insert(std::move(node));
  if (socket && !before) ownedIds_.erase(ownedIds_.find(socket->id()));
}

void Adapter::del(const SocketId& id, const Room& room) {
  ApplyTargets::beforeMembershipChange(this);
  auto sid = sids_.find(id);
  if (sid == sids_.end()) return leaveExplicit(id, room);
  if (room == id && sid->second.inOwnRoom) {
    sid->second.inOwnRoom = false;
    notify(onLeaveRoom_, room, id);
    return notifyDeleted(room);
  }
  sid->second.rooms.erase(room);
  leaveExplicit(id, room);
}

void Adapter::delAll(const SocketId& id) {
  ApplyTargets::beforeMembershipChange(this);
  auto sid = sids_.find(id);
  if (sid == sids_.end()) return;
  bool inOwnRoom = sid->second.inOwnRoom;
  RoomSet joined = std::move(sid->second.rooms);
  bool ownedId = !sid->second.socket;
  sids_.erase(sid);
  IdSet::node_type owned;  // kept to the end: `id` may be that very string
  if (ownedId) owned = ownedIds_.extract(ownedIds_.find(id));
  // its own room first, as it was joined first
  if (inOwnRoom) {
    notify(onLeaveRoom_, id, id);
    notifyDeleted(id);
  } else if (joined.contains(id)) {
    leaveExplicit(id, id);
  }
  for (const auto& room : joined)
    if (room != id) leaveExplicit(id, room);
}

void Adapter::leaveExplicit(const SocketId& id, const Room& room) {
  auto it = rooms_.find(room);
  if (it == rooms_.end() || !it->second.erase(id)) return;
  bool deleted = it->second.empty();
  if (deleted) {
    rooms_.erase(it);
  } else if (it->second.size() == 1 && it->second.begin()->first == room) {
    // the socket the room is named after is alone there again: back to its flag
    if (auto owner = sids_.find(room); owner != sids_.end()) {
      owner->second.rooms.erase(room);
      owner->second.inOwnRoom = true;
      rooms_.erase(it);
    }
  }
  notify(onLeaveRoom_, room, id);
  if (deleted) notifyDeleted(room);
}

void Adapter::notifyCreated(const Room& room) {
  notify(onCreateRoom_, room);
  roomCreated(room);
}

void Adapter::notifyDeleted(const Room& room) {
  notify(onDeleteRoom_, room);
  roomDeleted(room);
}

void Adapter::broadcast(protocol::Packet packet, const BroadcastOptions& opts) {
  packet.nsp = nsp_.name();
  auto encoded = nsp_.parser().encode(packet);
  // Only listeners run user code here, so without any at the start none can appear.
  bool outgoingListeners = nsp_.anyOutgoingListeners();
  apply(opts, [&](LocalSocket& socket) {
    if (outgoingListeners) socket.notifyOutgoing(packet);
    socket.writeEncoded(encoded, opts.flags);
  });
}

void Adapter::broadcastWithAck(protocol::Packet packet, const BroadcastOptions& opts,
                               std::function<void(size_t)> onClientCount,
                               std::function<void(Value)> onResponse) {
  packet.nsp = nsp_.name();
  packet.id = nsp_.nextAckId();  // one id for all: the namespace counter never repeats
  auto encoded = nsp_.parser().encode(packet);
  bool outgoingListeners = nsp_.anyOutgoingListeners();
  size_t clientCount = 0;
  apply(opts, [&](LocalSocket& socket) {
    ++clientCount;
    socket.expectAck(*packet.id, [onResponse](Args args) {
      onResponse(args.empty() ? Value() : std::move(args[0]));
    });
    if (outgoingListeners) socket.notifyOutgoing(packet);
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
  forEachRoom([&](const Room& room) { rooms.insert(room); });
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
    for (const auto& member : sids_) ids.push_back(idOf(member));
    return ids;
  }
  std::unordered_set<SocketId> seen;
  for (const auto& room : rooms)
    forEachMember(room, [&](const SocketId& id, LocalSocket*) {
      if (seen.insert(id).second) ids.push_back(id);
    });
  return ids;
}

std::optional<RoomSet> Adapter::socketRooms(const SocketId& id) const {
  auto it = sids_.find(id);
  if (it == sids_.end()) return std::nullopt;
  const Member& member = it->second;
  RoomSet rooms;
  if (member.inOwnRoom || member.rooms.contains(id)) rooms.insert(id);  // its own room first
  for (const auto& room : member.rooms) rooms.insert(room);
  return rooms;
}

size_t Adapter::roomSize(const Room& room) const {
  if (auto it = rooms_.find(room); it != rooms_.end()) return it->second.size();
  return implicitOwner(room) != sids_.end() ? 1 : 0;
}

void Adapter::forEachRoom(const std::function<void(const Room&)>& fn) const {
  for (const auto& [room, members] : rooms_) fn(room);
  for (const auto& member : sids_)
    if (member.second.inOwnRoom) fn(idOf(member));
}

Adapter::Members::const_iterator Adapter::implicitOwner(const Room& room) const {
  auto it = sids_.find(room);
  return it != sids_.end() && it->second.inOwnRoom ? it : sids_.end();
}

template <class Fn>
void Adapter::forEachMember(const Room& room, const Fn& fn) const {
  if (auto it = rooms_.find(room); it != rooms_.end()) {
    for (const auto& [id, socket] : it->second) fn(id, socket);
  } else if (auto owner = implicitOwner(room); owner != sids_.end()) {
    fn(idOf(*owner), owner->second.socket);
  }
}

Adapter::IdSet Adapter::exceptSids(const RoomSet& except) const {
  IdSet ids;
  for (const auto& room : except)
    forEachMember(room, [&](const SocketId& id, LocalSocket*) { ids.insert(id); });
  return ids;
}

void Adapter::apply(const BroadcastOptions& opts, const std::function<void(LocalSocket&)>& fn) {
  if (opts.rooms.size() == 1) {  // the common io.to(socketId): one lookup, no walk
    const Room& room = *opts.rooms.begin();
    if (auto owner = implicitOwner(room); owner != sids_.end()) {
      if (!opts.except.empty() && exceptSids(opts.except).count(room)) return;
      LocalSocket* socket = owner->second.socket ? owner->second.socket : nsp_.localSocket(room);
      if (socket) fn(*socket);  // which may disconnect it: nothing of it is read after
      return;
    }
  }
  auto except = exceptSids(opts.except);
  ApplyTargets targets(this);
  if (opts.rooms.empty()) {
    targets.walk(
        sids_, except, [](const Member& member) { return member.socket; }, nsp_, fn);
  } else if (opts.rooms.size() == 1) {  // one room holds each socket once: no dedupe
    auto it = rooms_.find(*opts.rooms.begin());
    if (it != rooms_.end())
      targets.walk(
          it->second, except, [](LocalSocket* socket) { return socket; }, nsp_, fn);
  } else {
    std::unordered_set<std::string_view> seen;
    for (const auto& room : opts.rooms)
      forEachMember(room, [&](const SocketId& id, LocalSocket* socket) {
        if (!except.count(id) && seen.insert(id).second) targets.add(id, socket);
      });
    while (auto socket = targets.next(nsp_))
      if (*socket) fn(**socket);
  }
}

}  // namespace sio
