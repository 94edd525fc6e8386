// The adapter (socket.io-adapter 2.5's `Adapter`): which sockets are in which rooms, and
// every operation that targets sockets by room — broadcast (encoded once, the same frames
// written to every recipient), broadcast with acks, fetch/join/leave/disconnect. This base
// class does it all in memory for one node; cluster adapters override the operations to
// also reach the other nodes, and call back into this class for the local part.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "sio/adapter/adapter_host.hpp"
#include "sio/adapter/completion.hpp"
#include "sio/adapter/session.hpp"

namespace sio {

// What a cluster adapter counts (every counter only grows).
struct AdapterStats {
  uint64_t published = 0, publishFailures = 0, received = 0, ignored = 0, malformed = 0,
           timedOut = 0;
  uint64_t subscriptionGaps = 0;  // pub/sub adapters: resubscriptions that may have lost messages
  uint64_t broadcastsLocal = 0;   // broadcasts emitted on this node to the cluster
  uint64_t broadcastsFromCluster = 0;  // broadcasts from other nodes delivered here
  // Of the Redis link and reader this adapter shares with the server's other namespaces
  // (summed over namespaces, these are taken as the largest, not added up):
  uint64_t redisReconnects = 0;
  uint64_t redisCommandsInFlight = 0;
  uint64_t streamTrimGaps = 0;       // streams adapter: entries trimmed before they were read
  uint64_t streamLagMs = 0;          // streams adapter: age of the last entry read (0: caught up)
  uint64_t streamEntriesBehind = 0;  // streams adapter: entries after the last read (<= 1,000)
};

class Adapter : public std::enable_shared_from_this<Adapter> {
 public:
  using RoomEvent = std::function<void(const Room& room)>;
  using MemberEvent = std::function<void(const Room& room, const SocketId& id)>;
  using FetchCallback = std::function<void(std::vector<SocketDetails>, std::optional<Error>)>;
  using RestoreCallback = std::function<void(std::optional<RestoredSession>)>;

  explicit Adapter(AdapterHost& nsp) : nsp_(nsp) {}
  virtual ~Adapter() = default;
  Adapter(const Adapter&) = delete;
  Adapter& operator=(const Adapter&) = delete;

  virtual void init() {}
  virtual void close() {}
  // Calls `ready` once the adapter can serve (a cluster adapter: subscriptions live and
  // readers polling). In memory that is at once.
  virtual void whenReady(std::function<void()> ready) { ready(); }
  // Socket `id` passed its middlewares: `proceed` connects it (joins its own room, sends
  // CONNECT). An adapter that stops listening to the cluster while its namespace is empty
  // listens again first, and one that subscribes per room subscribes the socket's own room
  // first, so that the socket misses nothing broadcast after it is told it is connected.
  virtual void prepareConnect(const SocketId& id, std::function<void()> proceed) {
    (void)id;
    proceed();
  }
  virtual void serverCount(std::function<void(size_t)> done) { done(1); }

  // Room membership of local sockets.
  virtual void addAll(const SocketId& id, const std::vector<Room>& rooms);
  virtual void del(const SocketId& id, const Room& room);
  virtual void delAll(const SocketId& id);

  virtual void broadcast(protocol::Packet packet, const BroadcastOptions& opts);
  // Sends `packet` with an ack id; reports how many clients got it, then each response.
  virtual void broadcastWithAck(protocol::Packet packet, const BroadcastOptions& opts,
                                std::function<void(size_t clientCount)> onClientCount,
                                std::function<void(Value response)> onResponse);

  virtual void fetchSockets(const BroadcastOptions& opts, FetchCallback done);
  virtual void addSockets(const BroadcastOptions& opts, const std::vector<Room>& rooms);
  virtual void delSockets(const BroadcastOptions& opts, const std::vector<Room>& rooms);
  virtual void disconnectSockets(const BroadcastOptions& opts, bool close);
  // `args` is [event, ...]; `ack` (may be empty) gets the other servers' responses.
  virtual void serverSideEmit(Args args, AckCallback ack);

  // The classic adapter's requests (@socket.io/redis-adapter's allRooms, and socket.io-redis's
  // sockets, remoteJoin, remoteLeave, remoteDisconnect), on every adapter, no cast needed.
  // Each takes a completion token: a callback `(boost::system::error_code, result)`,
  // asio::use_future, asio::use_awaitable, …; a failure is an sio::Errc (errors.hpp).
  //   auto rooms = co_await io.of("/")->adapter().allRooms(asio::use_awaitable);
  // How far each reaches depends on the adapter:
  //            in memory            classic Redis adapter      other cluster adapters
  // allRooms   this node's rooms    ALL_ROOMS request          rooms of FETCH_SOCKETS
  // sockets    this node's ids      SOCKETS request            ids of FETCH_SOCKETS
  // remote*    a socket here, else  a socket here at once,     a socket here, else
  //            SocketNotFound       else REMOTE_* request      NotSupported (use
  //                                 (RequestTimeout: no node   in(id).socketsJoin(room))
  //                                 has the socket)
  // allRooms completes with void(error_code, std::set<Room>).
  template <class Token>
  auto allRooms(Token&& token) {
    return startAsync<std::set<Room>>(nsp_.executor(), std::forward<Token>(token),
                                      [self = shared_from_this()](Completion<std::set<Room>> done) {
                                        self->requestAllRooms(std::move(done));
                                      });
  }
  // The ids of the sockets in any of `rooms` (every socket when empty), as Node's
  // adapter.sockets(rooms): void(error_code, std::set<SocketId>).
  template <class Token>
  auto sockets(std::set<Room> rooms, Token&& token) {
    return startAsync<std::set<SocketId>>(nsp_.executor(), std::forward<Token>(token),
                                          [self = shared_from_this(), rooms = std::move(rooms)](
                                              Completion<std::set<SocketId>> done) mutable {
                                            self->requestSockets(std::move(rooms), std::move(done));
                                          });
  }
  // The socket `id`, on whichever node, joins / leaves `room`, or is disconnected:
  // void(error_code) once done.
  template <class Token>
  auto remoteJoin(SocketId id, Room room, Token&& token) {
    return startAsync<>(nsp_.executor(), std::forward<Token>(token),
                        [self = shared_from_this(), id = std::move(id),
                         room = std::move(room)](Completion<> done) mutable {
                          self->requestRemoteJoin(std::move(id), std::move(room), std::move(done));
                        });
  }
  template <class Token>
  auto remoteLeave(SocketId id, Room room, Token&& token) {
    return startAsync<>(nsp_.executor(), std::forward<Token>(token),
                        [self = shared_from_this(), id = std::move(id),
                         room = std::move(room)](Completion<> done) mutable {
                          self->requestRemoteLeave(std::move(id), std::move(room), std::move(done));
                        });
  }
  template <class Token>
  auto remoteDisconnect(SocketId id, bool close, Token&& token) {
    return startAsync<>(
        nsp_.executor(), std::forward<Token>(token),
        [self = shared_from_this(), id = std::move(id), close](Completion<> done) mutable {
          self->requestRemoteDisconnect(std::move(id), close, std::move(done));
        });
  }
  // Their cores, which adapters override: `done` is called once, maybe before they return.
  virtual void requestAllRooms(Completion<std::set<Room>> done);
  virtual void requestSockets(std::set<Room> rooms, Completion<std::set<SocketId>> done);
  virtual void requestRemoteJoin(SocketId id, Room room, Completion<> done);
  virtual void requestRemoteLeave(SocketId id, Room room, Completion<> done);
  virtual void requestRemoteDisconnect(SocketId id, bool close, Completion<> done);

  // Runs `done` once every write this adapter started (publishes, persisted sessions) has
  // been acknowledged or has failed: what a drain waits for before closing Redis.
  virtual void whenIdle(std::function<void()> done) { done(); }

  virtual void persistSession(SessionToPersist) {}
  virtual void restoreSession(const std::string& pid, const std::string& offset,
                              RestoreCallback done) {
    (void)pid, (void)offset;
    done(std::nullopt);
  }

  // Health, for metrics and readiness (no cast needed): the cluster counters of a cluster
  // adapter (nullopt in memory), and whether its Redis link is up (nullopt: no link).
  virtual std::optional<AdapterStats> stats() const { return std::nullopt; }
  // Why sessions asked for could not be restored (connection state recovery).
  struct RestoreFailures {
    uint64_t unknownSession = 0;  // no such pid stored, or it expired
    uint64_t offsetNotFound = 0;  // the client's offset is no longer (or never was) stored
    uint64_t invalidOffset = 0;   // not an offset this adapter could have given
  };
  const RestoreFailures& restoreFailures() const { return restoreFailures_; }
  virtual std::optional<bool> linkUp() const { return std::nullopt; }

  // Local queries. Each counts a socket in its own room (the room named by its id), which
  // the adapter keeps as a flag on the socket rather than as a room entry.
  std::vector<SocketId> sockets(const RoomSet& rooms) const;
  // The rooms of local socket `id`, its own room first (nullopt: no such local socket).
  std::optional<RoomSet> socketRooms(const SocketId& id) const;
  size_t roomSize(const Room& room) const;
  // Whether `room` has a local member.
  bool hasRoom(const Room& room) const { return roomSize(room) > 0; }
  // Calls `fn` once for every room with a local member.
  void forEachRoom(const std::function<void(const Room&)>& fn) const;
  // Whether `id` is a local socket of this adapter (in any rooms, or none).
  bool hasSocket(const SocketId& id) const { return sids_.count(id) > 0; }
  bool hasLocalSockets() const { return !sids_.empty(); }

  // Room events of local sockets (socket.io-adapter's create-room, delete-room, join-room
  // and leave-room). Each call adds a handler; handlers run in the order they were added.
  void onCreateRoom(RoomEvent handler) { onCreateRoom_.push_back(std::move(handler)); }
  void onDeleteRoom(RoomEvent handler) { onDeleteRoom_.push_back(std::move(handler)); }
  void onJoinRoom(MemberEvent handler) { onJoinRoom_.push_back(std::move(handler)); }
  void onLeaveRoom(MemberEvent handler) { onLeaveRoom_.push_back(std::move(handler)); }

  AdapterHost& nsp() { return nsp_; }
  // The namespace is gone (its destructor says so): operators and remote sockets that
  // outlive it must not reach it through this adapter any more.
  void detachHost() { hostGone_ = true; }
  bool hostGone() const { return hostGone_; }

 protected:
  // A room got its first local member / lost its last one (after the handlers above ran).
  // Cluster adapters that subscribe per room override these.
  virtual void roomCreated(const Room&) {}
  virtual void roomDeleted(const Room&) {}

  // Calls `fn` once for every local socket the options select.
  void apply(const BroadcastOptions& opts, const std::function<void(LocalSocket&)>& fn);
  std::vector<SocketDetails> localSockets(const BroadcastOptions& opts);

  AdapterHost& nsp_;
  RestoreFailures restoreFailures_;
  bool hostGone_ = false;

 private:
  // A local socket's rooms, and the socket (null when it joined while not in the
  // namespace: such an entry is looked up, as a copied target is). Its own room is a flag
  // while no other socket is in it (nearly always): no entry in rooms_ or `rooms` then,
  // which saves most of what a connection costs the adapter. When another socket joins a
  // room named after a socket's id, that socket becomes an explicit member first; when it
  // is alone there again, implicit again.
  struct Member {
    RoomSet rooms;  // its explicit rooms
    LocalSocket* socket = nullptr;
    bool inOwnRoom = false;  // an implicit member of the room named by its id
  };
  // Hashes ids and views of them alike (lookups by view need no copy).
  struct IdHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view id) const { return std::hash<std::string_view>{}(id); }
  };
  using IdSet = std::unordered_set<SocketId, IdHash, std::equal_to<>>;
  // A room's explicit local members, each with its socket (resolved once, when it joined:
  // a broadcast walks the room without looking its members up).
  using RoomMembers = std::unordered_map<SocketId, LocalSocket*>;
  // Keyed by a view of the id its socket holds (no copy per socket); a member without a
  // socket views its id in ownedIds_ instead. The key follows when the socket changes.
  using Members = std::unordered_map<std::string_view, Member>;

  // The id of a member, as its socket (or ownedIds_) holds it.
  const SocketId& idOf(const Members::value_type& member) const;
  // The member `id`, created when missing, keyed by a view of its socket's id (or of an
  // owned copy when it has none).
  Members::iterator findOrAddMember(const SocketId& id, LocalSocket* socket);
  // Member `it` is now held by `socket` (maybe null): its key views that one's id.
  void changeSocket(Members::iterator it, LocalSocket* socket);
  IdSet exceptSids(const RoomSet& except) const;
  // The socket whose own room `room` is while it is implicit (sids_.end(): none).
  Members::const_iterator implicitOwner(const Room& room) const;
  // Calls fn(id, socket) for each local member of `room`, its implicit owner included.
  template <class Fn>
  void forEachMember(const Room& room, const Fn& fn) const;
  // Socket `id` leaves explicit room `room`, with the events (its Member already updated).
  void leaveExplicit(const SocketId& id, const Room& room);
  void notifyCreated(const Room& room);
  void notifyDeleted(const Room& room);

  std::unordered_map<Room, RoomMembers> rooms_;
  Members sids_;
  IdSet ownedIds_;  // the ids of the members without a socket
  std::vector<RoomEvent> onCreateRoom_, onDeleteRoom_;
  std::vector<MemberEvent> onJoinRoom_, onLeaveRoom_;
};

using AdapterFactory = std::function<std::shared_ptr<Adapter>(AdapterHost& nsp)>;

}  // namespace sio
