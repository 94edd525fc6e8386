// When the classic adapter listens to its namespace's broadcasts, and which connecting
// sockets wait for that: with unsubscribeWhenEmpty the broadcast subscription is taken
// from the first socket (or held one) and dropped when none is left; a socket connecting
// meanwhile is held until the subscription is confirmed, and with subscribeToLocalRoomsOnly
// until its own room's channel is. A timeout lets every held socket through. Sans-io: the
// adapter (classic_adapter.cpp) carries out the Effects and reports the confirmations.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <vector>

#include "sio/adapter/types.hpp"

namespace sio::adapters::pubsub {

class ConnectHold {
 public:
  // What the hold asks of its adapter.
  class Effects {
   public:
    virtual ~Effects() = default;
    // Subscribes the broadcast channels; the adapter confirms with onListening(generation).
    virtual void subscribeBroadcasts(uint64_t generation) = 0;
    virtual void unsubscribeBroadcasts() = 0;
    // Subscribes socket `id`'s own room; the adapter confirms with onOwnRoomSubscribed(id).
    virtual void subscribeOwnRoom(const SocketId& id) = 0;
    virtual void unsubscribeOwnRoom(const SocketId& id) = 0;
    // Calls onHoldTimeout() after the longest hold, unless stopHoldTimer() comes first.
    virtual void startHoldTimer() = 0;
    virtual void stopHoldTimer() = 0;
    virtual bool hasLocalSockets() const = 0;
    virtual bool linkReady() const = 0;
  };
  struct Options {
    bool unsubscribeWhenEmpty = false;       // hold for the namespace's subscription
    bool subscribeToLocalRoomsOnly = false;  // hold for the socket's own room
  };
  enum class Listening { No, Subscribing, Yes };

  ConnectHold(Options options, Effects& effects) : options_(options), effects_(effects) {}

  Listening listening() const { return listening_; }
  size_t held() const { return waiters_.size(); }

  // Takes the broadcast subscription unless taken (or being taken).
  void listen();
  // A broadcast subscription is confirmed (one dropped since is not: stale).
  void onListening(uint64_t generation);
  // A socket is about to connect: `proceed` now or once what it waits for is subscribed.
  // With the Redis link down nothing is held: what is published meanwhile is lost to
  // every socket alike.
  void prepareConnect(const SocketId& id, std::function<void()> proceed);
  void onOwnRoomSubscribed(const SocketId& id);
  // The longest hold is over: every held socket goes on.
  void onHoldTimeout();
  // A socket joins rooms (before they are added): the namespace is not empty.
  void onJoin();
  // A socket left every room (after they were removed).
  void onLeft(const SocketId& id);
  // A room was created: true when its channel is subscribed already (the own room of a
  // socket held before).
  bool onRoomCreated(const Room& room) { return ownRoomsAhead_.erase(room) > 0; }
  // The adapter closes: nothing is held or subscribed from now on ...
  void close() { closed_ = true; }
  // ... and, once its requests ended, the held sockets go on and the subscriptions go.
  void release();

 private:
  struct Waiter {
    SocketId id;
    bool ownRoomSubscribed = true;
    std::function<void()> proceed;
  };
  // Lets through the held sockets that have what they wait for (all of them with `all`).
  void releaseConnects(bool all);
  void stopListeningIfEmpty();

  Options options_;
  Effects& effects_;
  Listening listening_ = Listening::No;
  uint64_t generation_ = 0;  // tells a stale confirmation from the current one
  std::vector<Waiter> waiters_;
  bool holdTimer_ = false;
  // Own rooms subscribed for held sockets that have not joined them (yet).
  std::set<SocketId> ownRoomsAhead_;
  bool releasing_ = false;  // waiters are being let through
  bool closed_ = false;
};

}  // namespace sio::adapters::pubsub
