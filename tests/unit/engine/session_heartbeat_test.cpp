// SessionHeartbeat: the heartbeat's decisions without a timer or a socket. Each test plays
// a sequence of events at chosen instants (time is passed in, never waited for) and checks
// what is sent, when the next deadline is, and the close reason.
#include "session_heartbeat.hpp"

#include <gtest/gtest.h>

#include "sio/engine/close_reason.hpp"

namespace sio::engine {
namespace {

using std::chrono::milliseconds;
using TimePoint = SessionHeartbeat::TimePoint;

const TimePoint t0 = TimePoint{} + std::chrono::hours(1);
constexpr milliseconds kInterval{300};
constexpr milliseconds kTimeout{200};

TimePoint at(int ms) {
  return t0 + milliseconds(ms);
}

bool nothing(const SessionHeartbeat::Action& action) {
  return !action.sendPing && !action.sendPong && action.closeReason.empty();
}

TEST(SessionHeartbeatV4, FirstPingComesOneIntervalAfterTheStart) {
  SessionHeartbeat heartbeat(4, kInterval, kTimeout);
  EXPECT_FALSE(heartbeat.deadline());
  heartbeat.start(t0);
  EXPECT_EQ(heartbeat.deadline(), at(300));
  EXPECT_TRUE(nothing(heartbeat.onTimer(at(299))));  // early: nothing, same deadline
  EXPECT_EQ(heartbeat.deadline(), at(300));
  auto action = heartbeat.onTimer(at(300));
  EXPECT_TRUE(action.sendPing);
  EXPECT_FALSE(action.sendPong);
  EXPECT_TRUE(action.closeReason.empty());
  EXPECT_TRUE(heartbeat.awaitingClient());
  EXPECT_EQ(heartbeat.deadline(), at(500));  // the pong is due within pingTimeout
}

TEST(SessionHeartbeatV4, AnIntervalOfWeeksIsKeptAndOneOverTwentyFourDaysCountsAsThat) {
  constexpr auto kWeek = std::chrono::duration_cast<milliseconds>(std::chrono::hours(24 * 7));
  SessionHeartbeat weekly(4, kWeek, kTimeout);
  EXPECT_EQ(weekly.protocol(), 4);
  weekly.start(t0);
  EXPECT_EQ(weekly.deadline(), t0 + kWeek);
  constexpr milliseconds kLongest{INT32_MAX};  // about 24.8 days
  SessionHeartbeat yearly(3, milliseconds(365LL * 24 * 3600 * 1000), kTimeout);
  EXPECT_EQ(yearly.protocol(), 3);
  yearly.start(t0);
  EXPECT_EQ(yearly.deadline(), t0 + kLongest + kTimeout);
}

TEST(SessionHeartbeatV4, PongJustBeforeTheDeadlineKeepsTheSessionAndSchedulesTheNextPing) {
  SessionHeartbeat heartbeat(4, kInterval, kTimeout);
  heartbeat.start(t0);
  ASSERT_TRUE(heartbeat.onTimer(at(300)).sendPing);
  EXPECT_TRUE(nothing(heartbeat.onPong(at(499))));
  EXPECT_FALSE(heartbeat.awaitingClient());
  EXPECT_EQ(heartbeat.deadline(), at(799));  // a whole interval after the pong
  // the timeout timer, already due when the pong came, fires late: it is stale
  EXPECT_TRUE(nothing(heartbeat.onTimer(at(500))));
  EXPECT_TRUE(heartbeat.onTimer(at(799)).sendPing);
}

TEST(SessionHeartbeatV4, PongJustAfterTheDeadlineIsAPingTimeout) {
  SessionHeartbeat heartbeat(4, kInterval, kTimeout);
  heartbeat.start(t0);
  ASSERT_TRUE(heartbeat.onTimer(at(300)).sendPing);
  auto action = heartbeat.onPong(at(500));
  EXPECT_EQ(action.closeReason, close_reason::kPingTimeout);
  EXPECT_EQ(action.closeReason, "ping timeout");
  EXPECT_TRUE(action.closeDescription.empty());
  EXPECT_FALSE(heartbeat.deadline());
}

TEST(SessionHeartbeatV4, NoPongClosesWithPingTimeoutWhenTheTimerFires) {
  SessionHeartbeat heartbeat(4, kInterval, kTimeout);
  heartbeat.start(t0);
  ASSERT_TRUE(heartbeat.onTimer(at(300)).sendPing);
  EXPECT_TRUE(nothing(heartbeat.onTimer(at(499))));
  auto action = heartbeat.onTimer(at(500));
  EXPECT_EQ(action.closeReason, "ping timeout");
  EXPECT_FALSE(action.sendPing);
  EXPECT_FALSE(heartbeat.deadline());
  // after the close, nothing more: a pong that comes later changes nothing
  EXPECT_TRUE(nothing(heartbeat.onPong(at(510))));
  EXPECT_TRUE(nothing(heartbeat.onTimer(at(900))));
}

TEST(SessionHeartbeatV4, PingsKeepComingWhileTheClientAnswers) {
  SessionHeartbeat heartbeat(4, kInterval, kTimeout);
  heartbeat.start(t0);
  int pings = 0;
  for (int round = 0; round < 5; ++round) {
    auto due = *heartbeat.deadline();
    pings += heartbeat.onTimer(due).sendPing;
    EXPECT_TRUE(nothing(heartbeat.onPong(due + milliseconds(20))));
  }
  EXPECT_EQ(pings, 5);
  EXPECT_EQ(heartbeat.deadline(), at(300 + 5 * (20 + 300)));
}

TEST(SessionHeartbeatV4, AnUnaskedPongPostponesTheNextPing) {
  SessionHeartbeat heartbeat(4, kInterval, kTimeout);
  heartbeat.start(t0);
  EXPECT_TRUE(nothing(heartbeat.onPong(at(100))));
  EXPECT_EQ(heartbeat.deadline(), at(400));
}

TEST(SessionHeartbeatV4, AClientPingIsTheWrongDirection) {
  SessionHeartbeat heartbeat(4, kInterval, kTimeout);
  heartbeat.start(t0);
  auto action = heartbeat.onPing(at(10));
  EXPECT_EQ(action.closeReason, "transport error");
  EXPECT_EQ(action.closeDescription, "invalid heartbeat direction");
  EXPECT_FALSE(action.sendPong);
  EXPECT_FALSE(heartbeat.deadline());
}

TEST(SessionHeartbeatV4, StopEndsEveryDeadline) {
  SessionHeartbeat heartbeat(4, kInterval, kTimeout);
  heartbeat.start(t0);
  heartbeat.stop();
  EXPECT_FALSE(heartbeat.deadline());
  EXPECT_TRUE(nothing(heartbeat.onTimer(at(1000))));
}

TEST(SessionHeartbeatV3, TheServerAwaitsTheClientsPingForIntervalPlusTimeout) {
  SessionHeartbeat heartbeat(3, kInterval, kTimeout);
  heartbeat.start(t0);
  EXPECT_TRUE(heartbeat.awaitingClient());
  EXPECT_EQ(heartbeat.deadline(), at(500));
  EXPECT_TRUE(nothing(heartbeat.onTimer(at(300))));  // the server never pings
}

TEST(SessionHeartbeatV3, EachClientPingIsAnsweredWithAPongAndRestartsTheTimeout) {
  SessionHeartbeat heartbeat(3, kInterval, kTimeout);
  heartbeat.start(t0);
  auto action = heartbeat.onPing(at(499));
  EXPECT_TRUE(action.sendPong);
  EXPECT_FALSE(action.sendPing);
  EXPECT_TRUE(action.closeReason.empty());
  EXPECT_EQ(heartbeat.deadline(), at(999));
  EXPECT_TRUE(nothing(heartbeat.onTimer(at(500))));  // stale
  EXPECT_TRUE(heartbeat.onPing(at(700)).sendPong);
  EXPECT_EQ(heartbeat.deadline(), at(1200));
}

TEST(SessionHeartbeatV3, NoPingInTimeIsAPingTimeout) {
  SessionHeartbeat heartbeat(3, kInterval, kTimeout);
  heartbeat.start(t0);
  EXPECT_EQ(heartbeat.onTimer(at(500)).closeReason, "ping timeout");
  EXPECT_FALSE(heartbeat.deadline());
}

TEST(SessionHeartbeatV3, APingJustAfterTheDeadlineIsAPingTimeout) {
  SessionHeartbeat heartbeat(3, kInterval, kTimeout);
  heartbeat.start(t0);
  auto action = heartbeat.onPing(at(500));
  EXPECT_EQ(action.closeReason, "ping timeout");
  EXPECT_FALSE(action.sendPong);
}

TEST(SessionHeartbeatV3, AClientPongIsTheWrongDirection) {
  SessionHeartbeat heartbeat(3, kInterval, kTimeout);
  heartbeat.start(t0);
  auto action = heartbeat.onPong(at(10));
  EXPECT_EQ(action.closeReason, "transport error");
  EXPECT_EQ(action.closeDescription, "invalid heartbeat direction");
}

}  // namespace
}  // namespace sio::engine
