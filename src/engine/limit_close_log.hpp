// Sessions the server closed or refused for a limit (slow consumer, parse error, payload
// too large, maxConnections), logged as counts: the first one at once, then one line per
// interval with what happened in it, so a flood of bad clients is a few lines, not one
// per client. Runs on the io_context thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace sio::engine {

class LimitCloseLog {
 public:
  explicit LimitCloseLog(boost::asio::io_context& io,
                         std::chrono::milliseconds interval = std::chrono::seconds(10));

  // One session closed (or refused) for `limit`, e.g. "slow consumer".
  void record(std::string_view limit);

 private:
  void arm();
  void flush();

  boost::asio::steady_timer timer_;
  std::chrono::milliseconds interval_;
  std::map<std::string, uint64_t, std::less<>> window_;  // counts since the last line
  bool armed_ = false;
};

}  // namespace sio::engine
