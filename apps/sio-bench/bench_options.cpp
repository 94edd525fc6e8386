// sio-bench: parsing and checking the flags. Numbers go through std::from_chars, URLs
// through parseTargetUrl; anything unknown or out of range is a UsageError, which main()
// turns into the usage text and exit status 2.
#include "bench_options.hpp"

#include <charconv>
#include <vector>

namespace sio::bench {

const char* const kUsage =
    "usage: sio-bench cluster --publish-url URL --receive-url URL [options]\n"
    "  A publisher on node A (--publish-url) asks for broadcasts with `op emit` (event \"b\",\n"
    "  args [seq, send-time-ns]); receivers on node B (--receive-url) measure deliveries and\n"
    "  one-way latency. URLs: ws://host:port[/path] or http://… (path default /socket.io/).\n"
    "options:\n"
    "  --receivers N     receiving connections (default 1000)\n"
    "  --rate R          broadcasts per second; 0 = as fast as the window allows (default 0)\n"
    "  --window W        unacknowledged op emit requests at most (default 64)\n"
    "  --max-lag N       also at most N broadcasts not yet delivered to every receiver\n"
    "                    (closed loop: sustainable throughput; default off)\n"
    "  --duration S      measured seconds (default 10)\n"
    "  --warmup S        seconds of publishing before measuring (default 1)\n"
    "  --drain S         at most this long for the window's last deliveries (default 10)\n"
    "  --threads N       io_contexts, one thread each (default 1)\n"
    "  --connect-concurrency N   connections being opened at once (default 64)\n"
    "  --event NAME      event name of the broadcasts (default b)\n"
    "  --json            print one JSON object instead of text\n";

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

}  // namespace

BenchOptions parseBenchOptions(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  BenchOptions options;
  ClusterOptions& c = options.cluster;
  bool havePublish = false, haveReceive = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw UsageError(arg + " needs a value");
      return args[++i];
    };
    if (arg == "--publish-url")
      c.publishUrl = toUrl(value()), havePublish = true;
    else if (arg == "--receive-url")
      c.receiveUrl = toUrl(value()), haveReceive = true;
    else if (arg == "--receivers")
      c.receivers = toCount(arg, value());
    else if (arg == "--rate")
      c.rate = toNumber(arg, value(), 0);
    else if (arg == "--window")
      c.window = toCount(arg, value());
    else if (arg == "--max-lag")
      c.maxLag = toCount(arg, value());
    else if (arg == "--duration")
      c.duration = toNumber(arg, value(), 0.001);
    else if (arg == "--warmup")
      c.warmup = toNumber(arg, value(), 0);
    else if (arg == "--drain")
      c.drain = toNumber(arg, value(), 0);
    else if (arg == "--threads")
      c.threads = toCount(arg, value());
    else if (arg == "--connect-concurrency")
      c.connectConcurrency = toCount(arg, value());
    else if (arg == "--event")
      c.event = value();
    else if (arg == "--json")
      options.json = true;
    else if (arg == "-h" || arg == "--help")
      throw UsageError("");
    else if (arg.rfind("--", 0) == 0)
      throw UsageError("unknown option " + arg);
    else if (options.workload.empty())
      options.workload = arg;
    else
      throw UsageError("unexpected argument " + arg);
  }
  if (options.workload.empty()) throw UsageError("no workload");
  if (options.workload != "cluster") throw UsageError("unknown workload " + options.workload);
  if (!havePublish || !haveReceive)
    throw UsageError("cluster needs --publish-url and --receive-url");
  if (c.event.empty() || c.event.find_first_of("\"\\") != std::string::npos)
    throw UsageError("--event must be a plain name");
  if (c.connectConcurrency < c.threads) c.connectConcurrency = c.threads;
  return options;
}

}  // namespace sio::bench
