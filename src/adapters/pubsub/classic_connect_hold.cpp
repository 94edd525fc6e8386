// The classic adapter's broadcast subscription and the sockets held before their CONNECT
// until it is confirmed (classic_connect_hold.hpp). Only decisions here: the adapter subscribes,
// unsubscribes and runs the timer.
#include "classic_connect_hold.hpp"

namespace sio::adapters::pubsub {

void ConnectHold::listen() {
  if (listening_ != Listening::No || closed_) return;
  listening_ = Listening::Subscribing;
  effects_.subscribeBroadcasts(++generation_);
}

void ConnectHold::onListening(uint64_t generation) {
  // A confirmation of a subscription dropped since (the namespace emptied meanwhile) is stale.
  if (generation != generation_ || listening_ != Listening::Subscribing) return;
  listening_ = Listening::Yes;
  releaseConnects(false);
}

void ConnectHold::prepareConnect(const SocketId& id, std::function<void()> proceed) {
  bool holdForNamespace = options_.unsubscribeWhenEmpty;
  bool holdForOwnRoom = options_.subscribeToLocalRoomsOnly;
  if (closed_ || (!holdForNamespace && !holdForOwnRoom)) return proceed();
  if (holdForNamespace) listen();
  // With the link down, the subscriptions wait for the link; the socket does not.
  if (!effects_.linkReady()) return proceed();
  // A broadcast to the socket's id right after its CONNECT must find the channel. Its
  // join (onRoomCreated) then finds the channel subscribed already.
  if (holdForOwnRoom && ownRoomsAhead_.insert(id).second) effects_.subscribeOwnRoom(id);
  bool namespaceReady = !holdForNamespace || listening_ == Listening::Yes;
  if (namespaceReady && !holdForOwnRoom) return proceed();
  waiters_.push_back(Waiter{id, !holdForOwnRoom, std::move(proceed)});
  if (holdTimer_) return;
  // A Redis that does not answer holds the sockets no longer than the timer says.
  holdTimer_ = true;
  effects_.startHoldTimer();
}

void ConnectHold::onOwnRoomSubscribed(const SocketId& id) {
  for (auto& waiter : waiters_)
    if (waiter.id == id) waiter.ownRoomSubscribed = true;
  releaseConnects(false);
}

void ConnectHold::onHoldTimeout() {
  holdTimer_ = false;
  releaseConnects(true);
}

void ConnectHold::releaseConnects(bool all) {
  bool namespaceReady = !options_.unsubscribeWhenEmpty || listening_ == Listening::Yes;
  std::vector<std::function<void()>> ready;
  std::vector<Waiter> waiting;
  for (auto& waiter : waiters_) {
    if (all || (namespaceReady && waiter.ownRoomSubscribed))
      ready.push_back(std::move(waiter.proceed));
    else
      waiting.push_back(std::move(waiter));
  }
  waiters_ = std::move(waiting);
  if (waiters_.empty() && holdTimer_) {
    holdTimer_ = false;
    effects_.stopHoldTimer();
  }
  // One that left while it waited is cleaned up (onLeft) in the loop: the ones after it
  // still need the subscription.
  releasing_ = true;
  for (auto& proceed : ready) proceed();
  releasing_ = false;
  stopListeningIfEmpty();  // every one of them left while it waited
}

void ConnectHold::onJoin() {
  // A socket that left all its rooms with leaveAll() and joins one again makes the
  // namespace non-empty.
  if (options_.unsubscribeWhenEmpty) listen();
}

void ConnectHold::onLeft(const SocketId& id) {
  // a socket that left while it was held never joined the own room subscribed for it
  if (ownRoomsAhead_.erase(id) > 0 && !closed_) effects_.unsubscribeOwnRoom(id);
  stopListeningIfEmpty();
}

void ConnectHold::stopListeningIfEmpty() {
  if (!options_.unsubscribeWhenEmpty || closed_ || listening_ == Listening::No ||
      effects_.hasLocalSockets() || !waiters_.empty() || releasing_)
    return;
  listening_ = Listening::No;
  effects_.unsubscribeBroadcasts();
}

void ConnectHold::release() {
  releaseConnects(true);  // sockets held for the subscription go on (into a closed namespace)
  if (listening_ != Listening::No) effects_.unsubscribeBroadcasts();
  for (const auto& id : ownRoomsAhead_) effects_.unsubscribeOwnRoom(id);
  ownRoomsAhead_.clear();
  listening_ = Listening::No;
}

}  // namespace sio::adapters::pubsub
