// The redis-fixture protocol: the Redis process fixtures (redis_processes.hpp) served one
// JSON request per line, one JSON reply per line, for test processes in other languages
// (tests/integration/lib/redis.mjs). A request is {"id": any, "op": name, ...fields}; its
// reply {"id", "ok": true, "result", "servers"} or {"id", "ok": false, "error"}, where
// "servers" maps every server handle to {"pid", "running"} as they are now. The operations
// and their fields are listed in redis_fixture_dispatcher.cpp. Requests run one at a time;
// when the input ends, every process is killed and every directory removed.
#pragma once

#include <iosfwd>
#include <string>

#include "sio/codec/value.hpp"
#include "support/redis_fixture_registry.hpp"

namespace sio::redis_test {

class FixtureDispatcher {
 public:
  /// Answers one request; never throws (errors become {"ok": false} replies).
  Value handle(const Value& request);
  /// The reply line for a request line (a line that is not JSON gets an error reply).
  std::string handleLine(const std::string& line);
  /// Kills every process and removes every directory of the session.
  void releaseAll() { registry_.releaseAll(); }

 private:
  friend struct FixtureOps;
  Value describe(RedisServer& server);
  Value handles(const std::vector<RedisServer*>& servers) const;
  Value serverStates();

  FixtureRegistry registry_;
};

/// Reads request lines from `in` and writes reply lines to `out` (flushed after each) until
/// `in` ends or `out` fails, then releases everything.
void ServeFixtureRequests(std::istream& in, std::ostream& out);

}  // namespace sio::redis_test
