// The upgrade of one session from polling to WebSocket as a plain state machine, with no
// timer and no socket: the Session tells it that a probe began, what the probe sent, that a
// poll is waiting again or that its timer fired, with the time, and it answers what to do
// (answer `3probe`, release the poll with a noop, switch transports, drop the probe) and
// when it must be asked again (deadline()). As in Node's engine.io: `2probe` is answered,
// a waiting poll is then nudged with a noop at once and every 100 ms so the client pauses
// polling and sends `5`; anything else on the probe, or upgradeTimeout, abandons it.
#pragma once

#include <chrono>
#include <optional>

#include "sio/engine/packet.hpp"

namespace sio::engine {

class SessionUpgrade {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;
  // How often a waiting poll is released while the client is expected to send `5`.
  static constexpr std::chrono::milliseconds kNoopInterval{100};

  // What the session does, in this order.
  struct Action {
    bool answerProbe = false;  // send `3probe` on the probe
    bool nudgePoll = false;    // send a noop on the polling transport if a poll is waiting
    bool complete = false;     // switch the session to the probe: the upgrade is done
    bool dropProbe = false;    // the upgrade is abandoned: close the probe
  };

  explicit SessionUpgrade(std::chrono::milliseconds upgradeTimeout);

  // A probe transport was offered: it has upgradeTimeout to complete.
  void begin(TimePoint now);
  // A packet came on the probe; sessionClosed: the session has already ended.
  Action onProbePacket(const Packet& packet, bool sessionClosed, TimePoint now);
  // The current (polling) transport can be written again: a new poll is waiting.
  Action onPollReady(TimePoint now);
  // The session's upgrade timer fired (it may be early, or stale: nothing is done then).
  Action onTimer(TimePoint now);
  // The upgrade is over without the state machine's word: the probe failed or closed, or
  // the session ended.
  void end();

  bool active() const { return phase_ != Phase::Idle; }
  // `2probe` was answered: the client is expected to send `5`.
  bool probed() const { return phase_ == Phase::Probed; }
  // When onTimer must be called next; none while no upgrade is under way.
  std::optional<TimePoint> deadline() const;

 private:
  enum class Phase { Idle, Probing, Probed };

  std::chrono::milliseconds upgradeTimeout_;
  Phase phase_ = Phase::Idle;
  TimePoint timeoutAt_{};
  TimePoint nextNoopAt_{};
};

}  // namespace sio::engine
