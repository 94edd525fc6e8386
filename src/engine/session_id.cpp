// Session id generation from getrandom(2) (cryptographically strong, never blocks once
// the kernel pool is initialised).
#include "sio/engine/session_id.hpp"

#include <sys/random.h>

#include <cerrno>
#include <stdexcept>

#include "sio/codec/base64.hpp"

namespace sio::engine {

std::string generateSessionId() {
  unsigned char bytes[15];
  size_t filled = 0;
  while (filled < sizeof(bytes)) {
    ssize_t n = getrandom(bytes + filled, sizeof(bytes) - filled, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("getrandom failed");
    }
    filled += static_cast<size_t>(n);
  }
  std::string id = codec::base64Encode(std::string_view(reinterpret_cast<char*>(bytes), 15));
  for (char& c : id) {
    if (c == '+')
      c = '-';
    else if (c == '/')
      c = '_';
  }
  return id;
}

}  // namespace sio::engine
