// Implementation of the redis-fixture protocol (redis_fixture_dispatcher.hpp): a table from
// operation name to a small handler over the registry. A server is described as {handle,
// port, busPort, pid, running, password, dir, configFile, logFile}; cluster and setup
// operations that name servers take and return their handles. The operations:
//   freePorts {count} -> [port]
//   runProgram {argv, env?, timeoutMs?} -> {code, stdout, stderr}
//   startServer {options?} -> server
//   state|stop|kill|start|restart|pause|resume {handle} -> server
//   cli {handle, args} -> stdout
//   cleanup {handle} (a server, cluster or setup) -> null
//   startCluster {options?} -> {handle, nodes: [server]}
//   masters {handle} -> [handle]
//   replicasOf {handle, master} -> [handle]
//   nodeForSlot {handle, slot} -> handle
//   nodeId {handle, node} -> id
//   keySlot {handle, key} -> slot
//   beginSlotMigration|finishSlotMigration|migrateSlot {handle, slot, from, to} -> null
//   migrateSlotKeys {handle, slot, from, to} -> count
//   failover {handle, replica, mode?: ""|"FORCE"|"TAKEOVER"} -> null
//   waitHealthy {handle} (a cluster or setup) -> null
//   startSentinel {options?} -> {handle, masterName, dataNodes: [server], sentinels: [server]}
//   currentMaster {handle} -> "127.0.0.1:PORT"
//   master|replica {handle} -> handle
//   forceFailover {handle} -> the new master's address
#include "support/redis_fixture_dispatcher.hpp"

#include <istream>
#include <map>
#include <ostream>
#include <stdexcept>

#include "sio/codec/json.hpp"
#include "support/redis_fixture_request.hpp"

namespace sio::redis_test {

using Handler = Value (*)(FixtureDispatcher&, const FixtureRequest&);

struct FixtureOps {
  static FixtureRegistry& reg(FixtureDispatcher& d) { return d.registry_; }
  static RedisServer& server(FixtureDispatcher& d, const FixtureRequest& r,
                             const char* key = "handle") {
    return d.registry_.server(r.string(key));
  }
  static RedisCluster& cluster(FixtureDispatcher& d, const FixtureRequest& r) {
    return d.registry_.cluster(r.string("handle"));
  }
  static RedisSentinelSetup& sentinel(FixtureDispatcher& d, const FixtureRequest& r) {
    return d.registry_.sentinel(r.string("handle"));
  }

  // ---- helpers without a fixture ----

  static Value freePorts(FixtureDispatcher&, const FixtureRequest& r) {
    Value out = Value::array();
    for (int port : FreePorts(static_cast<std::size_t>(r.integer("count", 1)))) out.push(port);
    return out;
  }

  static Value runProgram(FixtureDispatcher&, const FixtureRequest& r) {
    const int timeoutMs = r.integer("timeoutMs", static_cast<int>(kDefaultTimeout.count()));
    ProgramResult p =
        RunProgram(r.strings("argv"), r.stringMap("env"), std::chrono::milliseconds{timeoutMs});
    return Value::object({{"code", p.exitCode}, {"stdout", p.out}, {"stderr", p.err}});
  }

  // ---- servers (standalone, or a node of a cluster or setup) ----

  static Value startServer(FixtureDispatcher& d, const FixtureRequest& r) {
    auto owned = std::make_unique<RedisServer>(r.serverOptions());
    RedisServer& s = *owned;
    reg(d).addServer(std::move(owned));
    return d.describe(s);
  }

  static Value state(FixtureDispatcher& d, const FixtureRequest& r) {
    return d.describe(server(d, r));
  }
  /// stop, kill, start, restart, pause, resume: the server's method, then its description.
  template <void (RedisServer::*What)()>
  static Value act(FixtureDispatcher& d, const FixtureRequest& r) {
    RedisServer& s = server(d, r);
    (s.*What)();
    return d.describe(s);
  }

  static Value cli(FixtureDispatcher& d, const FixtureRequest& r) {
    return server(d, r).cli(r.strings("args"));
  }

  static Value cleanup(FixtureDispatcher& d, const FixtureRequest& r) {
    reg(d).release(r.string("handle"));
    return nullptr;
  }

  // ---- clusters ----

  static Value startCluster(FixtureDispatcher& d, const FixtureRequest& r) {
    auto owned = std::make_unique<RedisCluster>(r.clusterOptions());
    RedisCluster& c = *owned;
    std::string handle = reg(d).addCluster(std::move(owned));
    Value nodes = Value::array();
    for (RedisServer* n : c.nodes()) nodes.push(d.describe(*n));
    return Value::object({{"handle", handle}, {"nodes", std::move(nodes)}});
  }

  static Value masters(FixtureDispatcher& d, const FixtureRequest& r) {
    return d.handles(cluster(d, r).masters());
  }
  static Value replicasOf(FixtureDispatcher& d, const FixtureRequest& r) {
    return d.handles(cluster(d, r).replicasOf(server(d, r, "master")));
  }
  static Value nodeForSlot(FixtureDispatcher& d, const FixtureRequest& r) {
    return reg(d).handleOf(cluster(d, r).nodeForSlot(r.integer("slot")));
  }
  static Value nodeId(FixtureDispatcher& d, const FixtureRequest& r) {
    return cluster(d, r).nodeId(server(d, r, "node"));
  }
  static Value keySlot(FixtureDispatcher& d, const FixtureRequest& r) {
    return cluster(d, r).keySlot(r.string("key"));
  }

  static Value beginSlotMigration(FixtureDispatcher& d, const FixtureRequest& r) {
    cluster(d, r).beginSlotMigration(r.integer("slot"), server(d, r, "from"), server(d, r, "to"));
    return nullptr;
  }
  static Value migrateSlotKeys(FixtureDispatcher& d, const FixtureRequest& r) {
    return cluster(d, r).migrateSlotKeys(r.integer("slot"), server(d, r, "from"),
                                         server(d, r, "to"));
  }
  static Value finishSlotMigration(FixtureDispatcher& d, const FixtureRequest& r) {
    cluster(d, r).finishSlotMigration(r.integer("slot"), server(d, r, "from"), server(d, r, "to"));
    return nullptr;
  }
  static Value migrateSlot(FixtureDispatcher& d, const FixtureRequest& r) {
    cluster(d, r).migrateSlot(r.integer("slot"), server(d, r, "from"), server(d, r, "to"));
    return nullptr;
  }

  static Value failover(FixtureDispatcher& d, const FixtureRequest& r) {
    const std::string mode = r.string("mode", "");
    RedisCluster::FailoverMode m = RedisCluster::FailoverMode::Default;
    if (mode == "FORCE")
      m = RedisCluster::FailoverMode::Force;
    else if (mode == "TAKEOVER")
      m = RedisCluster::FailoverMode::Takeover;
    else if (!mode.empty())
      throw std::invalid_argument("'mode' must be \"\", \"FORCE\" or \"TAKEOVER\"");
    cluster(d, r).failover(server(d, r, "replica"), m);
    return nullptr;
  }

  static Value waitHealthy(FixtureDispatcher& d, const FixtureRequest& r) {
    if (reg(d).isSentinel(r.string("handle")))
      sentinel(d, r).waitHealthy();
    else
      cluster(d, r).waitHealthy();
    return nullptr;
  }

  // ---- sentinel setups ----

  static Value startSentinel(FixtureDispatcher& d, const FixtureRequest& r) {
    auto owned = std::make_unique<RedisSentinelSetup>(r.sentinelOptions());
    RedisSentinelSetup& t = *owned;
    std::string handle = reg(d).addSentinel(std::move(owned));
    Value data = Value::array(), sentinels = Value::array();
    for (RedisServer* n : t.dataNodes()) data.push(d.describe(*n));
    for (RedisServer* n : t.sentinels()) sentinels.push(d.describe(*n));
    return Value::object({{"handle", handle},
                          {"masterName", t.masterName()},
                          {"dataNodes", std::move(data)},
                          {"sentinels", std::move(sentinels)}});
  }

  static Value currentMaster(FixtureDispatcher& d, const FixtureRequest& r) {
    return sentinel(d, r).currentMaster();
  }
  static Value master(FixtureDispatcher& d, const FixtureRequest& r) {
    return reg(d).handleOf(sentinel(d, r).master());
  }
  static Value replica(FixtureDispatcher& d, const FixtureRequest& r) {
    return reg(d).handleOf(sentinel(d, r).replica());
  }
  static Value forceFailover(FixtureDispatcher& d, const FixtureRequest& r) {
    return sentinel(d, r).forceFailover();
  }

  static const std::map<std::string, Handler>& table() {
    static const std::map<std::string, Handler> ops = {
        {"freePorts", freePorts},
        {"runProgram", runProgram},
        {"startServer", startServer},
        {"state", state},
        {"stop", act<&RedisServer::stop>},
        {"kill", act<&RedisServer::kill>},
        {"start", act<&RedisServer::start>},
        {"restart", act<&RedisServer::restart>},
        {"pause", act<&RedisServer::pause>},
        {"resume", act<&RedisServer::resume>},
        {"cli", cli},
        {"cleanup", cleanup},
        {"startCluster", startCluster},
        {"masters", masters},
        {"replicasOf", replicasOf},
        {"nodeForSlot", nodeForSlot},
        {"nodeId", nodeId},
        {"keySlot", keySlot},
        {"beginSlotMigration", beginSlotMigration},
        {"migrateSlotKeys", migrateSlotKeys},
        {"finishSlotMigration", finishSlotMigration},
        {"migrateSlot", migrateSlot},
        {"failover", failover},
        {"waitHealthy", waitHealthy},
        {"startSentinel", startSentinel},
        {"currentMaster", currentMaster},
        {"master", master},
        {"replica", replica},
        {"forceFailover", forceFailover},
    };
    return ops;
  }
};

Value FixtureDispatcher::describe(RedisServer& s) {
  const bool running = s.running();
  return Value::object({{"handle", registry_.handleOf(s)},
                        {"port", s.port()},
                        {"busPort", s.clusterBusPort()},
                        {"pid", running ? s.pid() : 0},
                        {"running", running},
                        {"password", s.options().password},
                        {"dir", s.dir().string()},
                        {"configFile", s.configFile().string()},
                        {"logFile", s.logFile().string()}});
}

Value FixtureDispatcher::handles(const std::vector<RedisServer*>& servers) const {
  Value out = Value::array();
  for (RedisServer* s : servers) out.push(registry_.handleOf(*s));
  return out;
}

Value FixtureDispatcher::serverStates() {
  Value out = Value::object();
  for (const auto& [handle, s] : registry_.servers()) {
    const bool running = s->running();
    out.set(handle, Value::object({{"pid", running ? s->pid() : 0}, {"running", running}}));
  }
  return out;
}

Value FixtureDispatcher::handle(const Value& request) {
  const Value* id = request.find("id");
  Value reply = Value::object({{"id", id ? *id : Value()}});
  std::string op = "request";
  try {
    if (!request.isObject()) throw std::invalid_argument("a request is a JSON object");
    const Value* name = request.find("op");
    if (!name || !name->isString()) throw std::invalid_argument("missing 'op'");
    op = name->asString();
    const auto& ops = FixtureOps::table();
    auto it = ops.find(op);
    if (it == ops.end()) throw std::invalid_argument("unknown operation");
    Value result = it->second(*this, FixtureRequest(request));
    reply.set("ok", true);
    reply.set("result", std::move(result));
  } catch (const std::exception& e) {
    reply.set("ok", false);
    reply.set("error", op + ": " + e.what());
  }
  try {
    reply.set("servers", serverStates());
  } catch (const std::exception&) {
    // the states are a courtesy: a reply goes out anyway
  }
  return reply;
}

std::string FixtureDispatcher::handleLine(const std::string& line) {
  codec::JsonError error;
  std::optional<Value> request = codec::parseJson(line, &error);
  if (!request) {
    Value reply = Value::object({{"id", nullptr},
                                 {"ok", false},
                                 {"error", "not JSON (" + error.message + " at byte " +
                                               std::to_string(error.offset) + ")"}});
    return codec::toJson(reply);
  }
  return codec::toJson(handle(*request));
}

void ServeFixtureRequests(std::istream& in, std::ostream& out) {
  FixtureDispatcher dispatcher;
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    out << dispatcher.handleLine(line) << '\n';
    out.flush();
    if (!out) break;  // nobody reads the replies any more
  }
  dispatcher.releaseAll();
}

}  // namespace sio::redis_test
