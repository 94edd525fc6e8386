// The one TimerWheel of an io_context, driven by one steady_timer: the per-connection
// deadlines of the sessions and Socket.IO clients that run on that io_context share it
// instead of holding a timer each. An Asio service, so the first use creates it and the
// io_context destroys it; used from the io_context's own thread only (as all session state).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <optional>

#include "sio/engine/timer_wheel.hpp"

namespace sio::engine {

class ContextTimerWheel : public boost::asio::execution_context::service {
 public:
  using key_type = ContextTimerWheel;
  static inline boost::asio::execution_context::id id;
  // Coarse, as heartbeats allow: an entry fires up to one tick after its deadline.
  static constexpr TimerWheel::Duration kResolution = std::chrono::milliseconds(10);
  static constexpr size_t kSlots = 1024;  // ~10 s per round

  explicit ContextTimerWheel(boost::asio::io_context& io);
  // The wheel of `io` (created on first use).
  static ContextTimerWheel& of(boost::asio::io_context& io);

  // Arms `entry` (again) to fire at `deadline` or up to one tick later.
  void schedule(TimerWheel::Entry& entry, TimerWheel::TimePoint deadline);
  boost::asio::io_context::executor_type executor() { return io_.get_executor(); }

 private:
  void shutdown() override;
  void rearm();
  void onTick(const boost::system::error_code& ec);

  boost::asio::io_context& io_;
  TimerWheel wheel_;
  std::optional<boost::asio::steady_timer> timer_;  // gone once the io_context shuts down
  std::optional<TimerWheel::TimePoint> armedAt_;    // when the timer's wait ends
};

}  // namespace sio::engine
