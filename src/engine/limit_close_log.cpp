// LimitCloseLog: counts per limit within an interval, written as one warn line.
#include "limit_close_log.hpp"

#include "sio/log.hpp"

namespace sio::engine {

LimitCloseLog::LimitCloseLog(boost::asio::io_context& io, std::chrono::milliseconds interval)
    : timer_(io), interval_(interval) {}

void LimitCloseLog::record(std::string_view limit) {
  if (!armed_) {
    log::warn("engine: closed a session for a limit: " + std::string(limit));
    arm();
    return;
  }
  auto it = window_.find(limit);
  if (it == window_.end()) it = window_.emplace(std::string(limit), 0).first;
  ++it->second;
}

void LimitCloseLog::arm() {
  armed_ = true;
  timer_.expires_after(interval_);
  // The timer belongs to this object, which the server core owns: cancelled with it.
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) flush();
  });
}

void LimitCloseLog::flush() {
  if (window_.empty()) {
    armed_ = false;
    return;
  }
  std::string line = "engine: sessions closed for a limit in the last " +
                     std::to_string(interval_.count() / 1000) + " s:";
  for (const auto& [limit, count] : window_)
    line += " " + limit + " " + std::to_string(count) + ";";
  line.pop_back();
  log::warn(line);
  window_.clear();
  arm();
}

}  // namespace sio::engine
