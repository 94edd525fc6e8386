// ContextTimerWheel: the steady_timer waits for the wheel's next occupied tick only, so an
// io_context with no deadline (or only far ones) is not woken every tick.
#include "sio/engine/context_timer_wheel.hpp"

namespace sio::engine {

ContextTimerWheel::ContextTimerWheel(boost::asio::io_context& io)
    : boost::asio::execution_context::service(io),
      io_(io),
      wheel_(kResolution, kSlots, TimerWheel::Clock::now()),
      timer_(std::in_place, io) {}

ContextTimerWheel& ContextTimerWheel::of(boost::asio::io_context& io) {
  return boost::asio::use_service<ContextTimerWheel>(io);
}

void ContextTimerWheel::shutdown() {
  timer_.reset();
  armedAt_.reset();
}

// Never advances the wheel itself (a callback may be scheduling): after a quiet spell the
// wheel's clock lags, which costs one early wake-up that catches it up, never a late entry.
void ContextTimerWheel::schedule(TimerWheel::Entry& entry, TimerWheel::TimePoint deadline) {
  wheel_.schedule(entry, deadline);
  rearm();
}

void ContextTimerWheel::rearm() {
  if (!timer_) return;
  auto next = wheel_.nextTick();
  if (!next || (armedAt_ && *armedAt_ <= *next)) return;
  armedAt_ = *next;
  timer_->expires_at(*next);  // cancels a later wait (it completes as aborted)
  timer_->async_wait([this](const boost::system::error_code& ec) { onTick(ec); });
}

void ContextTimerWheel::onTick(const boost::system::error_code& ec) {
  if (ec || !timer_) return;
  armedAt_.reset();
  wheel_.advance(TimerWheel::Clock::now());
  rearm();
}

}  // namespace sio::engine
