// Differences of the engine's counters, one entry per type (and close reason) that moved.
#include "engine_events.hpp"

#include "iso_time.hpp"

namespace sio::admin_ui {

Value EngineEvents::take(const engine::ServerStats& now,
                         std::chrono::system_clock::time_point time) {
  int64_t second = epochMilliseconds(time) / 1000 * 1000;
  Value events = Value::array();
  auto add = [&](const char* type, const std::string* subType, uint64_t count) {
    if (count == 0) return;
    Value event = Value::object({{"timestamp", second}, {"type", type}});
    if (subType) event.set("subType", *subType);
    event.set("count", count);
    events.push(std::move(event));
  };
  add("rawConnection", nullptr, now.sessionsOpened - previous_.sessionsOpened);
  for (const auto& [reason, count] : now.sessionsClosed) {
    auto before = previous_.sessionsClosed.find(reason);
    add("rawDisconnection", &reason,
        count - (before == previous_.sessionsClosed.end() ? 0 : before->second));
  }
  add("packetsIn", nullptr, now.messagesReceived - previous_.messagesReceived);
  add("bytesIn", nullptr, now.bytesReceived - previous_.bytesReceived);
  add("packetsOut", nullptr, now.messagesSent - previous_.messagesSent);
  add("bytesOut", nullptr, now.bytesSent - previous_.bytesSent);
  previous_ = now;
  return events;
}

}  // namespace sio::admin_ui
