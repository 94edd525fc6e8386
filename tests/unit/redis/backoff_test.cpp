// Reconnection delays grow exponentially to the cap, with bounded jitter, and reset.
#include <gtest/gtest.h>

#include <set>

#include "sio/redis/backoff.hpp"

using namespace std::chrono_literals;
using sio::redis::Backoff;

TEST(Backoff, GrowsToTheCapWithinJitter) {
  Backoff backoff({100ms, 1000ms, 2.0, 0.2});
  const int expected[] = {100, 200, 400, 800, 1000, 1000};
  for (int base : expected) {
    auto delay = backoff.next().count();
    EXPECT_GE(delay, base * 0.8 - 1);
    EXPECT_LE(delay, base * 1.2 + 1);
  }
  backoff.reset();
  EXPECT_LE(backoff.next().count(), 121);
}

TEST(Backoff, JitterSpreadsDelays) {
  Backoff a({1000ms, 1000ms, 2.0, 0.2});
  std::set<int64_t> seen;
  for (int i = 0; i < 20; ++i) seen.insert(a.next().count());
  EXPECT_GT(seen.size(), 5u);
}
