// sio-bench: parsing and checking the flags. Numbers go through std::from_chars, URLs
// through parseTargetUrl; anything unknown, out of range or missing is a UsageError, which
// main() turns into the usage text and exit status 2.
#include "bench_options.hpp"

#include <charconv>
#include <vector>

#include "churn_session.hpp"
#include "cpu_time.hpp"

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
    "  churn --url URL --server-pid PID   --sessions short-lived clients of each --kind (default\n"
    "                      all, one after another), --connect-concurrency at once: the server's\n"
    "                      RSS and descriptors before, at the peak (sampled every 100 ms) and\n"
    "                      after (once its descriptors came back to the baseline; exit 1 if they\n"
    "                      did not within --settle-max). Start the server with short timers so\n"
    "                      that abandoned sessions time out fast: sio-testserver --ping-interval\n"
    "                      500 --ping-timeout 500 --connect-timeout 1000\n"
    "  stuck --url URL --server-pid PID   --connections clients that stop reading, never closing\n"
    "                      (half send --message-size `message` events every 10 ms, echoed back to\n"
    "                      them; half sit in room stuck) while --healthy clients in the room must\n"
    "                      get every 10 kB broadcast (--rate per second, default 50) in order "
    "(exit\n"
    "                      1 if not): the server's RSS and descriptors before, at the peak and\n"
    "                      after, and how many stuck clients it closed (default 100)\n"
    "options:\n"
    "  --connections N   connections (receivers, clients, concurrent handshakes)\n"
    "  --receivers N     the same as --connections\n"
    "  --duration S      measured seconds (default 10)\n"
    "  --warmup S        seconds of traffic before measuring (default 1)\n"
    "  --rate R          fanout/cluster: broadcasts per second; 0 = as fast as the window\n"
    "                    allows (default 0); stuck: broadcasts per second (default 50)\n"
    "  --window W        fanout/cluster: unacknowledged op emit requests at most (default 64)\n"
    "  --max-lag N       fanout/cluster: also at most N broadcasts not yet delivered to every\n"
    "                    receiver (closed loop: sustainable throughput; default off)\n"
    "  --drain S         fanout/cluster/stuck: at most this long for the last deliveries\n"
    "                    (stuck: and again for reading the stuck sockets at the end; default 10)\n"
    "  --event NAME      fanout/cluster: event name of the broadcasts (default b)\n"
    "  --room NAME       fanout/cluster: the room the receivers join (fanout default bench)\n"
    "  --server-pid PID  idle/churn/stuck: the server process whose memory (and descriptors)\n"
    "                    is read\n"
    "  --settle S        idle/stuck: seconds to wait before reading the RSS (default 3)\n"
    "  --sessions N      churn: sessions of each kind (default 100000)\n"
    "  --kind K          churn: one kind only, of\n"
    "                      handshake: half a request then a FIN, or a polling handshake never\n"
    "                        followed up (alternately)\n"
    "                      upgrade-cut: a polling handshake, then a WebSocket upgrade cut after\n"
    "                        the request, after the 101 or after a masked 2probe (in turn)\n"
    "                      vanish: a WebSocket session on / gone without a close frame, with a\n"
    "                        FIN or a reset (alternately)\n"
    "                      polling-timeout: a polling session on / that stops polling\n"
    "                      rooms: a WebSocket session on / and /custom; op join r1 r2 and op\n"
    "                        leave r1 on /, op join r1 r2 on /custom, leave /custom, close frame\n"
    "  --settle-max S    churn: at most this long for the server's descriptors to come back\n"
    "                    after each kind (default 30)\n"
    "  --message-size B  stuck: bytes of each stuck sender's message (default 100000)\n"
    "  --healthy H       stuck: healthy clients in the room (default 10)\n"
    "  --transport T     connect: websocket or polling (default websocket)\n"
    "  --threads N       io_contexts, one thread each, the connections shared out among them\n"
    "                    (default: the cores this process may run on, its taskset)\n"
    "  --cpu-pid PID     echo/fanout/cluster/connect: also report this process's CPU over the\n"
    "                    measured window (server_cpu_s, server_cpu_ratio; repeatable: summed)\n"
    "  --connect-concurrency N   connections being opened at once (default 64)\n"
    "  --no-progress     no progress lines on standard error\n"
    "  --json            print one JSON object instead of text\n"
    "  --help            print this and exit\n"
    "  --version         print the version and exit\n";

unsigned defaultConnections(const std::string& workload) {
  if (workload == "fanout" || workload == "idle") return 10000;
  if (workload == "connect") return 32;
  if (workload == "stuck") return 100;
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

unsigned toCount(const std::string& flag, const std::string& text, double min = 1) {
  double value = toNumber(flag, text, min);
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
  bool haveUrl = false, havePublish = false, haveReceive = false, haveRoom = false,
       haveRate = false;
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
      o.rate = toNumber(arg, value(), 0), haveRate = true;
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
    else if (arg == "--cpu-pid")
      o.cpuPids.push_back(int(toCount(arg, value())));
    else if (arg == "--transport")
      o.transport = value();
    else if (arg == "--sessions")
      o.sessions = toCount(arg, value());
    else if (arg == "--kind")
      o.kind = value();
    else if (arg == "--settle-max")
      o.settleMax = toNumber(arg, value(), 0);
    else if (arg == "--message-size")
      o.messageSize = toCount(arg, value());
    else if (arg == "--healthy")
      o.healthy = toCount(arg, value(), 0);
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
  if (w != "echo" && w != "fanout" && w != "cluster" && w != "idle" && w != "connect" &&
      w != "churn" && w != "stuck")
    throw UsageError("unknown workload " + w);
  if (w == "cluster") {
    if (!havePublish || !haveReceive)
      throw UsageError("cluster needs --publish-url and --receive-url");
  } else {
    if (!haveUrl) throw UsageError(w + " needs --url");
    o.publishUrl = o.receiveUrl = o.url;
  }
  if (w == "fanout" && !haveRoom) o.room = "bench";
  if ((w == "idle" || w == "churn" || w == "stuck") && o.serverPid == 0)
    throw UsageError(w + " needs --server-pid");
  if (!o.kind.empty() && !churnKindNamed(o.kind))
    throw UsageError("--kind is handshake, upgrade-cut, vanish, polling-timeout or rooms");
  if (w == "stuck" && !haveRate) o.rate = 50;
  if (w == "stuck" && o.rate <= 0) throw UsageError("stuck needs a --rate above 0");
  if (o.transport != "websocket" && o.transport != "polling")
    throw UsageError("--transport is websocket or polling");
  if (!plainName(o.event)) throw UsageError("--event must be a plain name");
  if (haveRoom && !plainName(o.room)) throw UsageError("--room must be a plain name");
  if (o.connections == 0) o.connections = defaultConnections(w);
  if (o.threads == 0) o.threads = affinityCores();
  if (o.connectConcurrency < o.threads) o.connectConcurrency = o.threads;
  return o;
}

}  // namespace sio::bench
