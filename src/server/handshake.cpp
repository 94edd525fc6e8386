// Handshake records: the opening request kept by reference, the time as a number; request
// headers and query turned into objects on demand (repeated headers joined with ", ",
// repeated query keys as arrays, as Node does), the time in JS's Date format.
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

Handshake buildHandshake(std::shared_ptr<const engine::Request> request, Value auth) {
  Handshake handshake;
  handshake.request = std::move(request);
  auto now = std::chrono::system_clock::now();
  handshake.issued =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  handshake.auth = auth.isObject() ? std::move(auth) : Value::object();
  return handshake;
}

Value Handshake::headers() const {
  Value headers = Value::object();
  if (!request) return headers;
  for (const auto& [name, value] : request->headers()) {
    if (Value* existing = headers.find(name)) {
      std::string joined = existing->asString();
      joined.append(", ").append(value);
      *existing = Value(std::move(joined));
    } else {
      headers.set(std::string(name), Value(value));
    }
  }
  return headers;
}

std::string Handshake::time() const {
  return jsDateString(std::chrono::system_clock::time_point(std::chrono::milliseconds(issued)));
}

std::string_view Handshake::address() const {
  return request ? request->remoteAddress() : std::string_view();
}

bool Handshake::xdomain() const {
  return request && request->header("origin").has_value();
}

bool Handshake::secure() const {
  return request && request->secure();
}

std::string_view Handshake::url() const {
  return request ? request->url() : std::string_view();
}

Value Handshake::query() const {
  Value query = Value::object();
  if (!request) return query;
  for (const auto& [key, value] : request->query()) {
    if (Value* existing = query.find(key)) {
      if (!existing->isArray()) *existing = Value::array({*existing});
      existing->push(Value(value));
    } else {
      query.set(std::string(key), Value(value));
    }
  }
  return query;
}

Value Handshake::toValue() const {
  return Value::object({{"headers", headers()},
                        {"time", time()},
                        {"address", address()},
                        {"xdomain", xdomain()},
                        {"secure", secure()},
                        {"issued", issued},
                        {"url", url()},
                        {"query", query()},
                        {"auth", auth}});
}

}  // namespace sio
