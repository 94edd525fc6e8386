// Gives the memory that the allocator keeps after a burst back to the system (glibc's
// malloc_trim): asked for after something freed a lot at once (stuck clients cleared),
// done once, a moment later, however often it was asked meanwhile. Elsewhere a no-op.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>

namespace sio::engine {

class MemoryRelease {
 public:
  explicit MemoryRelease(boost::asio::io_context& io,
                         std::chrono::milliseconds delay = std::chrono::seconds(1));
  void soon();

 private:
  boost::asio::steady_timer timer_;
  std::chrono::milliseconds delay_;
  bool pending_ = false;
};

}  // namespace sio::engine
