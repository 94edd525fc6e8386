// sio-bench: parsing and checking the flags. Numbers go through std::from_chars, URLs
// through parseTargetUrl; anything unknown, out of range or missing is a UsageError, which
// main() turns into the usage text and exit status 2.
#include "bench_options.hpp"

#include <charconv>
#include <vector>

namespace sio::bench {

const char* const kUsage =
    "usage: sio-bench WORKLOAD [options]      (URLs: ws://host:port[/path] or http://…;\n"
    "                                         the path defaults to /socket.io/)\n"
    "workloads:\n"
    "  echo --url URL      clients emit `message-with-ack` [send-time-ns] in a closed loop\n"
    "                      (one in flight each): acks/s and round-trip latency (default 1000)\n"
    "  fanout --url URL    receivers join a room (`op join`); a publisher asks for broadcasts\n"
    "                      to it (`op emit`, event b, args [seq, send-time-ns]): deliveries/s\n"
    "                      and one-way latency (default 10000 receivers, room bench)\n"
    "  cluster --publish-url URL --receive-url URL   as fanout, the publisher on node A and\n"
    "                      the receivers (no room) on node B (default 1000 receivers)\n"
    "  idle --url URL --server-pid PID   opens idle connections and reads the server's RSS\n"
    "                      from /proc/PID/status before and after (default 10000)\n"
    "  connect --url URL   Socket.IO handshakes in a closed loop, each on a new connection,\n"
    "                      --connections of them at once: handshakes/s and their latency\n"
    "                      (default 32); --transport websocket | polling (then upgrade)\n"
    "options:\n"
    "  --connections N   connections (receivers, clients, concurrent handshakes)\n"
    "  --receivers N     the same as --connections\n"
    "  --duration S      measured seconds (default 10)\n"
    "  --warmup S        seconds of traffic before measuring (default 1)\n"
    "  --rate R          fanout/cluster: broadcasts per second; 0 = as fast as the window\n"
    "                    allows (default 0)\n"
    "  --window W        fanout/cluster: unacknowledged op emit requests at most (default 64)\n"
    "  --max-lag N       fanout/cluster: also at most N broadcasts not yet delivered to every\n"
    "                    receiver (closed loop: sustainable throughput; default off)\n"
    "  --drain S         fanout/cluster: at most this long for the last deliveries (default 10)\n"
    "  --event NAME      fanout/cluster: event name of the broadcasts (default b)\n"
    "  --room NAME       fanout/cluster: the room the receivers join (fanout default bench)\n"
    "  --server-pid PID  idle: the server process whose memory is read\n"
    "  --settle S        idle: seconds to wait before reading the RSS (default 3)\n"
    "  --transport T     connect: websocket or polling (default websocket)\n"
    "  --threads N       io_contexts, one thread each (default 1)\n"
    "  --connect-concurrency N   connections being opened at once (default 64)\n"
    "  --no-progress     no progress lines on standard error\n"
    "  --json            print one JSON object instead of text\n"
    "  --help            print this and exit\n"
    "  --version         print the version and exit\n";

unsigned defaultConnections(const std::string& workload) {
  if (workload == "fanout" || workload == "idle") return 10000;
  if (workload == "connect") return 32;
  return 1000;
}

namespace {

double toNumber(const std::string& flag, const std::string& text, double min) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min)
    throw UsageError(flag + " needs a number >= " + std::to_string(min) + ", not '" + text + "'");
  return value;
}

unsigned toCount(const std::string& flag, const std::string& text) {
  double value = toNumber(flag, text, 1);
  if (value != double(unsigned(value))) throw UsageError(flag + " needs a whole number");
  return unsigned(value);
}

TargetUrl toUrl(const std::string& text) {
  std::string error;
  auto url = parseTargetUrl(text, &error);
  if (!url) throw UsageError(error);
  return *url;
}

bool plainName(const std::string& name) {
  return !name.empty() && name.find_first_of("\"\\") == std::string::npos;
}

}  // namespace

BenchOptions parseBenchOptions(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  BenchOptions o;
  bool haveUrl = false, havePublish = false, haveReceive = false, haveRoom = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw UsageError(arg + " needs a value");
      return args[++i];
    };
    if (arg == "--url")
      o.url = toUrl(value()), haveUrl = true;
    else if (arg == "--publish-url")
      o.publishUrl = toUrl(value()), havePublish = true;
    else if (arg == "--receive-url")
      o.receiveUrl = toUrl(value()), haveReceive = true;
    else if (arg == "--connections" || arg == "--receivers")
      o.connections = toCount(arg, value());
    else if (arg == "--rate")
      o.rate = toNumber(arg, value(), 0);
    else if (arg == "--window")
      o.window = toCount(arg, value());
    else if (arg == "--max-lag")
      o.maxLag = toCount(arg, value());
    else if (arg == "--duration")
      o.duration = toNumber(arg, value(), 0.001);
    else if (arg == "--warmup")
      o.warmup = toNumber(arg, value(), 0);
    else if (arg == "--drain")
      o.drain = toNumber(arg, value(), 0);
    else if (arg == "--settle")
      o.settle = toNumber(arg, value(), 0);
    else if (arg == "--threads")
      o.threads = toCount(arg, value());
    else if (arg == "--connect-concurrency")
      o.connectConcurrency = toCount(arg, value());
    else if (arg == "--event")
      o.event = value();
    else if (arg == "--room")
      o.room = value(), haveRoom = true;
    else if (arg == "--server-pid")
      o.serverPid = int(toCount(arg, value()));
    else if (arg == "--transport")
      o.transport = value();
    else if (arg == "--json")
      o.json = true;
    else if (arg == "--no-progress")
      o.progress = false;
    else if (arg == "-h" || arg == "--help")
      return o.help = true, o;
    else if (arg == "--version")
      return o.version = true, o;
    else if (arg.rfind("--", 0) == 0)
      throw UsageError("unknown option " + arg);
    else if (o.workload.empty())
      o.workload = arg;
    else
      throw UsageError("unexpected argument " + arg);
  }
  const std::string& w = o.workload;
  if (w.empty()) throw UsageError("no workload");
  if (w != "echo" && w != "fanout" && w != "cluster" && w != "idle" && w != "connect")
    throw UsageError("unknown workload " + w);
  if (w == "cluster") {
    if (!havePublish || !haveReceive)
      throw UsageError("cluster needs --publish-url and --receive-url");
  } else {
    if (!haveUrl) throw UsageError(w + " needs --url");
    o.publishUrl = o.receiveUrl = o.url;
  }
  if (w == "fanout" && !haveRoom) o.room = "bench";
  if (w == "idle" && o.serverPid == 0) throw UsageError("idle needs --server-pid");
  if (o.transport != "websocket" && o.transport != "polling")
    throw UsageError("--transport is websocket or polling");
  if (!plainName(o.event)) throw UsageError("--event must be a plain name");
  if (haveRoom && !plainName(o.room)) throw UsageError("--room must be a plain name");
  if (o.connections == 0) o.connections = defaultConnections(w);
  if (o.connectConcurrency < o.threads) o.connectConcurrency = o.threads;
  return o;
}

}  // namespace sio::bench
