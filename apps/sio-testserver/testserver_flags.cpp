// Flag parsing for sio-testserver: a table of flag names to setters, so each flag is one
// line and the usage text is generated from the same table.
#include "testserver_flags.hpp"

#include <charconv>
#include <functional>
#include <map>
#include <sstream>

namespace sio::testserver {
namespace {

long parseNumber(const std::string& flag, const std::string& value, long min, long max) {
  long number = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (ec != std::errc{} || end != value.data() + value.size() || number < min || number > max)
    throw UsageError(flag + " expects a number from " + std::to_string(min) + " to " +
                     std::to_string(max) + ", got '" + value + "'");
  return number;
}

std::vector<std::string> splitList(const std::string& value) {
  std::vector<std::string> items;
  std::stringstream stream(value);
  std::string item;
  while (std::getline(stream, item, ','))
    if (!item.empty()) items.push_back(item);
  return items;
}

struct FlagSpec {
  bool takesValue;
  std::function<void(Flags&, const std::string& flag, const std::string& value)> apply;
};

FlagSpec number(long Flags::*field, long min = 0, long max = 1L << 40) {
  return {true, [=](Flags& f, const std::string& flag, const std::string& v) {
            f.*field = parseNumber(flag, v, min, max);
          }};
}
FlagSpec text(std::string Flags::*field) {
  return {true, [=](Flags& f, const std::string&, const std::string& v) { f.*field = v; }};
}
FlagSpec boolean(bool Flags::*field) {
  return {false, [=](Flags& f, const std::string&, const std::string&) { f.*field = true; }};
}
FlagSpec choice(std::string Flags::*field, std::vector<std::string> allowed) {
  return {true, [=](Flags& f, const std::string& flag, const std::string& v) {
            for (const auto& option : allowed)
              if (option == v) {
                f.*field = v;
                return;
              }
            throw UsageError(flag + ": unknown value '" + v + "'");
          }};
}

const std::map<std::string, FlagSpec>& flagTable() {
  static const std::map<std::string, FlagSpec> table = {
      {"--host", text(&Flags::host)},
      {"--port",
       {true,
        [](Flags& f, const std::string& flag, const std::string& v) {
          f.port = static_cast<uint16_t>(parseNumber(flag, v, 0, 65535));
        }}},
      {"--adapter", choice(&Flags::adapter, {"memory", "redis-streams", "redis", "redis-sharded"})},
      {"--redis",
       {true, [](Flags& f, const std::string&, const std::string& v) { f.redis.push_back(v); }}},
      {"--cluster", boolean(&Flags::cluster)},
      {"--sentinel",
       {true,
        [](Flags& f, const std::string&, const std::string& v) { f.sentinels.push_back(v); }}},
      {"--sentinel-master", text(&Flags::sentinelMaster)},
      {"--ping-interval", number(&Flags::pingInterval, 1)},
      {"--ping-timeout", number(&Flags::pingTimeout, 1)},
      {"--max-payload", number(&Flags::maxPayload, 1)},
      {"--connect-timeout", number(&Flags::connectTimeout, 1)},
      {"--recovery", boolean(&Flags::recovery)},
      {"--max-disconnection-duration", number(&Flags::maxDisconnectionDuration)},
      {"--namespaces",
       {true,
        [](Flags& f, const std::string& flag, const std::string& v) {
          f.namespaces = splitList(v);
          for (const auto& nsp : f.namespaces)
            if (nsp.empty() || nsp[0] != '/')
              throw UsageError(flag + ": namespaces start with '/', got '" + nsp + "'");
        }}},
      {"--server-id", text(&Flags::serverId)},
      {"--engine-echo", boolean(&Flags::engineEcho)},
      {"--help", boolean(&Flags::help)},
      {"--version", boolean(&Flags::version)},
      {"--log-level", choice(&Flags::logLevel, {"trace", "debug", "info", "warn", "error", "off"})},
      {"--max-attachments", number(&Flags::maxAttachments, 0, 1000000)},
      {"--max-buffered-bytes",
       {true,
        [](Flags& f, const std::string& flag, const std::string& v) {
          f.maxBufferedBytes = parseNumber(flag, v, 0, 1L << 40);
        }}},
      {"--max-connections", number(&Flags::maxConnections, 0, 100000000)},
      {"--tls-cert", text(&Flags::tlsCert)},
      {"--tls-key", text(&Flags::tlsKey)},
      {"--trust-proxy", boolean(&Flags::trustProxy)},
      {"--allow-eio3", boolean(&Flags::allowEio3)},
      {"--cookie", boolean(&Flags::cookie)},
      {"--parser", choice(&Flags::parser, {"default", "msgpack"})},
      {"--admin-ui", boolean(&Flags::adminUi)},
      {"--admin-auth",
       {true,
        [](Flags& f, const std::string& flag, const std::string& v) {
          auto colon = v.find(':');
          if (colon == std::string::npos || colon == 0)
            throw UsageError(flag + " expects user:password, got '" + v + "'");
          f.adminAuth = true;
          f.adminUser = v.substr(0, colon);
          f.adminPassword = v.substr(colon + 1);
        }}},
      {"--admin-readonly", boolean(&Flags::adminReadonly)},
      {"--admin-mode", choice(&Flags::adminMode, {"development", "production"})},
      {"--stream-name", text(&Flags::streamName)},
      {"--stream-count", number(&Flags::streamCount, 1, 1024)},
      {"--channel-prefix",
       {true, [](Flags& f, const std::string&, const std::string& v) { f.channelPrefix = v; }}},
      {"--max-len", number(&Flags::maxLen)},
      {"--read-count", number(&Flags::readCount, 1)},
      {"--block-time-in-ms", number(&Flags::blockTimeInMs)},
      {"--session-key-prefix", text(&Flags::sessionKeyPrefix)},
      {"--use-sharded-pubsub", boolean(&Flags::useShardedPubSub)},
      {"--only-plaintext", boolean(&Flags::onlyPlaintext)},
      {"--heartbeat-interval", number(&Flags::heartbeatInterval, 1)},
      {"--heartbeat-timeout", number(&Flags::heartbeatTimeout, 1)},
      {"--protocol", choice(&Flags::protocol, {"0.2", "0.3"})},
      {"--key", text(&Flags::key)},
      {"--requests-timeout", number(&Flags::requestsTimeout, 1)},
      {"--publish-on-specific-response-channel", boolean(&Flags::publishOnSpecificResponseChannel)},
      {"--subscribe-to-local-rooms-only", boolean(&Flags::subscribeToLocalRoomsOnly)},
      {"--subscription-mode",
       choice(&Flags::subscriptionMode, {"static", "dynamic", "dynamic-private"})},
  };
  return table;
}

}  // namespace

Flags parseFlags(const std::vector<std::string>& args) {
  Flags flags;
  const auto& table = flagTable();
  for (size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i], value;
    bool inlineValue = false;
    if (auto eq = name.find('='); name.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      inlineValue = true;
    }
    auto it = table.find(name);
    if (it == table.end()) throw UsageError("unknown flag '" + args[i] + "'");
    if (it->second.takesValue && !inlineValue) {
      if (i + 1 >= args.size()) throw UsageError(name + " needs a value");
      value = args[++i];
    } else if (!it->second.takesValue && inlineValue) {
      throw UsageError(name + " takes no value");
    }
    it->second.apply(flags, name, value);
  }
  if (flags.tlsCert.empty() != flags.tlsKey.empty())
    throw UsageError("--tls-cert and --tls-key go together");
  if (flags.redis.size() > 1 && !flags.cluster)
    throw UsageError("--redis given more than once without --cluster");
  if (!flags.adminUi && (flags.adminAuth || flags.adminReadonly))
    throw UsageError("--admin-auth and --admin-readonly need --admin-ui");
  return flags;
}

namespace {

// One line of help per flag (the contract has the details and defaults).
const std::map<std::string, std::string>& flagHelp() {
  static const std::map<std::string, std::string> help = {
      {"--host", "address to listen on (127.0.0.1)"},
      {"--port", "port to listen on; 0 picks a free one (3000)"},
      {"--adapter", "memory | redis-streams | redis | redis-sharded (memory)"},
      {"--redis", "Redis URL; repeat with --cluster for seed nodes (redis://127.0.0.1:6379)"},
      {"--cluster", "the --redis URLs are Redis Cluster seed nodes"},
      {"--sentinel", "a Sentinel host:port (repeatable)"},
      {"--sentinel-master", "the master's name at the Sentinels"},
      {"--ping-interval", "Engine.IO pingInterval, ms (25000)"},
      {"--ping-timeout", "Engine.IO pingTimeout, ms (20000)"},
      {"--max-payload", "maxHttpBufferSize, bytes (1000000)"},
      {"--connect-timeout", "Socket.IO connectTimeout, ms (45000)"},
      {"--recovery", "enable connection state recovery"},
      {"--max-disconnection-duration", "recovery window, ms (120000)"},
      {"--namespaces", "namespaces served besides / and /custom, comma-separated"},
      {"--server-id", "this node's name in results (<host>:<port>)"},
      {"--engine-echo", "also serve a raw Engine.IO echo endpoint at /engine.io/"},
      {"--help", "print this and exit"},
      {"--version", "print the version (sio-testserver X.Y.Z) and exit"},
      {"--log-level", "trace | debug | info | warn | error | off, to standard error (warn)"},
      {"--max-attachments", "binary attachments one packet may announce (10)"},
      {"--max-buffered-bytes",
       "outbound bytes queued for one session before it is closed as a slow consumer "
       "(the library's default, 1 MiB)"},
      {"--max-connections", "Engine.IO sessions at once; beyond it HTTP 503 (unlimited)"},
      {"--tls-cert", "PEM certificate chain: serve HTTPS and WSS (with --tls-key; SIGHUP reloads)"},
      {"--tls-key", "PEM private key of --tls-cert"},
      {"--trust-proxy",
       "client address and scheme from X-Forwarded-For (last entry) / X-Forwarded-Proto"},
      {"--cookie", "set Engine.IO's io cookie on handshake (socket.io's cookie: true)"},
      {"--parser", "default | msgpack: socket.io-parser or socket.io-msgpack-parser (default)"},
      {"--allow-eio3", "also serve Engine.IO v3 clients, socket.io-client 2.x (allowEIO3)"},
      {"--admin-ui", "serve the /admin namespace of @socket.io/admin-ui"},
      {"--admin-auth", "user:password for the admin UI (basic auth; none when absent)"},
      {"--admin-readonly", "the admin UI may look but not act"},
      {"--admin-mode", "development | production: the admin UI's mode (development)"},
      {"--stream-name", "streams adapter: stream name (socket.io)"},
      {"--stream-count", "streams adapter: number of streams (1)"},
      {"--channel-prefix", "streams/sharded adapter: pub/sub channel prefix"},
      {"--max-len", "streams adapter: MAXLEN of XADD (10000)"},
      {"--read-count", "streams adapter: COUNT of XREAD (100)"},
      {"--block-time-in-ms", "streams adapter: BLOCK of XREAD, ms (5000)"},
      {"--session-key-prefix", "streams adapter: recovery session key prefix (sio:session:)"},
      {"--use-sharded-pubsub", "streams adapter: sharded pub/sub for responses"},
      {"--only-plaintext", "streams adapter: JSON-only entries"},
      {"--heartbeat-interval", "cluster heartbeat interval, ms (5000)"},
      {"--heartbeat-timeout", "cluster heartbeat timeout, ms (10000)"},
      {"--protocol", "streams adapter wire protocol: 0.2 | 0.3 (0.3)"},
      {"--key", "classic adapter: channel key (socket.io)"},
      {"--requests-timeout", "classic adapter: requests timeout, ms (5000)"},
      {"--publish-on-specific-response-channel", "classic adapter: per-node response channel"},
      {"--subscribe-to-local-rooms-only",
       "classic adapter: subscribe to the rooms with local members only"},
      {"--subscription-mode", "sharded adapter: static | dynamic | dynamic-private (dynamic)"},
  };
  return help;
}

}  // namespace

std::string usage() {
  std::string text = "usage: sio-testserver [flags]\nflags:";
  const auto& help = flagHelp();
  for (const auto& [name, spec] : flagTable()) {
    std::string left = name + (spec.takesValue ? " VALUE" : "");
    if (left.size() < 40) left.resize(40, ' ');
    auto it = help.find(name);
    text += "\n  " + left + " " + (it == help.end() ? std::string() : it->second);
  }
  return text + "\n(the contract: shared/spec/test-server.md)\n";
}

}  // namespace sio::testserver
