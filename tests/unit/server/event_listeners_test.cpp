// EventListeners: the per-socket listener list. Checks the order of dispatch, that `once`
// listeners run once, that off removes every listener of an event and no other.
#include "sio/server/event_listeners.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace sio
