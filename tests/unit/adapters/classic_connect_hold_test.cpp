// ConnectHold, the classic adapter's broadcast subscription and the sockets held before
// their CONNECT until it is confirmed: driven by hand, with Effects that record what the
// adapter would do on Redis (no sockets, timers or Redis).
#include "classic_connect_hold.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sio::adapters::pubsub {
namespace {

struct RecordedEffects : ConnectHold::Effects {
  std::vector<std::string> calls;
  std::vector<uint64_t> generations;
  bool localSockets = false;
  bool link = true;

  void subscribeBroadcasts(uint64_t generation) override {
    calls.push_back("subscribe broadcasts");
    generations.push_back(generation);
  }
  void unsubscribeBroadcasts() override { calls.push_back("unsubscribe broadcasts"); }
  void subscribeOwnRoom(const SocketId& id) override { calls.push_back("subscribe " + id); }
  void unsubscribeOwnRoom(const SocketId& id) override { calls.push_back("unsubscribe " + id); }
  void startHoldTimer() override { calls.push_back("start timer"); }
  void stopHoldTimer() override { calls.push_back("stop timer"); }
  bool hasLocalSockets() const override { return localSockets; }
  bool linkReady() const override { return link; }
};

using Calls = std::vector<std::string>;

ConnectHold::Options whenEmpty() {
  ConnectHold::Options options;
  options.unsubscribeWhenEmpty = true;
  return options;
}

ConnectHold::Options ownRooms() {
  ConnectHold::Options options;
  options.subscribeToLocalRoomsOnly = true;
  return options;
}

TEST(ConnectHold, WithoutEitherOptionSocketsGoOnAtOnce) {
  RecordedEffects effects;
  ConnectHold hold({}, effects);
  int proceeded = 0;
  hold.prepareConnect("a", [&] { ++proceeded; });
  EXPECT_EQ(proceeded, 1);
  EXPECT_TRUE(effects.calls.empty());
}

TEST(ConnectHold, TheFirstSocketWaitsForTheBroadcastSubscription) {
  RecordedEffects effects;
  ConnectHold hold(whenEmpty(), effects);
  int proceeded = 0;
  hold.prepareConnect("a", [&] { ++proceeded; });
  hold.prepareConnect("b", [&] { ++proceeded; });
  EXPECT_EQ(proceeded, 0);
  EXPECT_EQ(hold.held(), 2u);
  EXPECT_EQ(hold.listening(), ConnectHold::Listening::Subscribing);
  effects.localSockets = true;  // they connect
  hold.onListening(effects.generations.back());
  EXPECT_EQ(proceeded, 2);
  EXPECT_EQ(hold.listening(), ConnectHold::Listening::Yes);
  EXPECT_EQ(effects.calls, (Calls{"subscribe broadcasts", "start timer", "stop timer"}));
  // Listening: the next one goes on at once.
  hold.prepareConnect("c", [&] { ++proceeded; });
  EXPECT_EQ(proceeded, 3);
}

TEST(ConnectHold, TheLastSocketLeavingDropsTheSubscription) {
  RecordedEffects effects;
  ConnectHold hold(whenEmpty(), effects);
  hold.onJoin();
  effects.localSockets = true;
  hold.onListening(effects.generations.back());
  hold.onLeft("a");
  EXPECT_EQ(hold.listening(), ConnectHold::Listening::Yes);
  effects.localSockets = false;
  hold.onLeft("b");
  EXPECT_EQ(hold.listening(), ConnectHold::Listening::No);
  EXPECT_EQ(effects.calls, (Calls{"subscribe broadcasts", "unsubscribe broadcasts"}));
}

TEST(ConnectHold, AConfirmationOfADroppedSubscriptionIsStale) {
  RecordedEffects effects;
  ConnectHold hold(whenEmpty(), effects);
  hold.onJoin();     // subscribing (1)
  hold.onLeft("a");  // empty again before the confirmation: dropped
  int proceeded = 0;
  hold.prepareConnect("b", [&] { ++proceeded; });  // subscribing (2)
  ASSERT_EQ(effects.generations.size(), 2u);
  hold.onListening(effects.generations[0]);
  EXPECT_EQ(proceeded, 0);
  EXPECT_EQ(hold.listening(), ConnectHold::Listening::Subscribing);
  hold.onListening(effects.generations[1]);
  EXPECT_EQ(proceeded, 1);
}

TEST(ConnectHold, TheHoldTimeoutLetsEverySocketThrough) {
  RecordedEffects effects;
  ConnectHold hold(whenEmpty(), effects);
  int proceeded = 0;
  auto connect = [&] {
    ++proceeded;
    effects.localSockets = true;
  };
  hold.prepareConnect("a", connect);
  hold.prepareConnect("b", connect);
  hold.onHoldTimeout();
  EXPECT_EQ(proceeded, 2);
  EXPECT_EQ(hold.held(), 0u);
  EXPECT_EQ(effects.calls, (Calls{"subscribe broadcasts", "start timer"}));  // it fired
}

TEST(ConnectHold, SocketsHeldTogetherKeepTheSubscriptionWhenOneOfThemLeaves) {
  RecordedEffects effects;
  ConnectHold hold(whenEmpty(), effects);
  int proceeded = 0;
  // The first one leaves as it is let through (its connection closed while it waited).
  hold.prepareConnect("a", [&] { hold.onLeft("a"); });
  hold.prepareConnect("b", [&] {
    ++proceeded;
    effects.localSockets = true;
  });
  hold.onListening(effects.generations.back());
  EXPECT_EQ(proceeded, 1);
  EXPECT_EQ(hold.listening(), ConnectHold::Listening::Yes);
}

TEST(ConnectHold, AllHeldSocketsLeavingDropTheSubscription) {
  RecordedEffects effects;
  ConnectHold hold(whenEmpty(), effects);
  hold.prepareConnect("a", [&] { hold.onLeft("a"); });
  hold.prepareConnect("b", [&] { hold.onLeft("b"); });
  hold.onListening(effects.generations.back());
  EXPECT_EQ(hold.listening(), ConnectHold::Listening::No);
  EXPECT_EQ(effects.calls.back(), "unsubscribe broadcasts");
}

TEST(ConnectHold, WithTheLinkDownNothingIsHeld) {
  RecordedEffects effects;
  effects.link = false;
  ConnectHold hold(whenEmpty(), effects);
  int proceeded = 0;
  hold.prepareConnect("a", [&] { ++proceeded; });
  EXPECT_EQ(proceeded, 1);
  EXPECT_EQ(effects.calls, (Calls{"subscribe broadcasts"}));  // waits for the link
}

TEST(ConnectHold, AnOwnRoomIsSubscribedBeforeItsSocketGoesOn) {
  RecordedEffects effects;
  ConnectHold hold(ownRooms(), effects);
  int proceeded = 0;
  hold.prepareConnect("a", [&] { ++proceeded; });
  hold.prepareConnect("b", [&] { ++proceeded; });
  hold.onOwnRoomSubscribed("b");
  EXPECT_EQ(proceeded, 1);
  EXPECT_EQ(hold.held(), 1u);
  // Its join finds the channel subscribed; another room is not.
  EXPECT_TRUE(hold.onRoomCreated("b"));
  EXPECT_FALSE(hold.onRoomCreated("b"));
  EXPECT_FALSE(hold.onRoomCreated("room"));
  hold.onOwnRoomSubscribed("a");
  EXPECT_EQ(proceeded, 2);
  EXPECT_EQ(effects.calls, (Calls{"subscribe a", "start timer", "subscribe b", "stop timer"}));
}

TEST(ConnectHold, ASocketThatLeftWhileHeldDoesNotKeepItsChannel) {
  RecordedEffects effects;
  ConnectHold hold(ownRooms(), effects);
  hold.prepareConnect("a", [&] { hold.onLeft("a"); });
  hold.onHoldTimeout();
  EXPECT_EQ(effects.calls, (Calls{"subscribe a", "start timer", "unsubscribe a"}));
  EXPECT_FALSE(hold.onRoomCreated("a"));
}

TEST(ConnectHold, ClosingLetsTheHeldSocketsGoAndDropsTheSubscriptions) {
  RecordedEffects effects;
  ConnectHold::Options options = whenEmpty();
  options.subscribeToLocalRoomsOnly = true;
  ConnectHold hold(options, effects);
  int proceeded = 0;
  hold.prepareConnect("a", [&] { ++proceeded; });
  hold.close();
  hold.prepareConnect("b", [&] { ++proceeded; });  // closed: not held
  EXPECT_EQ(proceeded, 1);
  hold.release();
  EXPECT_EQ(proceeded, 2);
  EXPECT_EQ(hold.listening(), ConnectHold::Listening::No);
  EXPECT_EQ(effects.calls, (Calls{"subscribe broadcasts", "subscribe a", "start timer",
                                  "stop timer", "unsubscribe broadcasts", "unsubscribe a"}));
}

}  // namespace
}  // namespace sio::adapters::pubsub
