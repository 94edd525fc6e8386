// Messages of the Redis client's error codes.
#include "sio/redis/errors.hpp"

#include <string>

namespace sio::redis {
namespace {

class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "sio.redis"; }
  std::string message(int value) const override {
    switch (static_cast<Errc>(value)) {
      case Errc::ConnectionLost:
        return "connection lost (the command may or may not have run)";
      case Errc::OfflineQueueFull:
        return "offline queue full";
      case Errc::Closed:
        return "client closed";
      case Errc::ProtocolError:
        return "protocol error";
      case Errc::HandshakeFailed:
        return "connection handshake failed";
      case Errc::NoMaster:
        return "no master found";
      case Errc::TooManyRedirects:
        return "too many redirects";
      case Errc::ServerError:
        return "the server answered with an error";
      case Errc::NotSent:
        return "not sent: the connection broke first";
    }
    return "unknown redis error";
  }
};

}  // namespace

const std::error_category& errorCategory() {
  static const Category category;
  return category;
}

}  // namespace sio::redis
