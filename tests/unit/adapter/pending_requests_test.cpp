// PendingRequests, the one table of requests waiting for answers: each request ends once
// (answered, timed out with its partial answers, or cancelled), late and unknown answers
// are ignored, and a table that goes away calls nothing. Timers are fakes fired by hand.
#include "sio/adapter/pending_requests.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

namespace sio {
namespace {

using std::chrono::milliseconds;

// Timers that only fire when a test says so; a handle's destruction marks its timer
// cancelled but keeps `fire`, so that a test can play a timer that expired anyway.
struct FakeTimers {
  struct Timer {
    milliseconds timeout;
    std::function<void()> fire;
    bool cancelled = false;
  };
  std::vector<std::shared_ptr<Timer>> started;

  RequestTimers factory() {
    return [this](milliseconds timeout, std::function<void()> fire) {
      auto timer = std::make_shared<Timer>(Timer{timeout, std::move(fire)});
      started.push_back(timer);
      struct Handle : RequestTimer {
        std::shared_ptr<Timer> timer;
        ~Handle() override { timer->cancelled = true; }
      };
      auto handle = std::make_unique<Handle>();
      handle->timer = timer;
      return std::unique_ptr<RequestTimer>(std::move(handle));
    };
  }
};

struct Ended {
  std::vector<int> answers;
  RequestOutcome outcome;
  RequestProgress progress;
};

struct Fixture {
  FakeTimers timers;
  std::vector<Ended> ended;
  PendingRequests<std::vector<int>> table{
      timers.factory(),
      [this](std::vector<int> answers, RequestOutcome outcome, RequestProgress progress) {
        ended.push_back({std::move(answers), outcome, progress});
      }};

  bool answer(const std::string& id, int value, bool counts = true) {
    return table.answer(id, [&](std::vector<int>& answers) {
      answers.push_back(value);
      return counts;
    });
  }
};

TEST(PendingRequests, EndsAnsweredWithEveryAnswerWhenTheLastExpectedOneComes) {
  Fixture f;
  f.table.add("a", {0}, 2, milliseconds(500));
  ASSERT_EQ(f.timers.started.size(), 1u);
  EXPECT_EQ(f.timers.started[0]->timeout, milliseconds(500));
  EXPECT_TRUE(f.answer("a", 1));
  EXPECT_TRUE(f.ended.empty());
  EXPECT_TRUE(f.answer("a", 2));
  ASSERT_EQ(f.ended.size(), 1u);
  EXPECT_EQ(f.ended[0].outcome, RequestOutcome::Answered);
  EXPECT_EQ(f.ended[0].answers, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(f.ended[0].progress.received, 2u);
  EXPECT_EQ(f.ended[0].progress.expected, 2u);
  EXPECT_TRUE(f.timers.started[0]->cancelled);
  EXPECT_FALSE(f.table.contains("a"));
}

TEST(PendingRequests, TimeoutEndsWithThePartialAnswers) {
  Fixture f;
  f.table.add("a", {}, 3, milliseconds(5));
  f.answer("a", 7);
  f.timers.started[0]->fire();
  ASSERT_EQ(f.ended.size(), 1u);
  EXPECT_EQ(f.ended[0].outcome, RequestOutcome::TimedOut);
  EXPECT_EQ(f.ended[0].answers, (std::vector<int>{7}));
  EXPECT_EQ(f.ended[0].progress.received, 1u);
  EXPECT_EQ(f.ended[0].progress.expected, 3u);
  EXPECT_EQ(f.table.size(), 0u);
}

TEST(PendingRequests, LateAnswerAfterTheTimeoutIsIgnored) {
  Fixture f;
  f.table.add("a", {}, 2, milliseconds(5));
  f.table.expire("a");
  EXPECT_FALSE(f.answer("a", 1));
  EXPECT_FALSE(f.answer("a", 2));
  ASSERT_EQ(f.ended.size(), 1u);
  EXPECT_TRUE(f.ended[0].answers.empty());
}

TEST(PendingRequests, AnswerForAnUnknownIdIsIgnored) {
  Fixture f;
  f.table.add("a", {}, 1, milliseconds(5));
  EXPECT_FALSE(f.answer("b", 1));
  f.table.expire("b");
  f.table.expectFewer("b");
  f.table.finish("b");
  EXPECT_TRUE(f.ended.empty());
  EXPECT_EQ(f.table.size(), 1u);
  EXPECT_TRUE(f.table.find("a")->empty());
}

TEST(PendingRequests, LastAnswerAndTimeoutRacingEndTheRequestOnce) {
  Fixture f;
  f.table.add("a", {}, 1, milliseconds(5));
  f.answer("a", 1);
  // The timer had expired already: its handler runs although the handle was cancelled.
  EXPECT_TRUE(f.timers.started[0]->cancelled);
  f.timers.started[0]->fire();
  ASSERT_EQ(f.ended.size(), 1u);
  EXPECT_EQ(f.ended[0].outcome, RequestOutcome::Answered);
}

TEST(PendingRequests, TimeoutThenAnswerEndTheRequestOnce) {
  Fixture f;
  f.table.add("a", {}, 1, milliseconds(5));
  f.timers.started[0]->fire();
  f.answer("a", 1);
  f.table.finish("a");
  f.table.cancelAll();
  ASSERT_EQ(f.ended.size(), 1u);
  EXPECT_EQ(f.ended[0].outcome, RequestOutcome::TimedOut);
}

TEST(PendingRequests, AnswersThatDoNotCountAreKeptButNotCounted) {
  Fixture f;
  f.table.add("a", {}, 1, milliseconds(5));
  f.answer("a", 1, false);
  EXPECT_TRUE(f.ended.empty());
  f.answer("a", 2);
  ASSERT_EQ(f.ended.size(), 1u);
  EXPECT_EQ(f.ended[0].answers, (std::vector<int>{1, 2}));
  EXPECT_EQ(f.ended[0].progress.received, 1u);
}

TEST(PendingRequests, ExpectingFewerEndsTheRequestWhenNoneRemain) {
  Fixture f;
  f.table.add("a", {}, 2, milliseconds(5));
  f.answer("a", 1);
  f.table.expectFewer("a");
  ASSERT_EQ(f.ended.size(), 1u);
  EXPECT_EQ(f.ended[0].outcome, RequestOutcome::Answered);
  EXPECT_EQ(f.ended[0].progress.expected, 1u);
}

TEST(PendingRequests, WithoutAnExpectedCountOnlyFinishOrTheTimeoutEndIt) {
  Fixture f;
  f.table.add("a", {}, std::nullopt, milliseconds(5));
  for (int i = 0; i < 5; ++i) f.answer("a", i);
  f.table.expectFewer("a");
  EXPECT_TRUE(f.ended.empty());
  f.table.finish("a");
  ASSERT_EQ(f.ended.size(), 1u);
  EXPECT_EQ(f.ended[0].outcome, RequestOutcome::Answered);
  EXPECT_EQ(f.ended[0].answers.size(), 5u);
}

TEST(PendingRequests, CancelAllEndsTheWaitingOnesButNotThoseAddedMeanwhile) {
  FakeTimers timers;
  std::vector<std::pair<int, RequestOutcome>> ended;
  std::unique_ptr<PendingRequests<int>> table;
  table = std::make_unique<PendingRequests<int>>(
      timers.factory(), [&](int value, RequestOutcome outcome, RequestProgress) {
        ended.emplace_back(value, outcome);
        if (value == 1) table->add("c", 3, 1, milliseconds(5));  // a new request from Finish
      });
  table->add("a", 1, 1, milliseconds(5));
  table->add("b", 2, 1, milliseconds(5));
  table->cancelAll();
  ASSERT_EQ(ended.size(), 2u);
  EXPECT_EQ(ended[0], std::make_pair(1, RequestOutcome::Cancelled));
  EXPECT_EQ(ended[1], std::make_pair(2, RequestOutcome::Cancelled));
  EXPECT_TRUE(table->contains("c"));
}

TEST(PendingRequests, DestructionCancelsTimersAndCallsNothing) {
  FakeTimers timers;
  int calls = 0;
  {
    PendingRequests<std::vector<int>> table(
        timers.factory(), [&](std::vector<int>, RequestOutcome, RequestProgress) { ++calls; });
    table.add("a", {1, 2, 3}, 2, milliseconds(5));
    table.add("b", {}, std::nullopt, milliseconds(5));
  }
  EXPECT_EQ(calls, 0);
  ASSERT_EQ(timers.started.size(), 2u);
  EXPECT_TRUE(timers.started[0]->cancelled);
  EXPECT_TRUE(timers.started[1]->cancelled);
}

TEST(PendingRequests, FinishMayDestroyTheTable) {
  FakeTimers timers;
  int calls = 0;
  std::unique_ptr<PendingRequests<int>> table;
  table = std::make_unique<PendingRequests<int>>(timers.factory(),
                                                 [&](int, RequestOutcome, RequestProgress) {
                                                   ++calls;
                                                   table.reset();  // the owner goes away
                                                 });
  table->add("a", 1, 1, milliseconds(5));
  table->add("b", 2, 1, milliseconds(5));
  timers.started[0]->fire();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(table, nullptr);
  EXPECT_TRUE(timers.started[1]->cancelled);
}

TEST(AsioRequestTimers, FiresOnceAfterTheTimeoutUnlessTheHandleIsGone) {
  boost::asio::io_context io;
  auto timers = asioRequestTimers(io.get_executor());
  int fired = 0, cancelledFired = 0;
  auto kept = timers(milliseconds(0), [&] { ++fired; });
  timers(milliseconds(0), [&] { ++cancelledFired; });  // handle dropped at once
  io.run();
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(cancelledFired, 0);
}

TEST(AsioRequestTimers, AHandleDestroyedAfterItsTimerExpiredDoesNotFire) {
  boost::asio::io_context io;
  auto timers = asioRequestTimers(io.get_executor());
  int fired = 0;
  std::unique_ptr<RequestTimer> late;
  // The first handler to run destroys the other handle: both timers had expired.
  auto first = timers(milliseconds(0), [&] {
    ++fired;
    late.reset();
  });
  late = timers(milliseconds(0), [&] { ++fired; });
  io.run();
  EXPECT_EQ(fired, 1);
}

}  // namespace
}  // namespace sio
