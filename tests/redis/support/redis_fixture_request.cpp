// Implementation of redis_fixture_request.hpp: typed access to the fields of a request and
// the conversion of its "options" object into the fixtures' Options structs.
#include "support/redis_fixture_request.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace sio::redis_test {

namespace {

[[noreturn]] void WrongType(std::string_view name, const char* expected) {
  throw std::invalid_argument("'" + std::string(name) + "' must be " + expected);
}

bool AsBool(const Value& v, std::string_view name) {
  if (!v.isBool()) WrongType(name, "a boolean");
  return v.asBool();
}

int AsInt(const Value& v, std::string_view name) {
  double d = v.isNumber() ? v.asDouble() : std::nan("");
  if (!std::isfinite(d) || d != std::floor(d) || d < std::numeric_limits<int>::min() ||
      d > std::numeric_limits<int>::max())
    WrongType(name, "an integer");
  return static_cast<int>(d);
}

std::string AsString(const Value& v, std::string_view name) {
  if (v.isString()) return v.asString();
  if (v.isInt()) return std::to_string(v.asInt());
  WrongType(name, "a string");
}

std::vector<std::string> AsStrings(const Value& v, std::string_view name) {
  if (!v.isArray()) WrongType(name, "an array of strings");
  std::vector<std::string> out;
  for (const Value& item : v.asArray()) out.push_back(AsString(item, name));
  return out;
}

std::chrono::milliseconds AsMs(const Value& v, std::string_view name) {
  return std::chrono::milliseconds{AsInt(v, name)};
}

/// Calls apply(key, value) for every member of request["options"] (absent: none).
template <class Apply>
void ForEachOption(const Value* options, Apply apply) {
  if (!options || options->isNull()) return;
  if (!options->isObject()) WrongType("options", "an object");
  for (const auto& [key, value] : options->asObject()) {
    if (value.isNull()) continue;  // JS undefined / null: the default
    if (!apply(key, value)) throw std::invalid_argument("unknown option '" + key + "'");
  }
}

}  // namespace

const Value* FixtureRequest::find(std::string_view key) const {
  const Value* v = request_.find(key);
  return v && !v->isNull() ? v : nullptr;
}

const Value& FixtureRequest::require(std::string_view key) const {
  const Value* v = find(key);
  if (!v) throw std::invalid_argument("missing '" + std::string(key) + "'");
  return *v;
}

std::string FixtureRequest::string(std::string_view key) const {
  return AsString(require(key), key);
}

std::string FixtureRequest::string(std::string_view key, const std::string& fallback) const {
  const Value* v = find(key);
  return v ? AsString(*v, key) : fallback;
}

int FixtureRequest::integer(std::string_view key) const {
  return AsInt(require(key), key);
}

int FixtureRequest::integer(std::string_view key, int fallback) const {
  const Value* v = find(key);
  return v ? AsInt(*v, key) : fallback;
}

std::vector<std::string> FixtureRequest::strings(std::string_view key) const {
  return AsStrings(require(key), key);
}

std::map<std::string, std::string> FixtureRequest::stringMap(std::string_view key) const {
  std::map<std::string, std::string> out;
  const Value* v = find(key);
  if (!v) return out;
  if (!v->isObject()) WrongType(key, "an object of strings");
  for (const auto& [name, value] : v->asObject()) out[name] = AsString(value, name);
  return out;
}

RedisServer::Options FixtureRequest::serverOptions() const {
  RedisServer::Options o;
  ForEachOption(find("options"), [&](const std::string& key, const Value& v) {
    if (key == "appendOnly") o.appendOnly = AsBool(v, key);
    else if (key == "password") o.password = AsString(v, key);
    else if (key == "aclUsers") o.aclUsers = AsStrings(v, key);
    else if (key == "clusterEnabled") o.clusterEnabled = AsBool(v, key);
    else if (key == "clusterNodeTimeoutMs") o.clusterNodeTimeoutMs = AsInt(v, key);
    else if (key == "extraConfig") o.extraConfig = AsStrings(v, key);
    else if (key == "sentinel") o.mode = AsBool(v, key) ? RedisServer::Mode::Sentinel : RedisServer::Mode::Server;
    else if (key == "timeoutMs") o.timeout = AsMs(v, key);
    else return false;
    return true;
  });
  return o;
}

RedisCluster::Options FixtureRequest::clusterOptions() const {
  RedisCluster::Options o;
  ForEachOption(find("options"), [&](const std::string& key, const Value& v) {
    if (key == "masters") o.masters = AsInt(v, key);
    else if (key == "replicasPerMaster") o.replicasPerMaster = AsInt(v, key);
    else if (key == "nodeTimeoutMs") o.nodeTimeoutMs = AsInt(v, key);
    else if (key == "appendOnly") o.appendOnly = AsBool(v, key);
    else if (key == "password") o.password = AsString(v, key);
    else if (key == "extraConfig") o.extraConfig = AsStrings(v, key);
    else if (key == "timeoutMs") o.timeout = AsMs(v, key);
    else return false;
    return true;
  });
  return o;
}

RedisSentinelSetup::Options FixtureRequest::sentinelOptions() const {
  RedisSentinelSetup::Options o;
  ForEachOption(find("options"), [&](const std::string& key, const Value& v) {
    if (key == "masterName") o.masterName = AsString(v, key);
    else if (key == "sentinels") o.sentinels = AsInt(v, key);
    else if (key == "quorum") o.quorum = AsInt(v, key);
    else if (key == "downAfterMs") o.downAfterMs = AsInt(v, key);
    else if (key == "failoverTimeoutMs") o.failoverTimeoutMs = AsInt(v, key);
    else if (key == "password") o.password = AsString(v, key);
    else if (key == "appendOnly") o.appendOnly = AsBool(v, key);
    else if (key == "fastSentinelTimers") o.fastSentinelTimers = AsBool(v, key);
    else if (key == "timeoutMs") o.timeout = AsMs(v, key);
    else return false;
    return true;
  });
  return o;
}

}  // namespace sio::redis_test
