// TimerWheel: deadlines on a ring of coarse ticks, driven by a clock the test moves by hand
// (advance), never by waiting. Checks that entries fire at their tick and not before, once,
// in later rounds, after cancel or re-schedule not at all / at the new time, and that
// callbacks may schedule, cancel or destroy entries while the wheel fires.
#include "sio/engine/timer_wheel.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <vector>

namespace sio::engine {
namespace {

using std::chrono::milliseconds;
using TimePoint = TimerWheel::TimePoint;

const TimePoint t0 = TimePoint{} + std::chrono::hours(1);
constexpr milliseconds kTick{10};
constexpr size_t kSlots = 8;  // one round: 80 ms

TimePoint at(int ms) {
  return t0 + milliseconds(ms);
}

// An entry that calls a test's lambda (kept beside it): Entry takes a function pointer and
// a context.
template <class F>
struct Lambda {
  explicit Lambda(F f) : f(std::move(f)) {}
  static void call(void* self) { static_cast<Lambda*>(self)->f(); }
  F f;
};

template <class F>
struct CalledEntry : Lambda<F>, TimerWheel::Entry {
  explicit CalledEntry(F f)
      : Lambda<F>(std::move(f)),
        TimerWheel::Entry(&Lambda<F>::call, static_cast<Lambda<F>*>(this)) {}
};
using FunctionEntry = CalledEntry<std::function<void()>>;

TEST(TimerWheel, FiresAtItsTickAndNotBefore) {
  TimerWheel wheel(kTick, kSlots, t0);
  int fired = 0;
  CalledEntry entry([&] { ++fired; });
  wheel.schedule(entry, at(25));  // rounded up to the tick at 30 ms
  EXPECT_TRUE(entry.armed());
  wheel.advance(at(20));
  wheel.advance(at(29));
  EXPECT_EQ(fired, 0);
  wheel.advance(at(30));
  EXPECT_EQ(fired, 1);
  EXPECT_FALSE(entry.armed());
  wheel.advance(at(200));
  EXPECT_EQ(fired, 1);  // once per schedule
}

TEST(TimerWheel, ADeadlineInThePastFiresAtTheNextTick) {
  TimerWheel wheel(kTick, kSlots, t0);
  wheel.advance(at(50));
  int fired = 0;
  CalledEntry entry([&] { ++fired; });
  wheel.schedule(entry, at(10));
  wheel.advance(at(59));
  EXPECT_EQ(fired, 0);
  wheel.advance(at(60));
  EXPECT_EQ(fired, 1);
}

TEST(TimerWheel, ADeadlineBeyondOneRoundWaitsForItsRound) {
  TimerWheel wheel(kTick, kSlots, t0);
  int fired = 0;
  CalledEntry entry([&] { ++fired; });
  wheel.schedule(entry, at(250));  // slot of tick 25, three rounds ahead
  for (int ms = 10; ms < 250; ms += 10) wheel.advance(at(ms));
  EXPECT_EQ(fired, 0);
  wheel.advance(at(250));
  EXPECT_EQ(fired, 1);
}

TEST(TimerWheel, ALongJumpFiresEverythingDueOnce) {
  TimerWheel wheel(kTick, kSlots, t0);
  std::vector<int> fired;
  CalledEntry a([&] { fired.push_back(1); });
  CalledEntry b([&] { fired.push_back(2); });
  CalledEntry c([&] { fired.push_back(3); });
  wheel.schedule(a, at(30));
  wheel.schedule(b, at(500));
  wheel.schedule(c, at(2000));
  wheel.advance(at(1000));  // more than a round at once
  EXPECT_EQ(fired.size(), 2u);
  EXPECT_FALSE(a.armed());
  EXPECT_FALSE(b.armed());
  EXPECT_TRUE(c.armed());
  wheel.advance(at(2000));
  EXPECT_EQ(fired.size(), 3u);
}

TEST(TimerWheel, CancelAndDestructionDisarm) {
  TimerWheel wheel(kTick, kSlots, t0);
  int fired = 0;
  CalledEntry kept([&] { ++fired; });
  wheel.schedule(kept, at(40));
  {
    CalledEntry dropped([&] { fired += 100; });
    wheel.schedule(dropped, at(40));
    EXPECT_EQ(wheel.size(), 2u);
  }
  EXPECT_EQ(wheel.size(), 1u);
  kept.cancel();
  EXPECT_FALSE(kept.armed());
  EXPECT_EQ(wheel.size(), 0u);
  EXPECT_FALSE(wheel.nextTick());
  wheel.advance(at(100));
  EXPECT_EQ(fired, 0);
}

TEST(TimerWheel, RescheduleMovesTheDeadline) {
  TimerWheel wheel(kTick, kSlots, t0);
  int fired = 0;
  CalledEntry entry([&] { ++fired; });
  wheel.schedule(entry, at(30));
  wheel.schedule(entry, at(70));
  EXPECT_EQ(wheel.size(), 1u);
  wheel.advance(at(60));
  EXPECT_EQ(fired, 0);
  wheel.advance(at(70));
  EXPECT_EQ(fired, 1);
}

TEST(TimerWheel, NextTickIsTheFirstOccupiedTick) {
  TimerWheel wheel(kTick, kSlots, t0);
  CalledEntry entry([] {});
  EXPECT_FALSE(wheel.nextTick());
  wheel.schedule(entry, at(42));
  EXPECT_EQ(wheel.nextTick(), at(50));
  wheel.advance(at(50));
  EXPECT_FALSE(wheel.nextTick());
}

TEST(TimerWheel, ACallbackMayRescheduleItself) {
  TimerWheel wheel(kTick, kSlots, t0);
  int fired = 0;
  std::unique_ptr<FunctionEntry> entry;
  entry = std::make_unique<FunctionEntry>([&] {
    ++fired;
    wheel.schedule(*entry, at(0));  // already past: the next tick, not this one
  });
  wheel.schedule(*entry, at(10));
  wheel.advance(at(10));
  EXPECT_EQ(fired, 1);
  wheel.advance(at(20));
  EXPECT_EQ(fired, 2);
}

TEST(TimerWheel, ACallbackMayCancelOrDestroyOthersDueAtTheSameTick) {
  TimerWheel wheel(kTick, kSlots, t0);
  int fired = 0;
  auto second = std::make_unique<FunctionEntry>([&] { fired += 100; });
  auto third = std::make_unique<FunctionEntry>([&] { fired += 1000; });
  CalledEntry first([&] {
    ++fired;
    second.reset();
    third->cancel();
  });
  wheel.schedule(first, at(20));
  wheel.schedule(*second, at(20));
  wheel.schedule(*third, at(20));
  wheel.advance(at(20));
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(wheel.size(), 0u);
}

TEST(TimerWheel, ACallbackMayDestroyItsOwnEntry) {
  TimerWheel wheel(kTick, kSlots, t0);
  int fired = 0;
  std::unique_ptr<FunctionEntry> entry;
  entry = std::make_unique<FunctionEntry>([&] {
    ++fired;
    entry.reset();
  });
  CalledEntry later([&] { fired += 10; });
  wheel.schedule(*entry, at(10));
  wheel.schedule(later, at(10));
  wheel.advance(at(10));
  EXPECT_EQ(fired, 11);
}

TEST(TimerWheel, EntriesOutliveTheirWheelSafely) {
  auto wheel = std::make_unique<TimerWheel>(kTick, kSlots, t0);
  CalledEntry entry([] {});
  wheel->schedule(entry, at(30));
  wheel.reset();
  EXPECT_FALSE(entry.armed());
  entry.cancel();  // nothing left to unlink
}

}  // namespace
}  // namespace sio::engine
