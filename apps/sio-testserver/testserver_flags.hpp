// The command line of sio-testserver, exactly as ../shared/spec/test-server.md defines it:
// every flag with its default, parsed into one struct; a bad flag is a UsageError.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace sio::testserver {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Flags {
  std::string host = "127.0.0.1";
  uint16_t port = 3000;
  std::string adapter = "memory";
  std::vector<std::string> redis;  // empty: redis://127.0.0.1:6379
  bool cluster = false;
  std::vector<std::string> sentinels;
  std::string sentinelMaster;
  long pingInterval = 25000;
  long pingTimeout = 20000;
  long maxPayload = 1000000;
  long connectTimeout = 45000;
  bool recovery = false;
  long maxDisconnectionDuration = 120000;
  std::vector<std::string> namespaces;
  std::string serverId;  // empty: <host>:<port>
  bool engineEcho = false;
  // Operations, limits and compatibility
  bool help = false;
  bool version = false;
  std::string logLevel = "warn";
  long maxAttachments = 10;
  std::optional<long> maxBufferedBytes;  // unset: the library's default
  long maxConnections = 0;               // 0: unlimited
  std::string tlsCert;                   // with tlsKey: HTTPS and WSS
  std::string tlsKey;
  bool trustProxy = false;
  bool allowEio3 = false;  // also serve Engine.IO v3 clients (socket.io's allowEIO3)
  bool cookie = false;  // beyond the contract: Engine.IO's `io` cookie (socket.io's cookie: true)
  std::string parser = "default";  // or "msgpack" (socket.io-msgpack-parser)
  // Admin UI: serve its namespace; --admin-auth user:password (no auth when unset)
  bool adminUi = false;
  std::string adminUser, adminPassword;
  bool adminAuth = false;
  // beyond the contract: the UI's read-only and production modes
  bool adminReadonly = false;
  std::string adminMode = "development";
  // Streams adapter
  std::string streamName = "socket.io";
  long streamCount = 1;
  std::optional<std::string> channelPrefix;
  long maxLen = 10000;
  long readCount = 100;
  long blockTimeInMs = 5000;
  std::string sessionKeyPrefix = "sio:session:";
  bool useShardedPubSub = false;
  bool onlyPlaintext = false;
  long heartbeatInterval = 5000;
  long heartbeatTimeout = 10000;
  std::string protocol = "0.3";
  // Classic adapter
  std::string key = "socket.io";
  long requestsTimeout = 5000;
  bool publishOnSpecificResponseChannel = false;
  bool subscribeToLocalRoomsOnly = false;  // beyond the reference (the twin ignores it)
  // Sharded adapter
  std::string subscriptionMode = "dynamic";
};

// Parses argv (without argv[0]). Throws UsageError.
Flags parseFlags(const std::vector<std::string>& args);

std::string usage();

}  // namespace sio::testserver
