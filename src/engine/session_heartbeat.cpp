// The heartbeat's decisions (see session_heartbeat.hpp). A deadline counts once it is
// reached: a pong (v4) or a ping (v3) that comes at or after it is late and the session
// ends with "ping timeout", as it does when the timer fires first.
#include "session_heartbeat.hpp"

#include <algorithm>

#include "sio/engine/close_reason.hpp"

namespace sio::engine {

SessionHeartbeat::SessionHeartbeat(int protocol, std::chrono::milliseconds pingInterval,
                                   std::chrono::milliseconds pingTimeout)
    : pingInterval_(interval(pingInterval)),
      pingTimeout_(interval(pingTimeout)),
      protocol_(static_cast<std::uint8_t>(protocol)) {}

SessionHeartbeat::Interval SessionHeartbeat::interval(std::chrono::milliseconds duration) {
  constexpr auto kLongest = std::chrono::milliseconds(Interval::max());
  constexpr auto kShortest = std::chrono::milliseconds(Interval::min());
  return std::chrono::duration_cast<Interval>(std::clamp(duration, kShortest, kLongest));
}

void SessionHeartbeat::start(TimePoint now) {
  if (protocol_ == 3) {
    // v3: the client's pings are awaited for a whole interval plus the timeout
    phase_ = Phase::AwaitingClient;
    deadline_ = now + pingInterval_ + pingTimeout_;
  } else {
    phase_ = Phase::WaitingToPing;
    deadline_ = now + pingInterval_;
  }
}

SessionHeartbeat::Action SessionHeartbeat::onPing(TimePoint now) {
  if (phase_ == Phase::Idle || phase_ == Phase::Stopped) return {};
  // v4 clients never ping: the heartbeat goes the other way
  if (protocol_ != 3) return wrongDirection();
  if (now >= deadline_) return timeout();
  // each client ping restarts the timeout and is answered with a pong
  deadline_ = now + pingInterval_ + pingTimeout_;
  Action action;
  action.sendPong = true;
  return action;
}

SessionHeartbeat::Action SessionHeartbeat::onPong(TimePoint now) {
  if (phase_ == Phase::Idle || phase_ == Phase::Stopped) return {};
  if (protocol_ == 3) return wrongDirection();
  if (phase_ == Phase::AwaitingClient && now >= deadline_) return timeout();
  // the next ping a whole interval after this pong (an unasked pong postpones it too)
  phase_ = Phase::WaitingToPing;
  deadline_ = now + pingInterval_;
  return {};
}

SessionHeartbeat::Action SessionHeartbeat::onTimer(TimePoint now) {
  if (phase_ == Phase::Idle || phase_ == Phase::Stopped || now < deadline_) return {};
  if (phase_ == Phase::AwaitingClient) return timeout();
  phase_ = Phase::AwaitingClient;
  deadline_ = now + pingTimeout_;
  Action action;
  action.sendPing = true;
  return action;
}

void SessionHeartbeat::stop() {
  phase_ = Phase::Stopped;
}

std::optional<SessionHeartbeat::TimePoint> SessionHeartbeat::deadline() const {
  if (phase_ == Phase::Idle || phase_ == Phase::Stopped) return std::nullopt;
  return deadline_;
}

SessionHeartbeat::Action SessionHeartbeat::timeout() {
  phase_ = Phase::Stopped;
  Action action;
  action.closeReason = close_reason::kPingTimeout;
  return action;
}

SessionHeartbeat::Action SessionHeartbeat::wrongDirection() {
  phase_ = Phase::Stopped;
  Action action;
  action.closeReason = close_reason::kTransportError;
  action.closeDescription = "invalid heartbeat direction";
  return action;
}

}  // namespace sio::engine
