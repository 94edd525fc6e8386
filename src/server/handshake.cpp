// Handshake records: request headers and query as objects (repeated headers joined with
// ", ", repeated query keys as arrays, as Node does), the time in JS's Date format.
#include <chrono>
#include <ctime>

#include "handshake_builder.hpp"

namespace sio {

std::string jsDateString(std::chrono::system_clock::time_point time) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  std::strftime(buffer, sizeof(buffer), "%a %b %d %Y %H:%M:%S GMT+0000", &utc);
  return std::string(buffer) + " (Coordinated Universal Time)";
}

Handshake buildHandshake(const engine::Request& request, Value auth) {
  Handshake handshake;
  handshake.headers = Value::object();
  for (const auto& [name, value] : request.headers) {
    if (Value* existing = handshake.headers.find(name)) {
      *existing = Value(existing->asString() + ", " + value);
    } else {
      handshake.headers.set(name, value);
    }
  }
  auto now = std::chrono::system_clock::now();
  handshake.time = jsDateString(now);
  handshake.issued =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  handshake.address = request.remoteAddress;
  handshake.xdomain = request.header("origin") != nullptr;
  handshake.secure = request.secure;
  handshake.url = request.url;
  handshake.query = Value::object();
  for (const auto& [key, value] : request.query) {
    if (Value* existing = handshake.query.find(key)) {
      if (!existing->isArray()) *existing = Value::array({*existing});
      existing->push(value);
    } else {
      handshake.query.set(key, value);
    }
  }
  handshake.auth = auth.isObject() ? std::move(auth) : Value::object();
  return handshake;
}

Value Handshake::toValue() const {
  return Value::object({{"headers", headers},
                        {"time", time},
                        {"address", address},
                        {"xdomain", xdomain},
                        {"secure", secure},
                        {"issued", issued},
                        {"url", url},
                        {"query", query},
                        {"auth", auth}});
}

}  // namespace sio
