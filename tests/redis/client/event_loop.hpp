// Test helper: runs an io_context in the test's own thread until a condition holds (or a
// generous limit passes), so that tests against real Redis servers read top to bottom.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>

namespace sio::redis_test {

class EventLoop {
 public:
  boost::asio::io_context& io() { return io_; }
  auto executor() { return io_.get_executor(); }

  // True when `done()` became true before `limit`.
  template <class Predicate>
  bool runUntil(Predicate done, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      io_.restart();
      io_.run_for(std::chrono::milliseconds(5));
    }
    return true;
  }

  void runFor(std::chrono::milliseconds duration) {
    io_.restart();
    io_.run_for(duration);
  }

 private:
  boost::asio::io_context io_;
};

}  // namespace sio::redis_test
