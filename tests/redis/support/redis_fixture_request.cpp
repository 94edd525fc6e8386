// Implementation of redis_fixture_request.hpp: typed access to the fields of a request and
// the conversion of its "options" object into the fixtures' Options structs.
#include "support/redis_fixture_request.hpp"

#include <cmath>
#include <functional>
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

/// Parses an option into its field: option name -> setter.
using Setters = std::map<std::string, std::function<void(const Value&, std::string_view)>>;

auto Flag(bool& field) {
  return [&field](const Value& v, std::string_view name) { field = AsBool(v, name); };
}
auto Number(int& field) {
  return [&field](const Value& v, std::string_view name) { field = AsInt(v, name); };
}
auto Text(std::string& field) {
  return [&field](const Value& v, std::string_view name) { field = AsString(v, name); };
}
auto Lines(std::vector<std::string>& field) {
  return [&field](const Value& v, std::string_view name) { field = AsStrings(v, name); };
}
auto Duration(std::chrono::milliseconds& field) {
  return [&field](const Value& v, std::string_view name) {
    field = std::chrono::milliseconds{AsInt(v, name)};
  };
}

/// Applies every member of request["options"] (absent: none) with its setter.
void ApplyOptions(const Value* options, const Setters& setters) {
  if (!options || options->isNull()) return;
  if (!options->isObject()) WrongType("options", "an object");
  for (const auto& [key, value] : options->asObject()) {
    if (value.isNull()) continue;  // JS undefined / null: the default
    auto it = setters.find(key);
    if (it == setters.end()) throw std::invalid_argument("unknown option '" + key + "'");
    it->second(value, key);
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
  auto sentinel = [&o](const Value& v, std::string_view name) {
    o.mode = AsBool(v, name) ? RedisServer::Mode::Sentinel : RedisServer::Mode::Server;
  };
  ApplyOptions(find("options"), {{"appendOnly", Flag(o.appendOnly)},
                                 {"password", Text(o.password)},
                                 {"aclUsers", Lines(o.aclUsers)},
                                 {"clusterEnabled", Flag(o.clusterEnabled)},
                                 {"clusterNodeTimeoutMs", Number(o.clusterNodeTimeoutMs)},
                                 {"extraConfig", Lines(o.extraConfig)},
                                 {"sentinel", sentinel},
                                 {"timeoutMs", Duration(o.timeout)}});
  return o;
}

RedisCluster::Options FixtureRequest::clusterOptions() const {
  RedisCluster::Options o;
  ApplyOptions(find("options"), {{"masters", Number(o.masters)},
                                 {"replicasPerMaster", Number(o.replicasPerMaster)},
                                 {"nodeTimeoutMs", Number(o.nodeTimeoutMs)},
                                 {"appendOnly", Flag(o.appendOnly)},
                                 {"password", Text(o.password)},
                                 {"extraConfig", Lines(o.extraConfig)},
                                 {"timeoutMs", Duration(o.timeout)}});
  return o;
}

RedisSentinelSetup::Options FixtureRequest::sentinelOptions() const {
  RedisSentinelSetup::Options o;
  ApplyOptions(find("options"), {{"masterName", Text(o.masterName)},
                                 {"sentinels", Number(o.sentinels)},
                                 {"quorum", Number(o.quorum)},
                                 {"downAfterMs", Number(o.downAfterMs)},
                                 {"failoverTimeoutMs", Number(o.failoverTimeoutMs)},
                                 {"password", Text(o.password)},
                                 {"appendOnly", Flag(o.appendOnly)},
                                 {"fastSentinelTimers", Flag(o.fastSentinelTimers)},
                                 {"timeoutMs", Duration(o.timeout)}});
  return o;
}

}  // namespace sio::redis_test
