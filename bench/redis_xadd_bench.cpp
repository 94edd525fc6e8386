// Throughput of the Redis client on the streams adapter's hot command: pipelined
// `XADD <stream> MAXLEN ~ 10000 * type 3 data <~200 bytes>` from ONE connection, keeping a
// window of commands in flight. scripts/bench-redis runs it side by side with
// redis-benchmark on the same server. Usage: redis_xadd_bench URL COUNT WINDOW
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <string>

#include "sio/redis/connection.hpp"

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s URL COUNT WINDOW\n", argv[0]);
    return 2;
  }
  auto url = sio::redis::parseRedisUrl(argv[1]);
  long total = std::stol(argv[2]);
  long window = std::stol(argv[3]);
  if (!url || total <= 0 || window <= 0) return 2;

  boost::asio::io_context io(1);
  sio::redis::ConnectionOptions options;
  options.url = *url;
  auto connection = sio::redis::Connection::create(io.get_executor(), options);
  connection->start();

  const std::string payload(200, 'x');  // the size of a typical encoded socket.io broadcast
  long sent = 0, answered = 0, errors = 0;
  std::chrono::steady_clock::time_point started;
  std::function<void()> sendOne = [&] {
    ++sent;
    connection->send(sio::redis::Command{"XADD", "bench-stream", "MAXLEN", "~", "10000", "*",
                                         "type", "3", "data", payload},
                     [&](std::error_code ec, sio::redis::Reply reply) {
                       if (ec || reply.isError()) ++errors;
                       if (++answered == total) return io.stop();
                       if (sent < total) sendOne();
                     });
  };
  connection->onState(
      [&, begun = false](sio::redis::ConnectionState state, std::error_code) mutable {
        if (state != sio::redis::ConnectionState::Ready || begun) return;
        begun = true;
        started = std::chrono::steady_clock::now();
        for (long i = 0; i < window && sent < total; ++i) sendOne();
      });
  io.run();
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("sio-redis XADD: %ld commands in %.3f s = %.0f per second (window %ld, errors %ld)\n",
              total, seconds, double(total) / seconds, window, errors);
  return errors == 0 ? 0 : 1;
}
