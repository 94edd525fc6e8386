// sio-emit: send to a Socket.IO cluster from the command line, through Redis, without
// being a server (the emitter API underneath: the Streams emitter, or with --adapter redis
// the classic adapter's). Arguments of events are JSON texts.
//
//   sio-emit --redis redis://127.0.0.1:6379 --nsp /chat --to room1 emit news '"hello"' '{"n":1}'
//   sio-emit sockets-join vip --to room1          sio-emit disconnect-sockets --close
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <iostream>

#include "sio/adapters/redis_emitter.hpp"
#include "sio/adapters/redis_streams_emitter.hpp"
#include "sio/codec/json.hpp"
#include "sio/log.hpp"
#include "sio/version.hpp"

namespace {

using namespace sio;

const char* kUsage =
    "usage: sio-emit [options] COMMAND [ARGS...]\n"
    "commands:\n"
    "  emit EVENT [JSON...]              broadcast EVENT with the JSON arguments\n"
    "  server-side-emit EVENT [JSON...]  emit to the servers' listeners\n"
    "  sockets-join ROOM...              make the selected sockets join ROOMs\n"
    "  sockets-leave ROOM...             make the selected sockets leave ROOMs\n"
    "  disconnect-sockets                disconnect the selected sockets (--close: their "
    "connection too)\n"
    "options:\n"
    "  --redis URL              Redis URL (redis://127.0.0.1:6379); repeatable with --cluster\n"
    "  --cluster                the --redis URLs are Redis Cluster seed nodes\n"
    "  --sentinel HOST:PORT     find the master through this Sentinel (repeatable)\n"
    "  --sentinel-master NAME   the master's name at the Sentinels\n"
    "  --adapter A              redis-streams (default) or redis (the classic pub/sub adapter)\n"
    "  --nsp NSP                the namespace (default /)\n"
    "  --to ROOM                only sockets in ROOM (repeatable)\n"
    "  --except ROOM            not sockets in ROOM (repeatable)\n"
    "  --volatile               a volatile emit\n"
    "  --compress true|false    the compress flag\n"
    "  --close                  disconnect-sockets: close the underlying connection too\n"
    "  --stream-name NAME       redis-streams: the stream name (socket.io)\n"
    "  --stream-count N         redis-streams: the number of streams (1)\n"
    "  --max-len N              redis-streams: MAXLEN of XADD (10000)\n"
    "  --only-plaintext         redis-streams: JSON-only entries\n"
    "  --key KEY                redis: the channel key (socket.io)\n"
    "  --log-level L            trace, debug, info, warn, error or off, to stderr (warn)\n"
    "  --help                   print this and exit\n"
    "  --version                print the version and exit\n";

struct Usage : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Applies the selectors to either emitter (they share one API).
template <class Emitter>
Emitter select(Emitter emitter, const std::vector<std::string>& to,
               const std::vector<std::string>& except, bool isVolatile,
               std::optional<bool> compress) {
  for (const auto& room : to) emitter = emitter.to(room);
  for (const auto& room : except) emitter = emitter.except(room);
  if (isVolatile) emitter = emitter.volatile_();
  if (compress) emitter = emitter.compress(*compress);
  return emitter;
}

// Runs one command on either emitter. Throws Usage.
template <class Emitter>
void run(const Emitter& emitter, const std::string& command, const std::vector<std::string>& rest,
         bool close, const std::function<void(std::error_code)>& done) {
  auto jsonArgs = [&](size_t from) {
    Args values;
    for (size_t i = from; i < rest.size(); ++i) {
      codec::JsonError error;
      auto value = codec::parseJson(rest[i], &error);
      if (!value)
        throw Usage("argument " + std::to_string(i + 1) + " is not JSON: " + error.message);
      values.push_back(std::move(*value));
    }
    return values;
  };
  if (command == "emit" || command == "server-side-emit") {
    if (rest.empty()) throw Usage(command + " needs an event name");
    if (command == "emit")
      emitter.emit(rest[0], jsonArgs(1), done);
    else
      emitter.serverSideEmit(rest[0], jsonArgs(1), done);
  } else if (command == "sockets-join" || command == "sockets-leave") {
    if (rest.empty()) throw Usage(command + " needs rooms");
    if (command == "sockets-join")
      emitter.socketsJoin(rest, done);
    else
      emitter.socketsLeave(rest, done);
  } else if (command == "disconnect-sockets") {
    emitter.disconnectSockets(close, done);
  } else {
    throw Usage("unknown command " + command);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  redis::ClientOptions clientOptions;
  clientOptions.urls.clear();
  adapters::RedisStreamsEmitterOptions emitterOptions;
  adapters::RedisEmitterOptions classicOptions;
  std::string nsp = "/", adapter = "redis-streams";
  std::vector<std::string> to, except, positional;
  bool isVolatile = false, close = false;
  std::optional<bool> compress;
  try {
    for (size_t i = 0; i < args.size(); ++i) {
      const std::string& arg = args[i];
      auto value = [&]() -> const std::string& {
        if (i + 1 >= args.size()) throw Usage(arg + " needs a value");
        return args[++i];
      };
      if (arg == "--help" || arg == "-h") {
        std::cout << kUsage;
        return 0;
      }
      if (arg == "--version") {
        std::cout << "sio-emit " << sio::kVersion << "\n";
        return 0;
      }
      if (arg == "--log-level") {
        auto level = log::parseLevel(value());
        if (!level) throw Usage("--log-level: trace, debug, info, warn, error or off");
        log::setLevel(*level);
      } else if (arg == "--redis")
        clientOptions.urls.push_back(value());
      else if (arg == "--cluster")
        clientOptions.cluster = true;
      else if (arg == "--sentinel")
        clientOptions.sentinels.push_back(value());
      else if (arg == "--sentinel-master")
        clientOptions.sentinelMaster = value();
      else if (arg == "--adapter")
        adapter = value();
      else if (arg == "--nsp")
        nsp = value();
      else if (arg == "--to")
        to.push_back(value());
      else if (arg == "--except")
        except.push_back(value());
      else if (arg == "--volatile")
        isVolatile = true;
      else if (arg == "--compress")
        compress = value() == "true";
      else if (arg == "--close")
        close = true;
      else if (arg == "--stream-name")
        emitterOptions.streamName = value();
      else if (arg == "--stream-count")
        emitterOptions.streamCount = std::stoi(value());
      else if (arg == "--max-len")
        emitterOptions.maxLen = std::stoll(value());
      else if (arg == "--only-plaintext")
        emitterOptions.onlyPlaintext = true;
      else if (arg == "--key")
        classicOptions.key = value();
      else if (arg.rfind("--", 0) == 0)
        throw Usage("unknown option " + arg);
      else
        positional.push_back(arg);
    }
    if (positional.empty()) throw Usage("no command");
    if (adapter != "redis-streams" && adapter != "redis")
      throw Usage("--adapter " + adapter + " is not supported (redis-streams or redis)");
  } catch (const std::exception& error) {
    std::cerr << "sio-emit: " << error.what() << "\n" << kUsage;
    return 2;
  }
  if (clientOptions.urls.empty()) clientOptions.urls = {"redis://127.0.0.1:6379"};
  clientOptions.clientName = "sio-emit";

  boost::asio::io_context io(1);
  std::shared_ptr<redis::Client> client;
  try {
    client = redis::Client::create(io.get_executor(), clientOptions);
  } catch (const std::exception& error) {
    std::cerr << "sio-emit: " << error.what() << "\n";
    return 2;
  }
  client->start();
  int status = 1;
  auto done = [&](std::error_code ec) {
    if (ec) std::cerr << "sio-emit: " << ec.message() << "\n";
    status = ec ? 1 : 0;
    client->close();
    io.stop();
  };
  std::vector<std::string> rest(positional.begin() + 1, positional.end());
  try {
    if (adapter == "redis")
      run(select(adapters::RedisEmitter(client, classicOptions).of(nsp), to, except, isVolatile,
                 compress),
          positional[0], rest, close, done);
    else
      run(select(adapters::RedisStreamsEmitter(client, emitterOptions).of(nsp), to, except,
                 isVolatile, compress),
          positional[0], rest, close, done);
  } catch (const std::exception& error) {
    std::cerr << "sio-emit: " << error.what() << "\n" << kUsage;
    return 2;
  }
  boost::asio::steady_timer limit(io, std::chrono::seconds(10));
  limit.async_wait([&](const boost::system::error_code& ec) {
    if (ec) return;
    std::cerr << "sio-emit: Redis did not answer within 10 s\n";
    client->close();
    io.stop();
  });
  io.run();
  return status;
}
