// The upgrade's decisions (see session_upgrade.hpp). Like Node, a `5` completes the upgrade
// even before `2probe`, and the upgrade timeout is not restarted by the probe.
#include "session_upgrade.hpp"

#include <algorithm>

namespace sio::engine {

SessionUpgrade::SessionUpgrade(std::chrono::milliseconds upgradeTimeout)
    : upgradeTimeout_(upgradeTimeout) {}

void SessionUpgrade::begin(TimePoint now) {
  phase_ = Phase::Probing;
  timeoutAt_ = now + upgradeTimeout_;
}

SessionUpgrade::Action SessionUpgrade::onProbePacket(const Packet& packet, bool sessionClosed,
                                                     TimePoint now) {
  Action action;
  if (phase_ == Phase::Idle) return action;
  if (packet.type == PacketType::Ping && packet.view() == "probe") {
    phase_ = Phase::Probed;
    nextNoopAt_ = now + kNoopInterval;
    action.answerProbe = true;
    action.nudgePoll = true;
  } else if (packet.type == PacketType::Upgrade && !sessionClosed) {
    end();
    action.complete = true;
  } else {
    end();
    action.dropProbe = true;
  }
  return action;
}

SessionUpgrade::Action SessionUpgrade::onPollReady(TimePoint now) {
  Action action;
  if (phase_ != Phase::Probed) return action;
  nextNoopAt_ = now + kNoopInterval;
  action.nudgePoll = true;
  return action;
}

SessionUpgrade::Action SessionUpgrade::onTimer(TimePoint now) {
  Action action;
  if (phase_ == Phase::Idle) return action;
  if (now >= timeoutAt_) {
    end();
    action.dropProbe = true;
  } else if (phase_ == Phase::Probed && now >= nextNoopAt_) {
    nextNoopAt_ = now + kNoopInterval;
    action.nudgePoll = true;
  }
  return action;
}

void SessionUpgrade::end() {
  phase_ = Phase::Idle;
}

std::optional<SessionUpgrade::TimePoint> SessionUpgrade::deadline() const {
  switch (phase_) {
    case Phase::Probing:
      return timeoutAt_;
    case Phase::Probed:
      return std::min(timeoutAt_, nextNoopAt_);
    default:
      return std::nullopt;
  }
}

}  // namespace sio::engine
