// The chat example (the README's main job): rooms, nicknames and a typing notice on the
// C++ Socket.IO server, with the page and the official socket.io-client served from
// memory by the same HTTP server. With --redis, several nodes form one chat through the
// Redis Streams adapter, and a page whose node goes away resumes on another one
// (--peer lists the nodes the page may move to; connection state recovery is on).
//
//   sio-chat --port 3000 --public examples/chat/public
//            --client examples/chat/node_modules/socket.io-client/dist/socket.io.min.js
//            [--redis redis://127.0.0.1:6379 --peer http://localhost:3001 ...]
//            [--tls-cert chain.pem --tls-key key.pem]   (HTTPS and WSS; SIGHUP reloads them)
//            [--trust-proxy] [--cookie]                 (behind nginx or HAProxy)
//            [--cors-origin https://www.example.com]    (pages of another origin, with cookies)
//            [--max-connections N] [--max-len N] ...    (limits: see --help)
// GET /healthz, /readyz and /metrics are served on the same port (docs/deployment.md).
#include <boost/asio/io_context.hpp>
#include <iostream>

#include "sio/adapters/redis_streams.hpp"
#include "sio/codec/json.hpp"
#include "sio/engine/reload_tls_on_signal.hpp"
#include "sio/engine/shutdown_on_signal.hpp"
#include "sio/log.hpp"
#include "sio/server/metrics.hpp"
#include "sio/server/server.hpp"
#include "sio/version.hpp"
#include "static_files.hpp"

namespace {

using namespace sio;

struct Options {
  std::string host = "0.0.0.0";
  uint16_t port = 3000;
  std::string publicDir = "examples/chat/public";
  std::string clientScript = "examples/chat/node_modules/socket.io-client/dist/socket.io.min.js";
  std::string redis;               // empty: a single node with the in-memory adapter
  std::vector<std::string> peers;  // other nodes' URLs, for the page to fail over to
  std::string logLevel = "warn";
  std::string tlsCert;  // with tlsKey: HTTPS and WSS
  std::string tlsKey;
  bool trustProxy = false;      // client address and scheme from X-Forwarded-For / -Proto
  size_t trustedProxyHops = 1;  // proxies of yours in a row
  bool cookie = false;          // Engine.IO's io cookie, for HAProxy's stickiness
  std::string cookieSameSite = "Lax";
  std::vector<std::string> corsOrigins;  // empty: any origin, without credentials
  size_t maxConnections = 0;             // 0: no limit
  size_t maxBufferedBytes = 1u << 20;
  int64_t maxDisconnectionDuration = 120000;  // ms
  int64_t maxLen = 10000;                     // stream entries
};

const char* const kUsage =
    "usage: sio-chat [options]\n"
    "options:\n"
    "  --port N         port to listen on (3000)\n"
    "  --host H         address to listen on (0.0.0.0)\n"
    "  --public DIR     the page's files (examples/chat/public)\n"
    "  --client FILE    the browser's socket.io.min.js\n"
    "                   (examples/chat/node_modules/socket.io-client/dist/socket.io.min.js)\n"
    "  --redis URL      join the other nodes through the Redis Streams adapter (none: one node)\n"
    "  --peer URL       another node the page may move to (repeatable)\n"
    "  --tls-cert FILE  PEM certificate chain: serve HTTPS and WSS (SIGHUP reloads it)\n"
    "  --tls-key FILE   PEM private key of --tls-cert\n"
    "  --trust-proxy    take the client's address and scheme from X-Forwarded-For and\n"
    "                   X-Forwarded-Proto (only behind a proxy of yours)\n"
    "  --trusted-proxy-hops N  with --trust-proxy: proxies of yours in a row (1)\n"
    "  --cookie         set Engine.IO's io cookie on handshake (HAProxy sticks by it)\n"
    "  --cookie-same-site S  the io cookie's SameSite: Lax, Strict or None (Lax); None\n"
    "                   also marks it Secure (HTTPS only), for pages of another site\n"
    "  --cors-origin O  allow pages of origin O (e.g. https://www.example.com) with\n"
    "                   credentials (cookies); repeatable or comma-separated\n"
    "                   (default: any origin, without credentials)\n"
    "  --max-connections N  Engine.IO sessions at once; beyond, HTTP 503 (0: no limit)\n"
    "  --max-buffered-bytes N  bytes queued for a client that does not read before it\n"
    "                   is cut off (1048576; 0: no limit)\n"
    "  --max-disconnection-duration MS  connection state recovery window (120000)\n"
    "  --max-len N      with --redis: the stream's MAXLEN, entries kept (10000)\n"
    "  --log-level L    trace, debug, info, warn, error or off, to standard error (warn)\n"
    "  --help           print this and exit\n"
    "  --version        print the version and exit\n";

struct Usage : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// Throws Usage. Sets *exitNow for --help and --version, which print and end the program.
Options parseOptions(int argc, char** argv, bool* exitNow) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::cout << kUsage;
      *exitNow = true;
      return options;
    }
    if (flag == "--version") {
      std::cout << "sio-chat " << sio::kVersion << "\n";
      *exitNow = true;
      return options;
    }
    if (flag == "--trust-proxy") {
      options.trustProxy = true;
      continue;
    }
    if (flag == "--cookie") {
      options.cookie = true;
      continue;
    }
    if (i + 1 >= argc) throw Usage(flag + " needs a value");
    std::string value = argv[++i];
    auto number = [&](int64_t min, int64_t max) {
      size_t used = 0;
      int64_t n = 0;
      try {
        n = std::stoll(value, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used == 0 || used != value.size() || n < min || n > max)
        throw Usage(flag + ": expected a number from " + std::to_string(min) + " to " +
                    std::to_string(max) + ", got '" + value + "'");
      return n;
    };
    if (flag == "--port")
      options.port = static_cast<uint16_t>(std::stoi(value));
    else if (flag == "--host")
      options.host = value;
    else if (flag == "--public")
      options.publicDir = value;
    else if (flag == "--client")
      options.clientScript = value;
    else if (flag == "--redis")
      options.redis = value;
    else if (flag == "--peer")
      options.peers.push_back(value);
    else if (flag == "--tls-cert")
      options.tlsCert = value;
    else if (flag == "--tls-key")
      options.tlsKey = value;
    else if (flag == "--trusted-proxy-hops")
      options.trustedProxyHops = static_cast<size_t>(number(1, 16));
    else if (flag == "--cookie-same-site") {
      if (value != "Lax" && value != "Strict" && value != "None")
        throw Usage(flag + ": Lax, Strict or None, got '" + value + "'");
      options.cookieSameSite = value;
    } else if (flag == "--cors-origin") {
      for (size_t start = 0; start <= value.size();) {
        size_t comma = std::min(value.find(',', start), value.size());
        std::string origin = value.substr(start, comma - start);
        if (origin.empty() || origin == "*")
          throw Usage(flag + ": an origin such as https://www.example.com, got '" + value + "'");
        options.corsOrigins.push_back(origin);
        start = comma + 1;
      }
    } else if (flag == "--max-connections")
      options.maxConnections = static_cast<size_t>(number(0, 100'000'000));
    else if (flag == "--max-buffered-bytes")
      options.maxBufferedBytes = static_cast<size_t>(number(0, int64_t{1} << 40));
    else if (flag == "--max-disconnection-duration")
      options.maxDisconnectionDuration = number(0, 86'400'000);
    else if (flag == "--max-len")
      options.maxLen = number(1, 1'000'000'000);
    else if (flag == "--log-level" && log::parseLevel(value))
      options.logLevel = value;
    else
      throw Usage("unknown flag " + flag);
  }
  if (options.tlsCert.empty() != options.tlsKey.empty())
    throw Usage("--tls-cert and --tls-key go together");
  if (options.cookieSameSite != "Lax" && !options.cookie)
    throw Usage("--cookie-same-site needs --cookie");
  return options;
}

// What the server remembers of a chatter, kept in socket.data.
std::string nicknameOf(const Socket& socket) {
  const Value* nickname = socket.data().find("nickname");
  return nickname && nickname->isString() ? nickname->asString() : "anonymous";
}
std::string roomOf(const Socket& socket) {
  const Value* room = socket.data().find("room");
  return room && room->isString() ? room->asString() : "";
}

std::string cleanText(const Value& value, size_t limit) {
  if (!value.isString()) return "";
  std::string text = value.asString();
  if (text.size() > limit) text.resize(limit);
  return text;
}

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void serveChat(Server& io) {
  io.onConnection([&io](const std::shared_ptr<Socket>& socket) {
    std::weak_ptr<Socket> weak = socket;

    // join({room, nickname}, ack) -> ack({room, nickname, users})
    socket->on("join", [&io, weak](const Args& args, const Ack& ack) {
      auto self = weak.lock();
      if (!self || args.empty() || !args[0].isObject()) return;
      std::string nickname =
          cleanText(args[0].find("nickname") ? *args[0].find("nickname") : Value(), 32);
      std::string room = cleanText(args[0].find("room") ? *args[0].find("room") : Value(), 32);
      if (nickname.empty()) nickname = "anonymous";
      if (room.empty()) room = "lobby";
      if (std::string previous = roomOf(*self); !previous.empty()) {
        self->to(previous).emit("left", {Value::object({{"nickname", nicknameOf(*self)}})});
        self->leave(previous);
      }
      self->data().set("nickname", nickname);
      self->data().set("room", room);
      self->join(room);
      self->to(room).emit("joined", {Value::object({{"nickname", nickname}})});
      // Everyone in the room, on every node.
      io.in(room).fetchSockets([ack, room, nickname](std::vector<RemoteSocket> sockets,
                                                     const std::optional<Error>&) {
        ack({Value::object({{"room", room}, {"nickname", nickname}, {"users", sockets.size()}})});
      });
    });

    // chat message(text) -> everyone in the room gets {from, text, time}
    socket->on("chat message", [&io, weak](const Args& args, const Ack& ack) {
      auto self = weak.lock();
      if (!self || roomOf(*self).empty() || args.empty()) return;
      std::string text = cleanText(args[0], 2000);
      if (text.empty()) return;
      io.to(roomOf(*self))
          .emit("chat message",
                {Value::object({{"from", nicknameOf(*self)}, {"text", text}, {"time", nowMs()}})});
      if (ack) ack({true});
    });

    // typing(bool) -> the others in the room, volatile: a lost notice does not matter
    socket->on("typing", [weak](const Args& args, const Ack&) {
      auto self = weak.lock();
      if (!self || roomOf(*self).empty()) return;
      bool typing = !args.empty() && args[0].isBool() && args[0].asBool();
      self->volatile_()
          .to(roomOf(*self))
          .emit("typing", {Value::object({{"nickname", nicknameOf(*self)}, {"typing", typing}})});
    });

    socket->onDisconnecting([weak](const std::string&, const std::string&) {
      auto self = weak.lock();
      if (!self || roomOf(*self).empty()) return;
      self->to(roomOf(*self)).emit("left", {Value::object({{"nickname", nicknameOf(*self)}})});
    });
  });
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  bool exitNow = false;
  try {
    options = parseOptions(argc, argv, &exitNow);
  } catch (const std::exception& error) {
    std::cerr << "sio-chat: " << error.what() << "\n" << kUsage;
    return 2;
  }
  if (exitNow) return 0;
  log::setLevel(*log::parseLevel(options.logLevel));
  StaticFiles files;
  try {
    files.addDirectory("/", options.publicDir);
    files.addFile("/vendor/socket.io.min.js", options.clientScript);
  } catch (const std::exception& error) {
    std::cerr << "sio-chat: " << error.what() << "\n(run `npm install` in examples/chat first)\n";
    return 1;
  }

  boost::asio::io_context io(1);
  engine::HttpServerOptions httpOptions;
  if (!options.tlsCert.empty())
    httpOptions.tls = engine::TlsOptions{options.tlsCert, options.tlsKey};
  httpOptions.trustProxy = options.trustProxy;
  httpOptions.trustedProxyHops = options.trustedProxyHops;
  engine::HttpServer http(io, httpOptions);
  engine::ReloadTlsOnSignal reloadTls(io, http);
  ServerOptions serverOptions;
  ConnectionStateRecoveryOptions recovery;  // resume where you left
  recovery.maxDisconnectionDuration = std::chrono::milliseconds(options.maxDisconnectionDuration);
  serverOptions.connectionStateRecovery = recovery;
  // Pages of the other nodes may move here: any origin, without cookies. Pages of named
  // origins (--cors-origin) send cookies, which HAProxy's stickiness needs.
  serverOptions.engine.cors = engine::CorsOptions{};
  if (!options.corsOrigins.empty()) {
    serverOptions.engine.cors->origin = options.corsOrigins;
    serverOptions.engine.cors->credentials = true;
  }
  if (options.cookie) {
    engine::CookieOptions cookie;
    cookie.sameSite = options.cookieSameSite;
    cookie.secure = options.cookieSameSite == "None";  // browsers require it with None
    serverOptions.engine.cookie = cookie;
  }
  serverOptions.engine.maxConnections = options.maxConnections;
  serverOptions.engine.maxBufferedBytes = options.maxBufferedBytes;
  std::shared_ptr<redis::Client> redis;
  if (!options.redis.empty()) {
    redis::ClientOptions redisOptions;
    redisOptions.urls = {options.redis};
    redisOptions.clientName = "sio-chat";
    try {
      redis = redis::Client::create(io.get_executor(), redisOptions);
    } catch (const std::exception& error) {
      std::cerr << "sio-chat: " << error.what() << "\n";
      return 2;
    }
    redis->start();
    adapters::RedisStreamsOptions streams;
    streams.maxLen = options.maxLen;
    serverOptions.adapter = adapters::createRedisStreamsAdapter(redis, streams);
  }
  Server server(io, serverOptions);
  server.attach(http);
  serveMetricsAndHealth(http, server);  // GET /metrics, /healthz, /readyz
  // The page asks which other nodes it may move to.
  Value::Array peers(options.peers.begin(), options.peers.end());
  std::string config = codec::toJson(Value::object({{"peers", Value(std::move(peers))}}));
  http.onRequest([&files, config](const engine::Request& request, const std::string&,
                                  engine::HttpServer::Respond respond) {
    if (request.path() == "/config.json")
      return respond(engine::HttpResponse{200, {{"Content-Type", "application/json"}}, config});
    respond(files.respond(request));
  });
  serveChat(server);
  // SIGTERM drains: pages are told to go (their sessions saved for the node they move to),
  // then Redis and the listener close once the saves are acknowledged; a second one stops
  // at once.
  engine::DrainOnSignal shutdown(io, [&](std::function<void()> finished) {
    server.drain(std::chrono::seconds(10), [&, finished] {
      http.close();
      if (redis) redis->close();
      finished();
    });
  });
  uint16_t port = 0;
  try {
    port = http.listen(options.host, options.port);
  } catch (const std::exception& error) {
    std::cerr << "sio-chat: " << error.what() << "\n";
    return 1;
  }
  std::cout << "chat on " << (http.secure() ? "https" : "http") << "://localhost:" << port << "/"
            << std::endl;
  io.run();
  return 0;
}
