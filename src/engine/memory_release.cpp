// MemoryRelease: one malloc_trim per burst, on the io_context thread.
#include "memory_release.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace sio::engine {

MemoryRelease::MemoryRelease(boost::asio::io_context& io, std::chrono::milliseconds delay)
    : timer_(io), delay_(delay) {}

void MemoryRelease::soon() {
  if (pending_) return;
  pending_ = true;
  timer_.expires_after(delay_);
  // The timer belongs to this object: destroying it cancels the wait.
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    pending_ = false;
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
  });
}

}  // namespace sio::engine
