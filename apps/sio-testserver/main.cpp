// sio-testserver: the fixture every black-box test drives (contract:
// shared/spec/test-server.md). A Socket.IO server at /socket.io/ serving `/`, `/custom` and
// --namespaces with the contract's events and `op` requests, plus with --engine-echo a raw
// Engine.IO echo endpoint at /engine.io/. Adapters: memory, redis-streams, redis (classic
// pub/sub) and redis-sharded; the pub/sub ones report resubscription gaps on stderr.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <iostream>
#include <optional>

#include "sio/adapters/redis_adapter.hpp"
#include "sio/adapters/redis_sharded.hpp"
#include "sio/adapters/redis_streams.hpp"
#include "sio/engine/http_server.hpp"
#include "sio/engine/reload_tls_on_signal.hpp"
#include "sio/engine/server.hpp"
#include "sio/engine/shutdown_on_signal.hpp"
#include "sio/log.hpp"
#include "sio/server/admin_ui.hpp"
#include "sio/server/metrics.hpp"
#include "sio/server/server.hpp"
#include "sio/version.hpp"
#include "testserver_flags.hpp"
#include "testserver_ops.hpp"

namespace {

using namespace sio;
using std::chrono::milliseconds;

int fail(const std::string& message) {
  std::cerr << "sio-testserver: " << message << "\n" << testserver::usage();
  return 2;
}

engine::ServerOptions engineOptions(const testserver::Flags& flags) {
  engine::ServerOptions options;
  options.pingInterval = milliseconds(flags.pingInterval);
  options.pingTimeout = milliseconds(flags.pingTimeout);
  options.maxHttpBufferSize = static_cast<size_t>(flags.maxPayload);
  if (flags.maxBufferedBytes)
    options.maxBufferedBytes = static_cast<size_t>(*flags.maxBufferedBytes);
  options.maxConnections = static_cast<size_t>(flags.maxConnections);
  if (flags.cookie) options.cookie = engine::CookieOptions{};
  options.allowEIO3 = flags.allowEio3;
  return options;
}

engine::HttpServerOptions httpOptions(const testserver::Flags& flags) {
  engine::HttpServerOptions options;
  if (!flags.tlsCert.empty()) options.tls = engine::TlsOptions{flags.tlsCert, flags.tlsKey};
  options.trustProxy = flags.trustProxy;
  return options;
}

std::shared_ptr<redis::Client> redisClient(boost::asio::io_context& io,
                                           const testserver::Flags& flags) {
  redis::ClientOptions options;
  if (!flags.redis.empty()) options.urls = flags.redis;
  options.cluster = flags.cluster;
  options.sentinels = flags.sentinels;
  options.sentinelMaster = flags.sentinelMaster;
  options.clientName = "sio-testserver";
  return redis::Client::create(io.get_executor(), options);
}

adapters::RedisStreamsOptions streamsOptions(const testserver::Flags& flags) {
  adapters::RedisStreamsOptions options;
  options.streamName = flags.streamName;
  options.streamCount = int(flags.streamCount);
  if (flags.channelPrefix) options.channelPrefix = *flags.channelPrefix;
  options.useShardedPubSub = flags.useShardedPubSub;
  options.maxLen = flags.maxLen;
  options.readCount = int(flags.readCount);
  options.blockTime = milliseconds(flags.blockTimeInMs);
  options.sessionKeyPrefix = flags.sessionKeyPrefix;
  options.onlyPlaintext = flags.onlyPlaintext;
  options.heartbeatInterval = milliseconds(flags.heartbeatInterval);
  options.heartbeatTimeout = milliseconds(flags.heartbeatTimeout);
  options.protocol = flags.protocol == "0.2" ? adapters::RedisStreamsProtocol::v0_2
                                             : adapters::RedisStreamsProtocol::v0_3;
  return options;
}

// What the application does with a gap is its business; the fixture says it on stderr.
void reportGap(const adapters::SubscriptionGap& gap) {
  std::cerr << "sio-testserver: pub/sub subscription gap " << gap.count
            << ": messages published while the subscriber was disconnected are lost" << std::endl;
}

adapters::RedisAdapterOptions classicOptions(const testserver::Flags& flags) {
  adapters::RedisAdapterOptions options;
  options.key = flags.key;
  options.requestsTimeout = milliseconds(flags.requestsTimeout);
  options.publishOnSpecificResponseChannel = flags.publishOnSpecificResponseChannel;
  options.subscribeToLocalRoomsOnly = flags.subscribeToLocalRoomsOnly;
  options.onSubscriptionGap = reportGap;
  return options;
}

adapters::RedisShardedOptions shardedOptions(const testserver::Flags& flags) {
  adapters::RedisShardedOptions options;
  if (flags.channelPrefix) options.channelPrefix = *flags.channelPrefix;
  options.subscriptionMode = flags.subscriptionMode == "static" ? adapters::SubscriptionMode::Static
                             : flags.subscriptionMode == "dynamic-private"
                                 ? adapters::SubscriptionMode::DynamicPrivate
                                 : adapters::SubscriptionMode::Dynamic;
  options.onSubscriptionGap = reportGap;
  return options;
}

ServerOptions socketIoOptions(const testserver::Flags& flags) {
  ServerOptions options;
  options.connectTimeout = milliseconds(flags.connectTimeout);
  options.maxAttachments = static_cast<size_t>(flags.maxAttachments);
  if (flags.parser == "msgpack") options.parser = protocol::msgpackParser();
  options.engine = engineOptions(flags);
  if (flags.recovery) {
    options.connectionStateRecovery = ConnectionStateRecoveryOptions{};
    options.connectionStateRecovery->maxDisconnectionDuration =
        milliseconds(flags.maxDisconnectionDuration);
  }
  return options;
}

void echoEverything(engine::Server& server) {
  server.onConnection([](std::shared_ptr<engine::Socket> socket) {
    std::weak_ptr<engine::Socket> weak = socket;
    socket->onMessage([weak](const engine::Packet& message) {
      if (auto self = weak.lock()) self->send(message);
    });
  });
}

// --admin-ui: @socket.io/admin-ui's namespace, its password hashed with bcrypt here (the
// library keeps only the hash, as the UI package expects).
void instrumentAdminUi(Server& server, const testserver::Flags& flags,
                       const std::string& serverId) {
  AdminUiOptions options;
  if (flags.adminAuth)
    options.auth = AdminUiBasicAuth{flags.adminUser, adminUiHashPassword(flags.adminPassword)};
  else
    options.auth = AdminUiNoAuth{};
  options.readonly = flags.adminReadonly;
  options.serverId = serverId;
  options.mode =
      flags.adminMode == "production" ? AdminUiMode::Production : AdminUiMode::Development;
  instrument(server, std::move(options));
}

void serveNamespace(const std::shared_ptr<Namespace>& nsp,
                    const std::shared_ptr<testserver::NodeState>& node) {
  nsp->on("ping", [node](const Args& args, const Ack& ack) {
    node->received.push_back(
        Value::object({{"event", "ping"}, {"args", Value(Value::Array(args))}}));
    if (ack) ack({Value("pong:" + node->serverId)});
  });
  nsp->onConnection([node](const std::shared_ptr<Socket>& socket) {
    socket->data().set("server", node->serverId);
    socket->emit("auth", {socket->handshake().auth});
    // A listener runs only while its socket dispatches an event (which holds the socket and
    // its namespace), and the node outlives every socket: plain pointers do, and they keep
    // each closure within std::function's own storage (no allocation per socket).
    Socket* self = socket.get();
    testserver::NodeState* state = node.get();
    socket->on("message",
               [self](const Args& args, const Ack&) { self->emit("message-back", args); });
    socket->on("message-with-ack", [](const Args& args, const Ack& ack) { ack(args); });
    socket->on("op", [self, state](const Args& args, const Ack& ack) {
      if (!ack) return;
      static const Value kNoRequest;  // the request is read in place, not copied
      testserver::runOp(state->shared_from_this(), self->nsp(), self->shared_from_this(),
                        args.empty() ? kNoRequest : args[0],
                        [ack](Value reply) { ack({std::move(reply)}); });
    });
  });
}

}  // namespace

int main(int argc, char** argv) {
  testserver::Flags flags;
  try {
    flags = testserver::parseFlags(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const testserver::UsageError& error) {
    return fail(error.what());
  }
  if (flags.help) {
    std::cout << testserver::usage();
    return 0;
  }
  if (flags.version) {
    std::cout << "sio-testserver " << sio::kVersion << "\n";
    return 0;
  }
  log::setLevel(*log::parseLevel(flags.logLevel));
  if (flags.adapter == "redis-streams" && flags.protocol == "0.2") {
    for (const char* flag : {"--stream-count", "--channel-prefix", "--block-time-in-ms",
                             "--use-sharded-pubsub", "--only-plaintext"})
      for (int i = 1; i < argc; ++i)
        if (std::string(argv[i]).rfind(flag, 0) == 0)
          std::cerr << "sio-testserver: warning: " << flag
                    << " does not exist in protocol 0.2; ignored\n";
    flags.streamCount = 1;
    flags.useShardedPubSub = false;
    flags.onlyPlaintext = false;
  }

  boost::asio::io_context io(1);
  engine::HttpServer http(io, httpOptions(flags));
  std::optional<engine::Server> echo;
  if (flags.engineEcho) {
    auto options = engineOptions(flags);
    options.path = "/engine.io";
    echo.emplace(io, options);
    echoEverything(*echo);
    http.attach(*echo);
  }
  auto options = socketIoOptions(flags);
  std::shared_ptr<redis::Client> redis;
  if (flags.adapter != "memory") {
    try {
      redis = redisClient(io, flags);
    } catch (const std::exception& error) {
      return fail(error.what());
    }
    redis->start();
    if (flags.adapter == "redis-streams")
      options.adapter = adapters::createRedisStreamsAdapter(redis, streamsOptions(flags));
    else if (flags.adapter == "redis-sharded")
      options.adapter = adapters::createRedisShardedAdapter(redis, shardedOptions(flags));
    else
      options.adapter = adapters::createRedisAdapter(redis, classicOptions(flags));
  }
  Server io_server(io, options);
  io_server.attach(http);
  serveMetricsAndHealth(http, io_server);
  // SIGTERM drains: handshakes refused, sessions persisted and transports closed, then
  // once the adapters' writes (broadcasts, sessions, ADAPTER_CLOSE) are acknowledged, Redis
  // and the listener close. A second SIGTERM stops at once.
  engine::DrainOnSignal shutdown(io, [&](std::function<void()> finished) {
    if (echo) echo->close();
    io_server.drain(std::chrono::seconds(10), [&, finished] {
      http.close();
      if (redis) redis->close();
      finished();
    });
  });

  engine::ReloadTlsOnSignal reloadTls(io, http);

  uint16_t port = 0;
  try {
    port = http.listen(flags.host, flags.port);
  } catch (const std::exception& error) {
    std::cerr << "sio-testserver: " << error.what() << "\n";
    return 1;
  }
  auto node = std::make_shared<testserver::NodeState>();
  node->serverId =
      flags.serverId.empty() ? flags.host + ":" + std::to_string(port) : flags.serverId;
  node->adapter = flags.adapter;
  std::vector<std::string> namespaces{"/", "/custom"};
  namespaces.insert(namespaces.end(), flags.namespaces.begin(), flags.namespaces.end());
  for (const auto& name : namespaces) serveNamespace(io_server.of(name), node);
  if (flags.adminUi) instrumentAdminUi(io_server, flags, node->serverId);
  // Announce readiness once every namespace's adapter (the admin UI's too) is ready
  // (subscriptions live, stream readers polling).
  std::vector<std::shared_ptr<Namespace>> all;
  io_server.forEachNamespace([&](Namespace& nsp) { all.push_back(nsp.shared_from_this()); });
  auto waiting = std::make_shared<size_t>(all.size());
  for (const auto& nsp : all)
    nsp->adapter().whenReady([waiting, port] {
      if (--*waiting == 0) std::cout << "listening on " << port << std::endl;
    });
  io.run();
  return 0;
}
