// EventListeners: the per-socket listener list. Checks the order of dispatch, that `once`
// listeners run once, that off removes every listener of an event and no other; and that
// the interned event names are shared and released with their last listener.
#include "sio/server/event_listeners.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sio {
namespace {

EventHandler recorder(std::vector<int>& calls, int tag) {
  return [&calls, tag](const Args&, const Ack&) { calls.push_back(tag); };
}

void run(std::vector<EventHandler> handlers) {
  for (auto& handler : handlers) handler({}, Ack());
}

TEST(EventListeners, HandlersOfAnEventRunInTheOrderAdded) {
  EventListeners listeners;
  std::vector<int> calls;
  listeners.add("a", recorder(calls, 1), false);
  listeners.add("b", recorder(calls, 2), false);
  listeners.add("a", recorder(calls, 3), false);
  run(listeners.take("a"));
  EXPECT_EQ(calls, (std::vector<int>{1, 3}));
  run(listeners.take("a"));
  EXPECT_EQ(calls, (std::vector<int>{1, 3, 1, 3}));
  EXPECT_TRUE(listeners.take("c").empty());
}

TEST(EventListeners, OnceListenersRunOnce) {
  EventListeners listeners;
  std::vector<int> calls;
  listeners.add("a", recorder(calls, 1), true);
  listeners.add("a", recorder(calls, 2), false);
  listeners.add("b", recorder(calls, 3), true);
  run(listeners.take("a"));
  run(listeners.take("a"));
  EXPECT_EQ(calls, (std::vector<int>{1, 2, 2}));
  run(listeners.take("b"));
  EXPECT_EQ(calls, (std::vector<int>{1, 2, 2, 3}));
  EXPECT_TRUE(listeners.empty() == false);  // "a" stays
}

TEST(EventListeners, RemoveDropsEveryListenerOfThatEventOnly) {
  EventListeners listeners;
  std::vector<int> calls;
  listeners.add("a", recorder(calls, 1), false);
  listeners.add("b", recorder(calls, 2), true);
  listeners.add("a", recorder(calls, 3), true);
  listeners.remove("a");
  EXPECT_TRUE(listeners.take("a").empty());
  run(listeners.take("b"));
  EXPECT_EQ(calls, (std::vector<int>{2}));
  EXPECT_TRUE(listeners.empty());
  listeners.add("a", recorder(calls, 4), false);
  listeners.clear();
  EXPECT_TRUE(listeners.empty());
}

// The name is shared by the three; each keeps its own `once`.
TEST(EventListeners, OnceAndOnListenersOfOneNameKeepTheirOwnFlag) {
  EventListeners listeners;
  std::vector<int> calls;
  for (int tag : {1, 2, 3}) listeners.add("shared", recorder(calls, tag), tag == 2);
  for (int round = 0; round < 2; ++round) run(listeners.take("shared"));
  EXPECT_EQ(calls, (std::vector<int>{1, 2, 3, 1, 3}));
}

TEST(EventName, OneEntryPerDistinctNameReleasedWithItsLastHolder) {
  std::size_t before = EventName::internedCount();
  {
    EventName first("a name no other test uses, longer than 15 bytes", false);
    EventName second("a name no other test uses, longer than 15 bytes", true);
    EXPECT_EQ(EventName::internedCount(), before + 1);
    EXPECT_EQ(first.view(), second.view());
    EXPECT_EQ(first.view().data(), second.view().data());  // stored once
    EXPECT_FALSE(first.flag());
    EXPECT_TRUE(second.flag());
    EventName moved(std::move(first));
    EXPECT_EQ(moved.view(), "a name no other test uses, longer than 15 bytes");
    EXPECT_FALSE(moved.flag());
  }
  EXPECT_EQ(EventName::internedCount(), before);
}

TEST(EventName, ListenersOfUniqueNamesLeaveNothingInterned) {
  std::size_t before = EventName::internedCount();
  {
    EventListeners listeners;
    std::vector<int> calls;
    for (int i = 0; i < 50; ++i)
      listeners.add("unique event " + std::to_string(i), recorder(calls, i), i % 2 == 0);
    EXPECT_EQ(EventName::internedCount(), before + 50);
    run(listeners.take("unique event 4"));  // a once listener: its name is released
    EXPECT_EQ(EventName::internedCount(), before + 49);
    listeners.remove("unique event 5");
    EXPECT_EQ(EventName::internedCount(), before + 48);
    EXPECT_EQ(calls, (std::vector<int>{4}));
  }
  EXPECT_EQ(EventName::internedCount(), before);
}

}  // namespace
}  // namespace sio
