// SessionUpgrade: the polling-to-WebSocket upgrade's decisions without a timer or a
// socket. Each test plays what the probe sends, polls and timer firings at chosen instants
// (time is passed in, never waited for) and checks the answers and the next deadline.
#include "session_upgrade.hpp"

#include <gtest/gtest.h>

namespace sio::engine {
namespace {

using std::chrono::milliseconds;
using TimePoint = SessionUpgrade::TimePoint;

const TimePoint t0 = TimePoint{} + std::chrono::hours(1);
constexpr milliseconds kUpgradeTimeout{1000};

TimePoint at(int ms) {
  return t0 + milliseconds(ms);
}

bool nothing(const SessionUpgrade::Action& action) {
  return !action.answerProbe && !action.nudgePoll && !action.complete && !action.dropProbe;
}

const Packet kProbe = makePacket(PacketType::Ping, "probe");
const Packet kUpgrade = makePacket(PacketType::Upgrade);

TEST(SessionUpgrade, ProbeThenUpgradeCompletes) {
  SessionUpgrade upgrade(kUpgradeTimeout);
  EXPECT_FALSE(upgrade.active());
  EXPECT_FALSE(upgrade.deadline());
  upgrade.begin(t0);
  EXPECT_TRUE(upgrade.active());
  EXPECT_EQ(upgrade.deadline(), at(1000));

  auto answer = upgrade.onProbePacket(kProbe, false, at(10));
  EXPECT_TRUE(answer.answerProbe);
  EXPECT_TRUE(answer.nudgePoll);  // a waiting poll is released at once
  EXPECT_FALSE(answer.complete);
  EXPECT_FALSE(answer.dropProbe);
  EXPECT_TRUE(upgrade.probed());
  EXPECT_EQ(upgrade.deadline(), at(110));  // the next nudge

  auto done = upgrade.onProbePacket(kUpgrade, false, at(50));
  EXPECT_TRUE(done.complete);
  EXPECT_FALSE(done.dropProbe);
  EXPECT_FALSE(done.answerProbe);
  EXPECT_FALSE(upgrade.active());
  EXPECT_FALSE(upgrade.deadline());
  EXPECT_TRUE(nothing(upgrade.onTimer(at(1000))));  // the timeout is gone with it
}

TEST(SessionUpgrade, WhileProbedAWaitingPollIsNudgedEvery100Ms) {
  SessionUpgrade upgrade(kUpgradeTimeout);
  upgrade.begin(t0);
  upgrade.onProbePacket(kProbe, false, at(0));
  EXPECT_TRUE(nothing(upgrade.onTimer(at(99))));
  EXPECT_TRUE(upgrade.onTimer(at(100)).nudgePoll);
  EXPECT_EQ(upgrade.deadline(), at(200));
  // a new poll arrives: nudged at once, and the interval restarts from it
  auto ready = upgrade.onPollReady(at(130));
  EXPECT_TRUE(ready.nudgePoll);
  EXPECT_FALSE(ready.complete);
  EXPECT_EQ(upgrade.deadline(), at(230));
  EXPECT_TRUE(nothing(upgrade.onTimer(at(200))));  // stale
  EXPECT_TRUE(upgrade.onTimer(at(230)).nudgePoll);
}

TEST(SessionUpgrade, NoNudgeBeforeTheProbe) {
  SessionUpgrade upgrade(kUpgradeTimeout);
  EXPECT_TRUE(nothing(upgrade.onPollReady(t0)));  // no upgrade at all
  upgrade.begin(t0);
  EXPECT_TRUE(nothing(upgrade.onPollReady(at(10))));
  EXPECT_TRUE(nothing(upgrade.onTimer(at(500))));
  EXPECT_EQ(upgrade.deadline(), at(1000));
}

TEST(SessionUpgrade, AbandonedWhenUpgradeTimeoutPassesWithoutTheUpgradePacket) {
  SessionUpgrade upgrade(kUpgradeTimeout);
  upgrade.begin(t0);
  upgrade.onProbePacket(kProbe, false, at(10));
  // nudges until the timeout, which the probe does not restart
  for (int ms = 110; ms < 1000; ms += 100) EXPECT_TRUE(upgrade.onTimer(at(ms)).nudgePoll);
  EXPECT_EQ(upgrade.deadline(), at(1000));
  auto action = upgrade.onTimer(at(1000));
  EXPECT_TRUE(action.dropProbe);
  EXPECT_FALSE(action.complete);
  EXPECT_FALSE(action.nudgePoll);
  EXPECT_FALSE(upgrade.active());
  EXPECT_FALSE(upgrade.deadline());
  EXPECT_TRUE(nothing(upgrade.onProbePacket(kUpgrade, false, at(1001))));  // too late
}

TEST(SessionUpgrade, AbandonedWithoutAnyProbe) {
  SessionUpgrade upgrade(kUpgradeTimeout);
  upgrade.begin(t0);
  EXPECT_TRUE(upgrade.onTimer(at(1000)).dropProbe);
}

TEST(SessionUpgrade, AnyOtherPacketOnTheProbeAbandonsIt) {
  for (const auto& packet :
       {makePacket(PacketType::Message, "hello"), makePacket(PacketType::Ping, "other"),
        makePacket(PacketType::Ping), makePacket(PacketType::Noop), makePacket(PacketType::Close),
        makePacket(PacketType::Pong, "probe")}) {
    SessionUpgrade upgrade(kUpgradeTimeout);
    upgrade.begin(t0);
    upgrade.onProbePacket(kProbe, false, at(10));
    auto action = upgrade.onProbePacket(packet, false, at(20));
    EXPECT_TRUE(action.dropProbe) << int(packet.type) << " " << packet.view();
    EXPECT_FALSE(action.complete);
    EXPECT_FALSE(upgrade.active());
  }
}

TEST(SessionUpgrade, ASecondProbeIsAnsweredAgain) {
  SessionUpgrade upgrade(kUpgradeTimeout);
  upgrade.begin(t0);
  upgrade.onProbePacket(kProbe, false, at(10));
  auto again = upgrade.onProbePacket(kProbe, false, at(50));
  EXPECT_TRUE(again.answerProbe);
  EXPECT_TRUE(again.nudgePoll);
  EXPECT_EQ(upgrade.deadline(), at(150));
}

TEST(SessionUpgrade, TheUpgradePacketCompletesEvenBeforeTheProbeAsInNode) {
  SessionUpgrade upgrade(kUpgradeTimeout);
  upgrade.begin(t0);
  EXPECT_TRUE(upgrade.onProbePacket(kUpgrade, false, at(10)).complete);
}

TEST(SessionUpgrade, TheUpgradePacketOnAClosedSessionAbandonsTheProbe) {
  SessionUpgrade upgrade(kUpgradeTimeout);
  upgrade.begin(t0);
  upgrade.onProbePacket(kProbe, false, at(10));
  auto action = upgrade.onProbePacket(kUpgrade, true, at(20));
  EXPECT_FALSE(action.complete);
  EXPECT_TRUE(action.dropProbe);
}

TEST(SessionUpgrade, AProbeThatClosesEndsTheUpgrade) {
  SessionUpgrade upgrade(kUpgradeTimeout);
  upgrade.begin(t0);
  upgrade.onProbePacket(kProbe, false, at(10));
  upgrade.end();  // the probe closed (or failed), or the session ended
  EXPECT_FALSE(upgrade.active());
  EXPECT_FALSE(upgrade.deadline());
  EXPECT_TRUE(nothing(upgrade.onPollReady(at(20))));
  EXPECT_TRUE(nothing(upgrade.onTimer(at(1000))));
}

}  // namespace
}  // namespace sio::engine
