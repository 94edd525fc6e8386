// The Engine.IO heartbeat of one session as a plain state machine, with no timer and no
// socket: the Session tells it what happened (started, the client's ping or pong, its timer
// fired) and the time, and it answers what to send or why to close, and when it must be
// asked again (deadline()). v4: the server pings every pingInterval and expects a pong
// within pingTimeout; v3 (allowEIO3): the client pings and the server answers, expecting
// the next ping within pingInterval + pingTimeout.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace sio::engine {

class SessionHeartbeat {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;

  // What the session does, in this order: send a ping (v4) or a pong (v3), or end the
  // session with `closeReason` (and `closeDescription`) when that is not empty.
  struct Action {
    bool sendPing = false;
    bool sendPong = false;
    std::string_view closeReason;
    std::string_view closeDescription;
  };

  // protocol: the Engine.IO revision, 4 (the server pings) or 3 (the client pings).
  SessionHeartbeat(int protocol, std::chrono::milliseconds pingInterval,
                   std::chrono::milliseconds pingTimeout);

  // The session is open: v4 waits pingInterval before its first ping; v3 awaits a ping.
  void start(TimePoint now);
  // The client sent a ping (right for v3 only).
  Action onPing(TimePoint now);
  // The client sent a pong (right for v4 only).
  Action onPong(TimePoint now);
  // The session's heartbeat timer fired (it may be early, or stale: nothing is done then).
  Action onTimer(TimePoint now);
  // The session ended: no deadline any more.
  void stop();

  // When onTimer must be called next; none before start() and after a close or stop().
  std::optional<TimePoint> deadline() const;
  // A pong (v4) or a ping (v3) is awaited.
  bool awaitingClient() const { return phase_ == Phase::AwaitingClient; }
  int protocol() const { return protocol_; }

 private:
  enum class Phase : std::uint8_t { Idle, WaitingToPing, AwaitingClient, Stopped };
  // Kept in 32 bits (every session holds one): up to 24 days, a longer one counts as that.
  using Interval = std::chrono::duration<std::int32_t, std::milli>;
  static Interval interval(std::chrono::milliseconds duration);

  Action timeout();
  Action wrongDirection();

  TimePoint deadline_{};
  Interval pingInterval_, pingTimeout_;
  std::uint8_t protocol_;
  Phase phase_ = Phase::Idle;
};

}  // namespace sio::engine
