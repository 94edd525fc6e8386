// Reading a redis-fixture request (one JSON object): typed fields that throw
// std::invalid_argument naming the field when it is missing or of the wrong type, and the
// fixture Options of redis_processes.hpp from the "options" object, with the option names
// of tests/integration/lib/redis.mjs (appendOnly, timeoutMs, ...). Unknown options are
// refused, so that a typo in a test does not silently start the default fixture.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sio/codec/value.hpp"
#include "support/redis_processes.hpp"

namespace sio::redis_test {

class FixtureRequest {
 public:
  explicit FixtureRequest(const Value& request) : request_(request) {}

  /// A required string / integer / list of strings (numbers are written as text) field.
  std::string string(std::string_view key) const;
  int integer(std::string_view key) const;
  std::vector<std::string> strings(std::string_view key) const;
  /// Optional fields, with their default when absent or null.
  std::string string(std::string_view key, const std::string& fallback) const;
  int integer(std::string_view key, int fallback) const;
  /// An optional object of string values (e.g. environment variables).
  std::map<std::string, std::string> stringMap(std::string_view key) const;

  RedisServer::Options serverOptions() const;
  RedisCluster::Options clusterOptions() const;
  RedisSentinelSetup::Options sentinelOptions() const;

 private:
  const Value* find(std::string_view key) const;
  const Value& require(std::string_view key) const;

  const Value& request_;
};

}  // namespace sio::redis_test
